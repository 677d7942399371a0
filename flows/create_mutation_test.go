package flows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// appsAPI holds one environment's applications and logs every call. Methods it does not
// override panic through the nil API.
type appsAPI struct {
	API
	apps   []pingone.Application
	calls  []string
	lose   bool  // a create happens but its response is lost
	envErr error // GetEnvironment fails with it
}

func (a *appsAPI) count(prefix string) int {
	n := 0
	for _, c := range a.calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

func (a *appsAPI) ListApplications(context.Context, string) ([]pingone.Application, error) {
	a.calls = append(a.calls, "ListApplications")
	return append([]pingone.Application(nil), a.apps...), nil
}

func (a *appsAPI) GetApplication(_ context.Context, _, appID string) (*pingone.Application, error) {
	a.calls = append(a.calls, "GetApplication "+appID)
	for _, x := range a.apps {
		if x.ID == appID {
			return &x, nil
		}
	}
	return nil, &pingone.Error{Status: 404}
}

func (a *appsAPI) CreateApplication(_ context.Context, _ string, app pingone.Application) (*pingone.Application, error) {
	a.calls = append(a.calls, "CreateApplication "+app.Name)
	app.ID = fmt.Sprintf("app-%d", len(a.apps)+1)
	a.apps = append(a.apps, app)
	if a.lose {
		return nil, fmt.Errorf("POST /applications: %w", pingone.ErrOutcomeUnknown)
	}
	return &app, nil
}

func (a *appsAPI) UpdateApplication(_ context.Context, _, appID string, app pingone.Application) (*pingone.Application, error) {
	a.calls = append(a.calls, "UpdateApplication "+appID+" "+app.Name)
	for i := range a.apps {
		if a.apps[i].ID == appID {
			a.apps[i] = app
		}
	}
	return &app, nil
}

func (a *appsAPI) GetEnvironment(_ context.Context, envID string) (*pingone.Environment, error) {
	a.calls = append(a.calls, "GetEnvironment "+envID)
	if a.envErr != nil {
		return nil, a.envErr
	}
	return &pingone.Environment{ID: envID}, nil
}

func syncWorkerState(t *testing.T) State {
	t.Helper()
	p, err := Plan{Preset: "sync-worker", EnvironmentID: "91495c11-60f6-405c-bc7e-d7f0e9e7cf11"}.WithPreset()
	if err != nil {
		t.Fatal(err)
	}
	return State{Plan: p, Target: testTarget}
}

func TestALostCreateResponseTakesTheAppOfThePlansNameNotAnother(t *testing.T) {
	api := &appsAPI{lose: true, apps: []pingone.Application{{ID: "app-other", Name: "Other"}}}
	s := syncWorkerState(t)
	res, err := runCreate(context.Background(), Env{API: api}, s)
	if err != nil {
		t.Fatal(err)
	}
	res(&s)
	if s.App == nil || s.App.Name != "Sync Worker" || s.App.ID != "app-2" {
		t.Errorf("app %+v: want the Sync Worker made behind the lost response", s.App)
	}
	if n := api.count("CreateApplication"); n != 1 {
		t.Errorf("%d creates", n)
	}
}

func TestTheCreateStepTakesAListReadMomentsAgoButNotAnOlderOne(t *testing.T) {
	for _, tc := range []struct {
		age   time.Duration
		reads int
	}{{2 * time.Second, 1}, {6 * time.Second, 2}} {
		api := &appsAPI{apps: []pingone.Application{{ID: "app-1", Name: "Sync Worker"}}}
		now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
		r := cachedAt(api, &now)
		_, _ = r.ListApplications(context.Background(), testEnv)
		now = now.Add(tc.age)
		s := syncWorkerState(t)
		res, err := runCreate(context.Background(), Env{API: r}, s)
		if err != nil {
			t.Fatal(err)
		}
		res(&s)
		if n := api.count("ListApplications"); n != tc.reads {
			t.Errorf("a list read %s ago: %d reads, want %d", tc.age, n, tc.reads)
		}
		if s.App == nil || s.App.ID != "app-1" {
			t.Errorf("app %+v: want the existing one adopted", s.App)
		}
	}
}

func TestTheAppThisRunCreatedIsRenamedNotLeftBehind(t *testing.T) {
	created := pingone.Application{ID: "app-1", Name: "Old Name"}
	t.Run("renamed", func(t *testing.T) {
		api := &appsAPI{apps: []pingone.Application{created}}
		s := syncWorkerState(t)
		s.CreatedApp = &created
		res, err := runCreate(context.Background(), Env{API: api}, s)
		if err != nil {
			t.Fatal(err)
		}
		res(&s)
		if api.count("UpdateApplication app-1 Sync Worker") != 1 || api.count("CreateApplication") != 0 {
			t.Errorf("calls %q: want the created app renamed", api.calls)
		}
	})
	t.Run("the new name is taken", func(t *testing.T) {
		api := &appsAPI{apps: []pingone.Application{created, {ID: "app-2", Name: "Sync Worker"}}}
		s := syncWorkerState(t)
		s.CreatedApp = &created
		if _, err := runCreate(context.Background(), Env{API: api}, s); err == nil || !strings.Contains(err.Error(), "another application is already named") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("the name did not change", func(t *testing.T) {
		same := pingone.Application{ID: "app-1", Name: "Sync Worker"}
		api := &appsAPI{apps: []pingone.Application{same}}
		s := syncWorkerState(t)
		s.CreatedApp = &same
		res, err := runCreate(context.Background(), Env{API: api}, s)
		if err != nil {
			t.Fatal(err)
		}
		res(&s)
		if api.count("GetApplication")+api.count("UpdateApplication")+api.count("CreateApplication") != 0 || s.App.ID != "app-1" {
			t.Errorf("calls %q app %+v: the app is taken as it is", api.calls, s.App)
		}
	})
	t.Run("a dry run", func(t *testing.T) {
		api := &appsAPI{apps: []pingone.Application{created}}
		s := syncWorkerState(t)
		s.CreatedApp = &created
		if _, err := runCreate(context.Background(), Env{API: api, DryRun: true}, s); err != nil || api.count("UpdateApplication") != 0 {
			t.Errorf("err %v calls %q: a dry run renames nothing", err, api.calls)
		}
	})
}

func TestTheWizardsLookupLeavesOutTheAppThisRunCreated(t *testing.T) {
	mine := pingone.Application{ID: "app-1", Name: "Sync Worker"}
	api := &appsAPI{apps: []pingone.Application{mine}}
	s := syncWorkerState(t)
	if res, err := runLookup(context.Background(), Env{API: api}, s); res != nil || err != nil || len(api.calls) != 0 {
		t.Errorf("apply looked up the name: %v", api.calls)
	}
	res, err := runLookup(context.Background(), Env{API: api, Interactive: true}, s)
	if err != nil {
		t.Fatal(err)
	}
	res(&s)
	if len(s.SameName) != 1 {
		t.Errorf("same name %+v, want the existing app", s.SameName)
	}
	s.CreatedApp = &mine
	res, _ = runLookup(context.Background(), Env{API: api, Interactive: true}, s)
	res(&s)
	if len(s.SameName) != 0 {
		t.Errorf("same name %+v: this run's own app is taken again, unasked", s.SameName)
	}
}

func TestAFieldStepWritesOnlyAnAppThatExistsOutsideADryRun(t *testing.T) {
	for _, tc := range []struct {
		name    string
		dry     bool
		id      string
		updates int
	}{{"apply", false, "app-1", 1}, {"a dry run", true, "app-1", 0}, {"an app not created (dry run)", false, "", 0}} {
		api := &appsAPI{apps: []pingone.Application{{ID: "app-1", Name: "Sync Worker"}}}
		s := syncWorkerState(t)
		s.App = &pingone.Application{ID: tc.id, Name: "Sync Worker"}
		res, err := fieldStep(StepEnable, enableFields)(context.Background(), Env{API: api, DryRun: tc.dry}, s)
		if err != nil || res == nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		res(&s)
		if n := api.count("UpdateApplication"); n != tc.updates || !s.App.Enabled {
			t.Errorf("%s: %d updates, enabled %v; want %d", tc.name, n, s.App.Enabled, tc.updates)
		}
	}
}

func TestAnEnvironmentThatCannotBeReadIsExplained(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&pingone.Error{Status: 404}, "does not exist or this sign-in cannot read it"},
		{&pingone.Error{Status: 403}, "does not exist or this sign-in cannot read it"},
		{&pingone.Error{Status: 500}, "read environment " + testEnv},
	} {
		api := &appsAPI{envErr: tc.err}
		_, err := runEnvironment(context.Background(), Env{API: api}, State{Plan: Plan{EnvironmentID: testEnv}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want %q", tc.err, err, tc.want)
		}
	}
}

func TestChangingThePresetKeepsOnlyTheAdminsOwnAppName(t *testing.T) {
	for _, tc := range []struct {
		name, from, appName, want string
	}{
		{"the preset's name", "stackone", "StackOne Integration", "Sync Worker"},
		{"a name of the admin's own", "stackone", "My Connector", "My Connector"},
		{"a name given before any preset", "", "My Connector", "My Connector"},
	} {
		s := &State{Plan: Plan{Preset: tc.from}}
		s.Plan.Application.Name = tc.appName
		preset := environmentInputs(s)[1]
		if err := preset.Set(s, "sync-worker"); err != nil {
			t.Fatal(err)
		}
		if s.Plan.Application.Name != tc.want {
			t.Errorf("%s: name %q, want %q", tc.name, s.Plan.Application.Name, tc.want)
		}
	}
}

func TestTheWizardsAnswersAreValidatedBeforeTheyAreKept(t *testing.T) {
	s := &State{}
	env := environmentInputs(s)[0]
	if env.Set(s, "not-a-uuid") == nil || s.Plan.EnvironmentID != "" {
		t.Errorf("a malformed environment ID was kept: %q", s.Plan.EnvironmentID)
	}
	if err := env.Set(s, "91495c11-60f6-405c-bc7e-d7f0e9e7cf11"); err != nil || s.Plan.EnvironmentID == "" {
		t.Errorf("a good environment ID was refused: %v", err)
	}
	name, desc := applicationInputs(s)[0], applicationInputs(s)[1]
	if name.Set(s, "") == nil || name.Set(s, "  My App  ") != nil || s.Plan.Application.Name != "My App" {
		t.Errorf("name %q: an empty name must be refused, a good one kept trimmed", s.Plan.Application.Name)
	}
	if desc.Set(s, "a <b> tag") == nil || desc.Set(s, "Syncs users") != nil || s.Plan.Application.Description != "Syncs users" {
		t.Errorf("description %q", s.Plan.Application.Description)
	}
	s.SameName = []pingone.Application{{ID: "app-1", Name: "My App"}}
	adopt := adoptInputs(s)[0]
	if adopt.Set(s, "false") == nil || s.Adopt || adopt.Set(s, "true") != nil || !s.Adopt {
		t.Errorf("adopt %v: no is refused, yes kept", s.Adopt)
	}
}

func TestACreateOfUnknownOutcomeIsLookedForThenSentAgainAtMostFourTimes(t *testing.T) {
	unknown := fmt.Errorf("POST: %w", pingone.ErrOutcomeUnknown)
	for _, tc := range []struct {
		name      string
		createErr error
		findErr   error
		foundAt   int // the look that finds it; 0 = never
		creates   int
		waits     []time.Duration
		wantErr   string
	}{
		{"found at the first look", unknown, nil, 1, 1, nil, ""},
		{"never found", unknown, nil, 0, 4, []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}, "outcome"},
		{"a plain refusal", errors.New("400 INVALID_DATA"), nil, 0, 1, nil, "400 INVALID_DATA"},
		{"the look fails", unknown, errors.New("503"), 0, 1, nil, "looking whether it happened failed: 503"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var waits []time.Duration
			env := Env{Sleep: func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return ctx.Err() }}
			creates, looks := 0, 0
			v, err := createLooking(context.Background(), env,
				func() (string, error) { creates++; return "", tc.createErr },
				func() (string, bool, error) {
					looks++
					return "found", looks == tc.foundAt, tc.findErr
				})
			if tc.wantErr == "" && (err != nil || v != "found") {
				t.Errorf("got %q, %v", v, err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("err %v, want %q", err, tc.wantErr)
			}
			if creates != tc.creates || !slices.Equal(waits, tc.waits) {
				t.Errorf("%d creates after waits %v, want %d after %v", creates, waits, tc.creates, tc.waits)
			}
			if tc.createErr != unknown && looks != 0 {
				t.Errorf("%d looks after a refusal", looks)
			}
		})
	}
}

