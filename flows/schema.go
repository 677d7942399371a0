package flows

import (
	"encoding/json"
	"math"
	"strings"
)

// SchemaURL is where editors find the plan's JSON Schema; plans (and export) name it in their
// first line, which the YAML language server (VS Code, Neovim, JetBrains) reads.
const SchemaURL = "https://raw.githubusercontent.com/pingone-setup/pingone-setup/main/schema/plan.schema.json"

// SchemaHeader is the first line of a plan file that names its schema.
const SchemaHeader = "# yaml-language-server: $schema=" + SchemaURL

type jsonSchema = map[string]any

// PlanSchema is the JSON Schema (draft-07, what the YAML language server reads) of a plan file,
// generated from the plan's keys and the field table: schema/plan.schema.json is this, and a test
// keeps it so.
func PlanSchema() ([]byte, error) {
	app := jsonSchema{}
	for _, s := range Settings {
		app[s.Key] = settingSchema(s)
	}
	str := jsonSchema{"type": "string"}
	roleRef := func(extra ...string) jsonSchema {
		props := jsonSchema{
			"role":  jsonSchema{"type": "string", "description": "A role's name, e.g. Identity Data Read Only."},
			"scope": jsonSchema{"type": "string", "description": "environment (the default), organization, environment:<id> or population:<id>."},
		}
		req := []string{"role"} // scope: environment when left out
		for _, e := range extra {
			props[e] = jsonSchema{"type": "string", "description": "The username or email of the user."}
			req = append([]string{e}, req...)
		}
		return jsonSchema{"type": "object", "additionalProperties": false, "required": req, "properties": props}
	}
	app["roleAssignments"] = jsonSchema{"type": "array", "description": "The app's own roles (client credentials).", "items": roleRef()}
	schema := jsonSchema{
		"$schema":              "http://json-schema.org/draft-07/schema#",
		"$id":                  SchemaURL,
		"title":                "pingone-setup plan",
		"description":          "What `pingone-setup apply` makes a PingOne Worker application and its roles look like. Keys mirror the PingOne API.",
		"type":                 "object",
		"additionalProperties": false,
		"anyOf":                []jsonSchema{{"required": []string{"preset"}}, {"required": []string{"application"}}},
		"properties": jsonSchema{
			"preset":        jsonSchema{"enum": PresetNames(), "description": "Fills in every setting the plan does not set itself."},
			"environmentId": jsonSchema{"type": "string", "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", "description": "The target environment; default: the sign-in environment."},
			"application": jsonSchema{"type": "object", "additionalProperties": false, "properties": app,
				"description": "The Worker application, matched by name in the target environment."},
			"userRoleAssignments": jsonSchema{"type": "array", "items": roleRef("user"), "description": "Roles the user who will sign in must hold."},
			"capabilities":        jsonSchema{"type": "array", "items": jsonSchema{"enum": CapabilityIDs()}, "description": "What the connector calls; default: the preset's."},
			"signInUser":          withDesc(str, "The username or email of the user who will sign in through the app; default: you."),
			"roles":               jsonSchema{"enum": []string{RolesCheck, RolesFix}, "description": "check (default): report a missing role; fix: assign the proposed roles."},
		},
	}
	out, err := json.MarshalIndent(schema, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

func withDesc(s jsonSchema, d string) jsonSchema {
	out := jsonSchema{"description": d}
	for k, v := range s {
		out[k] = v
	}
	return out
}

// settingSchema is one setting's schema, its description from the table.
func settingSchema(s Setting) jsonSchema {
	var out jsonSchema
	switch s.Kind {
	case KindText, KindJSON:
		out = jsonSchema{"type": "string"}
	case KindURL:
		out = jsonSchema{"type": "string", "format": "uri"}
	case KindURLs:
		out = jsonSchema{"type": "array", "items": jsonSchema{"type": "string", "format": "uri"}}
	case KindTexts:
		out = jsonSchema{"type": "array", "items": jsonSchema{"type": "string"}}
	case KindBool:
		out = jsonSchema{"type": "boolean"}
	case KindInt:
		out = jsonSchema{"type": "integer", "minimum": s.Min, "maximum": s.Max}
	case KindEnum:
		out = jsonSchema{"enum": s.Enum}
	case KindEnums:
		out = jsonSchema{"type": "array", "items": jsonSchema{"enum": s.Enum}}
	case KindGroups:
		out = jsonSchema{"type": "object", "additionalProperties": false, "required": []string{"groups"}, "properties": jsonSchema{
			"type":   jsonSchema{"enum": []string{"ANY_GROUP", "ALL_GROUPS"}},
			"groups": jsonSchema{"type": "array", "minItems": 1, "items": jsonSchema{"type": "string", "minLength": 1}},
		}}
	case KindCORS:
		out = jsonSchema{"type": "object", "additionalProperties": false, "required": []string{"behavior"}, "properties": jsonSchema{
			"behavior": jsonSchema{"enum": []string{"ALLOW_NO_ORIGINS", "ALLOW_SPECIFIC_ORIGINS"}},
			"origins":  jsonSchema{"type": "array", "maxItems": 20, "items": jsonSchema{"type": "string", "pattern": "^https?://[^/?#]+/?$"}},
		}}
	case KindDuration:
		out = jsonSchema{"anyOf": []jsonSchema{
			{"type": "integer", "minimum": 0, "maximum": math.MaxInt32},
			{"type": "string", "pattern": "^[0-9]+[dhms]?$"},
		}}
	default:
		out = jsonSchema{}
	}
	desc := []string{s.Title + "."}
	if s.Help != "" {
		desc = append(desc, s.Help)
	}
	if s.Needs != "" {
		desc = append(desc, "Applies with "+s.Needs+".")
	}
	if s.Default != "" {
		desc = append(desc, "PingOne's default: "+s.Default+".")
	}
	if s.CreateOnly {
		desc = append(desc, "Set when the app is created only.")
	}
	out["description"] = strings.Join(desc, " ")
	return out
}
