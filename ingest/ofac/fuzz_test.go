package ofac

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/ingest/internal/formattest"
)

// FuzzOFAC feeds arbitrary bytes to the OFAC readers, SDN and consolidated:
// a main file in CSV with its three siblings (alt, add, comments) or in XML.
// Every file is the fuzzer's; reading never panics and ends, and every
// invalid input, warning and error names one of the files, with its line for
// CSV (formattest.Fuzz.Read). Its seeds are testdata/sdn, testdata/cons, the
// XML files and testdata/fuzz/FuzzOFAC.
func FuzzOFAC(f *testing.F) {
	read := func(dir, name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", dir, name))
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	f.Add(false, read("sdn", "sdn.csv"), read("sdn", "alt.csv"), read("sdn", "add.csv"), read("sdn", "sdn_comments.csv"))
	f.Add(true, read("cons", "cons_prim.csv"), read("cons", "cons_alt.csv"), read("cons", "cons_add.csv"), read("cons", "cons_comments.csv"))
	f.Add(false, read("", "sdn.xml"), []byte(nil), []byte(nil), []byte(nil))
	f.Add(true, read("", "cons.xml"), []byte(nil), []byte(nil), []byte(nil))
	f.Fuzz(func(t *testing.T, cons bool, main, alt, add, comments []byte) {
		format, names := FormatSDN, []string{"sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"}
		if cons {
			format, names = FormatCons, []string{"cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv"}
		}
		dir := t.TempDir()
		var files []string
		for i, b := range [][]byte{main, alt, add, comments} {
			p := filepath.Join(dir, names[i])
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			files = append(files, p)
		}
		fm, err := formats.Get(format)
		if err != nil {
			t.Fatal(err)
		}
		src, err := fm.Open(files[0], bytes.NewReader(main), formats.Env{RegimeKnown: IsBuiltin})
		lines := !isXML(main[:min(len(main), 512)])
		formattest.Fuzz{Files: files, Lines: lines, Check: formattest.CheckOp}.Read(t, src, err)
	})
}
