package load_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/internal/e2e"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
	"github.com/keiretsu/keiretsu/internal/store/storetest"
)

// Valid identifiers (check characters verified by resolve's tests).
const (
	leiX   = "5493001KJTIIGC8Y1R12"
	leiY   = "529900T8BM49AURSDO55"
	usccHW = "914403001922038216" // HUAWEI TECHNOLOGIES CO., LTD. in OFAC's CMIC entries
	usccHI = "91440300746645251H" // HUAWEI INVESTMENT & HOLDING CO., LTD.
)

func openEmbedded(t *testing.T) store.Store {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// sameAs lists the stored same_as records as "a b | reason | source".
func sameAs(t *testing.T, st store.Store) []string {
	t.Helper()
	var out []string
	_, err := st.Scan(context.Background(), func(r *model.Record) error {
		if r.Kind == model.KindSameAs {
			out = append(out, fmt.Sprintf("%s %s | %s | %s", r.Src, r.Dst, r.Reason, r.Source))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func TestAutoLink(t *testing.T) { testAutoLink(t, openEmbedded) }

// testAutoLink runs the automatic-link scenarios on empty stores from open.
func testAutoLink(t *testing.T, open func(t *testing.T) store.Store) {
	auto := load.Options{AutoLink: true}
	type step struct {
		jsonl            string
		opt              load.Options
		linked, unlinked int
		skipped          int
		want             []string // same_as after the step
		sameVersion      bool     // the step changes nothing
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"two runs link once, re-ingest changes nothing", []step{
			{jsonl: `{"kind":"entity","id":"gleif:a","name":"Alpha Holdings Ltd","identifiers":{"lei":"` + leiX + `"}}`, opt: auto},
			{jsonl: `{"kind":"entity","id":"csl:b","name":"ALPHA HOLDINGS LIMITED","identifiers":{"lei":"` + leiX + `"}}`, opt: auto, linked: 1,
				want: []string{"csl:b gleif:a | same lei " + leiX + " | auto: identifier"}},
			{jsonl: `{"kind":"entity","id":"csl:b","name":"ALPHA HOLDINGS LIMITED","identifiers":{"lei":"` + leiX + `"}}`, opt: auto,
				want: []string{"csl:b gleif:a | same lei " + leiX + " | auto: identifier"}, sameVersion: true},
			{jsonl: `{"kind":"entity","id":"gleif:a","name":"Alpha Holdings Ltd","identifiers":{"lei":"` + leiX + `"}}`, opt: auto,
				want: []string{"csl:b gleif:a | same lei " + leiX + " | auto: identifier"}, sameVersion: true},
			// The identifier is corrected: the automatic link goes.
			{jsonl: `{"kind":"entity","id":"csl:b","name":"ALPHA HOLDINGS LIMITED","identifiers":{"lei":"` + leiY + `"}}`, opt: auto, unlinked: 1},
		}},
		{"Huawei CMIC rows of the 2025 CSV and the 2023 XML are one entity by USCC", []step{
			{jsonl: `{"kind":"entity","id":"ofac:30947","name":"HUAWEI TECHNOLOGIES CO., LTD.","country":"CN","aliases":["HUAWEI INVESTMENT & HOLDING CO LTD"],"identifiers":{"uscc":"` + usccHW + `"},"source":"OFAC cons_prim.csv 2025"}
{"kind":"entity","id":"ofac:32087","name":"HUAWEI INVESTMENT & HOLDING CO., LTD.","country":"CN","identifiers":{"uscc":"` + usccHI + `","isin":"CND10003D0F9"},"source":"OFAC cons_prim.csv 2025"}
{"kind":"listing","regime":"US-OFAC-CMIC","entity":"ofac:30947","from":"2021-06-03"}`, opt: auto},
			{jsonl: `{"kind":"entity","id":"ofac-xml-2023:30947","name":"HUAWEI TECHNOLOGIES CO., LTD.","country":"CN","aliases":["HUAWEI INVESTMENT & HOLDING CO LTD"],"identifiers":{"uscc":"9144 0300 1922 0382 16"},"source":"OFAC consolidated_non_sdn_2023-03-08.xml"}
{"kind":"entity","id":"ofac-xml-2023:32087","name":"HUAWEI INVESTMENT & HOLDING CO., LTD.","country":"CN","identifiers":{"uscc":"` + usccHI + `"},"source":"OFAC consolidated_non_sdn_2023-03-08.xml"}`, opt: auto, linked: 2,
				want: []string{
					"ofac-xml-2023:30947 ofac:30947 | same uscc " + usccHW + " | auto: identifier",
					"ofac-xml-2023:32087 ofac:32087 | same uscc " + usccHI + " | auto: identifier",
				}},
		}},
		{"one run, three holders: two links", []step{
			{jsonl: `{"kind":"entity","id":"c","name":"C","identifiers":{"duns":"15-048-3782"}}
{"kind":"entity","id":"a","name":"A","identifiers":{"duns":"150483782"}}
{"kind":"entity","id":"b","name":"B","identifiers":{"duns":"150 483 782"}}`, opt: auto, linked: 2,
				want: []string{"a b | same duns 150483782 | auto: identifier", "a c | same duns 150483782 | auto: identifier"}},
		}},
		{"registration numbers need their country", []step{
			{jsonl: `{"kind":"entity","id":"a","name":"A","identifiers":{"registration":"GB:01234567"}}
{"kind":"entity","id":"b","name":"B","identifiers":{"registration":"gb-0123 4567"}}
{"kind":"entity","id":"c","name":"C","identifiers":{"registration":"01234567"}}
{"kind":"entity","id":"d","name":"D","identifiers":{"registration":"01234567"}}`, opt: auto, linked: 1,
				want: []string{"a b | same registration GB:01234567 | auto: identifier"}},
		}},
		{"weak identifiers, placeholders and bad check digits never link", []step{
			{jsonl: `{"kind":"entity","id":"a","name":"A","identifiers":{"website":"https://example.com","isin":"CND10003D0F9","lei":"5493001KJTIIGC8Y1R13","duns":"000000000"}}
{"kind":"entity","id":"b","name":"B","identifiers":{"website":"example.com","isin":"CND10003D0F9","lei":"5493001KJTIIGC8Y1R13","duns":"000000000"}}`, opt: auto},
		}},
		{"a person and a company are never linked", []step{
			{jsonl: `{"kind":"entity","id":"p","name":"P","type":"person","identifiers":{"duns":"150483782"}}
{"kind":"entity","id":"c","name":"C","identifiers":{"duns":"150483782"}}`, opt: auto},
		}},
		{"different LEIs: a shared DUNS links nothing", []step{
			{jsonl: `{"kind":"entity","id":"a","name":"A","identifiers":{"lei":"` + leiX + `","duns":"150483782"}}
{"kind":"entity","id":"b","name":"B","identifiers":{"lei":"` + leiY + `","duns":"150483782"}}`, opt: auto, skipped: 1},
		}},
		{"a person's same_as is kept and not duplicated", []step{
			{jsonl: `{"kind":"entity","id":"a","name":"A"}
{"kind":"entity","id":"b","name":"B"}
{"kind":"same_as","a":"a","b":"b","reason":"checked by hand"}`, opt: auto,
				want: []string{"a b | checked by hand | "}},
			{jsonl: `{"kind":"entity","id":"a","name":"A","identifiers":{"lei":"` + leiX + `"}}
{"kind":"entity","id":"b","name":"B","identifiers":{"lei":"` + leiY + `"}}`, opt: auto,
				want: []string{"a b | checked by hand | "}},
		}},
		{"already linked through a chain", []step{
			{jsonl: `{"kind":"entity","id":"a","name":"A"}
{"kind":"entity","id":"b","name":"B"}
{"kind":"entity","id":"c","name":"C"}
{"kind":"same_as","a":"a","b":"b","reason":"hand"}
{"kind":"same_as","a":"b","b":"c","reason":"hand"}`, opt: auto,
				want: []string{"a b | hand | ", "b c | hand | "}},
			{jsonl: `{"kind":"entity","id":"a","name":"A","identifiers":{"lei":"` + leiX + `"}}
{"kind":"entity","id":"c","name":"C","identifiers":{"lei":"` + leiX + `"}}`, opt: auto,
				want: []string{"a b | hand | ", "b c | hand | "}},
		}},
		{"deleting an entity removes its automatic links", []step{
			{jsonl: `{"kind":"entity","id":"a","name":"A","identifiers":{"lei":"` + leiX + `"}}
{"kind":"entity","id":"b","name":"B","identifiers":{"lei":"` + leiX + `"}}`, opt: auto, linked: 1,
				want: []string{"a b | same lei " + leiX + " | auto: identifier"}},
			{jsonl: `{"kind":"entity","id":"b","op":"delete"}`, opt: auto, unlinked: 1},
		}},
		{"off unless asked", []step{
			{jsonl: `{"kind":"entity","id":"a","name":"A","identifiers":{"lei":"` + leiX + `"}}
{"kind":"entity","id":"b","name":"B","identifiers":{"lei":"` + leiX + `"}}`},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := open(t)
			for i, s := range tc.steps {
				before := storetest.All(t, st)
				v0, err := st.Version(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				sum, err := e2e.Ingest(t, st, s.jsonl, s.opt)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if sum.AutoLinked != s.linked || sum.AutoUnlinked != s.unlinked || len(sum.AutoSkipped) != s.skipped {
					t.Errorf("step %d: linked %d, unlinked %d, skipped %v; want %d, %d, %d skipped",
						i, sum.AutoLinked, sum.AutoUnlinked, sum.AutoSkipped, s.linked, s.unlinked, s.skipped)
				}
				if diff := cmp.Diff(s.want, sameAs(t, st)); diff != "" {
					t.Errorf("step %d: same_as (-want +got):\n%s", i, diff)
				}
				if s.sameVersion {
					if diff := cmp.Diff(before, storetest.All(t, st)); diff != "" {
						t.Errorf("step %d: re-ingest changed the store:\n%s", i, diff)
					}
					if sum.Version != v0 {
						t.Errorf("step %d: version %s, want %s (unchanged)", i, sum.Version, v0)
					}
				}
			}
		})
	}
}

func TestSummaryAutoLinkNote(t *testing.T) {
	for _, tc := range []struct {
		sum  load.Summary
		want string
	}{
		{load.Summary{Read: 2, Written: 2}, ""},
		{load.Summary{AutoLinked: 1}, "same_as by identifier: 1 added, 0 removed"},
		{load.Summary{AutoLinked: 1, AutoUnlinked: 2}, "same_as by identifier: 1 added, 2 removed"},
	} {
		if got := tc.sum.AutoLinkNote(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
	// The contract's summary line does not change.
	sum := load.Summary{Read: 2, Written: 2, Seconds: 0.5, AutoLinked: 1}
	if got, want := sum.String(), "read 2 records, wrote 2, rejected 0, dangling references 0, 0.50 s, warnings 0, replaced 0, deleted 0"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
