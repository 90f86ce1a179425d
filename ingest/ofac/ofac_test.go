package ofac

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/rules"
)

// TestGolden reads the small inputs under testdata and compares what they give
// with testdata/*.golden (go test -update rewrites them). A source reports bad
// sibling rows (alt.csv...) before the main file's rows.
func TestGolden(t *testing.T) {
	for _, c := range []struct {
		format, input, golden string
	}{
		{FormatSDN, "testdata/sdn/sdn.csv", "testdata/sdn_csv.golden"},
		{FormatSDN, "testdata/sdn.xml", "testdata/sdn_xml.golden"},
		{FormatCons, "testdata/cons/cons_prim.csv", "testdata/cons_csv.golden"},
		{FormatCons, "testdata/cons.xml", "testdata/cons_xml.golden"},
	} {
		t.Run(filepath.Base(c.golden), func(t *testing.T) {
			formattest.Golden(t, c.golden, readFile(t, c.format, c.input).Golden)
		})
	}
}

// TestGoldenParsesBack checks that every entity and listing of the golden files
// reads back as valid native records (regime definitions are not native lines).
func TestGoldenParsesBack(t *testing.T) {
	formattest.ParsesBack(t, "testdata/*.golden")
}

// TestRegimeSpecs checks that every program regime the OFAC formats may emit
// is a valid regime file entry: OFAC's 50 percent rule for SSI, NS-MBS and
// CAPTA, listed entities only for the others.
func TestRegimeSpecs(t *testing.T) {
	ids := []string{RegimeSSI, RegimeNSPLC, RegimeNSMBS, RegimeFSE, RegimeCAPTA, "US-OFAC-SOME-NEW-EO99999"}
	for _, id := range ids {
		name, spec, ok := rules.Program(id, rules.ProgramVars{})
		if !ok {
			t.Fatalf("%s: no program regime", id)
		}
		r, err := rules.ParseSpec(spec)
		if err != nil {
			t.Fatalf("%s: %v\n%s", id, err, spec)
		}
		fifty := id == RegimeSSI || id == RegimeNSMBS || id == RegimeCAPTA
		want := rules.RuleListed
		if fifty {
			want = rules.RuleAggregate
			if th := r.ThresholdOn(0); th.Units != 50_000_000 || !th.Inclusive || r.Control != rules.ControlNone {
				t.Errorf("%s: 50 percent rule as %+v", id, r)
			}
		}
		if r.ID != id || r.Rule != want || r.Name != name || r.Name == "" {
			t.Errorf("%s: parsed as %+v", id, r)
		}
		if IsBuiltin(id) {
			t.Errorf("%s would redefine a built-in regime", id)
		}
	}
	// The definitions emitted while reading are the same.
	n := 0
	for _, op := range readFile(t, FormatCons, "testdata/cons/cons_prim.csv").Ops {
		if op.Record.Kind == model.KindRegime {
			n++
			if _, spec, _ := rules.Program(op.Record.ID, rules.ProgramVars{}); !bytes.Equal(op.Record.Spec, spec) {
				t.Errorf("%s: spec %s", op.Record.ID, op.Record.Spec)
			}
		}
	}
	if n != 6 {
		t.Errorf("%d regime definitions, want 6", n)
	}
}

// TestRegimesEmittedOnce checks that a regime already loaded (stored or given
// with --regimes) is not redefined, and that each other one is defined once,
// before its first listing.
func TestRegimesEmittedOnce(t *testing.T) {
	loaded := func(id string) bool { return IsBuiltin(id) || id == RegimeSSI }
	src := formattest.Open(t, FormatCons, "testdata/cons/cons_prim.csv", formats.Env{RegimeKnown: loaded})
	defined := map[string]int{}
	for _, op := range formattest.Read(t, src).Ops {
		switch op.Record.Kind {
		case model.KindRegime:
			defined[op.Record.ID]++
		case model.KindListing:
			if id := op.Record.Dst; !loaded(id) && defined[id] != 1 {
				t.Errorf("listing of %s before its definition", id)
			}
		}
	}
	if defined[RegimeSSI] != 0 {
		t.Error("a loaded regime was redefined")
	}
	for id, n := range defined {
		if n != 1 {
			t.Errorf("%s defined %d times", id, n)
		}
	}
}

