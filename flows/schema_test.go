package flows

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

const schemaFile = "../schema/plan.schema.json"

// TestThePlanSchemaIsCurrent keeps the committed schema equal to the one the field table makes.
// UPDATE_SCHEMA=1 go test ./flows -run TestThePlanSchemaIsCurrent writes it.
func TestThePlanSchemaIsCurrent(t *testing.T) {
	got, err := PlanSchema()
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("UPDATE_SCHEMA") == "1" {
		if err := os.MkdirAll(filepath.Dir(schemaFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(schemaFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatalf("%v: run UPDATE_SCHEMA=1 go test ./flows -run TestThePlanSchemaIsCurrent", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date with the field table: run UPDATE_SCHEMA=1 go test ./flows -run TestThePlanSchemaIsCurrent", schemaFile)
	}
}

// TestTheSchemaHasEveryPlanKey: the schema's keys are the keys the plan decoder takes, no more.
func TestTheSchemaHasEveryPlanKey(t *testing.T) {
	raw, _ := PlanSchema()
	var s struct {
		Properties map[string]struct {
			Properties map[string]any `json:"properties"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	var top []string
	for k := range s.Properties {
		top = append(top, k)
	}
	sort.Strings(top)
	if want := planFields(reflect.TypeFor[Plan]()).names; !slices.Equal(top, want) {
		t.Errorf("schema keys %v, plan keys %v", top, want)
	}
	if got, want := keys(s.Properties["application"].Properties), appSpecKeys(); !slices.Equal(got, want) {
		t.Errorf("schema application keys %v\nplan application keys %v", got, want)
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	raw, _ := PlanSchema()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("plan.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("plan.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// instance reads a YAML plan as an editor's YAML language server would give it to the schema.
func instance(t *testing.T, plan string) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(plan), &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// TestTheSchemaAcceptsWhatApplyAcceptsAndRefusesWhatItRefuses checks the schema against the
// decoder: every preset written out whole, and plans with one mistake each.
func TestTheSchemaAcceptsWhatApplyAcceptsAndRefusesWhatItRefuses(t *testing.T) {
	sch := compileSchema(t)
	for _, name := range PresetNames() {
		p, err := Plan{Preset: name, SignInUser: "jdoe", Roles: RolesFix}.WithPreset()
		if err != nil {
			t.Fatal(err)
		}
		p.Application.More = map[string]any{"homePageUrl": "https://example.com", "parTimeout": 90, "tags": []string{"PING_FED_CONNECTION_INTEGRATION"}}
		out, err := yaml.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(instance(t, string(out))); err != nil {
			t.Errorf("the schema refuses the %s preset written out:\n%s\n%v", name, out, err)
		}
	}
	for _, bad := range []string{
		"preset: nope\n",
		"preset: stackone\napplication:\n  parTimeouts: 60\n",
		"preset: stackone\napplication:\n  parTimeout: 0\n",
		"preset: stackone\napplication:\n  parRequirement: SOMETIMES\n",
		"preset: stackone\napplication:\n  hiddenFromAppPortal: maybe\n",
		"preset: stackone\napplication:\n  homePageUrl: not a url\n",
		"preset: stackone\nroles: always\n",
		"application:\n  grantTypes: [PASSWORD]\n",
		"environmentId: production\npreset: stackone\n",
		"colour: blue\n",
	} {
		if _, err := ParsePlan([]byte(bad)); err == nil {
			t.Errorf("apply accepts %q, which the schema is checked to refuse", bad)
		}
		if err := sch.Validate(instance(t, bad)); err == nil {
			t.Errorf("the schema accepts %q", bad)
		}
	}
}
