package flows

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pingone-setup/pingone-setup/pingone"
)

func TestCORSSettingsReadsAsOneLine(t *testing.T) {
	if got := (CORSSettings{Behavior: "ALLOW_NO_ORIGINS"}).String(); got != "ALLOW_NO_ORIGINS" {
		t.Errorf("no origins: %q", got)
	}
	if got := (CORSSettings{Behavior: "ALLOW_SPECIFIC_ORIGINS", Origins: []string{"https://a", "https://b"}}).String(); got != "ALLOW_SPECIFIC_ORIGINS: https://a, https://b" {
		t.Errorf("origins: %q", got)
	}
}

func TestFormatValueCutsOnlyWhatIsLongerThan80(t *testing.T) {
	eighty := strings.Repeat("x", 80)
	if got := formatValue(eighty); got != eighty {
		t.Errorf("80 characters were cut: %q", got)
	}
	if got := formatValue(eighty + "y"); len(got) != 80 || !strings.HasSuffix(got, "...") {
		t.Errorf("81 characters: %q", got)
	}
}

// TestALiveSettingThatIsNullOrEmptyIsNotThere: PingOne's null, an empty list, an empty object or
// an empty string is "not set", never a value (export would write parTimeout: 0).
func TestALiveSettingThatIsNullOrEmptyIsNotThere(t *testing.T) {
	for key, raw := range map[string]string{
		"parTimeout": "null", "hiddenFromAppPortal": "null", "tags": "[]", "corsSettings": "{}",
		"homePageUrl": `""`, "postLogoutRedirectUris": "null",
	} {
		app := pingone.Application{Name: "x", Extra: map[string]json.RawMessage{key: json.RawMessage(raw)}}
		if v, ok := liveValue(app, settingIndex[key]); ok {
			t.Errorf("%s = %s read as %#v", key, raw, v)
		}
	}
	app := pingone.Application{Name: "x", Extra: map[string]json.RawMessage{"parTimeout": json.RawMessage("90")}}
	if v, ok := liveValue(app, settingIndex["parTimeout"]); !ok || v != 90 {
		t.Errorf("parTimeout 90 read as %v %v", v, ok)
	}
}

func TestEachTabsFieldsAreThatTabsSettingsOnly(t *testing.T) {
	for _, tab := range []string{"Overview", "Configuration"} {
		for _, f := range moreFields(tab) {
			if s := settingIndex[f.Name]; s == nil || s.Tab != tab {
				t.Errorf("moreFields(%s) holds %s", tab, f.Name)
			}
		}
	}
	if len(moreFields("Overview")) != 4 {
		t.Errorf("Overview: %d fields", len(moreFields("Overview")))
	}
}

func TestATypedSettingsQuestionComesFromItsRow(t *testing.T) {
	if settingTitle("grantTypes") != "Grant types" || !strings.Contains(settingHelp("pkceEnforcement"), "Proof key") {
		t.Errorf("grantTypes %q, pkceEnforcement %q", settingTitle("grantTypes"), settingHelp("pkceEnforcement"))
	}
}

func TestTableProblemsComeInFieldOrder(t *testing.T) {
	ps := validateMore(AppSpec{GrantTypes: []string{"CLIENT_CREDENTIALS"}, More: map[string]any{"tags": []string{"X"}, "homePageUrl": "nope", "deviceTimeout": 60}})
	var fields []string
	for _, p := range ps {
		fields = append(fields, p.Field)
	}
	if !slices.IsSorted(fields) || len(fields) != 3 {
		t.Errorf("problems in the order %v", fields)
	}
}
