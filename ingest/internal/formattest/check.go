package formattest

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/formats"
	"github.com/keiretsu/keiretsu/internal/model"
)

// CheckOp checks what every format promises of an operation: its record is
// normalized, and valid unless the operation is a delete (regimes are not
// checked against the loaded ones: CheckStream does that).
func CheckOp(op *ingest.Op) error {
	r := op.Record
	r.Identifiers = append([]model.Identifier(nil), r.Identifiers...)
	r.Normalize()
	if !bytes.Equal(r.Encode(nil), op.Record.Encode(nil)) {
		return errors.New("not normalized")
	}
	if op.Delete {
		return nil
	}
	return op.Record.Validate(nil)
}

// CheckStream checks the operations of a source as the pipeline will take
// them: every record valid (listings against the regimes loaded, builtin here,
// plus those defined earlier in the stream), and no regime defined twice.
func CheckStream(t testing.TB, ops []ingest.Op, builtin func(id string) bool) {
	t.Helper()
	defined := map[string]bool{}
	known := func(id string) bool { return builtin(id) || defined[id] }
	for _, op := range ops {
		r := op.Record
		if r.Kind == model.KindRegime {
			if defined[r.ID] || builtin(r.ID) {
				t.Errorf("regime %s defined again", r.ID)
			}
			defined[r.ID] = true
		}
		if err := r.Validate(known); err != nil {
			t.Errorf("line %d: %s: %v", op.Line, r.Key(), err)
		}
	}
}

// CheckShare reports a test error unless a share parsed from what name
// describes (s, err) is the share from lo to hi percent in mode, or, when
// wantErr is not "", an error that contains wantErr.
func CheckShare(t testing.TB, name string, s model.Share, err error, lo, hi float64, mode model.ShareMode, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%s: error %v, want %q", name, err, wantErr)
		}
		return
	}
	if err != nil || s.Mode != mode || model.Percent(uint64(s.Min)) != lo || model.Percent(uint64(s.Max)) != hi {
		t.Errorf("%s: %+v %v, want %v..%v mode %d", name, s, err, lo, hi, mode)
	}
}

// Detects reports a test error unless detect recognises the file at path from
// the head of its content in.
func Detects(t testing.TB, detect func(path string, head []byte) bool, path string, in []byte) {
	t.Helper()
	if !detect(path, in[:min(len(in), headSize)]) {
		t.Errorf("%s: not detected as its format", path)
	}
}

// Picks is a detect function for Detects: auto-detection (formats.Detect) picks
// the named format, and no other.
func Picks(format string) func(path string, head []byte) bool {
	return func(path string, head []byte) bool { return formats.Detect(path, head).Name == format }
}

// CheckDetect reports a test error for every head of yes that detect, given
// path, does not recognise as its format's, and every head of no that it does.
func CheckDetect(t testing.TB, detect func(path string, head []byte) bool, path string, yes, no []string) {
	t.Helper()
	for _, want := range []bool{true, false} {
		heads := yes
		if !want {
			heads = no
		}
		for _, head := range heads {
			if got := detect(path, []byte(head)); got != want {
				t.Errorf("Detect(%.60q) = %v, want %v", head, got, want)
			}
		}
	}
}

// headSize is how much of a file auto-detection sees (what `keiretsu ingest`
// peeks at without --format).
const headSize = 4096
