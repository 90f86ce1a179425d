package resolve

import (
	"cmp"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/keiretsu/keiretsu/internal/model"
)

// AutoSource is the source of every same_as record that AutoLinks writes. Records
// with this source are owned by the linker: it removes them when their entities no
// longer share a strong identifier. A person's same_as record has another source
// and is never touched.
const AutoSource = "auto: identifier"

// MaxAutoGroup bounds how many entities one strong identifier may link. A larger
// group means bad data (a placeholder value a feed gives to many entities), and is
// skipped rather than merging hundreds of entities into one.
const MaxAutoGroup = 100

// Ident is what automatic linking needs of one entity: its strong keys (see
// StrongKeys) and whether it is a person. Persons and organisations are never
// linked to each other, whatever their identifiers say.
type Ident struct {
	Person bool
	Keys   []string
}

// IdentOf returns the Ident of an entity record.
func IdentOf(r *model.Record) Ident {
	return Ident{Person: r.Type == model.TypePerson, Keys: StrongKeys(r)}
}

// Link is a stored same_as record, as automatic linking sees it.
type Link struct {
	Pair
	From model.Date // the key's from (model.MinDate for links that always hold)
	Auto bool       // Source == AutoSource
}

// Key returns the link's record key.
func (l Link) Key() model.Key {
	return model.Key{Kind: model.KindSameAs, Src: l.A, Dst: l.B, From: l.From}
}

// AutoResult is what AutoLinks decided.
type AutoResult struct {
	// Add are the new same_as records, in a stable order.
	Add []*model.Record
	// Stale are automatic links whose entities no longer share a strong identifier
	// (an identifier was corrected or an entity deleted): delete them.
	Stale []Link
	// Skipped lists the strong keys that linked nothing, and why: held by more than
	// MaxAutoGroup entities, or by two entities whose LEIs or USCCs differ.
	Skipped []string
}

// AutoLinks computes the automatic links of a store: ents maps every entity that
// has strong keys to its Ident (entities without any may be left out), links are
// every stored same_as record. Entities of the same kind (person or not) sharing a
// strong key end up in one same_as class, unless two of them have different LEIs
// or USCCs (then the key links nothing: the data contradicts itself). For each key (in sorted order) the
// smallest id links to every other holder not already in its class, with the
// reason "same <scheme> <value>". It is idempotent: run on its own result it adds
// and removes nothing.
func AutoLinks(ents map[string]Ident, links []Link) AutoResult {
	var holders []Holder
	for id, x := range ents {
		for _, k := range x.Keys {
			holders = append(holders, Holder{Key: k, Person: x.Person, ID: id, Keys: x.Keys})
		}
	}
	slices.SortFunc(holders, CompareHolders)
	ends := func(id string) (Ident, bool) {
		x, ok := ents[id]
		return x, ok && len(x.Keys) > 0
	}
	return AutoLinksOf(slices.Values(holders), ends, links)
}

// Holder is one strong key of one entity, as AutoLinksOf reads them: the key,
// whether the entity is a person, its id and all its strong keys.
type Holder struct {
	Key    string
	Person bool
	ID     string
	Keys   []string
}

// CompareHolders is the order AutoLinksOf reads holders in: by key, then
// organisations before persons, then by id.
func CompareHolders(a, b Holder) int {
	return cmp.Or(strings.Compare(a.Key, b.Key), cmp.Compare(b2i(a.Person), b2i(b.Person)), strings.Compare(a.ID, b.ID))
}

// AutoLinksOf is AutoLinks over the entities' strong keys given one by one in
// CompareHolders order (from a sort on disk, for a store larger than memory):
// it holds one key's holders at a time. ends returns the Ident of the ends of
// the automatic links among links (false for an entity without strong keys
// or none at all).
func AutoLinksOf(holders iter.Seq[Holder], ends func(id string) (Ident, bool), links []Link) AutoResult {
	var res AutoResult
	shares := func(a, b string) bool {
		x, ok1 := ends(a)
		y, ok2 := ends(b)
		if !ok1 || !ok2 || x.Person != y.Person || conflicts(x.Keys, y.Keys) {
			return false
		}
		for _, k := range x.Keys {
			if slices.Contains(y.Keys, k) {
				return true
			}
		}
		return false
	}
	kept := make([]Pair, 0, len(links))
	for _, l := range links {
		if l.Auto && !shares(l.A, l.B) {
			res.Stale = append(res.Stale, l)
			continue
		}
		kept = append(kept, l.Pair)
	}
	classes := NewClasses(kept)

	// group is one key's holders, at most MaxAutoGroup of them; n counts all.
	var group []Holder
	n := 0
	link := func() {
		if n < 2 {
			return
		}
		key := group[0].Key
		if n > MaxAutoGroup {
			res.Skipped = append(res.Skipped, key+" (held by more than "+strconv.Itoa(MaxAutoGroup)+" entities)")
			return
		}
		for a := range group {
			for b := a + 1; b < len(group); b++ {
				if conflicts(group[a].Keys, group[b].Keys) {
					res.Skipped = append(res.Skipped, key+" (held by "+group[a].ID+" and "+group[b].ID+", whose LEIs or USCCs differ)")
					return
				}
			}
		}
		anchor := group[0].ID
		for _, h := range group[1:] {
			if !classes.Union(anchor, h.ID) {
				continue
			}
			res.Add = append(res.Add, &model.Record{
				Kind: model.KindSameAs, Src: anchor, Dst: h.ID, Valid: model.Always,
				Reason: "same " + key, Source: AutoSource,
			})
		}
	}
	for h := range holders {
		if n > 0 && (h.Key != group[0].Key || h.Person != group[0].Person) {
			link()
			group, n = group[:0], 0
		}
		if n++; n <= MaxAutoGroup {
			group = append(group, h)
		}
	}
	link()
	slices.SortFunc(res.Stale, func(a, b Link) int {
		return cmp.Or(strings.Compare(a.A, b.A), strings.Compare(a.B, b.B), cmp.Compare(a.From, b.From))
	})
	return res
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
