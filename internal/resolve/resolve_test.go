package resolve

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/internal/model"
)

func TestStrongKey(t *testing.T) {
	for _, tc := range []struct {
		scheme, value string
		want          string // "" = not strong
	}{
		{"lei", "5493001KJTIIGC8Y1R12", "lei 5493001KJTIIGC8Y1R12"},
		{"LEI", " 5493 001K JTII GC8Y 1R12 ", "lei 5493001KJTIIGC8Y1R12"},
		{"lei", "5493001kjtiigc8y1r12", "lei 5493001KJTIIGC8Y1R12"},
		{"lei", "5493001KJTIIGC8Y1R13", ""}, // check digits wrong
		{"lei", "N/A", ""},
		{"uscc", "914403001922038216", "uscc 914403001922038216"}, // Huawei Technologies (OFAC CMIC)
		{"uscc", "91440300746645251H", "uscc 91440300746645251H"}, // Huawei Investment & Holding
		{"uscc", "91440300746645251h", "uscc 91440300746645251H"},
		{"uscc", "914403001922038217", ""},
		{"uscc", "9144030019220382", ""},
		{"duns", "15-048-3782", "duns 150483782"},
		{"duns", "000000000", ""},
		{"duns", "12345678", ""},
		{"registration", "GB:01234567", "registration GB:01234567"},
		{"registration", "de HRB 12345", "registration DE:HRB12345"},
		{"registration", "01234567", ""},
		{"registration", "GB:ABC", ""},
		{"website", "huawei.com", ""},
		{"isin", "CND10003D0F9", ""},
	} {
		got, ok := StrongKey(model.Identifier{Scheme: tc.scheme, Value: tc.value})
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("StrongKey(%s %q) = %q, %v; want %q", tc.scheme, tc.value, got, ok, tc.want)
		}
	}
}

func TestClasses(t *testing.T) {
	c := NewClasses([]Pair{{"a", "b"}, {"c", "d"}, {"b", "c"}, {"x", "y"}})
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"a", "d", true}, {"d", "a", true}, {"a", "x", false}, {"x", "y", true}, {"q", "q", true}, {"q", "r", false},
	} {
		if got := c.Same(tc.a, tc.b); got != tc.want {
			t.Errorf("Same(%s, %s) = %v", tc.a, tc.b, got)
		}
	}
}

