package signin

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pingone-setup/pingone-setup/pingone"
)

func TestDiscoverRegionPicksTheRegionThatKnowsTheEnvironment(t *testing.T) {
	tn := newTenant(t)
	elsewhere := httptest.NewServer(http.NotFoundHandler())
	defer elsewhere.Close()
	candidates := map[pingone.Region]string{
		pingone.RegionNA: elsewhere.URL, pingone.RegionEU: tn.srv.URL + "/", pingone.RegionCA: elsewhere.URL,
	}
	got, err := DiscoverRegion(testContext(t), tn.seed.Production.ID, candidates, nil)
	if err != nil || got != pingone.RegionEU {
		t.Fatalf("region %q, %v; want EU", got, err)
	}
}

func TestDiscoverRegionSaysWhenNoRegionKnowsTheEnvironment(t *testing.T) {
	tn := newTenant(t)
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	candidates := map[pingone.Region]string{pingone.RegionNA: tn.srv.URL, pingone.RegionSG: downURL}
	_, err := DiscoverRegion(testContext(t), "6f1c2a3b-0000-4000-8000-000000000000", candidates, nil)
	if !errors.Is(err, ErrEnvironmentNotFound) || !strings.Contains(err.Error(), "could not reach the auth servers of SG") {
		t.Fatalf("error %v", err)
	}
	if _, err := DiscoverRegion(testContext(t), "not-an-id/..", candidates, nil); err == nil {
		t.Fatalf("a malformed environment ID was sent to PingOne")
	}
}
