package signin

import (
	"context"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const chromiumPath = "/usr/bin/chromium"

// headlessChromium starts Debian's chromium once for a test, or skips (fails
// when PINGONE_BROWSER_REQUIRED=1) if it is not installed.
func headlessChromium(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		msg := chromiumPath + " not found: install it (apt-get install -y chromium) to run the real-browser sign-in tests"
		if os.Getenv("PINGONE_BROWSER_REQUIRED") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// signOnIn fills and submits the simulator's sign-on form in the open tab.
func signOnIn(username, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), username),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("signOn")),
	)
}

func TestARealChromiumSignsInWithTheBrowserAndTheDeviceFlows(t *testing.T) {
	browser := headlessChromium(t)
	start := time.Now()
	tn := newTenant(t)

	t.Run("browser flow", func(t *testing.T) {
		cfg := tn.config()
		var pageText atomic.Value
		pageText.Store("")
		open := func(authURL string) error {
			ctx, cancel := context.WithTimeout(browser, 15*time.Second)
			defer cancel()
			err := chromedp.Do(ctx,
				chromedp.Navigate(authURL),
				signOnIn("admin", tn.seed.Admin.Password),
				chromedp.WaitVisible(chromedp.ID("title")),
			)
			if err == nil {
				var text string
				text, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("message")))
				pageText.Store(text)
			}
			if err != nil {
				t.Errorf("chromium: %v", err)
			}
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		tok, err := Browser(ctx, cfg, nil, open)
		if err != nil {
			t.Fatal(err)
		}
		who, err := IdentityFromToken(tok)
		if err != nil || who.UserID != tn.seed.Admin.ID {
			t.Fatalf("identity %+v, %v", who, err)
		}
		// open runs in the background; wait for the page text it read.
		deadline := time.Now().Add(5 * time.Second)
		for pageText.Load() == "" && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if page := pageText.Load().(string); !strings.Contains(page, "close this tab") {
			t.Fatalf("the callback page said %q", page)
		}
	})

	t.Run("device flow", func(t *testing.T) {
		cfg := tn.deviceApp()
		done := make(chan string, 1)
		show := func(dc DeviceCode) {
			go func() {
				ctx, cancel := context.WithTimeout(browser, 15*time.Second)
				defer cancel()
				var text string
				err := chromedp.Do(ctx,
					chromedp.Navigate(dc.VerificationURIComplete),
					signOnIn("admin", tn.seed.Admin.Password),
					chromedp.WaitVisible(chromedp.ID("done")),
				)
				if err == nil {
					text, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("done")))
				}
				if err != nil {
					t.Errorf("chromium: %v", err)
				}
				done <- text
			}()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		tok, err := Device(ctx, cfg, show)
		if err != nil {
			t.Fatal(err)
		}
		if text := <-done; text != "Device signed in" {
			t.Fatalf("the verification page said %q", text)
		}
		if who, err := IdentityFromToken(tok); err != nil || who.UserID != tn.seed.Admin.ID {
			t.Fatalf("identity %+v, %v", who, err)
		}
	})
	t.Logf("real-browser sign-ins took %v", time.Since(start).Round(time.Millisecond))
}