func TestAutoLinksIdempotent(t *testing.T) {
	ents := map[string]Ident{
		"a": {Keys: []string{"lei 5493001KJTIIGC8Y1R12"}},
		"b": {Keys: []string{"lei 5493001KJTIIGC8Y1R12", "uscc 914403001922038216"}},
		"c": {Keys: []string{"uscc 914403001922038216"}},
		"p": {Person: true, Keys: []string{"uscc 914403001922038216"}},
	}
	first := AutoLinks(ents, []Link{{Pair: Pair{"x", "z"}, From: model.MinDate, Auto: true}})
	var got []string
	var links []Link
	for _, r := range first.Add {
		got = append(got, r.Src+" "+r.Dst+" "+r.Reason)
		links = append(links, Link{Pair: Pair{r.Src, r.Dst}, From: r.Valid.From, Auto: r.Source == AutoSource})
	}
	want := []string{"a b same lei 5493001KJTIIGC8Y1R12", "b c same uscc 914403001922038216"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
	if len(first.Stale) != 1 || first.Stale[0].Pair != (Pair{"x", "z"}) {
		t.Errorf("stale = %v, want the x-z automatic link", first.Stale)
	}
	again := AutoLinks(ents, links)
	if len(again.Add) != 0 || len(again.Stale) != 0 {
		t.Errorf("second pass: %+v, want nothing", again)
	}
}

// The traps of the real data, and the rows that must meet, as small entity sets
// mirroring the real rows.
var (
	// OFAC SDN 2019 (sdn.csv 13062): an individual whose name contains "ZTE".
	boztepe = &model.Record{Kind: model.KindEntity, ID: "ofac:13062", Name: "BOZTEPE, Omer", Type: model.TypePerson, Country: "TR", Source: "OFAC SDN 2019"}
	// OFAC SDN 2019 (sdn.csv 12552): a remark says "V.A.T. Number Goztepe V.D. ..." (a tax office, not a name).
	multimat = &model.Record{Kind: model.KindEntity, ID: "ofac:12552", Name: "MULTIMAT IC VE DIS TICARET PAZARLAMA LIMITED SIRKETI", Type: model.TypeCompany, Country: "TR",
		Aliases: []string{"MULTIMAT DOMESTIC AND FOREIGN TRADE MARKETING LTD.", "MULTIMAT TEHRAN"}, Source: "OFAC SDN 2019"}
	// OFAC SDN 2019 (sdn.csv 22245): its address (add.csv) is "Room 201, Building 1, Dahua Hotel, No. 1568 Hutai Road"; addresses are never names.
	gangQuan = &model.Record{Kind: model.KindEntity, ID: "ofac:22245", Name: "SHANGHAI GANG QUAN TRADE CO.", Type: model.TypeCompany, Country: "CN", Source: "OFAC SDN 2019"}
	// BIS DPL 2019: "DAHUA ELECTRONICS CORPORATION", 134-12 59HT AVENUE, FLUSHING, NY.
	dahuaNY = &model.Record{Kind: model.KindEntity, ID: "dpl:dahua-electronics", Name: "DAHUA ELECTRONICS CORPORATION", Type: model.TypeCompany, Country: "US", Source: "BIS DPL 2019"}
	// DoD 1260H / FCC covered list: Zhejiang Dahua.
	dahuaCN = &model.Record{Kind: model.KindEntity, ID: "1260h:zhejiang-dahua", Name: "Zhejiang Dahua Technology Co., Ltd.", Type: model.TypeCompany, Country: "CN",
		Aliases: []string{"Dahua"}, Source: "DoD 1260H"}
	dahua889 = &model.Record{Kind: model.KindEntity, ID: "889:dahua", Name: "Dahua Technology Company", Type: model.TypeCompany, Source: "NDAA section 889"}
	// CSL 2023 subset, Entity List: ZTE Parsian, Tehran (a ZTE joint venture: related, not the same).
	zteParsian = &model.Record{Kind: model.KindEntity, ID: "csl:el-zte-parsian", Name: "ZTE Parsian", Type: model.TypeCompany, Country: "IR", Source: "CSL 2023"}
	zte        = &model.Record{Kind: model.KindEntity, ID: "fcc:zte", Name: "ZTE Corporation", Type: model.TypeCompany, Country: "CN", Source: "FCC covered list"}
	// OFAC CMIC (cons_prim.csv 2025 and the 2023 XML): Huawei, with the list's own odd alias.
	hw2025 = &model.Record{Kind: model.KindEntity, ID: "ofac:30947", Name: "HUAWEI TECHNOLOGIES CO., LTD.", Type: model.TypeCompany, Country: "CN",
		Aliases:     []string{"HUAWEI INVESTMENT & HOLDING CO LTD"},
		Identifiers: []model.Identifier{{Scheme: "uscc", Value: "914403001922038216"}}, Source: "OFAC cons_prim.csv 2025"}
	hw2023 = &model.Record{Kind: model.KindEntity, ID: "ofac-xml-2023:30947", Name: "HUAWEI TECHNOLOGIES CO., LTD.", Type: model.TypeCompany, Country: "CN",
		Aliases:     []string{"HUAWEI INVESTMENT & HOLDING CO LTD"},
		Identifiers: []model.Identifier{{Scheme: "uscc", Value: "914403001922038216"}}, Source: "OFAC XML 2023"}
	hwHolding = &model.Record{Kind: model.KindEntity, ID: "ofac:32087", Name: "HUAWEI INVESTMENT & HOLDING CO., LTD.", Type: model.TypeCompany, Country: "CN",
		Aliases:     []string{"HUAWEI INVESTMENT AND HOLDING CO., LTD."},
		Identifiers: []model.Identifier{{Scheme: "uscc", Value: "91440300746645251H"}, {Scheme: "isin", Value: "CND10003D0F9"}}, Source: "OFAC cons_prim.csv 2025"}
	// A CycloneDX supplier: no country, no identifier.
	hwSBOM = &model.Record{Kind: model.KindEntity, ID: "org:huawei-technologies", Name: "Huawei Technologies Co., Ltd.", Type: model.TypeCompany, Source: "CycloneDX"}
	hw889  = &model.Record{Kind: model.KindEntity, ID: "889:huawei", Name: "Huawei Technologies Company", Type: model.TypeCompany, Source: "NDAA section 889"}
	// A person with the same words as another, and a company of that name.
	personA = &model.Record{Kind: model.KindEntity, ID: "p:1", Name: "Omer BOZTEPE", Type: model.TypePerson, Country: "TR"}
	company = &model.Record{Kind: model.KindEntity, ID: "c:1", Name: "Boztepe Omer Ltd", Type: model.TypeCompany, Country: "TR"}
)

func all() []*model.Record {
	return []*model.Record{boztepe, multimat, gangQuan, dahuaNY, dahuaCN, dahua889, zteParsian, zte, hw2025, hw2023, hwHolding, hwSBOM, hw889, personA, company}
}

func TestProposalsTraps(t *testing.T) {
	ps := Proposals(all(), nil, Options{MinScore: 0})
	byPair := map[Pair]Proposal{}
	for _, p := range ps {
		byPair[Pair{p.A, p.B}] = p
	}
	for _, tc := range []struct {
		name     string
		a, b     *model.Record
		min, max float64 // 0, 0: no proposal at all
	}{
		{"BOZTEPE (a person) is not ZTE", boztepe, zte, 0, 0},
		{"BOZTEPE is not ZTE Parsian", boztepe, zteParsian, 0, 0},
		{"Goztepe in a remark is not a name", multimat, zte, 0, 0},
		{"the Dahua Hotel address is not a name", gangQuan, dahuaCN, 0, 0},
		{"DAHUA ELECTRONICS (New York) is not Zhejiang Dahua: low", dahuaNY, dahuaCN, 0.01, 0.3},
		{"DAHUA ELECTRONICS is not section 889's Dahua either", dahuaNY, dahua889, 0, 0.3},
		{"ZTE Parsian is related to ZTE, not the same: low", zteParsian, zte, 0.01, 0.3},
		{"Huawei Technologies and Huawei Investment & Holding: different USCCs, whatever OFAC's alias says", hw2025, hwHolding, 0, 0},
		{"idem from the 2023 XML", hw2023, hwHolding, 0, 0},
		{"the two CMIC rows share a USCC (linked by ingest; proposed only if not linked)", hw2025, hw2023, 1, 1},
		{"the SBOM supplier and the CMIC row: same name, one country", hwSBOM, hw2025, 0.9, 0.95},
		{"section 889's Huawei Technologies Company and the SBOM's", hwSBOM, hw889, 0.85, 0.95},
		{"section 889's Dahua Technology Company and Zhejiang Dahua: words contained", dahua889, dahuaCN, 0.6, 0.8},
		{"a person and a company are never the same", boztepe, company, 0, 0},
		{"persons with the same words in another order", boztepe, personA, 0.75, 0.8},
	} {
		p, ok := byPair[MakePair(tc.a.ID, tc.b.ID)]
		switch {
		case tc.max == 0 && ok:
			t.Errorf("%s: proposed %.3f (%s), want no proposal", tc.name, p.Score, p.Reason)
		case tc.max > 0 && !ok:
			t.Errorf("%s: no proposal, want %.2f..%.2f", tc.name, tc.min, tc.max)
		case ok && (p.Score < tc.min || p.Score > tc.max):
			t.Errorf("%s: score %.3f (%s), want %.2f..%.2f", tc.name, p.Score, p.Reason, tc.min, tc.max)
		}
	}
	// The scores doc.go quotes, also with one country missing (the FCC list has none).
	noCountry := func(r *model.Record) *model.Record { c := *r; c.Country = ""; return &c }
	for _, tc := range []struct {
		a, b *model.Record
		want float64
	}{
		{zteParsian, zte, 0.135}, {noCountry(zteParsian), zte, 0.436}, {zteParsian, noCountry(zte), 0.436},
		{dahuaNY, dahuaCN, 0.128}, {noCountry(dahuaNY), dahuaCN, 0.415},
	} {
		ps := Proposals([]*model.Record{tc.a, tc.b}, nil, Options{MinScore: 0.01})
		if len(ps) != 1 || ps[0].Score != tc.want || ps[0].Score >= DefaultMinScore {
			t.Errorf("%s ~ %s: %+v, want one proposal scoring %.3f", tc.a.Name, tc.b.Name, ps, tc.want)
		}
	}
	// No trap reaches the auto-accept level; only the identifier match does.
	for _, p := range ps {
		if p.AutoAcceptLevel() && (Pair{p.A, p.B}) != MakePair(hw2025.ID, hw2023.ID) {
			t.Errorf("%s %s at auto-accept level %.3f: %s", p.A, p.B, p.Score, p.Reason)
		}
	}
}

func TestProposalsReasonAndOrder(t *testing.T) {
	ps := Proposals(all(), nil, Options{MinScore: DefaultMinScore})
	var got []string
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%.3f %s %s | %s", p.Score, p.A, p.B, p.Reason))
	}
	want := []string{
		"1.000 ofac-xml-2023:30947 ofac:30947 | same uscc 914403001922038216 (identifier match not linked yet); " +
			`name "HUAWEI TECHNOLOGIES CO., LTD." = name "HUAWEI TECHNOLOGIES CO., LTD." (same normalised name "huaweitechnology")`,
		`0.922 ofac-xml-2023:30947 org:huawei-technologies | name "HUAWEI TECHNOLOGIES CO., LTD." = name "Huawei Technologies Co., Ltd." (same normalised name "huaweitechnology"); country CN on one side only`,
		`0.922 ofac:30947 org:huawei-technologies | name "HUAWEI TECHNOLOGIES CO., LTD." = name "Huawei Technologies Co., Ltd." (same normalised name "huaweitechnology"); country CN on one side only`,
		`0.903 889:huawei org:huawei-technologies | name "Huawei Technologies Company" = name "Huawei Technologies Co., Ltd." (same normalised name "huaweitechnology"); no country on either side`,
		`0.922 889:huawei ofac-xml-2023:30947 | name "Huawei Technologies Company" = name "HUAWEI TECHNOLOGIES CO., LTD." (same normalised name "huaweitechnology"); country CN on one side only`,
		`0.922 889:huawei ofac:30947 | name "Huawei Technologies Company" = name "HUAWEI TECHNOLOGIES CO., LTD." (same normalised name "huaweitechnology"); country CN on one side only`,
		`0.800 ofac:13062 p:1 | name "BOZTEPE, Omer" = name "Omer BOZTEPE" (same words "boztepe omer"); same country TR`,
		`0.728 1260h:zhejiang-dahua 889:dahua | name "Zhejiang Dahua Technology Co., Ltd." ~ name "Dahua Technology Company": 2 of 3 words shared (dahua, technology), one name's words all in the other; country CN on one side only`,
	}
	// Sort want as Proposals does: score, then id.
	if len(got) != len(want) {
		t.Errorf("got %d proposals, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].Score > ps[i-1].Score || (ps[i].Score == ps[i-1].Score && ps[i].ID < ps[i-1].ID) {
			t.Errorf("not sorted at %d", i)
		}
	}
	gotSet := map[string]bool{}
	for _, g := range got {
		gotSet[g] = true
	}
	for _, w := range want {
		if !gotSet[w] {
			t.Errorf("missing %s\ngot:\n%s", w, strings.Join(got, "\n"))
		}
	}
}

