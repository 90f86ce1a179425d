package bomgraph

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
	"github.com/keiretsu/keiretsu/internal/model"
)

func TestEntityID(t *testing.T) {
	for _, c := range []struct {
		name   string
		person bool
		want   string
	}{
		{"Huawei Technologies Co., Ltd.", false, "org:huawei-technologies"},
		{"HUAWEI TECHNOLOGIES CO LTD", false, "org:huawei-technologies"},
		{"HiSilicon", false, "org:hisilicon"},
		{"HiSilicon (Shanghai) Technologies Co., Ltd.", false, "org:hisilicon-shanghai-technologies"},
		{"TE Connectivity", false, "org:te-connectivity"},
		{"3M", false, "org:3m"},
		{"Acme Inc", false, "org:acme"},
		{"Stripe, Inc.", false, "org:stripe"},
		{"Siemens Aktiengesellschaft", false, "org:siemens-aktiengesellschaft"},
		{"Robert Bosch GmbH", false, "org:robert-bosch"},
		{"Northwind Routers, LLC", false, "org:northwind-routers"},
		{"Banco do Brasil S.A.", false, "org:banco-do-brasil"},
		{"Hewlett-Packard Company", false, "org:hewlett-packard"},
		{"Co", false, "org:co"},
		{"Inc.", false, "org:inc"},
		{"华为技术有限公司", false, "org:华为技术"},
		{"株式会社東芝", false, "org:東芝"},
		{"ＺＴＥ Corporation", false, "org:zte"},
		{"Jane Doe", true, "person:jane-doe"},
		{"NOASSERTION", false, ""},
		{"Unknown", false, ""},
		{"N/A", false, ""},
		{"  ", false, ""},
		{"---", false, ""},
	} {
		if got := EntityID(c.name, c.person); got != c.want {
			t.Errorf("EntityID(%q, %v) = %q, want %q", c.name, c.person, got, c.want)
		}
	}
}

func TestLines(t *testing.T) {
	doc := []byte(`{
  "components": [
    {"name": "a"},
    {
      "name": "b\"\n",
      "components": [
        {"name": "c"}
      ]
    }
  ],
  "dependencies": [ {"ref": "a"},
    {"ref": "b"} ]
}`)
	l := IndexLines(doc, "components", "dependencies")
	for path, want := range map[string]int{
		"components[0]":               3,
		"components[1]":               4,
		"components[1].components[0]": 7,
		"components[1].name":          4, // not recorded: the item's line
		"dependencies[0]":             11,
		"dependencies[1]":             12,
		"metadata":                    1,
	} {
		if got := l.Line(path); got != want {
			t.Errorf("Line(%q) = %d, want %d", path, got, want)
		}
	}
	if got := l.LineAt(int64(len(doc))); got != 13 {
		t.Errorf("LineAt(end) = %d, want 13", got)
	}
}

