package flows

import (
	"strings"
	"testing"

	"github.com/pingone-setup/pingone-setup/pingone"
)

func TestPingOnesValidationDetailsGetASpecificFixAndKeepTheErrorID(t *testing.T) {
	for _, tc := range []struct {
		details []pingone.ErrorDetail
		want    []string
	}{
		{[]pingone.ErrorDetail{{Code: "REQUIRED_VALUE", Target: "jwksUrl", Message: "jwksUrl is required."}},
			[]string{"choose another token auth method", "give a JWKS URL"}},
		{[]pingone.ErrorDetail{{Code: "INVALID_VALUE", Target: "redirectUris[0]", Message: "must be a valid URI"}},
			[]string{"absolute URL", "no fragment"}},
		{[]pingone.ErrorDetail{{Code: "OUT_OF_RANGE", Target: "refreshTokenDuration"}, {Code: "INVALID_VALUE", Target: "grantTypes"}},
			[]string{"no longer than the rolling lifetime", "REFRESH_TOKEN only comes with"}},
		{[]pingone.ErrorDetail{{Code: "REQUIRED_VALUE", Target: "tokenEndpointAuthMethod"}},
			[]string{"CLIENT_SECRET_POST unless"}},
	} {
		err := &StepError{Step: "Create the Worker app", Err: &pingone.Error{Status: 400, Code: pingone.CodeInvalidData, ID: "e-1", Message: "Validation Error", Details: tc.details}}
		ex := Explain(err)
		for _, w := range tc.want {
			if !strings.Contains(ex.Fix, w) {
				t.Errorf("%v: fix %q lacks %q", tc.details, ex.Fix, w)
			}
		}
		if ex.ErrorID != "e-1" || len(ex.Details) != len(tc.details) {
			t.Errorf("%v: the error id and every detail stay: %+v", tc.details, ex)
		}
	}
}

func TestADetailTheCatalogueDoesNotKnowGetsTheGeneralFix(t *testing.T) {
	ex := Explain(&pingone.Error{Status: 400, Code: pingone.CodeInvalidData, Details: []pingone.ErrorDetail{{Code: "INVALID_VALUE", Target: "somethingNew"}}})
	if !strings.Contains(ex.Fix, "PingOne rejected a value") {
		t.Errorf("fix %q", ex.Fix)
	}
	// Two details with the same fix say it once.
	ex = Explain(&pingone.Error{Status: 400, Code: pingone.CodeInvalidData, Details: []pingone.ErrorDetail{{Target: "redirectUris[0]"}, {Target: "redirectUris[1]"}}})
	if strings.Count(ex.Fix, "absolute URL") != 1 {
		t.Errorf("fix %q", ex.Fix)
	}
}