func TestProposalsExcludeLinkedAndRejected(t *testing.T) {
	ents := []*model.Record{hw2025, hw2023, hwSBOM, hw889, hwHolding}
	// hw2025 = hw2023 (identifier), hw2023 = hwSBOM (accepted): so hw2025 = hwSBOM through the chain.
	linked := []Pair{MakePair(hw2025.ID, hw2023.ID), MakePair(hw2023.ID, hwSBOM.ID)}
	for _, tc := range []struct {
		name     string
		linked   []Pair
		rejected []Pair
		want     []string
	}{
		{"nothing linked: every pair", nil, nil, []string{
			"889:huawei ofac-xml-2023:30947", "889:huawei ofac:30947", "889:huawei org:huawei-technologies",
			"ofac-xml-2023:30947 ofac:30947", "ofac-xml-2023:30947 org:huawei-technologies", "ofac:30947 org:huawei-technologies",
		}},
		{"one class: one proposal, its best member pair", linked, nil, []string{"889:huawei ofac-xml-2023:30947"}},
		{"a rejection holds for the whole class", linked, []Pair{MakePair(hw889.ID, hw2025.ID)}, nil},
		{"a rejection of two entities not yet linked", nil, []Pair{MakePair(hwSBOM.ID, hw2025.ID)}, []string{
			"889:huawei ofac-xml-2023:30947", "889:huawei ofac:30947", "889:huawei org:huawei-technologies",
			"ofac-xml-2023:30947 ofac:30947", "ofac-xml-2023:30947 org:huawei-technologies",
		}},
	} {
		ps := Proposals(ents, tc.linked, Options{MinScore: DefaultMinScore, Rejected: tc.rejected})
		var got []string
		for _, p := range ps {
			got = append(got, p.A+" "+p.B)
		}
		if diff := cmp.Diff(tc.want, got, sortStrings); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

var sortStrings = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
})

