package pingonetest

import (
	"fmt"
	"slices"
	"strings"
)

// filterExpr is a parsed SCIM filter of the subset PingOne documents for
// users: attribute eq|sw "value", combined with and/or and parentheses.
// [unconfirmed] comparisons are case-insensitive (SCIM's default caseExact
// false); other operators (co, ew, pr, gt, ...) and attributes outside the
// endpoint's list are rejected with INVALID_FILTER.
type filterExpr struct {
	op          string // "and", "or", "eq", "sw"
	left, right *filterExpr
	attr, value string
}

func (f *filterExpr) eval(get func(attr string) string) bool {
	switch f.op {
	case "and":
		return f.left.eval(get) && f.right.eval(get)
	case "or":
		return f.left.eval(get) || f.right.eval(get)
	case "eq":
		return strings.EqualFold(get(f.attr), f.value)
	case "sw":
		return strings.HasPrefix(strings.ToLower(get(f.attr)), strings.ToLower(f.value))
	}
	return false
}

// String writes f back as a filter that parses to f again, with parentheses only where the
// and-before-or precedence needs them.
func (f *filterExpr) String() string {
	paren := func(e *filterExpr, need bool) string {
		if need {
			return "(" + e.String() + ")"
		}
		return e.String()
	}
	switch f.op {
	case "or":
		return f.left.String() + " or " + paren(f.right, f.right.op == "or")
	case "and":
		return paren(f.left, f.left.op == "or") + " and " + paren(f.right, f.right.op == "and" || f.right.op == "or")
	}
	return f.attr + " " + f.op + ` "` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(f.value) + `"`
}

// maxFilterDepth bounds the nesting of parentheses, so a filter of a million "(" cannot run the
// parser a million calls deep.
const maxFilterDepth = 32

type filterParser struct {
	toks  []string
	pos   int
	attrs []string
	depth int
}

func tokenizeFilter(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t':
			i++
		case ch == '(' || ch == ')':
			toks = append(toks, string(ch))
			i++
		case ch == '"':
			var b strings.Builder
			b.WriteByte('"')
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string")
			}
			toks = append(toks, b.String())
			i = j + 1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t()\"", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

func parseFilter(raw string, attrs []string) (*filterExpr, error) {
	toks, err := tokenizeFilter(raw)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks, attrs: attrs}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	return e, nil
}

func (p *filterParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *filterParser) or() (*filterExpr, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), "or") {
		p.pos++
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &filterExpr{op: "or", left: l, right: r}
	}
	return l, nil
}

func (p *filterParser) and() (*filterExpr, error) {
	l, err := p.factor()
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), "and") {
		p.pos++
		r, err := p.factor()
		if err != nil {
			return nil, err
		}
		l = &filterExpr{op: "and", left: l, right: r}
	}
	return l, nil
}

func (p *filterParser) factor() (*filterExpr, error) {
	if p.peek() == "(" {
		if p.depth++; p.depth > maxFilterDepth {
			return nil, fmt.Errorf("parentheses nested more than %d deep", maxFilterDepth)
		}
		defer func() { p.depth-- }()
		p.pos++
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("missing )")
		}
		p.pos++
		return e, nil
	}
	if p.pos+3 > len(p.toks) {
		return nil, fmt.Errorf("incomplete expression")
	}
	attr, op, val := p.toks[p.pos], strings.ToLower(p.toks[p.pos+1]), p.toks[p.pos+2]
	p.pos += 3
	idx := slices.IndexFunc(p.attrs, func(a string) bool { return strings.EqualFold(a, attr) })
	if idx < 0 {
		return nil, fmt.Errorf("attribute %q is not supported in filters", attr)
	}
	if op != "eq" && op != "sw" {
		return nil, fmt.Errorf("operator %q is not supported", op)
	}
	if !strings.HasPrefix(val, `"`) {
		return nil, fmt.Errorf("value for %s must be a quoted string", attr)
	}
	return &filterExpr{op: op, attr: p.attrs[idx], value: val[1:]}, nil
}

// parseFilter parses raw or writes 400 INVALID_DATA / INVALID_FILTER.
func (c *call) parseFilter(raw string, attrs []string) (*filterExpr, bool) {
	f, err := parseFilter(raw, attrs)
	if err != nil {
		c.invalid(detail{Code: "INVALID_FILTER", Target: "filter", Message: "Invalid filter: " + err.Error()})
		return nil, false
	}
	return f, true
}
