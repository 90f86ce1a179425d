package rules

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
)

// Program regimes are the regimes of the list feeds' other programs (OFAC's
// non-SDN lists, the Consolidated Screening List's other lists): defined in the
// programs section of regimes.json, not loaded by default. A feed stores a
// program's definition as a regime record before the first listing that names
// it, so they appear only when data loads them.

// programSpec is the shape of a program regime's definition, in the order of
// its fields in the stored record.
type programSpec struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Authority  string          `json:"authority,omitempty"`
	Rule       string          `json:"rule"`
	Thresholds []programThresh `json:"thresholds,omitempty"`
	URL        string          `json:"url,omitempty"`
	Note       string          `json:"note"`
}

type programThresh struct {
	Percent   float64 `json:"percent"`
	Inclusive bool    `json:"inclusive"`
}

type programTemplate struct {
	IDPrefix string `json:"idPrefix"`
	Feed     string `json:"feed"`
	programSpec
}

type programsJSON struct {
	About     string            `json:"about"`
	Regimes   []json.RawMessage `json:"regimes"`
	Templates []programTemplate `json:"templates"`
}

var programs = sync.OnceValue(func() struct {
	byID      map[string]programSpec
	templates []programTemplate
} {
	var f fileJSON
	if err := json.Unmarshal(builtinJSON, &f); err != nil {
		panic("built-in regimes: " + err.Error())
	}
	var p programsJSON
	dec := json.NewDecoder(bytes.NewReader(f.Programs))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		panic("built-in regimes: programs: " + err.Error())
	}
	out := struct {
		byID      map[string]programSpec
		templates []programTemplate
	}{byID: map[string]programSpec{}, templates: p.Templates}
	for _, raw := range p.Regimes {
		var s programSpec
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			panic("built-in regimes: programs: " + err.Error())
		}
		out.byID[s.ID] = s
	}
	return out
})

// ProgramVars are what a feed knows of a program it has no definition for: its
// own name of the list and of the list's agency (the {list} and {agency} of a
// template).
type ProgramVars struct {
	List, Agency string
}

// Program returns the definition of program regime id, as a regime record's
// name and spec: its entry in the programs section of regimes.json, or else one
// made from the first template whose idPrefix id starts with. ok is false when
// neither gives one.
func Program(id string, vars ProgramVars) (name string, spec []byte, ok bool) {
	ps := programs()
	if s, found := ps.byID[id]; found {
		return s.Name, marshalProgram(s), true
	}
	for _, t := range ps.templates {
		program, found := strings.CutPrefix(id, t.IDPrefix)
		if !found || program == "" {
			continue
		}
		fill := strings.NewReplacer("{program}", program, "{list}", vars.List, "{agency}", vars.Agency)
		s := t.programSpec
		s.ID, s.Name, s.Authority = id, strings.TrimSpace(fill.Replace(s.Name)), strings.TrimSpace(fill.Replace(s.Authority))
		return s.Name, marshalProgram(s), true
	}
	return "", nil, false
}

// ProgramIDs returns the ids the programs section defines.
func ProgramIDs() []string {
	var out []string
	for id := range programs().byID {
		out = append(out, id)
	}
	return out
}

func marshalProgram(s programSpec) []byte {
	b, err := json.Marshal(s)
	if err != nil {
		panic("program regime: " + err.Error())
	}
	return b
}
