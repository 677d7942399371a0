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
	"rsc.io/qr"
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

// TestTheDeviceCodesQRCodeHoldsTheCompleteVerificationURL reads the drawn QR code back into
// modules and compares them with the QR code of the URL: a phone that scans it opens that URL.
func TestTheDeviceCodesQRCodeHoldsTheCompleteVerificationURL(t *testing.T) {
	const url = "https://auth.pingone.com/3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b/device?user_code=WDJB-MJHT"
	drawn := qrText(url)
	// Each character is two modules, top and bottom: a space is dark over dark (the terminal's
	// background), █ light over light, ▀ light over dark, ▄ dark over light.
	var rows [][]bool
	for _, line := range strings.Split(strings.TrimRight(drawn, "\n"), "\n") {
		var top, bottom []bool
		for _, r := range line {
			switch r {
			case ' ':
				top, bottom = append(top, true), append(bottom, true)
			case '█':
				top, bottom = append(top, false), append(bottom, false)
			case '▀':
				top, bottom = append(top, false), append(bottom, true)
			case '▄':
				top, bottom = append(top, true), append(bottom, false)
			default:
				t.Fatalf("unexpected %q in the QR code:\n%s", r, drawn)
			}
		}
		rows = append(rows, top, bottom)
	}
	code, err := qr.Encode(url, qr.L)
	if err != nil {
		t.Fatal(err)
	}
	black := func(y, x int) bool { return y < len(rows) && x < len(rows[y]) && rows[y][x] }
	for oy := 0; oy < 8; oy++ {
		for ox := 0; ox < 8; ox++ {
			match := true
			for y := 0; y < code.Size && match; y++ {
				for x := 0; x < code.Size; x++ {
					if black(oy+y, ox+x) != code.Black(x, y) {
						match = false
						break
					}
				}
			}
			if match && oy > 0 && !black(oy-1, ox) { // a light quiet zone above the code
				return
			}
		}
	}
	t.Fatalf("the drawn code is not the QR code of %s:\n%s", url, drawn)
}
