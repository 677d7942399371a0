//go:build !unix

package securefile

// oNoFollow is 0 where the system has no O_NOFOLLOW; OpenAppend's Lstat check remains.
const oNoFollow = 0
