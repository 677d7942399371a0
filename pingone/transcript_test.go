package pingone_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

func TestTranscriptNeverContainsSecretsTokensOrPasswords(t *testing.T) {
	const (
		newSecret  = "NEW-SECRET-vgUZQTEvg0Zzq6WxM73UN"
		oldSecret  = "OLD-SECRET-9ZZd0Ih4ApbuIXvJtgRw"
		appSecret  = "APP-CLIENT-SECRET-abcdef"
		password   = "P4ssw0rd-hunter2"
		otherToken = "REFRESH-TOKEN-zzz"
	)
	h := setup(t)
	h.mux.HandleFunc("/v1/environments/"+envID+"/applications/"+appID+"/secret", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"environment":{"id":"`+envID+`"},"secret":"`+newSecret+`","previous":{"secret":"`+oldSecret+`","expiresAt":"2026-01-01T00:00:00.000Z"}}`)
	})
	h.mux.HandleFunc("/v1/environments/"+envID+"/applications/"+appID, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"`+appID+`","name":"n","clientSecret":"`+appSecret+`",
			"nested":[{"Password":"`+password+`"},{"refresh_token":"`+otherToken+`"}]}`)
	})
	h.mux.HandleFunc("/v1/environments/"+envID+"/users/"+userID, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		_, _ = w.Write([]byte("password=" + password + "&token=" + otherToken)) // not JSON: only its length may be recorded
	})
	if _, err := h.client.RotateApplicationSecret(ctx, envID, appID, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	app, err := h.client.GetApplication(ctx, envID, appID)
	if err != nil {
		t.Fatal(err)
	}
	h.client.Retry.MaxAttempts = 1
	_, _ = h.client.GetUser(ctx, envID, userID)
	// The PUT body carries the unknown "nested" field back, passwords included.
	if _, err := h.client.UpdateApplication(ctx, envID, appID, *app); err != nil {
		t.Fatal(err)
	}

	calls := h.recorder.Calls()
	if len(calls) != 4 {
		t.Fatalf("recorded %d calls, want 4", len(calls))
	}
	dump, err := json.Marshal(calls)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(dump), `"secret":"[redacted]"`) {
		t.Fatalf("transcript JSON does not show bodies as readable redacted JSON:\n%s", dump)
	}
	for _, secret := range []string{newSecret, oldSecret, appSecret, password, otherToken, testToken} {
		if strings.Contains(string(dump), secret) {
			t.Errorf("transcript contains %q:\n%s", secret, dump)
		}
	}
	if !strings.Contains(string(calls[0].ResponseBody), pingone.Redacted) || !strings.Contains(string(calls[0].ResponseBody), envID) {
		t.Errorf("redacted body lost its shape: %s", calls[0].ResponseBody)
	}
	if c := calls[0]; c.Method != "POST" || c.Path != "/v1/environments/"+envID+"/applications/"+appID+"/secret" || c.Status != 200 || c.Attempt != 1 || c.TransactionID != testTxID {
		t.Errorf("call = %+v", c)
	}
	if !strings.Contains(string(calls[3].RequestBody), pingone.Redacted) {
		t.Errorf("PUT body not recorded redacted: %s", calls[3].RequestBody)
	}
	if got := string(calls[2].ResponseBody); !strings.HasPrefix(got, "[non-JSON body, ") {
		t.Errorf("non-JSON body recorded as %q", got)
	}
}

func TestRedactReplacesSecretValuesAtAnyDepth(t *testing.T) {
	in := `{"name":"app","tokenEndpointAuthMethod":"CLIENT_SECRET_BASIC","refreshTokenDuration":60,
		"CLIENT_SECRET":"a","access_token":"b","id_token":"c","token":"d","code_verifier":"e","device_code":"f",
		"previous":{"secret":"g","expiresAt":"t"},"list":[{"password":{"value":"h"}}],"secret":null,"code":"INVALID_DATA"}`
	var got map[string]any
	if err := json.Unmarshal(pingone.Redact([]byte(in)), &got); err != nil {
		t.Fatal(err)
	}
	want := `{"CLIENT_SECRET":"[redacted]","access_token":"[redacted]","code":"INVALID_DATA","code_verifier":"[redacted]","device_code":"[redacted]","id_token":"[redacted]","list":[{"password":"[redacted]"}],"name":"app","previous":{"expiresAt":"t","secret":"[redacted]"},"refreshTokenDuration":60,"secret":null,"token":"[redacted]","tokenEndpointAuthMethod":"CLIENT_SECRET_BASIC"}`
	if b, _ := json.Marshal(got); string(b) != want {
		t.Fatalf("Redact =\n%s\nwant\n%s", b, want)
	}
}

func TestRedactRecordsOnlyTheLengthOfNonJSONBodies(t *testing.T) {
	for _, in := range []string{"client_secret=abc&x=1", `{"secret":"abc"`, `{"a":1} {"secret":"x"}`, "<html>secret</html>"} {
		got := string(pingone.Redact([]byte(in)))
		if strings.Contains(got, "abc") || strings.Contains(got, "secret") || !strings.HasPrefix(got, "[non-JSON body") {
			t.Errorf("Redact(%q) = %q", in, got)
		}
	}
	if pingone.Redact(nil) != nil {
		t.Error("empty body should record nothing")
	}
}

func TestTranscriptHookCopesWithParallelRequests(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/v1/roles", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"_embedded":{"roles":[{"id":"r","name":"Environment Admin"}]}}`)
	})
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := h.client.ListRoles(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(h.recorder.Calls()); n != 20 {
		t.Fatalf("recorded %d calls, want 20", n)
	}
}
