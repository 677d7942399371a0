package flows

import (
	"math/big"
	"strings"
	"testing"
)

func TestADurationPastPingOnesLimitIsRefusedNotWrappedAround(t *testing.T) {
	for _, in := range []string{"213503982334602d", "2147483648", "24856d", "596524h", "35791395m", "99999999999999999999", "99999999999999999999d"} {
		d, err := ParseDuration(in)
		if err == nil {
			t.Errorf("ParseDuration(%q) = %d seconds, want an error", in, d)
		} else if !strings.Contains(err.Error(), "too long") {
			t.Errorf("ParseDuration(%q): %v; want it to say the duration is too long", in, err)
		}
	}
	for in, want := range map[string]Duration{"2147483647": MaxRefreshDuration, "24855d": 24855 * 86400, "0": 0, "0d": 0, " 30d ": 2592000} {
		if d, err := ParseDuration(in); err != nil || d != want {
			t.Errorf("ParseDuration(%q) = %d, %v; want %d", in, d, err, want)
		}
	}
}

func TestADurationIsDigitsAndOneUnitOnly(t *testing.T) {
	for _, bad := range []string{"+5", "5 d", "0x10", "1_000", "1e3", "5dd", "d5", "½d", "٣d", "5D"} {
		if d, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) = %d, want an error", bad, d)
		}
	}
}

// FuzzParseDuration checks ParseDuration against an independent big-number reading: an input of
// digits and at most one unit is accepted exactly when its value is within PingOne's range, with
// that value, and every accepted duration's String() parses back to itself.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"60", "30d", "12h", "90m", "45s", "0", "2147483647", "2147483648", "213503982334602d",
		"-5", "+5", "1.5d", "d", "", " 7d ", "99999999999999999999999d", "24855d", "24856d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		want, inRange, wellFormed := bigDuration(strings.TrimSpace(s))
		switch {
		case wellFormed && inRange && (err != nil || int64(d) != want):
			t.Fatalf("ParseDuration(%q) = %d, %v; want %d", s, d, err, want)
		case (!wellFormed || !inRange) && err == nil:
			t.Fatalf("ParseDuration(%q) = %d; want an error", s, d)
		case err != nil:
			return
		}
		if d < 0 || d > MaxRefreshDuration {
			t.Fatalf("ParseDuration(%q) = %d: out of range", s, d)
		}
		back, err := ParseDuration(d.String())
		if err != nil || back != d {
			t.Fatalf("%q -> %d -> %q -> %d, %v", s, d, d.String(), back, err)
		}
	})
}

// bigDuration reads digits with an optional d/h/m/s suffix using math/big, so no overflow can hide.
func bigDuration(s string) (seconds int64, inRange, wellFormed bool) {
	unit := int64(1)
	if s != "" {
		switch s[len(s)-1] {
		case 'd':
			unit = 86400
		case 'h':
			unit = 3600
		case 'm':
			unit = 60
		case 's':
			unit = 1
		}
		if strings.ContainsRune("dhms", rune(s[len(s)-1])) {
			s = s[:len(s)-1]
		}
	}
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, false, false
	}
	n, _ := new(big.Int).SetString(s, 10)
	n.Mul(n, big.NewInt(unit))
	if n.Cmp(big.NewInt(MaxRefreshDuration)) > 0 {
		return 0, false, true
	}
	return n.Int64(), true, true
}
