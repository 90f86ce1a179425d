package service

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/gen"
	"github.com/keiretsu/keiretsu/internal/load"
	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/persist"
	"github.com/keiretsu/keiretsu/internal/rules"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
)

// imageWorld ingests a generated world into a fresh embedded store, with
// what the generator does not make: a stored regime and its listings (with
// categories), same_as links and sourcing sites.
func imageWorld(t *testing.T) *embedded.Store {
	t.Helper()
	ctx := context.Background()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var world bytes.Buffer
	if _, err := gen.Write(&world, gen.Config{Entities: 3000, Products: 600, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	src := native.NewReader("world.jsonl", bytes.NewReader(world.Bytes()), nil)
	if _, err := load.Run(ctx, st, []ingest.Source{src}, load.Options{}); err != nil {
		t.Fatal(err)
	}
	ents, prods := nodeIDs(t, st)
	var extra strings.Builder
	for i := 0; i+1 < len(ents); i += 97 {
		fmt.Fprintf(&extra, `{"kind":"same_as","a":%q,"b":%q,"reason":"test"}`+"\n", ents[i], ents[i+1])
	}
	for i := 0; i < len(ents); i += 131 {
		fmt.Fprintf(&extra, `{"kind":"listing","regime":"ACME","entity":%q,"from":"2021-01-01","categories":["telecom"]}`+"\n", ents[i])
	}
	for i := 0; i < len(prods); i += 7 {
		fmt.Fprintf(&extra, `{"kind":"sourcing","product":%q,"entity":%q,"site":"CN-XJ"}`+"\n", prods[i], ents[(i*13)%len(ents)])
	}
	regime := &model.Record{Kind: model.KindRegime, ID: "ACME", Name: "Acme list",
		Spec: []byte(`{"id":"ACME","name":"Acme list","rule":"listed","categories":["telecom"]}`)}
	src = native.NewReader("extra.jsonl", strings.NewReader(extra.String()), nil)
	if _, err := load.Run(ctx, st, []ingest.Source{src}, load.Options{Extra: []*model.Record{regime}}); err != nil {
		t.Fatal(err)
	}
	return st
}

// nodeIDs returns the store's entity and product ids, sorted.
func nodeIDs(t *testing.T, st store.Store) (ents, prods []string) {
	t.Helper()
	if _, err := st.Scan(context.Background(), func(r *model.Record) error {
		switch r.Kind {
		case model.KindEntity:
			ents = append(ents, r.ID)
		case model.KindProduct:
			prods = append(prods, r.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(ents)
	slices.Sort(prods)
	return ents, prods
}

// answers is everything a view answers about the world, rendered: every
// product's and every entity's screening under every regime on three days,
// searches, nodes and the edges of every kind at a sample of nodes, and the
// snapshot's counts.
func answers(t *testing.T, v *View, ents, prods []string) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	add := func(what string, x any) {
		b, err := json.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, what+" "+string(b))
	}
	var regimes []string
	for _, r := range v.Regimes() {
		regimes = append(regimes, r.ID)
	}
	if !slices.Contains(regimes, "ACME") {
		t.Fatalf("the stored regime is not loaded: %v", regimes)
	}
	type result struct {
		Regime   string
		Verdict  model.Verdict
		Findings any
	}
	for _, day := range []model.Date{model.MustDate("2012-06-30"), model.MustDate("2024-01-01"), model.MustDate("2031-01-01")} {
		render := func(what, id string, screen func(context.Context, string, *model.Date, []string) (*rules.Screening, error)) {
			s, err := screen(ctx, id, &day, regimes)
			if err != nil {
				t.Fatalf("%s %s: %v", what, id, err)
			}
			rs := make([]result, len(s.Results))
			for i, r := range s.Results {
				rs[i] = result{r.Regime.ID, r.Verdict, r.Findings}
			}
			add(what+" "+id+" "+day.String(), []any{s.Subject, s.AsOf, s.Verdict, rs, s.Gaps, s.Version})
		}
		for _, id := range prods {
			render("product", id, v.ScreenProduct)
		}
		for _, id := range ents {
			render("entity", id, v.ScreenEntity)
		}
	}
	batch, err := v.ScreenProducts(ctx, prods, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	add("batch", len(batch))
	for _, q := range append([]string{"a", "co", "tele", "e1", "ltd", "lei:", "zzz-none"}, ents[len(ents)/2], prods[3]) {
		add("search "+q, v.Search(q, 25))
	}
	day2024 := model.MustDate("2024-01-01")
	for i := 0; i < len(ents); i += 29 {
		recs, err := v.Nodes(ctx, model.KindEntity, []string{ents[i], "nobody"})
		if err != nil {
			t.Fatal(err)
		}
		add("nodes "+ents[i], recs)
		for _, k := range []model.Kind{model.KindOwnership, model.KindControl, model.KindSameAs, model.KindListing, model.KindSourcing} {
			for _, dir := range []model.Direction{model.Out, model.In} {
				for _, asOf := range []*model.Date{nil, &day2024} {
					recs, err := v.Edges(ctx, k, ents[i], dir, asOf)
					if err != nil {
						t.Fatal(err)
					}
					add(fmt.Sprintf("edges %s %s %v %v", ents[i], k, dir, asOf != nil), recs)
				}
			}
		}
	}
	for i := 0; i < len(prods); i += 11 {
		for _, k := range []model.Kind{model.KindComponent, model.KindSourcing} {
			for _, dir := range []model.Direction{model.Out, model.In} {
				recs, err := v.Edges(ctx, k, prods[i], dir, nil)
				if err != nil {
					t.Fatal(err)
				}
				add(fmt.Sprintf("edges %s %s %v", prods[i], k, dir), recs)
			}
		}
	}
	add("stats", v.Engine().Snapshot().Stats())
	return out
}

func openFile(t *testing.T, st store.Store, path string) *Service {
	t.Helper()
	svc, err := Open(context.Background(), st, Options{Log: zerolog.Nop(), ProjectionFile: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	return svc
}

// TestProjectionFileRoundTrip: a service opened over a store with no
// projection file builds the projection and writes the file; the next one
// reads it and answers everything exactly as a projection built from the
// store does; after a live update (Refresh) the file holds the new state,
// and a service reading it answers as one built from the store again.
func TestProjectionFileRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := imageWorld(t)
	path := filepath.Join(st.Dir(), embedded.ProjectionFileName)
	ents, prods := nodeIDs(t, st)

	first := openFile(t, st, path)
	if first.Source() != SourceStore {
		t.Fatalf("first start: source %s, want %s", first.Source(), SourceStore)
	}
	first.Close()
	if first.ImagesWritten() != 1 {
		t.Fatalf("first start wrote the file %d times, want 1", first.ImagesWritten())
	}
	second := openFile(t, st, path)
	if second.Source() != SourceFile {
		t.Fatalf("second start: source %s, want %s", second.Source(), SourceFile)
	}
	built, err := Open(ctx, st, Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	want := answers(t, built.View(), ents, prods)
	if diff := cmp.Diff(want, answers(t, second.View(), ents, prods)); diff != "" {
		t.Fatalf("the projection read from the file answers differently (-built +read):\n%s", diff)
	}
	second.Close()
	if second.ImagesWritten() != 0 {
		t.Errorf("a service that read the file wrote it again")
	}

	// A live update: the service applies the changed keys to its view and
	// writes the new state.
	live := openFile(t, st, path)
	if live.Source() != SourceFile {
		t.Fatalf("third start: source %s", live.Source())
	}
	change := fmt.Sprintf(`{"kind":"entity","id":"new-one","name":"New One Ltd"}
{"kind":"ownership","owner":"new-one","owned":%q,"percent":75}
{"kind":"listing","regime":"US-OFAC-SDN","entity":"new-one"}
{"kind":"sourcing","product":%q,"entity":%q}
`, ents[10], prods[20], ents[10])
	if _, err := load.Run(ctx, st, []ingest.Source{native.NewReader("change.jsonl", strings.NewReader(change), nil)}, load.Options{}); err != nil {
		t.Fatal(err)
	}
	keys := []model.Key{
		{Kind: model.KindEntity, Src: "new-one", From: model.MinDate},
		{Kind: model.KindOwnership, Src: "new-one", Dst: ents[10], From: model.MinDate},
		{Kind: model.KindListing, Src: "new-one", Dst: "US-OFAC-SDN", From: model.MinDate},
		{Kind: model.KindSourcing, Src: prods[20], Dst: ents[10], From: model.MinDate},
	}
	if err := live.Refresh(ctx, keys); err != nil {
		t.Fatal(err)
	}
	live.Close()
	if live.ImagesWritten() != 1 {
		t.Fatalf("after a live update the file was written %d times, want 1", live.ImagesWritten())
	}
	version, err := st.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v := live.View().Version(); v != version.String() {
		t.Fatalf("refreshed view %s, store %s", v, version)
	}
	after := openFile(t, st, path)
	if after.Source() != SourceFile || after.View().Version() != version.String() {
		t.Fatalf("after the update: source %s, version %s, want the file and %s", after.Source(), after.View().Version(), version)
	}
	rebuilt, err := Open(ctx, st, Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	ents, prods = nodeIDs(t, st)
	want = answers(t, rebuilt.View(), ents, prods)
	if diff := cmp.Diff(want, answers(t, after.View(), ents, prods)); diff != "" {
		t.Fatalf("the file written after a live update answers differently (-built +read):\n%s", diff)
	}
}

// reheader returns a copy of an image with its header changed by fn and its
// header checksum made right again, as a writer of that header would have.
func reheader(img []byte, fn func(h []byte)) []byte {
	b := bytes.Clone(img)
	fn(b[:64])
	binary.LittleEndian.PutUint32(b[44:], crc32.Checksum(b[:44], crc32.MakeTable(crc32.Castagnoli)))
	return b
}

// TestProjectionFileRefused: a projection file of another dataVersion, with
// a flipped byte, cut short, of another format version or not an image at
// all is refused with its reason, the projection is built from the store
// (answering as always) and the file is written again, whole.
func TestProjectionFileRefused(t *testing.T) {
	ctx := context.Background()
	st := imageWorld(t)
	path := filepath.Join(st.Dir(), embedded.ProjectionFileName)
	ents, prods := nodeIDs(t, st)
	version, err := st.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	openFile(t, st, path).Close()
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := projectionFileError(path, version); err != nil {
		t.Fatalf("the file written: %v", err)
	}
	built, err := Open(ctx, st, Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	// A sample of the answers: every product's and entity's screenings and
	// the rest take long enough in the round trip test.
	// An entity id in the body: a flipped byte there breaks no array length,
	// only the checksum can tell (and the sample screens that entity).
	flipped := ents[len(ents)/2]
	inID := bytes.Index(good[64:], []byte(flipped)) + 64 + 1
	sample := append(slices.Clone(ents[:300]), flipped)
	want := answers(t, built.View(), sample, prods[:100])
	if inID < 65 {
		t.Fatal("no entity id in the image")
	}
	other := model.HashOf([]byte("other records"))
	for _, c := range []struct {
		name string
		img  []byte
		want error
	}{
		{"other dataVersion", reheader(good, func(h []byte) { copy(h[16:32], other.Bytes()) }), persist.ErrStale},
		{"byte flipped in an id", func() []byte { b := bytes.Clone(good); b[inID] ^= 0x01; return b }(), persist.ErrCorrupt},
		{"byte flipped at the end", func() []byte { b := bytes.Clone(good); b[len(b)-3] ^= 0x80; return b }(), persist.ErrCorrupt},
		{"byte flipped in the header", func() []byte { b := bytes.Clone(good); b[33] ^= 0x01; return b }(), persist.ErrCorrupt},
		{"truncated body", good[:len(good)-100], persist.ErrTruncated},
		{"truncated header", good[:30], persist.ErrTruncated},
		{"empty", nil, persist.ErrTruncated},
		{"longer", append(bytes.Clone(good), 0, 0, 0, 0, 0, 0, 0, 0), persist.ErrTruncated},
		{"other format version", reheader(good, func(h []byte) { binary.LittleEndian.PutUint32(h[8:], persist.FormatVersion+1) }), persist.ErrFormat},
		{"not an image", append([]byte("{\"kind\":\"entity\"}\n"), good[18:]...), persist.ErrFormat},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := os.WriteFile(path, c.img, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := projectionFileError(path, version); !errors.Is(err, c.want) {
				t.Errorf("reading the file: %v, want %v", err, c.want)
			}
			svc := openFile(t, st, path)
			if svc.Source() != SourceStore {
				t.Errorf("source %s, want %s", svc.Source(), SourceStore)
			}
			if diff := cmp.Diff(want, answers(t, svc.View(), sample, prods[:100])); diff != "" {
				t.Fatalf("answers differ (-built +rebuilt):\n%s", diff)
			}
			svc.Close()
			if err := projectionFileError(path, version); err != nil || svc.ImagesWritten() != 1 {
				t.Fatalf("after the rebuild: written %d times, file %v", svc.ImagesWritten(), err)
			}
		})
	}

	// A real stale file: the store changed after it was written.
	if _, err := load.Run(ctx, st, []ingest.Source{native.NewReader("c.jsonl", strings.NewReader(
		`{"kind":"listing","regime":"US-OFAC-SDN","entity":`+fmt.Sprintf("%q", ents[5])+"}\n"), nil)}, load.Options{}); err != nil {
		t.Fatal(err)
	}
	now, err := st.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := projectionFileError(path, now); !errors.Is(err, persist.ErrStale) {
		t.Fatalf("after a commit the file reads %v, want %v", err, persist.ErrStale)
	}
	svc := openFile(t, st, path)
	if svc.Source() != SourceStore || svc.View().Version() != now.String() {
		t.Fatalf("after a commit: source %s, version %s, want the store's %s", svc.Source(), svc.View().Version(), now)
	}
	rebuilt, err := Open(ctx, st, Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(answers(t, rebuilt.View(), ents[:300], prods[:100]), answers(t, svc.View(), ents[:300], prods[:100])); diff != "" {
		t.Fatalf("answers differ after a commit (-built +opened):\n%s", diff)
	}

	// No file at all, and a directory that cannot be written, cost nothing but
	// the rebuild.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := projectionFileError(path, now); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("no file reads %v", err)
	}
	nowhere := openFile(t, st, filepath.Join(t.TempDir(), "no-such-dir", "p.img"))
	nowhere.Close()
	if nowhere.Source() != SourceStore || nowhere.ImagesWritten() != 0 {
		t.Fatalf("unwritable: source %s, written %d", nowhere.Source(), nowhere.ImagesWritten())
	}
}
