package flows

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pingone-setup/pingone-setup/pingone"
)

func findingOf(t *testing.T, fs []Finding, code string) Finding {
	t.Helper()
	for _, f := range fs {
		if f.Code == code {
			return f
		}
	}
	t.Fatalf("findings %v: no %s", codes(fs), code)
	return Finding{}
}

func TestAPermissionNoRoleListsAndOneThatCouldNotBeReadAreToldApart(t *testing.T) {
	c := Capability{ID: "c", Title: "Devices", Calls: "GET /devices", Permissions: []string{"mfa:read:device", "dir:read:user"}}
	rep := CheckRoles(RoleCheck{Roles: testRoles(), Environment: testEnvironment, ActorKind: "user", ActorName: "jdoe",
		Unreadable: []string{"the groups of jdoe (needs dir:read:groupMembership)"}, Capabilities: []Capability{c}})
	f := findingOf(t, roleFindings(rep), FindPermissionUnknown)
	if !strings.Contains(f.Message, "no role on this tenant lists mfa:read:device, so") {
		t.Errorf("message %q: name only the permission no role lists", f.Message)
	}
	c.Permissions = []string{"dir:read:user"}
	rep = CheckRoles(RoleCheck{Roles: testRoles(), Environment: testEnvironment, ActorKind: "user", ActorName: "jdoe",
		Unreadable: []string{"the groups of jdoe (needs dir:read:groupMembership)"}, Capabilities: []Capability{c}})
	fs := roleFindings(rep)
	if slices.Contains(codes(fs), FindPermissionUnknown) {
		t.Errorf("findings %v: a listed permission that could not be judged is not unknown", codes(fs))
	}
	f = findingOf(t, fs, FindRoleCannotTell)
	if !strings.Contains(f.Message, "could not read the groups of jdoe (needs dir:read:groupMembership)") {
		t.Errorf("message %q: say what could not be read", f.Message)
	}
}

func TestThePopulationOnlyFindingNamesTheRoleAndScope(t *testing.T) {
	rep := CheckRoles(RoleCheck{Roles: testRoles(), Environment: testEnvironment, ActorKind: "user", ActorName: "helpdesk",
		Assignments:  []pingone.RoleAssignment{assign("r-ida", "POPULATION", "pop-1")},
		Capabilities: []Capability{mustCap(t, CapUsersRead)}})
	f := findingOf(t, roleFindings(rep), FindRolePopulationOnly)
	if !strings.Contains(f.Message, "(Identity Data Admin (population))") {
		t.Errorf("message %q: name the role and its scope", f.Message)
	}
}

func TestTheFixTextNamesThePlanKeyOfTheActorAndTheAdminOnlyAlternative(t *testing.T) {
	fix := &RoleFix{Names: []string{"Identity Data Read Only"}, Grantable: true}
	for _, tc := range []struct {
		kind string
		alt  *RoleFix
		want []string
		not  []string
	}{
		{"user", nil, []string{"userRoleAssignments: Identity Data Read Only"}, []string{"application.roleAssignments", "Alternative"}},
		{"application", nil, []string{"application.roleAssignments: Identity Data Read Only"}, []string{"userRoleAssignments"}},
		{"user", &RoleFix{}, []string{"assign no role at all"}, nil},
		{"user", &RoleFix{Names: []string{"Configuration Read Only"}}, []string{"assign Configuration Read Only;"}, []string{"no role at all"}},
	} {
		got := fixText(RoleReport{ActorKind: tc.kind, ActorName: "x", Fix: fix, AdminOnlyOff: tc.alt})
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: fix text %q lacks %q", tc.kind, got, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(got, n) {
				t.Errorf("%s: fix text %q says %q", tc.kind, got, n)
			}
		}
	}
}