func TestProposalScoring(t *testing.T) {
	ent := func(id, name, country string, ids ...string) *model.Record {
		r := &model.Record{Kind: model.KindEntity, ID: id, Name: name, Type: model.TypeCompany, Country: country}
		for i := 0; i+1 < len(ids); i += 2 {
			r.Identifiers = append(r.Identifiers, model.Identifier{Scheme: ids[i], Value: ids[i+1]})
		}
		return r
	}
	for _, tc := range []struct {
		name     string
		a, b     *model.Record
		min, max float64
	}{
		{"exact, same country", ent("a", "Acme Widgets GmbH", "DE"), ent("b", "ACME WIDGETS G.M.B.H.", "DE"), 0.95, 0.95},
		{"exact, same country, same web site: auto-accept level", ent("a", "Acme Widgets GmbH", "DE", "website", "https://www.acme.de/"), ent("b", "ACME WIDGETS", "DE", "website", "acme.de"), 0.98, 0.98},
		{"exact, different countries", ent("a", "Acme Widgets GmbH", "DE"), ent("b", "Acme Widgets Inc.", "US"), 0.28, 0.29},
		{"exact, different LEIs", ent("a", "Acme Widgets GmbH", "DE", "lei", "5493001KJTIIGC8Y1R12"), ent("b", "Acme Widgets", "DE", "lei", "529900T8BM49AURSDO55"), 0, 0},
		{"exact, different DUNS", ent("a", "Acme Widgets GmbH", "DE", "duns", "150483782"), ent("b", "Acme Widgets", "DE", "duns", "150483783"), 0.47, 0.48},
		{"shared ISIN only", ent("a", "Acme Widgets GmbH", "DE", "isin", "DE0001234567"), ent("b", "Totally Other", "DE", "isin", "DE0001234567"), 0.45, 0.45},
		{"word order", ent("a", "Widgets Acme", "DE"), ent("b", "Acme Widgets", "DE"), 0.85, 0.85},
		{"one word contained", ent("a", "Acme", "DE"), ent("b", "Acme Widgets", "DE"), 0.45, 0.45},
		{"two words contained", ent("a", "Acme Widgets", "DE"), ent("b", "Acme Widgets Europe", "DE"), 0.75, 0.75},
		{"substring inside a word is no match", ent("a", "ZTE", "CN"), ent("b", "Boztepe Trading", "CN"), 0, 0},
		{"unrelated", ent("a", "Acme", "DE"), ent("b", "Globex", "DE"), 0, 0},
	} {
		ps := Proposals([]*model.Record{tc.a, tc.b}, nil, Options{MinScore: 0.0001})
		switch {
		case tc.max == 0 && len(ps) > 0:
			t.Errorf("%s: %.3f %s, want none", tc.name, ps[0].Score, ps[0].Reason)
		case tc.max > 0 && len(ps) != 1:
			t.Errorf("%s: %d proposals, want one", tc.name, len(ps))
		case len(ps) == 1 && (ps[0].Score < tc.min || ps[0].Score > tc.max):
			t.Errorf("%s: %.3f (%s), want %.2f..%.2f", tc.name, ps[0].Score, ps[0].Reason, tc.min, tc.max)
		}
	}
}

