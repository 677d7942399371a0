// Package outwait follows a program's output in tests: wait until a text shows up after the
// place the previous wait matched, so a test waits on what the screen says, never on time.
package outwait

import (
	"bytes"
	"io"
	"testing"
	"time"
)

// Timeout is how long a wait lasts before it fails: long enough for a loaded CI machine running
// the race detector, and still a failure, not a hang.
const Timeout = 30 * time.Second

// Output reads a program's output as it comes (teatest's TestModel.Output()).
type Output struct {
	R    io.Reader
	Seen []byte // everything read so far
	from int
}

// WaitFor reads until text appears after the previous match, or fails t after Timeout.
func (o *Output) WaitFor(t testing.TB, text string) {
	t.Helper()
	deadline := time.Now().Add(Timeout)
	buf := make([]byte, 64<<10)
	for {
		if i := bytes.Index(o.Seen[o.from:], []byte(text)); i >= 0 {
			o.from += i
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q after %v; the end of the output:\n%s", text, Timeout, Tail(o.Seen, 3000))
		}
		n, _ := o.R.Read(buf)
		o.Seen = append(o.Seen, buf[:n]...)
		if n == 0 {
			time.Sleep(10 * time.Millisecond) // nothing new yet: poll again
		}
	}
}

// Tail is the last n bytes of b, for failure messages.
func Tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
