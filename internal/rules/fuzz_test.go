package rules

import (
	"errors"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/internal/model"
)

// fuzzWorld is a small world with what regimes seed from (listings,
// countries, state bodies, sites) and walk (ownership, control, components,
// sourcing), for the regimes a fuzzed file defines.
const fuzzWorld = `{"kind":"entity","id":"hw","name":"Huawei","country":"cn"}
{"kind":"entity","id":"sasac","name":"SASAC","type":"state_body","country":"cn"}
{"kind":"entity","id":"group","name":"Group","country":"bm","hqCountry":"cn"}
{"kind":"entity","id":"sub","name":"Sub","country":"ru"}
{"kind":"entity","id":"person","name":"A Person","type":"person"}
{"kind":"control","controller":"sasac","controlled":"group","basis":"dominant_influence"}
{"kind":"ownership","owner":"group","owned":"hw","percent":60,"from":"2019-01-01"}
{"kind":"ownership","owner":"hw","owned":"sub","percentMin":25,"percentMax":75}
{"kind":"ownership","owner":"person","owned":"sub","percent":30}
{"kind":"listing","regime":"US-NDAA-889","entity":"hw","categories":["telecom"],"from":"2019-08-13"}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"person","from":"2020-01-01"}
{"kind":"product","id":"router","name":"Router","category":"telecom"}
{"kind":"product","id":"chip","name":"Chip"}
{"kind":"component","parent":"router","child":"chip"}
{"kind":"sourcing","product":"chip","entity":"sub","site":"cn-xj"}
{"kind":"sourcing","product":"router","entity":"hw"}
`

// FuzzRegimesFile feeds arbitrary bytes to the regimes file parser (--regimes
// and ingested regime definitions): it never panics; a refused file is an
// ErrBadInput whose message starts with the file's name; and the regimes of
// an accepted file, loaded beside the built-in ones, screen every entity and
// product of a small world without error. Its seeds are in
// testdata/fuzz/FuzzRegimesFile.
func FuzzRegimesFile(f *testing.F) {
	f.Add([]byte(`[{"id":"X1","rule":"affiliate","seeds":{"listingsOf":["US-NDAA-889"]}}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		stored := func(id string) bool { return id == "STORED-EARLIER" }
		rs, err := ParseFileWith("user.json", data, false, stored)
		if err != nil {
			if !errors.Is(err, model.ErrBadInput) || !strings.HasPrefix(err.Error(), "user.json: ") {
				t.Fatalf("a refusal that is not bad input naming the file: %v", err)
			}
			return
		}
		set, err := NewSet(Builtin(), rs)
		if err != nil {
			if !errors.Is(err, model.ErrBadInput) {
				t.Fatalf("regimes refused beside the built-in ones, not as bad input: %v", err)
			}
			return
		}
		eng := engineFor(t, fuzzWorld)
		eng = NewEngine(eng.snap, set)
		for _, d := range []string{"2018-06-01", "2024-06-01"} {
			day, err := model.ParseDate(d)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{"hw", "sasac", "group", "sub", "person"} {
				if _, err := eng.ScreenEntity(id, day, rs); err != nil {
					t.Fatalf("screen entity %s on %s: %v", id, d, err)
				}
			}
			for _, id := range []string{"router", "chip"} {
				if _, err := eng.ScreenProduct(id, day, rs); err != nil {
					t.Fatalf("screen product %s on %s: %v", id, d, err)
				}
			}
		}
	})
}