func TestPairIDStable(t *testing.T) {
	if PairID("a", "b") != PairID("b", "a") || len(PairID("a", "b")) != 12 {
		t.Errorf("PairID not symmetric or not 12 digits: %q %q", PairID("a", "b"), PairID("b", "a"))
	}
	if PairID("a", "b") == PairID("a", "c") {
		t.Error("PairID collides")
	}
}

func TestSameAsRecord(t *testing.T) {
	p := Proposal{ID: PairID("x", "y"), A: "x", B: "y", Score: 0.922, Reason: "names match"}
	r := SameAs(p, "ana", model.MustDate("2025-06-01"))
	if err := r.Validate(nil); err != nil {
		t.Fatal(err)
	}
	want := "names match; accepted by ana on 2025-06-01 (proposal " + p.ID + ", score 0.922)"
	if r.Src != "x" || r.Dst != "y" || r.Reason != want || r.Source != "keiretsu resolve" || r.Valid != model.Always {
		t.Errorf("got %+v", r)
	}
}

func TestRejectionsRoundTrip(t *testing.T) {
	in := []Rejection{
		{Pair: MakePair("fcc:dahua", "dpl:dahua-electronics"), Proposal: PairID("fcc:dahua", "dpl:dahua-electronics"), Reason: "New York, not Hangzhou", By: "ana", On: model.MustDate("2025-06-01")},
		{Pair: MakePair("a", "b"), Reason: `quote " and 华为`, On: model.MinDate},
	}
	var b []byte
	for _, r := range in {
		b = r.AppendLine(b)
	}
	b = append(b, '\n') // blank lines are fine
	got, err := ReadRejections("rejections.jsonl", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []struct{ text, want string }{
		{`{"kind":"same_as","a":"a","b":"b"}`, `r.jsonl:1: field kind`},
		{`{"kind":"distinct","a":"a"}`, `r.jsonl:1: field a, b`},
		{"\n{", `r.jsonl:2: malformed JSON`},
		{`{"kind":"distinct","a":"a","b":"b","date":"2025-13-01"}`, `r.jsonl:1: field date`},
	} {
		_, err := ReadRejections("r.jsonl", strings.NewReader(bad.text))
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: error %v, want %q", bad.text, err, bad.want)
		}
	}
}