// scopesAPI is countingAPI with the openid resource's scopes.
type scopesAPI struct{ *countingAPI }

func (a scopesAPI) ListResourceScopes(context.Context, string, string) ([]pingone.ResourceScope, error) {
	return []pingone.ResourceScope{{ID: "s-openid", Name: "openid"}, {ID: "s-email", Name: "email"}}, nil
}

func TestMissingScopesExtendTheExistingOpenIDGrantOutsideADryRun(t *testing.T) {
	for _, dry := range []bool{false, true} {
		api := scopesAPI{&countingAPI{}}
		s := State{Target: testTarget, App: &pingone.Application{ID: "a-1"}}
		s.Plan.Application.Scopes = []string{"openid", "email"}
		res, err := runScopes(context.Background(), Env{API: api, DryRun: dry}, s)
		if err != nil {
			t.Fatal(err)
		}
		res(&s)
		want := 1
		if dry {
			want = 0
		}
		if n := api.count("UpdateApplicationGrant env-1 a-1 grant-1"); n != want || api.count("CreateApplicationGrant") != 0 {
			t.Fatalf("dry run %v: calls %q, want %d update of the openid grant", dry, api.calls, want)
		}
		if !slices.Equal(s.GrantedScopes, []string{"email", "openid"}) {
			t.Errorf("granted %v", s.GrantedScopes)
		}
		if !dry && (len(s.Grants) != 2 || s.Grants[0].ID != "grant-2" || s.Grants[1].ID != "grant-1" || len(s.Grants[1].Scopes) != 2) {
			t.Errorf("grants %+v: the api grant kept, the openid grant replaced by the updated one", s.Grants)
		}
	}
}
