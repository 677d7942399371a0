package tui

import (
	"testing"

	"github.com/pingone-setup/pingone-setup/flows"
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
	h.api.failNext("CreateApplication", invalidRedirectError())
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
