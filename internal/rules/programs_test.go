package rules

import (
	"slices"
	"testing"
)

// TestProgramRegimes: every program regime of regimes.json, and one made from
// each template, is a valid regime definition that no built-in regime has the id
// of, and is not loaded by default.
func TestProgramRegimes(t *testing.T) {
	ids := append(ProgramIDs(), "US-OFAC-NEW-PROGRAM", "US-BIS-NEW", "US-STATE-NEW", "US-CSL-NEW")
	if len(ids) < 14 {
		t.Fatalf("%d program regimes", len(ids))
	}
	set, err := NewSet(Builtin())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		name, spec, ok := Program(id, ProgramVars{List: "New List (NEW)", Agency: "Some Agency"})
		if !ok {
			t.Fatalf("%s: no definition", id)
		}
		r, err := ParseSpec(spec)
		if err != nil {
			t.Fatalf("%s: %v\n%s", id, err, spec)
		}
		if r.ID != id || r.Name != name || name == "" || set.Has(id) || !slices.Contains([]RuleKind{RuleListed, RuleAggregate}, r.Rule) {
			t.Errorf("%s: %+v", id, r)
		}
	}
	if _, _, ok := Program("XX-UNKNOWN", ProgramVars{}); ok {
		t.Error("a program regime for an id no template covers")
	}
}
