package pingone

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// applicationReadOnly are the keys PingOne sets and never accepts in a request body
// (readOnly in schemas Application and ApplicationOIDC).
var applicationReadOnly = []string{"_links", "id", "environment", "createdAt", "updatedAt", "clientSecret"}

// applicationAlias has Application's fields and tags but not its methods.
type applicationAlias Application

var (
	appKeysOnce sync.Once
	appKeys     map[string]bool
)

// applicationKeys returns the JSON keys Application models.
func applicationKeys() map[string]bool {
	appKeysOnce.Do(func() {
		appKeys = map[string]bool{}
		t := reflect.TypeOf(Application{})
		for i := 0; i < t.NumField(); i++ {
			tag := t.Field(i).Tag.Get("json")
			name, _, _ := strings.Cut(tag, ",")
			if name != "" && name != "-" {
				appKeys[name] = true
			}
		}
	})
	return appKeys
}

// UnmarshalJSON decodes an application, keeping every field the struct does not model in Extra.
func (a *Application) UnmarshalJSON(data []byte) error {
	var al applicationAlias
	if err := json.Unmarshal(data, &al); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	known := applicationKeys()
	for k := range all {
		if known[k] {
			delete(all, k)
		}
	}
	if len(all) == 0 {
		all = nil
	}
	al.Extra = all
	*a = Application(al)
	return nil
}

// MarshalJSON encodes the application with its Extra fields; modelled fields win over
// an Extra entry of the same name. Read-only fields are included: use RequestBody for
// what is sent to PingOne.
func (a Application) MarshalJSON() ([]byte, error) {
	m, err := a.fields()
	if err != nil {
		return nil, err
	}
	return marshalMap(m)
}

// fields returns the application as a map of JSON values.
func (a Application) fields() (map[string]json.RawMessage, error) {
	modelled, err := json.Marshal(applicationAlias(a))
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(modelled, &m); err != nil {
		return nil, err
	}
	known := applicationKeys()
	for k, v := range a.Extra {
		if known[k] {
			continue // a modelled field is authoritative, even when it is empty and omitted
		}
		m[k] = v
	}
	return m, nil
}

// RequestBody returns the JSON body for a full-replace PUT of the application:
// everything PingOne returned (Extra included) minus the read-only fields (_links, id,
// environment, createdAt, updatedAt, clientSecret), with the modelled fields overriding,
// and without assignActorRoles, which PingOne honours on create only.
func (a Application) RequestBody() ([]byte, error) {
	return a.requestBody(false)
}

// requestBody builds a request body; assignActorRoles is sent only on create and only when set.
func (a Application) requestBody(create bool) ([]byte, error) {
	m, err := a.fields()
	if err != nil {
		return nil, err
	}
	for _, k := range applicationReadOnly {
		delete(m, k)
	}
	if !create || a.AssignActorRoles == nil {
		delete(m, "assignActorRoles")
	}
	return marshalMap(m)
}

// marshalMap encodes m with sorted keys and no HTML escaping.
func marshalMap(m map[string]json.RawMessage) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
