package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

var (
	completeURL = regexp.MustCompile(`\(or open (\S+)\)`)
	userCode    = regexp.MustCompile(`name="user_code" value="([^"]+)"`)
)

// approveDevice signs in on the simulator's device verification page, as a person would in a
// browser: open the complete URL, submit username and password.
func approveDevice(complete, username, password string) error {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	res, err := hc.Get(complete)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := userCode.FindSubmatch(body)
	if m == nil {
		return io.ErrUnexpectedEOF
	}
	u, _ := url.Parse(complete)
	u.RawQuery = ""
	res, err = hc.PostForm(u.String(), url.Values{"user_code": {string(m[1])}, "username": {username}, "password": {password}, "action": {"signon"}})
	if err == nil {
		res.Body.Close()
	}
	return err
}

func TestDeviceSignInReachesApplyAndTheTokenIsCachedForTheNextRun(t *testing.T) {
	keyring.MockInit()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	e := newEnv(t)
	t.Setenv("PINGONE_API_ACCESS_TOKEN", "")
	env := e.seed.Production.ID
	app := e.sim.AddApplication(env, map[string]any{
		"name": "Device Sign-In", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"DEVICE_CODE"}, "tokenEndpointAuthMethod": "NONE", "devicePollingInterval": 1,
	})
	plan := e.file("p.yaml", syncPlan)
	args := []string{"apply", "--plan", plan, "--yes", "--output", "json", "--login", "device", "--login-client-id", app,
		"--environment-id", env, "--api-url", e.srv.URL + "/v1", "--auth-url", e.srv.URL}

	pr, pw := io.Pipe()
	approved := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := completeURL.FindStringSubmatch(sc.Text()); m != nil {
				approved <- approveDevice(m[1], e.seed.Admin.Username, e.seed.Admin.Password)
				break
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	var out strings.Builder
	code := run(context.Background(), args, strings.NewReader(""), &out, pw)
	pw.Close()
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out.String())
	}
	select {
	case err := <-approved:
		if err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatal("the device code was never shown")
	}
	if !strings.Contains(out.String(), `"Sync Worker"`) {
		t.Errorf("output %s", out.String())
	}

	// The second run reuses the cached token: no code is shown, nobody approves.
	var errb strings.Builder
	out.Reset()
	if code := run(context.Background(), args, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, errb.String())
	}
	if strings.Contains(errb.String(), "enter the code") {
		t.Error("the second run asked for a new device sign-in despite the cached token")
	}

	var lo strings.Builder
	if code := run(context.Background(), []string{"logout"}, strings.NewReader(""), &lo, &lo); code != 0 || !strings.Contains(lo.String(), "Removed") {
		t.Errorf("logout: exit %d %s", code, lo.String())
	}
}

func TestLoginNeedsTheSignInAppAndEnvironment(t *testing.T) {
	e := newEnv(t)
	if code, _, stderr := e.run("doctor", "--app", "x", "--login", "browser"); code != 2 || !strings.Contains(stderr, "--login-client-id") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if code, _, stderr := e.run("doctor", "--app", "x", "--login", "device", "--login-client-id", "abc"); code != 2 || !strings.Contains(stderr, "--environment-id") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