func TestTheWizardsFixQuestionOffersWhatTheReportAllows(t *testing.T) {
	gate := []GateVerdict{{ID: GateAdminOnly, Coverage: Missing}}
	for _, tc := range []struct {
		name     string
		rep      RoleReport
		question string
		labels   []string
		help     []string
	}{
		{"a grantable fix", RoleReport{ActorName: "jdoe", Missing: []string{"dir:read:user"}, Fix: &RoleFix{Names: []string{"Identity Data Read Only"}, Grantable: true}},
			"jdoe is missing dir:read:user. Assign Identity Data Read Only to jdoe at environment scope?",
			[]string{"Assign them (recommended)", "Skip: I will fix roles myself"}, []string{"its calls return HTTP 403."}},
		{"a fix the admin cannot grant", RoleReport{ActorName: "jdoe", Missing: []string{"dir:read:user"}, Fix: &RoleFix{Names: []string{"Identity Data Read Only"}}},
			"jdoe is missing dir:read:user. Assign Identity Data Read Only to jdoe at environment scope?",
			[]string{"Try to assign them", "Skip: I will fix roles myself"}, []string{"You cannot grant these yourself"}},
		{"the admin-only gate, no role needed without it", RoleReport{ActorName: "jdoe", Gates: gate,
			Fix: &RoleFix{Names: []string{"Client Application Developer"}, Grantable: true}, AdminOnlyOff: &RoleFix{}},
			"jdoe is missing an admin role that admin-only access admits. Assign Client Application Developer to jdoe at environment scope?",
			[]string{"Assign them (recommended)", "Turn admin-only access off instead", "Skip: I will fix roles myself"},
			[]string{"PingOne refuses the user's sign-in (access_denied).", "turn admin-only access off and assign no role:"}},
		{"both, with roles without the gate", RoleReport{ActorName: "jdoe", Missing: []string{"dir:read:user"}, Gates: gate,
			AdminOnlyOff: &RoleFix{Names: []string{"Identity Data Read Only"}}},
			"jdoe is missing dir:read:user and an admin role that admin-only access admits.",
			[]string{"Turn admin-only access off instead", "Skip: I will fix roles myself"},
			[]string{"assign only Identity Data Read Only:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &State{Report: &tc.rep, SignInUser: &pingone.User{Username: "jdoe"}}
			in := roleFixInputs(s)[0]
			if in.Title != tc.question {
				t.Errorf("question %q, want %q", in.Title, tc.question)
			}
			var labels []string
			for _, o := range in.Options {
				labels = append(labels, o.Label)
			}
			if !slices.Equal(labels, tc.labels) {
				t.Errorf("options %q, want %q", labels, tc.labels)
			}
			for _, h := range tc.help {
				if !strings.Contains(in.Help, h) {
					t.Errorf("help %q lacks %q", in.Help, h)
				}
			}
			if got := in.Get(s); got != in.Options[0].Value {
				t.Errorf("default answer %q, want the first option", got)
			}
		})
	}
}

func TestChoosingTheFixTwiceAssignsEachRoleOnce(t *testing.T) {
	rep := &RoleReport{ActorKind: "user", Fix: &RoleFix{Names: []string{"Identity Data Read Only", "Configuration Read Only"}}}
	s := &State{Report: rep, SignInUser: &pingone.User{Username: "jdoe"}}
	chooseFix(s, FixAssign)
	chooseFix(s, FixAssign)
	want := []UserRoleAssignment{{User: "jdoe", Role: "Identity Data Read Only", Scope: "environment"}, {User: "jdoe", Role: "Configuration Read Only", Scope: "environment"}}
	if !slices.Equal(s.Plan.UserRoleAssignments, want) {
		t.Errorf("plan %+v, want each role once", s.Plan.UserRoleAssignments)
	}
	app := &State{Report: &RoleReport{ActorKind: "application", Fix: rep.Fix}}
	chooseFix(app, FixAssign)
	chooseFix(app, FixAssign)
	if !slices.Equal(app.Plan.Application.RoleAssignments, []RoleAssignment{{Role: "Identity Data Read Only", Scope: "environment"}, {Role: "Configuration Read Only", Scope: "environment"}}) {
		t.Errorf("plan %+v, want each role once", app.Plan.Application.RoleAssignments)
	}
}

func TestTheDryRunJudgesOnlyPlannedRolesThatCanBeAssigned(t *testing.T) {
	s := State{Target: pingone.Environment{ID: "env-1"}}
	s.Plan.Application.RoleAssignments = []RoleAssignment{
		{Role: "Identity Data Admin", Scope: "environment"},
		{Role: "No Such Role", Scope: "environment"},
		{Role: "Identity Data Admin", Scope: "organization"}, // the environment's organization is not known
	}
	got := plannedAssignments(s, testRoles(), "application", "app")
	if len(got) != 1 || got[0].Role.ID != "r-ida" || got[0].Scope != (pingone.RoleScope{Type: "ENVIRONMENT", ID: "env-1"}) {
		t.Errorf("planned %+v, want only Identity Data Admin at the environment", got)
	}
}

