package tui

import (
	"testing"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
)

// The goldens are ansi.Strip(View()) at 80x24 with the ASCII colour profile. After an
// intended change of a screen, check it and run: go test ./tui -run Golden -update

func TestGoldenEnvironmentStep(t *testing.T) {
	h := newHarness(t)
	h.golden("environment")
}

func TestGoldenRoleVerdict(t *testing.T) {
	h := newHarness(t)
	h.enterUntil(flows.StepRoleFix, phaseInput)
	h.golden("role-verdict")
}

func TestGoldenFailureScreen(t *testing.T) {
	h := newHarness(t)
	h.api.failNext("CreateApplication", &pingone.Error{
		Status: 400, Code: pingone.CodeInvalidData, ID: "0d4ab9a4-6b52-4e8a-9a3e-2f2ad1f0e7c1",
		Message: "Validation Error : [redirectUris must be a valid URI]",
		Method:  "POST", Path: "/v1/environments/" + prodEnvID + "/applications",
		Details: []pingone.ErrorDetail{{Code: "INVALID_VALUE", Target: "redirectUris", Message: "must be a valid URI"}},
	})
	h.enterUntil(flows.StepCreate, phaseFailed)
	h.golden("failure")
}

func TestGoldenHandOffMasked(t *testing.T) {
	h := newHarness(t)
	h.toDone()
	h.golden("handoff")
}

func BenchmarkView(b *testing.B) {
	h := newHarness(b)
	h.enterUntil(flows.StepRoleFix, phaseInput)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = h.m.View()
	}
}
