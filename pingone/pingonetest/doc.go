// Package pingonetest is a simulated PingOne: an http.Handler with in-memory
// state that serves the Management API under /v1 and the per-environment
// authorization server under /{envID}/as.
//
// It is used by the project's tests, by `pingone-setup --demo` (in process) and
// by `pingone-setup simulate --listen`. It deliberately has its own JSON
// representation instead of importing package pingone, so drift in the client
// cannot hide behind shared types.
//
// The simulator tries hard not to be kinder than PingOne: every Management API
// call needs a valid RS256 bearer token, every endpoint checks a permission
// against the actor's effective role assignments (a user's own plus those of
// its groups, once propagated; see SetPropagationDelay) and their scopes, PUT
// replaces the whole resource, validation errors come back as PingOne's
// P1Error bodies, and sign-in applies the application's access policies
// (admin roles, group membership). Faults can refuse a request, fail it after
// it was committed, or lose its response (Fault).
// A Server's tenant is also data (Snapshot): `simulate --save` writes it, and
// NewFromSnapshot starts a Server from a saved one or from the tenant facts of
// a support bundle, checking every reference as it loads.
// Behaviour that is not confirmed by PingOne's OpenAPI spec or by the project's
// notes (docs/pingone-api.md) is marked "[unconfirmed]" in comments, together
// with what was assumed.
//
// Typical test use:
//
//	sim := pingonetest.New()
//	srv := httptest.NewServer(sim)
//	defer srv.Close()
//	seed := sim.Seed()
//	token := sim.IssueUserToken(seed.Production.ID, seed.Admin.ID, time.Hour)
//	// GET srv.URL+"/v1/environments" with "Authorization: Bearer "+token
package pingonetest
