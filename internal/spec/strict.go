package spec

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxDepth bounds how deep the strict check follows allOf chains inside one
// schema, as a guard against pathological documents.
const maxDepth = 32

// unknownKeys walks a decoded JSON value alongside its schema and returns one
// message per object key that no schema property declares, in the form
// `$.path.to.key: property not declared by PingOne's spec`.
//
// Objects whose schema allows additional properties (true, or a schema that
// their values are then checked against) are open, and so is a free-form
// `type: object` without properties. allOf parts are merged; for oneOf/anyOf
// each branch is tried and the value passes if any branch declares all its
// keys. When none does, the problems of the closest branch are reported:
// branches the value structurally matches first, then fewest unknown keys.
func unknownKeys(schema *openapi3.SchemaRef, value any) []string {
	if schema == nil {
		return nil
	}
	return checkValue([]*openapi3.SchemaRef{schema}, value, "$")
}

// view is a flattened object schema: allOf parts merged.
type view struct {
	props map[string][]*openapi3.SchemaRef // every schema that declares a property
	open  bool                             // undeclared keys are allowed
	addl  []*openapi3.SchemaRef            // additionalProperties schemas for undeclared keys
	items []*openapi3.SchemaRef            // array item schemas
	alts  [][]*openapi3.SchemaRef          // oneOf/anyOf groups still to choose a branch in
}

func newView() *view { return &view{props: map[string][]*openapi3.SchemaRef{}} }

func (v *view) clone() *view {
	c := &view{
		props: make(map[string][]*openapi3.SchemaRef, len(v.props)),
		open:  v.open,
		addl:  slices.Clone(v.addl),
		items: slices.Clone(v.items),
		alts:  slices.Clone(v.alts),
	}
	for k, refs := range v.props {
		c.props[k] = slices.Clone(refs)
	}
	return c
}

// add merges schema s (and its allOf parts) into v.
func (v *view) add(s *openapi3.Schema, depth int) {
	if s == nil || depth > maxDepth {
		v.open = true // unresolved or unbounded: say nothing rather than guess
		return
	}
	for name, p := range s.Properties {
		v.props[name] = append(v.props[name], p)
	}
	if s.Items != nil {
		v.items = append(v.items, s.Items)
	}
	ap := s.AdditionalProperties
	if ap.Has != nil && *ap.Has {
		v.open = true
	}
	if ap.Schema != nil {
		v.open = true
		v.addl = append(v.addl, ap.Schema)
	}
	if freeForm(s) {
		v.open = true
	}
	for _, part := range s.AllOf {
		v.add(part.Value, depth+1)
	}
	if len(s.OneOf) > 0 {
		v.alts = append(v.alts, s.OneOf)
	}
	if len(s.AnyOf) > 0 {
		v.alts = append(v.alts, s.AnyOf)
	}
}

// freeForm reports whether s says nothing about an object's keys: no
// properties, no additionalProperties, no composition, no required list, and
// type object or no type at all.
func freeForm(s *openapi3.Schema) bool {
	return len(s.Properties) == 0 &&
		s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil &&
		len(s.AllOf) == 0 && len(s.OneOf) == 0 && len(s.AnyOf) == 0 &&
		s.Items == nil && len(s.Required) == 0 &&
		(s.Type.IsEmpty() || s.Type.Is(openapi3.TypeObject))
}

func checkValue(refs []*openapi3.SchemaRef, value any, path string) []string {
	if len(refs) == 0 {
		return nil
	}
	switch x := value.(type) {
	case map[string]any:
		v := newView()
		for _, r := range refs {
			v.add(r.Value, 0)
		}
		return checkObject(v, x, path)
	case []any:
		v := newView()
		for _, r := range refs {
			v.add(r.Value, 0)
		}
		items := v.items
		if len(items) == 0 && len(v.alts) > 0 {
			// An array under oneOf/anyOf: take the item schemas of every branch;
			// an element's keys then only need declaring by one of them.
			for _, group := range v.alts {
				for _, br := range group {
					if br.Value != nil && br.Value.Items != nil {
						items = append(items, &openapi3.SchemaRef{Value: &openapi3.Schema{AnyOf: openapi3.SchemaRefs{br.Value.Items}}})
					}
				}
			}
		}
		var out []string
		for i, e := range x {
			out = append(out, checkValue(items, e, path+"["+strconv.Itoa(i)+"]")...)
		}
		return out
	}
	return nil
}

func checkObject(v *view, obj map[string]any, path string) []string {
	if len(v.alts) > 0 {
		group := v.alts[0]
		rest := v.clone()
		rest.alts = rest.alts[1:]
		var best []string
		bestScore := -1
		for _, br := range group {
			nv := rest.clone()
			nv.add(br.Value, 0)
			problems := checkObject(nv, obj, path)
			if len(problems) == 0 {
				return nil
			}
			score := len(problems)
			if br.Value != nil && br.Value.VisitJSON(obj) != nil {
				score += 1 << 20 // prefer branches the value otherwise matches
			}
			if bestScore < 0 || score < bestScore {
				best, bestScore = problems, score
			}
		}
		return best
	}

	var out []string
	for _, k := range sortedKeys(obj) {
		p := path + "." + k
		switch {
		case len(v.props[k]) > 0:
			out = append(out, checkValue(v.props[k], obj[k], p)...)
		case v.open:
			out = append(out, checkValue(v.addl, obj[k], p)...)
		default:
			out = append(out, fmt.Sprintf("%s: property not declared by PingOne's spec", p))
		}
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
