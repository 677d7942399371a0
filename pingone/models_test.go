package pingone_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

func TestSecretsAndTokensNeverPrintWithFmt(t *testing.T) {
	s := pingone.ApplicationSecret{Secret: "the-secret", Previous: &pingone.PreviousSecret{Secret: "the-old-secret"}}
	tok := pingone.Token{AccessToken: "the-access-token", RefreshToken: "the-refresh-token"}
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s), fmt.Sprint(tok), fmt.Sprintf("%#v", tok)} {
		if strings.Contains(out, "the-") {
			t.Errorf("printed a secret: %s", out)
		}
	}
}

func TestARealWaitEndsWhenTheContextIsCancelled(t *testing.T) {
	h := setup(t)
	h.client.Retry.Sleep = nil // the real timer
	h.mux.HandleFunc("/v1/roles", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(503)
	})
	c, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := h.client.ListRoles(c)
	if err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
}
