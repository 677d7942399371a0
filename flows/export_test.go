package flows

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"testing"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if specTotals.requests > 0 {
		ops := make([]string, 0, len(specTotals.ops))
		for op := range specTotals.ops {
			ops = append(ops, op)
		}
		sort.Strings(ops)
		fmt.Printf("spec: %d requests and %d responses of the flows tests validated against PingOne's OpenAPI spec, over %d operations: %v\n",
			specTotals.requests, specTotals.responses, len(ops), ops)
	}
	os.Exit(code)
}

var specTotals = struct {
	sync.Mutex
	requests, responses int
	ops                 map[string]int
}{ops: map[string]int{}}

// RecordSpecStats adds one tenant's validation counts to the totals printed after the tests.
func RecordSpecStats(requests, responses int, ops map[string]int) {
	specTotals.Lock()
	defer specTotals.Unlock()
	specTotals.requests += requests
	specTotals.responses += responses
	for k, v := range ops {
		specTotals.ops[k] += v
	}
}
