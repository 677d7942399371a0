package pingonetest

import (
	"reflect"
	"strings"
	"testing"
)

func TestAFilterWritesBackToItself(t *testing.T) {
	for in, want := range map[string]string{
		`username eq "a"`:   `username eq "a"`,
		`(username eq "a")`: `username eq "a"`,
		`USERNAME EQ "a\"b\\c" AND email sw "x" or id eq "y"`:        `username eq "a\"b\\c" and email sw "x" or id eq "y"`,
		`username eq "a" and (email sw "x" or id eq "y")`:            `username eq "a" and (email sw "x" or id eq "y")`,
		`username eq "a" or (email sw "x" or id eq "y")`:             `username eq "a" or (email sw "x" or id eq "y")`,
		`(username eq "a" or email sw "x") and id eq "y"`:            `(username eq "a" or email sw "x") and id eq "y"`,
		`username eq "a" and (email sw "x" and id eq "y")`:           `username eq "a" and (email sw "x" and id eq "y")`,
		`((((username eq "a"))))`:                                    `username eq "a"`,
		`username eq "a" or email sw "x" and id eq "y" or id eq "z"`: `username eq "a" or email sw "x" and id eq "y" or id eq "z"`,
	} {
		f, err := parseFilter(in, userFilterAttrs)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got := f.String(); got != want {
			t.Errorf("%s: String() = %s; want %s", in, got, want)
		}
	}
}

func TestAFilterNestedTooDeepIsRefused(t *testing.T) {
	deep := strings.Repeat("(", 100000) + `username eq "a"` + strings.Repeat(")", 100000)
	if _, err := parseFilter(deep, userFilterAttrs); err == nil || !strings.Contains(err.Error(), "nested more than 32 deep") {
		t.Errorf("err %v", err)
	}
	ok := strings.Repeat("(", 32) + `username eq "a"` + strings.Repeat(")", 32)
	if _, err := parseFilter(ok, userFilterAttrs); err != nil {
		t.Errorf("32 levels: %v", err)
	}
}

// FuzzParseFilter: the simulator's SCIM filter parser never panics, and a parsed filter written
// back with String parses to the same expression (same attributes, operators, values and
// grouping), which evaluates the same.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		`username eq "jdoe"`, `email sw "j" and population.id eq "p"`, `(username eq "a" or email eq "b") and id eq "c"`,
		`USERNAME EQ "a\"b"`, `username eq "unterminated`, `username co "x"`, `password eq "x"`, `username eq x`, `(username eq "a"`,
		`username eq "a")`, `username eq`, `name.given eq "\\"`, `username eq "a" and`, `((((username eq "a"))))`, ``, `()`,
		`username	eq	"tab"`, `username eq"nospace"`, `and eq "x"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		e, err := parseFilter(raw, userFilterAttrs)
		if err != nil {
			return
		}
		s := e.String()
		back, err := parseFilter(s, userFilterAttrs)
		if err != nil {
			t.Fatalf("%q parsed, but its String %q does not: %v", raw, s, err)
		}
		if !reflect.DeepEqual(e, back) {
			t.Fatalf("%q -> %q parses differently:\n%+v\n%+v", raw, s, e, back)
		}
		get := func(attr string) string { return attr + raw }
		if e.eval(get) != back.eval(get) {
			t.Fatalf("%q and %q evaluate differently", raw, s)
		}
	})
}
