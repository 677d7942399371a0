package flows

import (
	"os"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	// Role propagation waits are real on PingOne; the simulator propagates at once.
	verifyRetries = []time.Duration{time.Millisecond, time.Millisecond}
	os.Exit(m.Run())
}
