package main

import (
	"runtime/debug"
	"strings"
)

// Set by the Makefile's build target with -ldflags "-X main.version=... -X main.commit=...
// -X main.date=..."; where empty, they come from what Go records in the binary.
var (
	version string
	commit  string
	date    string
)

// versionString is what --version prints after the program's name.
func versionString() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return describeVersion(version, commit, date, bi)
}

// describeVersion fills in what -ldflags left empty from the build info: the module version
// (set by go install ...@vX), and the commit and its time (set by go build in a git checkout; Go
// records no build date, so the commit's date is shown as such).
func describeVersion(v, c, d string, bi *debug.BuildInfo) string {
	dateWord, dirty, fromBuildInfo := "built", false, c == ""
	if bi != nil {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if c == "" {
					c = s.Value
					if len(c) > 12 {
						c = c[:12]
					}
				}
			case "vcs.time":
				if d == "" {
					d, dateWord = s.Value, "committed"
				}
			case "vcs.modified":
				dirty = fromBuildInfo && s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "dev"
	}
	var parts []string
	if c != "" {
		if dirty {
			c += ", modified"
		}
		parts = append(parts, "commit "+c)
	}
	if d != "" {
		parts = append(parts, dateWord+" "+d)
	}
	if len(parts) == 0 {
		return v
	}
	return v + " (" + strings.Join(parts, ", ") + ")"
}