func TestDetect(t *testing.T) {
	legacy := []byte(`36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- `)
	xml := []byte(`<?xml version="1.0" standalone="yes"?>` + "\n" + `<sdnList xmlns="http://tempuri.org/sdnList.xsd">`)
	for _, c := range []struct {
		path string
		head []byte
		want string
	}{
		{"data/sdn.csv", legacy, FormatSDN},
		{"data/SDN.CSV", append([]byte("\xef\xbb\xbf"), legacy...), FormatSDN},
		{"data/cons_prim.csv", legacy, FormatCons},
		{"data/sdn.xml", xml, FormatSDN},
		{"data/consolidated.xml", xml, FormatCons},
		{"data/consolidated_non_sdn_2023-03-08.xml", xml, FormatCons},
		// Date-stamped names, as downloads are often saved.
		{"data/SDN_2025-05.csv", legacy, FormatSDN},
		{"data/sdn-20250501.csv", legacy, FormatSDN},
		{"data/cons_prim_2025-12.csv", legacy, FormatCons},
		{"data/sdn_2019-01.xml", xml, FormatSDN},
		{"data/other.csv", legacy, ""},
		{"data/sdn.csv", []byte(`{"kind":"entity"}`), "native"},
		{"data/alt.csv", []byte(`36,12,"aka","AERO-CARIBBEAN",-0- `), ""},
		{"data/sdn_comments.csv", []byte(`36,"continued remarks"`), ""},
		{"data/other.xml", xml, ""},
	} {
		if got := formats.Detect(c.path, c.head).Name; got != c.want {
			t.Errorf("Detect(%s) = %s, want %s", c.path, got, c.want)
		}
	}
}

// TestWithoutSiblings reads a main file alone (from stdin, or with no siblings
// beside it): entries come without aliases (other than the remarks' a.k.a.
// names) and countries, and a warning says so.
func TestWithoutSiblings(t *testing.T) {
	in, err := os.ReadFile("testdata/sdn/sdn.csv")
	if err != nil {
		t.Fatal(err)
	}
	f, _ := formats.Get(FormatSDN)
	for _, path := range []string{"-", filepath.Join(t.TempDir(), "sdn.csv")} {
		src, err := f.Open(path, bytes.NewReader(in), formats.Env{RegimeKnown: IsBuiltin})
		if err != nil {
			t.Fatal(err)
		}
		res := formattest.Read(t, src)
		entities := 0
		for _, op := range res.Ops {
			if op.Record.Kind == model.KindEntity {
				entities++
				var remarks []string
				if op.Record.ID == "ofac:1002" {
					remarks = []string{"JQ", "THE CAPTAIN"}
				}
				if !slices.Equal(op.Record.Aliases, remarks) || op.Record.Country != "" {
					t.Errorf("%s: %s has sibling data: %v %s", path, op.Record.ID, op.Record.Aliases, op.Record.Country)
				}
			}
		}
		if entities != 8 || len(res.Errs) != 4 {
			t.Errorf("%s: %d entities, %d errors; want 8 and 4", path, entities, len(res.Errs))
		}
		if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].Reason, "alt.csv and add.csv") {
			t.Errorf("%s: warnings %v, want one about alt.csv and add.csv", path, res.Warnings)
		}
	}
}

