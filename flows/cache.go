package flows

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// Reads is the API of one run with its reads remembered: a read asked for twice is sent once,
// and a read asked for while the same one is in flight waits for it. Prefetch starts the reads a
// setup will need before the steps ask, so independent reads overlap. Every write forgets what it
// may change (whether it succeeded or not), so a lookup after a write whose outcome is unknown
// always asks PingOne again, and a read that guards a write can ask for an answer younger than a
// given age (WithMaxAge).
type Reads struct {
	API
	mu    sync.Mutex
	calls map[string]*readCall
	now   func() time.Time
}

type readCall struct {
	done chan struct{}
	at   time.Time
	val  any
	err  error
}

// Cached wraps api so that its reads are remembered for one run; an api already wrapped is
// returned as is.
func Cached(api API) *Reads {
	if r, ok := api.(*Reads); ok {
		return r
	}
	return &Reads{API: api, calls: map[string]*readCall{}, now: time.Now}
}

type maxAgeKey struct{}

// WithMaxAge makes the reads made with ctx take no remembered answer older than d (0: always ask
// PingOne).
func WithMaxAge(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, maxAgeKey{}, d)
}

// read answers key from memory, from the same read in flight, or by calling fetch.
func read[T any](ctx context.Context, r *Reads, key string, fetch func() (T, error)) (T, error) {
	r.mu.Lock()
	c, ok := r.calls[key]
	if ok {
		select {
		case <-c.done:
			if age, limited := ctx.Value(maxAgeKey{}).(time.Duration); limited && r.now().Sub(c.at) > age {
				ok = false
			}
		default: // in flight: wait for it
		}
	}
	if !ok {
		c = &readCall{done: make(chan struct{})}
		r.calls[key] = c
		r.mu.Unlock()
		v, err := fetch()
		r.mu.Lock()
		c.val, c.err, c.at = v, err, r.now()
		if err != nil && r.calls[key] == c {
			delete(r.calls, key) // a failed read is asked again
		}
		close(c.done)
		r.mu.Unlock()
		return v, err
	}
	r.mu.Unlock()
	select {
	case <-c.done:
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
	if c.err != nil {
		var zero T
		return zero, c.err
	}
	return c.val.(T), nil
}

// forget drops every remembered read whose key starts with one of prefixes.
func (r *Reads) forget(prefixes ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.calls {
		for _, p := range prefixes {
			if strings.HasPrefix(k, p) {
				delete(r.calls, k)
			}
		}
	}
}

func key(parts ...string) string { return strings.Join(parts, "\x00") + "\x00" }

// remember records what a write of ours made PingOne hold, so the next read of key need not ask:
// update gets the remembered value and returns the new one. Where nothing is remembered (or a read
// is in flight) the key is forgotten instead, and the next read asks PingOne.
func remember[T any](r *Reads, k string, update func(T) T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.calls[k]
	if !ok {
		return
	}
	select {
	case <-c.done:
		if v, ok := c.val.(T); ok && c.err == nil {
			// A new entry, never a changed one: a reader may hold the old one without the lock.
			n := &readCall{done: make(chan struct{}), at: c.at, val: update(v)}
			close(n.done)
			r.calls[k] = n
			return
		}
	default:
	}
	delete(r.calls, k)
}

// prime records a value PingOne certainly holds (e.g. a new app's empty role list).
func prime[T any](r *Reads, k string, v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := &readCall{done: make(chan struct{}), at: r.now(), val: v}
	close(c.done)
	r.calls[k] = c
}

// ListEnvironments is remembered.
func (r *Reads) ListEnvironments(ctx context.Context) ([]pingone.Environment, error) {
	v, err := read(ctx, r, key("envs"), func() ([]pingone.Environment, error) { return r.API.ListEnvironments(ctx) })
	return slices.Clone(v), err
}

// GetEnvironment is remembered.
func (r *Reads) GetEnvironment(ctx context.Context, envID string) (*pingone.Environment, error) {
	return read(ctx, r, key("env", envID), func() (*pingone.Environment, error) { return r.API.GetEnvironment(ctx, envID) })
}

// ListApplications is remembered until an application of envID is written.
func (r *Reads) ListApplications(ctx context.Context, envID string) ([]pingone.Application, error) {
	v, err := read(ctx, r, key("apps", envID), func() ([]pingone.Application, error) { return r.API.ListApplications(ctx, envID) })
	return slices.Clone(v), err
}

// GetApplication is remembered until the application is written.
func (r *Reads) GetApplication(ctx context.Context, envID, appID string) (*pingone.Application, error) {
	return read(ctx, r, key("app", envID, appID), func() (*pingone.Application, error) { return r.API.GetApplication(ctx, envID, appID) })
}

// CreateApplication adds the new app to the remembered list of envID (forgets it when the outcome
// is unknown). A new app that does not inherit its creator's roles holds none, and no grant.
func (r *Reads) CreateApplication(ctx context.Context, envID string, app pingone.Application) (*pingone.Application, error) {
	out, err := r.API.CreateApplication(ctx, envID, app)
	if err != nil {
		r.forget(key("apps", envID))
		return out, err
	}
	remember(r, key("apps", envID), func(v []pingone.Application) []pingone.Application { return append(slices.Clone(v), *out) })
	if app.AssignActorRoles != nil && !*app.AssignActorRoles {
		prime(r, key("appRA", envID, out.ID), []pingone.RoleAssignment{})
	}
	prime(r, key("grants", envID, out.ID), []pingone.ApplicationGrant{})
	return out, nil
}

// UpdateApplication remembers the app as PingOne answered it.
func (r *Reads) UpdateApplication(ctx context.Context, envID, appID string, app pingone.Application) (*pingone.Application, error) {
	out, err := r.API.UpdateApplication(ctx, envID, appID, app)
	if err != nil {
		r.forget(key("apps", envID), key("app", envID, appID))
		return out, err
	}
	remember(r, key("apps", envID), func(v []pingone.Application) []pingone.Application {
		v = slices.Clone(v)
		for i := range v {
			if v[i].ID == appID {
				v[i] = *out
			}
		}
		return v
	})
	r.forget(key("app", envID, appID))
	return out, nil
}

// GetApplicationSecret is remembered (in memory only) so the hand-off can take it read ahead.
func (r *Reads) GetApplicationSecret(ctx context.Context, envID, appID string) (*pingone.ApplicationSecret, error) {
	return read(ctx, r, key("secret", envID, appID), func() (*pingone.ApplicationSecret, error) {
		return r.API.GetApplicationSecret(ctx, envID, appID)
	})
}

// assigned adds an assignment we made to a remembered list.
func assigned(r *Reads, k string, ra *pingone.RoleAssignment, err error) {
	if err != nil {
		r.forget(k)
		return
	}
	remember(r, k, func(v []pingone.RoleAssignment) []pingone.RoleAssignment { return append(slices.Clone(v), *ra) })
}

// ListRoles is remembered.
func (r *Reads) ListRoles(ctx context.Context) ([]pingone.Role, error) {
	v, err := read(ctx, r, key("roles"), func() ([]pingone.Role, error) { return r.API.ListRoles(ctx) })
	return slices.Clone(v), err
}

// ListUserRoleAssignments is remembered until the user's roles are written.
func (r *Reads) ListUserRoleAssignments(ctx context.Context, envID, userID string) ([]pingone.RoleAssignment, error) {
	v, err := read(ctx, r, key("userRA", envID, userID), func() ([]pingone.RoleAssignment, error) {
		return r.API.ListUserRoleAssignments(ctx, envID, userID)
	})
	return slices.Clone(v), err
}

// CreateUserRoleAssignment adds the assignment to the user's remembered list.
func (r *Reads) CreateUserRoleAssignment(ctx context.Context, envID, userID string, ra pingone.RoleAssignment) (*pingone.RoleAssignment, error) {
	out, err := r.API.CreateUserRoleAssignment(ctx, envID, userID, ra)
	assigned(r, key("userRA", envID, userID), out, err)
	return out, err
}

// ListApplicationRoleAssignments is remembered until the application's roles are written.
func (r *Reads) ListApplicationRoleAssignments(ctx context.Context, envID, appID string) ([]pingone.RoleAssignment, error) {
	v, err := read(ctx, r, key("appRA", envID, appID), func() ([]pingone.RoleAssignment, error) {
		return r.API.ListApplicationRoleAssignments(ctx, envID, appID)
	})
	return slices.Clone(v), err
}

// CreateApplicationRoleAssignment adds the assignment to the app's remembered list.
func (r *Reads) CreateApplicationRoleAssignment(ctx context.Context, envID, appID string, ra pingone.RoleAssignment) (*pingone.RoleAssignment, error) {
	out, err := r.API.CreateApplicationRoleAssignment(ctx, envID, appID, ra)
	assigned(r, key("appRA", envID, appID), out, err)
	return out, err
}

// ListUsers is remembered per filter.
func (r *Reads) ListUsers(ctx context.Context, envID, filter string) ([]pingone.User, error) {
	v, err := read(ctx, r, key("users", envID, filter), func() ([]pingone.User, error) { return r.API.ListUsers(ctx, envID, filter) })
	return slices.Clone(v), err
}

// GetUser is remembered.
func (r *Reads) GetUser(ctx context.Context, envID, userID string) (*pingone.User, error) {
	return read(ctx, r, key("user", envID, userID), func() (*pingone.User, error) { return r.API.GetUser(ctx, envID, userID) })
}

// GetUserGroupIDs is remembered.
func (r *Reads) GetUserGroupIDs(ctx context.Context, envID, userID string) ([]string, error) {
	v, err := read(ctx, r, key("userGroups", envID, userID), func() ([]string, error) { return r.API.GetUserGroupIDs(ctx, envID, userID) })
	return slices.Clone(v), err
}

// ListGroups is remembered per filter.
func (r *Reads) ListGroups(ctx context.Context, envID, filter string) ([]pingone.Group, error) {
	v, err := read(ctx, r, key("groups", envID, filter), func() ([]pingone.Group, error) { return r.API.ListGroups(ctx, envID, filter) })
	return slices.Clone(v), err
}

// ListGroupRoleAssignments is remembered.
func (r *Reads) ListGroupRoleAssignments(ctx context.Context, envID, groupID string) ([]pingone.RoleAssignment, error) {
	v, err := read(ctx, r, key("groupRA", envID, groupID), func() ([]pingone.RoleAssignment, error) {
		return r.API.ListGroupRoleAssignments(ctx, envID, groupID)
	})
	return slices.Clone(v), err
}

// ListResources is remembered.
func (r *Reads) ListResources(ctx context.Context, envID string) ([]pingone.Resource, error) {
	v, err := read(ctx, r, key("resources", envID), func() ([]pingone.Resource, error) { return r.API.ListResources(ctx, envID) })
	return slices.Clone(v), err
}

// ListResourceScopes is remembered.
func (r *Reads) ListResourceScopes(ctx context.Context, envID, resourceID string) ([]pingone.ResourceScope, error) {
	v, err := read(ctx, r, key("scopes", envID, resourceID), func() ([]pingone.ResourceScope, error) {
		return r.API.ListResourceScopes(ctx, envID, resourceID)
	})
	return slices.Clone(v), err
}

// ListApplicationGrants is remembered until the application's grants are written.
func (r *Reads) ListApplicationGrants(ctx context.Context, envID, appID string) ([]pingone.ApplicationGrant, error) {
	v, err := read(ctx, r, key("grants", envID, appID), func() ([]pingone.ApplicationGrant, error) {
		return r.API.ListApplicationGrants(ctx, envID, appID)
	})
	return slices.Clone(v), err
}

// CreateApplicationGrant adds the grant to the app's remembered grants.
func (r *Reads) CreateApplicationGrant(ctx context.Context, envID, appID string, g pingone.ApplicationGrant) (*pingone.ApplicationGrant, error) {
	out, err := r.API.CreateApplicationGrant(ctx, envID, appID, g)
	if err != nil {
		r.forget(key("grants", envID, appID))
		return out, err
	}
	remember(r, key("grants", envID, appID), func(v []pingone.ApplicationGrant) []pingone.ApplicationGrant { return append(slices.Clone(v), *out) })
	return out, nil
}

// UpdateApplicationGrant remembers the grant as PingOne answered it.
func (r *Reads) UpdateApplicationGrant(ctx context.Context, envID, appID, grantID string, g pingone.ApplicationGrant) (*pingone.ApplicationGrant, error) {
	out, err := r.API.UpdateApplicationGrant(ctx, envID, appID, grantID, g)
	if err != nil {
		r.forget(key("grants", envID, appID))
		return out, err
	}
	remember(r, key("grants", envID, appID), func(v []pingone.ApplicationGrant) []pingone.ApplicationGrant {
		v = slices.Clone(v)
		for i := range v {
			if v[i].ID == grantID {
				v[i] = *out
			}
		}
		return v
	})
	return out, nil
}

// PrefetchSecret reads the new app's secret ahead of the hand-off, in the background, when its
// token auth method has one; wait returns when the read is done.
func PrefetchSecret(ctx context.Context, env Env, envID string, app pingone.Application) (wait func()) {
	r, ok := env.API.(*Reads)
	if !ok || app.ID == "" || app.TokenEndpointAuthMethod == pingone.AuthMethodNone {
		return func() {}
	}
	done := make(chan struct{})
	go func() { defer close(done); _, _ = r.GetApplicationSecret(ctx, envID, app.ID) }()
	return func() { <-done }
}

// Prefetch starts, in the background, the reads the steps ahead will make that s already
// determines: the role table and environments, the target's applications and resources, the
// signing-in user and their roles, and the roles of whoever runs the setup. The steps then find
// them done or in flight. It returns at once; wait returns when every read it started is done.
// env.API must come from Cached (otherwise nothing is started).
func Prefetch(ctx context.Context, env Env, steps []Step, s State) (wait func()) {
	var wg sync.WaitGroup
	will := func(id string) bool {
		return slices.ContainsFunc(steps, func(st Step) bool { return st.ID == id && (st.Skip == nil || !st.Skip(&s)) })
	}
	r, ok := env.API.(*Reads)
	if !ok {
		return wg.Wait
	}
	target := cmpOr(s.Plan.EnvironmentID, s.Target.ID, env.Identity.EnvironmentID)
	goRead := func(f func()) { wg.Add(1); go func() { defer wg.Done(); f() }() }
	defer func() { wait = wg.Wait }()
	goRead(func() { _, _ = r.ListRoles(ctx) })
	if will(StepEnvironment) {
		goRead(func() { _, _ = r.ListEnvironments(ctx) })
	}
	if will(StepRoles) {
		goRead(func() { _, _, _ = adminAssignments(ctx, env) })
	}
	if target == "" {
		return wg.Wait
	}
	if s.Plan.Application.Name != "" && will(StepCreate) {
		goRead(func() { _, _ = r.ListApplications(ctx, target) })
	}
	if len(s.Plan.Application.Scopes) > 0 && will(StepScopes) {
		goRead(func() {
			res, err := r.ListResources(ctx, target)
			for _, x := range res {
				if err == nil && x.Type == pingone.ResourceTypeOpenIDConnect {
					_, _ = r.ListResourceScopes(ctx, target, x.ID)
				}
			}
		})
	}
	if RolesGoToFor(s.Plan.Application.GrantTypes) == RolesToUser && will(StepSignInUser) {
		name := s.Plan.SignInUser
		if name == "" && len(s.Plan.UserRoleAssignments) > 0 {
			name = s.Plan.UserRoleAssignments[0].User
		}
		if name != "" {
			goRead(func() {
				if u, err := FindUser(ctx, r, target, name); err == nil {
					_, _ = readUserRoles(ctx, r, target, u.ID, u.Username)
				}
			})
		}
	}
	return wg.Wait
}

func cmpOr(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