func TestTheRoleCheckStep(t *testing.T) {
	userGrants := AppSpec{Name: "App", GrantTypes: []string{pingone.GrantAuthorizationCode}}
	appGrants := AppSpec{Name: "App", GrantTypes: []string{pingone.GrantClientCredentials}}
	davinci := []pingone.Role{{ID: "r-dv", Name: "DaVinci Admin", ApplicableTo: []string{"ENVIRONMENT"}, Permissions: perms("dir:read:user")}}
	run := func(t *testing.T, s State) (State, *countingAPI) {
		t.Helper()
		api := &countingAPI{}
		res, err := runRoleCheck(context.Background(), Env{API: api}, s)
		if err != nil {
			t.Fatal(err)
		}
		res(&s)
		return s, api
	}
	t.Run("nobody to check", func(t *testing.T) {
		s, api := run(t, State{Plan: Plan{Application: userGrants}})
		if s.Report != nil || !slices.Contains(codes(s.Findings), FindRoleCheckSkipped) {
			t.Errorf("report %+v findings %v: want the check skipped, and said", s.Report, codes(s.Findings))
		}
		if api.count("ListRoles") != 1 || len(s.Roles) != 1 {
			t.Errorf("roles %v after %d reads: the role table is read when not known", s.Roles, api.count("ListRoles"))
		}
	})
	t.Run("an app not created yet", func(t *testing.T) {
		s, api := run(t, State{Plan: Plan{Application: appGrants, Capabilities: []string{CapUsersRead}}, Roles: davinci})
		if s.Report == nil || slices.Contains(codes(s.Findings), FindRoleCheckSkipped) {
			t.Fatalf("report %+v findings %v: the app to be created is judged", s.Report, codes(s.Findings))
		}
		if api.count("ListRoles") != 0 {
			t.Error("the role table was read again although known")
		}
		if s.Report.Fix != nil {
			t.Errorf("fix %+v: PingOne gives no DaVinci role to a worker", s.Report.Fix)
		}
	})
	t.Run("a user", func(t *testing.T) {
		s, _ := run(t, State{Plan: Plan{Application: userGrants, Capabilities: []string{CapUsersRead}}, Roles: davinci,
			SignInUser: &pingone.User{ID: "u-1", Username: "jdoe"}})
		if s.Report == nil || s.Report.Fix == nil || !slices.Equal(s.Report.Fix.Names, []string{"DaVinci Admin"}) {
			t.Errorf("report %+v: a user may be given a DaVinci role", s.Report)
		}
	})
}

func TestRolesViaGroupsAreMentionedOnlyWhenThereAreSome(t *testing.T) {
	if fs := roleFindings(RoleReport{ActorKind: "user", ActorName: "jdoe"}); slices.Contains(codes(fs), FindRoleViaGroup) {
		t.Errorf("findings %v: no role comes through a group", codes(fs))
	}
	fs := roleFindings(RoleReport{ActorKind: "user", ActorName: "jdoe", ViaGroups: []string{"Identity Data Admin (environment) via group Readers"}})
	if f := findingOf(t, fs, FindRoleViaGroup); f.Message != "the user jdoe holds roles through groups: Identity Data Admin (environment) via group Readers" {
		t.Errorf("message %q", f.Message)
	}
}

func TestTheMissingFindingNamesOnlyTheMissingPermissions(t *testing.T) {
	c := Capability{ID: "c", Title: "Users", Calls: "GET /users", Permissions: []string{"dir:read:user", "applications:read:application"}}
	rep := CheckRoles(RoleCheck{Roles: testRoles(), Environment: testEnvironment, ActorKind: "user", ActorName: "jdoe",
		Assignments: []pingone.RoleAssignment{assign("r-idro", "ENVIRONMENT", testEnv)}, Capabilities: []Capability{c}})
	f := findingOf(t, roleFindings(rep), FindRoleMissing)
	if !strings.Contains(f.Message, "holds no role with applications:read:application in this environment") || strings.Contains(f.Message, "dir:read:user") {
		t.Errorf("message %q: name only what is missing", f.Message)
	}
}