// TestDoc checks the deduplication rules of a Doc.
func TestDoc(t *testing.T) {
	fill := func(d *Doc, _ []byte) error {
		d.Product(Product{ID: "p", Name: "P", Ref: "p"})
		d.Product(Product{ID: "p", Name: "P again", Ref: "p2"})
		d.Product(Product{ID: "q", Name: "Q", Ref: "q", Identifiers: []model.Identifier{{Scheme: "purl", Value: " "}, {Scheme: "mpn", Value: "M1"}, {Scheme: "mpn", Value: "M2"}}})
		d.Product(Product{ID: "nameless", Ref: "n", Path: "components[2]"})
		q := 2.0
		d.Component(Edge{Parent: "p", Child: "q", Quantity: &q, Ref: "q"})
		d.Component(Edge{Parent: "p", Child: "q", Optional: true, Ref: "p"})
		d.Component(Edge{Parent: "q", Child: "q", Path: "dependencies[0]"})
		d.Sourcing("q", Party{Name: "Acme Corp.", URL: "https://acme.example", Country: "us"}, RoleSupplier, "q", "")
		d.Sourcing("q", Party{Name: "ACME CORPORATION", Country: "China"}, RoleManufacturer, "q", "")
		d.Sourcing("p", Party{Name: "NOASSERTION"}, RoleSupplier, "p", "")
		return nil
	}
	// Each operation as a line of its own, errors inline.
	describe := func(out []byte, op *ingest.Op) []byte {
		rec := op.Record
		s := rec.Key().String() + " source=" + rec.Source
		switch rec.Kind {
		case model.KindEntity:
			s += " name=" + rec.Name + " country=" + rec.Country + " aliases=" + strings.Join(rec.Aliases, "|") + " website=" + rec.Identifier("website")
		case model.KindProduct:
			s += " name=" + rec.Name + " mpn=" + rec.Identifier("mpn") + " purl=" + rec.Identifier("purl")
		case model.KindComponent:
			s += " qty=" + map[bool]string{true: "2", false: "-"}[rec.Quantity != nil] + map[bool]string{true: " essential", false: " optional"}[rec.Essential]
		case model.KindSourcing:
			s += " role=" + rec.Role
		}
		return append(out, s+"\n"...)
	}
	out := formattest.Reader{Write: describe}.Read(t, NewReader("dir/f.json", strings.NewReader("{}"), fill)).Golden
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	want := []string{
		"ERROR dir/f.json:1: field components[2].name: required",
		"WARNING dir/f.json:1: field dependencies[0]: q is a component of itself (edge dropped)",
		"entity org:acme source=f.json#q name=Acme Corp. country=US aliases=ACME CORPORATION website=https://acme.example",
		"product p source=f.json#p name=P mpn= purl=",
		"product q source=f.json#q name=Q mpn=M1 purl=",
		"component p->q source=f.json#q qty=2 essential",
		"sourcing q->org:acme source=f.json#q role=manufacturer",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestSplitContact(t *testing.T) {
	for _, c := range []struct{ in, name, email string }{
		{"Jane Doe <jane@example.com>", "Jane Doe", "jane@example.com"},
		{"Red Hat (secalert@redhat.com)", "Red Hat", "secalert@redhat.com"},
		{"Acme <mailto:sales@acme.example>", "Acme", "sales@acme.example"},
		{"ExampleCodeInspect ()", "ExampleCodeInspect", ""},
		{"HiSilicon (Shanghai)", "HiSilicon (Shanghai)", ""},
		{"Acme <Widgets>", "Acme <Widgets>", ""},
		{"Acme Corp.", "Acme Corp.", ""},
	} {
		if name, email := SplitContact(c.in); name != c.name || email != c.email {
			t.Errorf("SplitContact(%q) = %q, %q; want %q, %q", c.in, name, email, c.name, c.email)
		}
	}
}

func TestSite(t *testing.T) {
	for _, c := range []struct{ country, region, want string }{
		{"CN", "XJ", "CN-XJ"},
		{"cn", "cn-xj", "CN-XJ"},
		{"", "CN-XJ", "CN-XJ"},
		{"US", "CN-XJ", "US"}, // a region of another country is not believed
		{"CN", "Xinjiang", "CN"},
		{"DE", "", "DE"},
		{"Germany", "", ""},
		{"", "", ""},
	} {
		if got := Site(c.country, c.region); got != c.want {
			t.Errorf("Site(%q, %q) = %q, want %q", c.country, c.region, got, c.want)
		}
	}
}

// TestLinesOfMalformedDocuments: the scan of a malformed document ends (a
// '}' where an array element should be once made it read the same byte for
// ever: FuzzCycloneDX found it) and lines fall back to the nearest ancestor.
func TestLinesOfMalformedDocuments(t *testing.T) {
	for _, doc := range []string{`{"components":[ } ]}`, `{"components": [{"name": "a"}, }`, `[ } ]`, `{"a": [1, ] ,}`} {
		l := IndexLines([]byte(doc), "components")
		if got := l.Line("components[3]"); got != 1 {
			t.Errorf("%s: Line = %d, want 1", doc, got)
		}
	}
}