// TestDatedSiblings reads a date-stamped main file with its date-stamped
// siblings (SDN_2025-05.csv beside ALT_2025-05.csv...), and one whose siblings
// have the plain names, without warnings.
func TestDatedSiblings(t *testing.T) {
	f, _ := formats.Get(FormatSDN)
	for _, c := range []struct{ main, alt, add string }{
		{"SDN_2025-05.csv", "ALT_2025-05.csv", "ADD_2025-05.csv"},
		{"sdn-2025-05.csv", "alt-2025-05.csv", "add-2025-05.csv"},
		{"sdn_2025-05.csv", "alt.csv", "add.csv"},
	} {
		dir := t.TempDir()
		for name, from := range map[string]string{c.main: "sdn.csv", c.alt: "alt.csv", c.add: "add.csv"} {
			b, err := os.ReadFile(filepath.Join("testdata/sdn", from))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(dir, c.main)
		in, _ := os.ReadFile(path)
		if got := formats.Detect(path, in).Name; got != FormatSDN {
			t.Errorf("%s detected as %q", c.main, got)
		}
		src, err := f.Open(path, bytes.NewReader(in), formats.Env{RegimeKnown: IsBuiltin})
		if err != nil {
			t.Fatal(err)
		}
		res := formattest.Read(t, src)
		aliases := 0
		for _, op := range res.Ops {
			aliases += len(op.Record.Aliases)
		}
		if len(res.Warnings) != 0 || aliases < 4 {
			t.Errorf("%s: %d aliases, warnings %v; want the siblings read", c.main, aliases, res.Warnings)
		}
	}
}

func TestIdentifier(t *testing.T) {
	for _, c := range []struct {
		typ, number, country string
		want                 string // "scheme=value", or "" for none
	}{
		{"Unified Social Credit Code (USCC)", "91440300MA5TEXT018", "China", "uscc=91440300MA5TEXT018"},
		{"Unified Social Credit Code (USCCC)", "91440300ma5text018", "", "uscc=91440300MA5TEXT018"},
		{"Unified Social Credit Code (USCC)", "91440300MA5TEXT019", "China", ""}, // check character
		{"Unified Social Credit Code (USCC)", "9144030", "China", ""},
		{"Legal Entity Number", "5493001KJTIIGC8Y1R12", "", "lei=5493001KJTIIGC8Y1R12"},
		{"Legal Entity Number", "5493001KJTIIGC8Y1R13", "", ""},
		{"Legal Entity Number", "123456789", "Netherlands", ""},
		{"D-U-N-S Number", "12-345-6789", "", "duns=123456789"},
		{"D-U-N-S Number", "12-345-678", "", ""},
		{"SWIFT/BIC", "cklbcnbj", "", "swift=CKLBCNBJ"},
		{"SWIFT/BIC", "GAZPRUMMXXX", "", "swift=GAZPRUMMXXX"},
		{"SWIFT/BIC", "1234RUMM", "", ""},
		{"ISIN", "XS1234567896", "", "isin=XS1234567896"},
		{"ISIN", "XS1234567890", "", ""},
		{"Vessel Registration Identification", "IMO 9187629", "", "imo=9187629"},
		{"Vessel Registration Identification", "IMO 12345", "", ""},
		{"Company Number", "IMO 5055293", "", "imo=5055293"},
		{"Company Number", "01126618", "United Kingdom", "registration=GB:01126618"},
		{"Identification Number", "2.194.575", "Paraguay", ""},
		{"Registration ID", "HRB 26136", "Germany", "registration=DE:HRB 26136"},
		{"Registration ID", "14063277", "", "registration=14063277"},
		{"Registration ID", "1027700132195", "RU", "registration=RU:1027700132195"},
		{"Registration ID", "777", "Narnia", "registration=777"},
		{"Website", "http://www.example.com.", "", "website=http://www.example.com"},
		{"Website", "www.alturath.org. Revival of Islamic Heritage Society Offices", "", "website=www.alturath.org"},
		{"Passport", "X123", "Panama", ""},
		{"Tax ID No.", "7707083893", "Russia", ""},
	} {
		id, ok := Identifier(c.typ, c.number, c.country)
		got := ""
		if ok {
			got = id.Scheme + "=" + id.Value
		}
		if got != c.want {
			t.Errorf("Identifier(%q, %q, %q) = %q, want %q", c.typ, c.number, c.country, got, c.want)
		}
	}
}

func TestCountryCode(t *testing.T) {
	for in, want := range map[string]string{
		"China": "CN", "Korea, North": "KP", "Korea, South": "KR", "Burma": "MM", "Bahamas, The": "BS",
		"Congo, Democratic Republic of the": "CD", "Cote d Ivoire": "CI", "Man, Isle of": "IM",
		"Virgin Islands, British": "VG", "Palestinian": "PS", "West Bank": "PS", "Region: Crimea": "UA",
		"Kosovo": "XK", "united  kingdom.": "GB", "Curaçao": "CW", "RU": "RU", "cn": "CN", "PRC": "CN",
		"undetermined": "", "Netherlands Antilles": "", "Medellin": "", "ZZ": "", "": "",
	} {
		if got := CountryCode(in); got != want {
			t.Errorf("CountryCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"03 Jun 2021": "2021-06-03", "3 Jun 2021": "2021-06-03", "2021-06-03": "2021-06-03",
		"10/16/2017": "2017-10-16", "March 12, 2021": "2021-03-12", "1962": "", "Jun 2021": "", "": "",
	} {
		d, ok := ParseDate(in)
		got := ""
		if ok {
			got = d.String()
		}
		if got != want {
			t.Errorf("ParseDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseRemarks(t *testing.T) {
	got := parseRemarks("DOB 1962; alt. SWIFT/BIC ABCDEFGH; Unified Social Credit Code (USCC) 914403001922038216 (China); " +
		"Listing Date (CMIC) 03 Jun 2021; Listing Date (EO 14024 Directive 3): 24 Feb 2022; Target Type Government Entity; " +
		"Registration ID 123 (Russia) issued 01 Jan 2001; Websites galore; Linked To: X.")
	want := []item{
		{typ: "SWIFT/BIC", value: "ABCDEFGH"},
		{typ: "Unified Social Credit Code (USCC)", value: "914403001922038216", country: "China"},
		{typ: "Listing Date (CMIC)", value: "03 Jun 2021"},
		{typ: "Listing Date (EO 14024 Directive 3)", value: "24 Feb 2022"},
		{typ: "Target Type", value: "Government Entity"},
		{typ: "Registration ID", value: "123", country: "Russia"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(item{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestConsRegimes(t *testing.T) {
	d := func(tags ...string) ListingDates {
		out := ListingDates{}
		for _, tag := range tags {
			out[tag] = model.MustDate("2022-02-24")
		}
		return out
	}
	for _, c := range []struct {
		programs string
		text     string
		dates    ListingDates
		want     string
	}{
		{"CMIC-EO13959", "", nil, RegimeCMIC},
		{"UKRAINE-EO13662", "", nil, RegimeSSI},
		{"UKRAINE-EO13662] [RUSSIA-EO14024", "See Section 11 of Executive Order 14024.", nil, RegimeSSI},
		{"UKRAINE-EO13662] [RUSSIA-EO14024", "Executive Order 14024 Directive Information", d("EO 14024 Directive 3"), RegimeSSI + " " + RegimeNSMBS},
		{"UKRAINE-EO13662] [RUSSIA-EO14024", "Executive Order 14024 Directive Information", d("EO 14024 Directive 2"), RegimeSSI + " " + RegimeCAPTA},
		{"UKRAINE-EO13662] [RUSSIA-EO14024", "", d("EO 14024 Directive 2", "EO 14024 Directive 3"), RegimeSSI + " " + RegimeCAPTA + " " + RegimeNSMBS},
		{"UKRAINE-EO13662] [RUSSIA-EO14024", "Executive Order 14024 Directive Information", nil, RegimeSSI + " " + RegimeNSMBS},
		{"RUSSIA-EO14024", "", nil, RegimeNSMBS},
		{"BURMA-EO14014", "", nil, RegimeNSMBS},
		{"ILLICIT-DRUGS-EO14059", "", nil, RegimeNSMBS},
		{"CAATSA - RUSSIA", "", nil, RegimeNSMBS},
		{"SDGT] [NS-PLC", "", nil, RegimeNSPLC},
		{"561-Related", "", nil, RegimeCAPTA},
		{"FSE-IR] [FSE-SY", "", nil, RegimeFSE},
		{"NS-ISA", "", nil, "US-OFAC-NS-ISA"},
		{"SOME-NEW-EO99999] [SDGT", "", nil, "US-OFAC-SOME-NEW-EO99999 US-OFAC-SDGT"},
		{"CAATSA - RUSSIA] [UKRAINE-EO13662", "", nil, RegimeSSI},
	} {
		got := strings.Join(consRegimes(splitPrograms(c.programs), c.text, c.dates), " ")
		if got != c.want {
			t.Errorf("%s %q %v: %s, want %s", c.programs, c.text, c.dates, got, c.want)
		}
	}
}

func TestListingDatesFor(t *testing.T) {
	d := ListingDates{}
	for typ, v := range map[string]string{
		"Listing Date (CMIC)": "03 Jun 2021", "Listing Date (EO 14024 Directive 2)": "24 Feb 2022",
		"Listing Date (EO 14024 Directive 3):": "2022-02-25", "Listing Date (EO 14024 Directive 1a)": "22 Feb 2022",
	} {
		if !d.Add(typ, v) {
			t.Fatalf("%s not a listing date", typ)
		}
	}
	if d.Add("Effective Date (CMIC)", "02 Aug 2021") {
		t.Error("an effective date taken for a listing date")
	}
	for id, want := range map[string]string{RegimeCMIC: "2021-06-03", RegimeCAPTA: "2022-02-24", RegimeNSMBS: "2022-02-22", RegimeSSI: ""} {
		if got := d.For(id).String(); got != want {
			t.Errorf("For(%s) = %q, want %q", id, got, want)
		}
	}
}
