package gen

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/ingest/native"
	"github.com/keiretsu/keiretsu/internal/model"
)

// Config says how big a world to generate and from which seed.
type Config struct {
	Entities int    // entities (companies, persons, state bodies, organizations)
	Products int    // products (end products, sub-assemblies, components)
	Seed     uint64 // same seed and sizes, same records, same bytes
}

// Edges per node: a world of E entities and P products holds about
// EdgesPerEntity*E + EdgesPerProduct*P edges (ownership, control and listings per
// entity; component and sourcing per product). Measured over seeds from 5,000 to
// 6*10^6 entities: per entity 0.96 at 5,000, 1.00 at 50,000, 1.03 at 5*10^5 and
// 1.04 from 2*10^6 on (large holdings grow); per product 2.79-2.83 throughout.
const (
	EdgesPerEntity  = 1.03
	EdgesPerProduct = 2.82
	// EntitiesPerProduct is the shape ForEdges (and the CLI's defaults) use.
	EntitiesPerProduct = 5
)

// ForEdges returns a configuration (seed 1) whose world holds about targetEdges
// edges, with EntitiesPerProduct entities per product.
func ForEdges(targetEdges int) Config {
	perProduct := EdgesPerEntity*EntitiesPerProduct + EdgesPerProduct
	p := int(float64(max(targetEdges, 0))/perProduct + 0.5)
	p = max(p, 1)
	return Config{Entities: p * EntitiesPerProduct, Products: p, Seed: 1}
}

// Scales are the named sizes of `keiretsu gen --scale` and `keiretsu bench
// --scale`, as target edge counts (see ForEdges).
var Scales = map[string]int{"small": 100_000, "medium": 1_000_000, "large": 10_000_000, "xlarge": 100_000_000}

// ScaleNames lists the scales, smallest first.
const ScaleNames = "small, medium, large or xlarge"

// Stats counts what a run generated.
type Stats struct {
	Records int64 `json:"records"`

	Entities      int64 `json:"entities"`
	Companies     int64 `json:"companies"`
	Persons       int64 `json:"persons"`
	StateBodies   int64 `json:"stateBodies"`
	Organizations int64 `json:"organizations"`
	Products      int64 `json:"products"`

	Ownership int64 `json:"ownership"`
	Control   int64 `json:"control"`
	Component int64 `json:"component"`
	Sourcing  int64 `json:"sourcing"`
	Listing   int64 `json:"listing"`

	CrossHoldings int64 `json:"crossHoldings"` // ownership edges against the tree (they close cycles)
	Gaps          int64 `json:"gaps"`          // products with no sourcing edge at all

	Bytes int64 `json:"bytes"` // Write only: bytes written
}

// Edges is the number of edge records (every record that is not a node).
func (s Stats) Edges() int64 { return s.Ownership + s.Control + s.Component + s.Sourcing + s.Listing }

// Nodes is the number of entity and product records.
func (s Stats) Nodes() int64 { return s.Entities + s.Products }

func (c Config) check() error {
	if c.Entities < 0 || c.Products < 0 {
		return fmt.Errorf("gen: entities (%d) and products (%d) must not be negative", c.Entities, c.Products)
	}
	if c.Entities > 1<<31-1 || c.Products > 1<<31-1 {
		return errors.New("gen: at most 2^31-1 entities and products")
	}
	return nil
}

// Records generates the world of cfg and calls fn with each record in output
// order (op.Line is its line in Write's output), already normalized and valid.
// op is reused for the next record: copy op.Record to keep it (its slices are
// never reused) and do not modify it. An error from fn stops the run and is
// returned.
func Records(cfg Config, fn func(op *ingest.Op) error) (Stats, error) {
	return generate(cfg, func(op *ingest.Op, _ bool) error { return fn(op) })
}

// Write writes the world of cfg to w as native JSON Lines, one record per line
// (native.Append's canonical form). It streams: memory is a few bytes per entity
// plus a 1 MiB buffer, whatever the output size.
func Write(w io.Writer, cfg Config) (Stats, error) {
	return WriteProgress(w, cfg, nil)
}

// ProgressEvery is how many records pass between calls of WriteProgress's callback.
const ProgressEvery = 1 << 20

