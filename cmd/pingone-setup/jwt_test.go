package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

func TestApplyVerifiesAPrivateKeyJWTWorkerWithThePrivateKeyFile(t *testing.T) {
	e := newEnv(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	set, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "ES256", Use: "sig"}}})
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	keyFile := e.file("key.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))
	plan := e.file("p.yaml", syncPlan+"application:\n  tokenEndpointAuthMethod: PRIVATE_KEY_JWT\n  jwks: '"+string(set)+"'\n")

	// Without the key: applied, and said not to be proven (the role check passes, so exit 0).
	code, out, errs := e.run("apply", "--plan", plan, "--yes", "--output", "json")
	var doc struct {
		Verified struct {
			Outcome string `json:"outcome"`
			Message string `json:"message"`
		} `json:"verification"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Verified.Outcome != "unverified" || !strings.Contains(doc.Verified.Message, "--private-key-file") {
		t.Fatalf("without the key: exit %d %v %s %s", code, err, out, errs)
	}
	// With it: proven by a token the app got with a signed assertion.
	code, out, errs = e.run("apply", "--plan", plan, "--yes", "--output", "json", "--private-key-file", keyFile)
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil || doc.Verified.Outcome != "verified" {
		t.Fatalf("with the key: exit %d %v %s %s", code, err, out, errs)
	}
	// A file that is not a key: a usage error that does not repeat the file.
	bad := e.file("bad.pem", "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ1dC1ub3QtYS1rZXk=\n-----END PRIVATE KEY-----\n")
	code, _, errs = e.run("apply", "--plan", plan, "--yes", "--private-key-file", bad)
	if code != 2 || !strings.Contains(errs, "--private-key-file") || strings.Contains(errs, "c2VjcmV0") {
		t.Fatalf("a bad key: exit %d %s", code, errs)
	}
}

func TestExportNamesTheSettingsNoPlanKeyCarries(t *testing.T) {
	e := newEnv(t)
	e.sim.AddApplication(e.seed.Production.ID, map[string]any{
		"name": "With CORS", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
		"corsSettings": map[string]any{"behavior": "ALLOW_SPECIFIC_ORIGINS", "origins": []string{"https://a.example.com"}},
		"icon":         map[string]any{"id": "9f4e1c3a-5b2d-4e6f-8a7b-1c2d3e4f5a6b", "href": "https://assets.example.com/icon.png"},
		"homePageUrl":  "https://home.example.com",
	})
	code, out, errs := e.run("export", "--app", "With CORS")
	if code != 0 {
		t.Fatalf("exit %d %s", code, errs)
	}
	if !strings.Contains(out, "a new app\n# made from this plan does not get them): icon\n") || !strings.Contains(out, "origins:\n      - https://a.example.com") {
		t.Errorf("export:\n%s", out)
	}
	if !strings.Contains(out, "homePageUrl: https://home.example.com") {
		t.Errorf("the table's homePageUrl is not in the plan:\n%s", out)
	}
}
