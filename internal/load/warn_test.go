package load_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/model"
)

// script is a source that serves a fixed list of results: an error (a warning, a
// bad line) or, for nil, the next record.
type script struct {
	name    string
	results []error
	recs    []model.Record
	i, r    int
}

func (s *script) Name() string { return s.name }

func (s *script) Next(op *ingest.Op) error {
	if s.i == len(s.results) {
		return io.EOF
	}
	s.i++
	if err := s.results[s.i-1]; err != nil {
		return err
	}
	*op = ingest.Op{Record: s.recs[s.r], Line: s.i}
	s.r++
	return nil
}

func entity(id string) model.Record {
	return model.Record{Kind: model.KindEntity, ID: id, Name: id, Type: model.TypeCompany}
}

// stored reports whether the store holds the entity id.
func stored(t *testing.T, st interface {
	Get(context.Context, []model.Key) ([]*model.Record, error)
}, id string) bool {
	t.Helper()
	recs, err := st.Get(context.Background(), []model.Key{{Kind: model.KindEntity, Src: id, From: model.MinDate}})
	if err != nil {
		t.Fatal(err)
	}
	return recs[0] != nil
}

// TestWarnings checks that a warning is counted, listed and never fails a run
// unless it is strict; that replacements are counted apart; that a file with no
// records is a warning; and that a file of which nothing could be read fails a
// run that skips invalid lines, writing nothing.
func TestWarnings(t *testing.T) {
	warn := ingest.Warnf("bom.json", 7, "components[0]", "a component of itself (edge dropped)")
	repl := &ingest.Warning{File: "o.ftm.json", Line: 9, Reason: "same key", Replaced: true}
	bad := &ingest.LineError{File: "bad.jsonl", Line: 1, Reason: "malformed JSON"}
	for _, c := range []struct {
		name      string
		sources   func() []ingest.Source
		opt       load.Options
		err       error
		warnings  int
		replaced  int
		listed    int
		wantStore bool
	}{
		{"warnings load", func() []ingest.Source {
			return []ingest.Source{&script{name: "bom.json", results: []error{nil, warn, repl, nil}, recs: []model.Record{entity("a"), entity("b")}}}
		}, load.Options{}, nil, 1, 1, 2, true},
		{"strict fails at a warning", func() []ingest.Source {
			return []ingest.Source{&script{name: "bom.json", results: []error{nil, warn}, recs: []model.Record{entity("a")}}}
		}, load.Options{Strict: true}, load.ErrWarning, 0, 0, 0, false},
		{"strict fails at a replacement", func() []ingest.Source {
			return []ingest.Source{&script{name: "o.ftm.json", results: []error{nil, repl}, recs: []model.Record{entity("a")}}}
		}, load.Options{Strict: true}, load.ErrWarning, 0, 0, 0, false},
		{"an empty file is a warning", func() []ingest.Source {
			return []ingest.Source{&script{name: "a.jsonl", results: []error{nil}, recs: []model.Record{entity("a")}},
				native.NewReader("empty.jsonl", strings.NewReader("\n\n"), nil)}
		}, load.Options{}, nil, 1, 0, 1, true},
		{"skip-invalid on a file with nothing readable fails", func() []ingest.Source {
			return []ingest.Source{&script{name: "a.jsonl", results: []error{nil}, recs: []model.Record{entity("a")}},
				&script{name: "bad.jsonl", results: []error{bad, bad}}}
		}, load.Options{SkipInvalid: true}, load.ErrNothingRead, 0, 0, 0, false},
		{"skip-invalid with something readable loads", func() []ingest.Source {
			return []ingest.Source{&script{name: "bad.jsonl", results: []error{bad, nil}, recs: []model.Record{entity("a")}}}
		}, load.Options{SkipInvalid: true}, nil, 0, 0, 0, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := openEmbedded(t)
			sum, err := load.Run(context.Background(), st, c.sources(), c.opt)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("error %v, want %v", err, c.err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if sum.Warnings != c.warnings || sum.Replaced != c.replaced || len(sum.WarningList) != c.listed {
				t.Errorf("warnings %d, replaced %d, listed %d; want %d, %d, %d", sum.Warnings, sum.Replaced, len(sum.WarningList), c.warnings, c.replaced, c.listed)
			}
			if got := stored(t, st, "a"); got != c.wantStore {
				t.Errorf("entity a stored %v, want %v (a failed run writes nothing)", got, c.wantStore)
			}
		})
	}
}
