// Package pingone is a thin, typed client for the PingOne Platform (Management) API
// and its authorization server, as much of it as pingone-setup needs: environments,
// applications and their secrets, roles and role assignments, users, resources,
// scopes and application grants.
//
// A zero Client is usable once BaseURL is set; HTTP carries authentication (an
// oauth2.Transport, see HTTPClient and NewClient). Every non-2xx response becomes a
// *Error reachable with errors.As; helpers such as IsNotFound and IsForbidden branch
// on PingOne's error code first and the HTTP status second. Requests are retried per
// RetryPolicy, and every HTTP attempt can be recorded, with secrets redacted, through
// Client.Transcript.
//
// Field names, enums and shapes follow PingOne's OpenAPI spec (pingone-management.yml).
// Behaviour the spec and Ping's documentation do not confirm is marked [unconfirmed]
// in comments.
package pingone
