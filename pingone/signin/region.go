package signin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// DiscoveryTimeout bounds each region probe of DiscoverRegion.
const DiscoveryTimeout = 5 * time.Second

// DiscoverRegion finds the region of an environment by asking every
// candidate auth server, in parallel, for the environment's OpenID discovery
// document ({authURL}/{envID}/as/.well-known/openid-configuration) and
// returning the region whose server answers 200. candidates maps regions to
// auth base URLs; nil means every region's public auth URL
// (pingone.Regions). hc nil means http.DefaultClient. When no region knows
// the environment the error wraps ErrEnvironmentNotFound; when some could not
// be reached the error says so too.
func DiscoverRegion(ctx context.Context, envID string, candidates map[pingone.Region]string, hc *http.Client) (pingone.Region, error) {
	if !uuidRe.MatchString(envID) {
		return "", fmt.Errorf("find region: environment ID %q is not a PingOne ID (a UUID)", envID)
	}
	if candidates == nil {
		candidates = map[pingone.Region]string{}
		for _, r := range pingone.Regions {
			candidates[r] = r.AuthURL()
		}
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	ctx, cancel := context.WithTimeout(ctx, DiscoveryTimeout)
	defer cancel()
	type answer struct {
		region pingone.Region
		found  bool
		err    error
	}
	answers := make(chan answer, len(candidates))
	for region, base := range candidates {
		go func() {
			u := strings.TrimRight(base, "/") + "/" + envID + "/as/.well-known/openid-configuration"
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			if err != nil {
				answers <- answer{region: region, err: err}
				return
			}
			res, err := hc.Do(req)
			if err != nil {
				answers <- answer{region: region, err: err}
				return
			}
			res.Body.Close()
			answers <- answer{region: region, found: res.StatusCode == http.StatusOK}
		}()
	}
	var unreachable []string
	for range candidates {
		a := <-answers
		if a.found {
			return a.region, nil
		}
		if a.err != nil {
			unreachable = append(unreachable, string(a.region))
		}
	}
	if ctx.Err() != nil && errors.Is(context.Cause(ctx), context.Canceled) {
		return "", &Error{Reason: ErrCancelled, Err: ctx.Err()}
	}
	e := &Error{Reason: ErrEnvironmentNotFound,
		Fix: "check the environment ID " + envID + " (PingOne admin console: Settings > Environment Properties), or give the region with --region or explicit --auth-url/--api-url"}
	if len(unreachable) > 0 {
		e.Err = fmt.Errorf("could not reach the auth servers of %s", strings.Join(sortedRegions(unreachable), ", "))
	}
	return "", e
}

func sortedRegions(rs []string) []string {
	var out []string
	for _, r := range pingone.Regions {
		for _, x := range rs {
			if x == string(r) {
				out = append(out, x)
			}
		}
	}
	for _, x := range rs {
		known := false
		for _, r := range pingone.Regions {
			known = known || x == string(r)
		}
		if !known {
			out = append(out, x)
		}
	}
	return out
}