// WriteProgress is Write that calls progress (when not nil) with the running
// counts every ProgressEvery records.
func WriteProgress(w io.Writer, cfg Config, progress func(Stats)) (Stats, error) {
	buf := make([]byte, 0, 1<<20+4096)
	var written int64
	var g *generator
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		n, err := w.Write(buf)
		written += int64(n)
		buf = buf[:0]
		return err
	}
	st, err := generateWith(cfg, func(gg *generator) { g = gg }, func(op *ingest.Op, _ bool) error {
		buf = native.Append(buf, op)
		if len(buf) >= 1<<20 {
			if err := flush(); err != nil {
				return err
			}
		}
		if progress != nil && g.st.Records%ProgressEvery == 0 {
			s := g.st
			s.Bytes = written + int64(len(buf))
			progress(s)
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	st.Bytes = written
	return st, err
}

// emitFunc receives each record; cross marks ownership edges that go against the
// ownership trees (cross-holdings), for tests.
type emitFunc func(op *ingest.Op, cross bool) error

func generate(cfg Config, fn emitFunc) (Stats, error) { return generateWith(cfg, nil, fn) }

func generateWith(cfg Config, hook func(*generator), fn emitFunc) (Stats, error) {
	if err := cfg.check(); err != nil {
		return Stats{}, err
	}
	g := &generator{cfg: cfg, fn: fn}
	if hook != nil {
		hook(g)
	}
	for _, phase := range []func() error{g.entities, g.listings, g.products} {
		if err := phase(); err != nil {
			return g.st, err
		}
	}
	return g.st, nil
}

// generator holds the state of one run. Per entity it keeps two bytes (type and
// depth in its ownership tree); per product nothing (a product's level follows
// from its id).
type generator struct {
	cfg Config
	fn  emitFunc
	st  Stats
	op  ingest.Op

	r *rng

	// Entities, indexed by number (id "e" + index+1).
	n                           int // entities emitted so far
	typ                         []uint8
	depth                       []uint8
	persons, states, orgs, tops []int32
	majors                      []int32 // manufacturers that source many products
	gpar                        []int32 // scratch: the current group's primary parents
	giants                      []giantGroup
	ownersBuf                   []owner
	idBuf                       []byte
	idCacheE, idCacheP          idCache
	companyCount                int
}

// Entity types in generator.typ.
const (
	tCompany uint8 = iota
	tPerson
	tState
	tOrg
)

// idCache keeps the last few formatted ids: an entity or product is usually named by
// several consecutive records.
type idCache struct {
	n   [4]int32
	s   [4]string
	pos int
}

func (c *idCache) get(prefix byte, i int32, buf *[]byte) string {
	for k := range c.n {
		if c.n[k] == i+1 {
			return c.s[k]
		}
	}
	b := append((*buf)[:0], prefix)
	b = strconv.AppendInt(b, int64(i)+1, 10)
	*buf = b
	s := string(b)
	c.pos = (c.pos + 1) % len(c.n)
	c.n[c.pos], c.s[c.pos] = i+1, s
	return s
}

// eid returns entity i's id: "e" + (i+1).
func (g *generator) eid(i int32) string { return g.idCacheE.get('e', i, &g.idBuf) }

// pid returns product i's id: "p" + (i+1).
func (g *generator) pid(i int32) string { return g.idCacheP.get('p', i, &g.idBuf) }

// rec starts a new record of kind k.
func (g *generator) rec(k model.Kind) *model.Record {
	g.op = ingest.Op{Line: int(g.st.Records) + 1}
	g.op.Record.Kind = k
	g.op.Record.Valid = model.Always
	return &g.op.Record
}

// emit counts the current record and hands it on.
func (g *generator) emit(cross bool) error {
	r := &g.op.Record
	g.st.Records++
	switch r.Kind {
	case model.KindEntity:
		g.st.Entities++
		switch r.Type {
		case model.TypePerson:
			g.st.Persons++
		case model.TypeStateBody:
			g.st.StateBodies++
		case model.TypeOrganization:
			g.st.Organizations++
		default:
			g.st.Companies++
		}
	case model.KindProduct:
		g.st.Products++
	case model.KindOwnership:
		g.st.Ownership++
		if cross {
			g.st.CrossHoldings++
		}
	case model.KindControl:
		g.st.Control++
	case model.KindComponent:
		g.st.Component++
	case model.KindSourcing:
		g.st.Sourcing++
	case model.KindListing:
		g.st.Listing++
	}
	return g.fn(&g.op, cross)
}

// Dates used by the world.
var (
	date1990 = model.MustDate("1990-01-01")
	date1995 = model.MustDate("1995-01-01")
	date2010 = model.MustDate("2010-01-01")
	date2012 = model.MustDate("2012-01-01")
	date2015 = model.MustDate("2015-01-01")
	date2026 = model.MustDate("2026-01-01")
	date2027 = model.MustDate("2027-01-01")
)
