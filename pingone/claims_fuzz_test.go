package pingone

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"
)

func TestTokenDatesOutsideTheYears1970To9999AreRefused(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	for _, payload := range []string{`{"exp":1e300}`, `{"exp":-1}`, `{"iat":253402300800}`, `{"exp":9.3e18}`, `{"exp":-9.3e18}`, `null`, ` null`} {
		if c, err := ParseTokenClaims("e30." + enc([]byte(payload)) + ".c2ln"); err == nil {
			t.Errorf("%s accepted: %+v", payload, c)
		}
	}
	c, err := ParseTokenClaims("e30." + enc([]byte(`{"exp":253402300799,"iat":0.0015,"aud":[]}`)) + ".c2ln")
	if err != nil || c.ExpiresAt.Year() != 9999 || !c.IssuedAt.Equal(time.UnixMilli(2)) || c.Audience != nil {
		t.Errorf("claims %+v, %v", c, err)
	}
}

// FuzzParseTokenClaims: no panic; accepted claims carry dates between 1970 and 9999 (or none),
// and written back into a token they parse to the same claims.
func FuzzParseTokenClaims(f *testing.F) {
	enc := base64.RawURLEncoding.EncodeToString
	for _, p := range []string{
		`{"sub":"u","client_id":"c","env":"e","org":"o","scope":"openid p1:read:user","iss":"https://auth.pingone.eu/e/as","aud":["a","b"],"exp":1900000000,"iat":1899996400.5}`,
		`{"aud":"https://api.pingone.com","iss":"https://auth.pingone.com/e/as"}`, `{"aud":null,"exp":null}`, `{"aud":[]}`, `{"aud":5}`,
		`{"exp":"1900000000"}`, `{"exp":"soon"}`, `{"exp":1e300}`, `{"exp":-1}`, `{"exp":9.3e18}`, `[1]`, `null`, `{}`,
	} {
		f.Add("eyJhbGciOiJSUzI1NiJ9." + enc([]byte(p)) + ".c2ln")
	}
	f.Add("opaque")
	f.Add("a.b")
	f.Add("a.!!!.c")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := ParseTokenClaims(token)
		if err != nil {
			return
		}
		for _, d := range []time.Time{c.ExpiresAt, c.IssuedAt} {
			if !d.IsZero() && (d.Year() < 1970 || d.Year() > 9999) {
				t.Fatalf("%q: date %v", token, d)
			}
		}
		if c.ExpiresAt.IsZero() && c.Expired(time.Now()) {
			t.Fatalf("%q: a token without exp expired", token)
		}
		_ = c.Environment()
		claims := map[string]any{"sub": c.Subject, "client_id": c.ClientID, "env": c.Env, "org": c.Org, "scope": c.Scope, "iss": c.Issuer}
		if c.Audience != nil {
			claims["aud"] = c.Audience
		}
		for k, d := range map[string]time.Time{"exp": c.ExpiresAt, "iat": c.IssuedAt} {
			if !d.IsZero() {
				ms := d.UnixMilli()
				claims[k] = json.Number(fmt.Sprintf("%d.%03d", ms/1000, ms%1000))
			}
		}
		payload, err := json.Marshal(claims)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseTokenClaims("e30." + enc(payload) + ".c2ln")
		if err != nil {
			t.Fatalf("%q: the claims written back (%s) are refused: %v", token, payload, err)
		}
		if !reflect.DeepEqual(c, back) {
			t.Fatalf("%q: round trip changed the claims:\n%+v\n%+v", token, c, back)
		}
	})
}
