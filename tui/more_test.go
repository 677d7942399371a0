package tui

import (
	"bytes"
	"github.com/pingone-setup/pingone-setup/internal/outwait"
	"net/http/httptest"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// TestTheCustomPathSetsFieldTableSettingsChosenUnderMoreSettings goes the custom way, chooses two
// of the field table's settings under More settings, answers their questions (built from their
// rows, a bad URL refused as a plan's would be), and finds them in the plan and on the app.
func TestTheCustomPathSetsFieldTableSettingsChosenUnderMoreSettings(t *testing.T) {
	sim := pingonetest.New()
	srv := httptest.NewServer(sim)
	defer srv.Close()
	sd := sim.Seed()
	plan, _ := flows.Plan{Preset: "custom"}.WithPreset()
	tm := teatest.NewTestModel(t, New(Options{Env: simEnv(sim, srv.URL), Plan: plan, Stdout: &bytes.Buffer{}}), teatest.WithInitialTermSize(100, 40))
	r := &signInRun{t: t, tm: tm, out: outwait.Output{R: tm.Output()}}
	for _, q := range []string{"Target environment", "What are you connecting?", "Application name", "Description", "Grant types", "Token endpoint authentication", "Admin-only access", "Use these settings?"} {
		r.waitFor(q)
		r.send(tea.KeyEnter)
	}
	r.waitFor("Settings beyond the usual ones")
	// The worker has the client credentials grant only: settings of other grants are not offered.
	r.waitFor("Home page URL")
	r.send(tea.KeySpace, tea.KeyDown, tea.KeyDown, tea.KeySpace, tea.KeyEnter) // home page URL, hidden from the portal
	r.waitFor("Where the app's icon in the application portal leads")
	r.typeText("not a url")
	r.send(tea.KeyEnter)
	r.waitFor("is not an absolute http(s) URL")
	r.send(tea.KeyCtrlU)
	r.typeText("https://connector.example.com/")
	r.send(tea.KeyEnter)
	r.waitFor("Keeps the app off users' application portal")
	r.waitFor("PingOne's default: false")
	r.send(tea.KeyUp, tea.KeyEnter) // Yes
	r.waitFor("Make these changes in PingOne?")
	r.send(tea.KeyEnter)
	r.waitFor("Skip: I will fix roles myself")
	r.send(tea.KeyEnter)
	r.waitFor("Your Worker app is ready")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	st, _ := final.Result()

	more := st.Plan.Application.More
	if more["homePageUrl"] != "https://connector.example.com/" || more["hiddenFromAppPortal"] != true || len(more) != 2 {
		t.Errorf("the plan's settings: %v", more)
	}
	if errs := st.Plan.Validate(); len(errs) > 0 {
		t.Errorf("the plan the wizard built does not validate: %v", errs)
	}
	for _, a := range sim.Applications(sd.Production.ID) {
		if st.App != nil && a["id"] == st.App.ID {
			if a["homePageUrl"] != "https://connector.example.com/" || a["hiddenFromAppPortal"] != true {
				t.Errorf("the app in PingOne: homePageUrl %v, hiddenFromAppPortal %v", a["homePageUrl"], a["hiddenFromAppPortal"])
			}
			return
		}
	}
	t.Error("the app was not found in PingOne")
}

func TestMoreSettingsOffersOnlyWhatAppliesAndAsksEachFromItsRow(t *testing.T) {
	s := &flows.State{}
	s.Plan, _ = flows.Plan{Preset: "cli-login"}.WithPreset()
	ins := flows.Steps()
	var choice, values flows.Step
	for _, st := range ins {
		switch st.ID {
		case flows.StepMore:
			choice = st
		case flows.StepMoreValues:
			values = st
		}
	}
	in := choice.Inputs(s)[0]
	offered := map[string]bool{}
	for _, o := range in.Options {
		offered[o.Value] = true
	}
	if !offered["parTimeout"] || !offered["refreshTokenType"] || offered["deviceTimeout"] || offered["jwksUrl"] || offered["corsSettings"] {
		t.Errorf("an authorization-code app with PKCE should be offered PAR and refresh settings, not device or JWKS ones (nor CORS): %v", offered)
	}
	if err := in.Set(s, "parTimeout,refreshTokenType"); err != nil {
		t.Fatal(err)
	}
	qs := values.Inputs(s)
	if len(qs) != 2 || qs[0].Key != "more.refreshTokenType" || qs[1].Key != "more.parTimeout" {
		t.Fatalf("one question per chosen setting, in the table's order: %+v", qs)
	}
	if qs[0].Kind != flows.Select || len(qs[0].Options) != 2 || qs[0].Get(s) != "OPAQUE_TOKEN" {
		t.Errorf("an enum is a choice of its values, starting at PingOne's default: %+v", qs[0])
	}
	if qs[1].Kind != flows.Text || qs[1].Get(s) != "60" || qs[1].Validate("601") == nil || qs[1].Validate("600") != nil {
		t.Errorf("an int is typed and checked against its range (1 to 600): %+v", qs[1])
	}
	if err := qs[1].Set(s, "120"); err != nil || s.Plan.Application.More["parTimeout"] != 120 {
		t.Errorf("Set: %v %v", err, s.Plan.Application.More)
	}
	// Unchosen again, a setting leaves the plan.
	if err := in.Set(s, "parTimeout"); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Plan.Application.More["refreshTokenType"]; ok || s.Plan.Application.More["parTimeout"] != 120 {
		t.Errorf("after unchoosing: %v", s.Plan.Application.More)
	}
}
