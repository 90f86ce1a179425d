package model

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math"
)

// encodingVersion is the first byte of every encoded record.
const encodingVersion = 1

// errCorrupt is returned by Decode for bytes that are not an encoded record.
var errCorrupt = errors.New("corrupt record encoding")

// KeyBytes is the key's storage encoding: kind, ends separated by NUL (ids never
// contain NUL), and for edges the from day as 4 big-endian bytes (open = 0), so keys
// of one kind sort by their first end.
func (k Key) KeyBytes() []byte {
	b := make([]byte, 0, 2+len(k.Src)+len(k.Dst)+5)
	return k.AppendBytes(b)
}

// AppendBytes appends the storage encoding of the key to b.
func (k Key) AppendBytes(b []byte) []byte {
	b = append(b, byte(k.Kind))
	b = append(b, k.Src...)
	if k.Kind.IsNode() {
		return b
	}
	b = append(b, 0)
	b = append(b, k.Dst...)
	b = append(b, 0)
	return binary.BigEndian.AppendUint32(b, uint32(int64(k.From)-int64(MinDate)))
}

// ParseKey decodes KeyBytes.
func ParseKey(b []byte) (Key, error) {
	if len(b) < 1 {
		return Key{}, errCorrupt
	}
	k := Key{Kind: Kind(b[0]), From: MinDate}
	if k.Kind.IsNode() {
		k.Src = string(b[1:])
		return k, nil
	}
	if len(b) < 7 {
		return Key{}, errCorrupt
	}
	rest, from := b[1:len(b)-4], b[len(b)-4:]
	i := indexByte(rest, 0)
	if i < 0 || rest[len(rest)-1] != 0 {
		return Key{}, errCorrupt
	}
	k.Src, k.Dst = string(rest[:i]), string(rest[i+1:len(rest)-1])
	k.From = Date(int64(binary.BigEndian.Uint32(from)) + int64(MinDate))
	return k, nil
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// Encode appends the canonical binary encoding of a normalized record to b. Equal
// records have equal encodings; the key is part of the encoding.
func (r *Record) Encode(b []byte) []byte {
	b = append(b, encodingVersion, byte(r.Kind))
	if r.Kind.IsNode() {
		b = appendString(b, r.ID)
		b = appendString(b, r.Name)
		switch r.Kind {
		case KindEntity:
			b = appendString(b, r.Type)
			b = appendString(b, r.Country)
			b = appendStrings(b, r.Aliases)
			b = appendIdentifiers(b, r.Identifiers)
		case KindProduct:
			b = appendString(b, r.Category)
			b = appendIdentifiers(b, r.Identifiers)
		case KindRegime:
			b = appendString(b, string(r.Spec))
		}
		b = appendString(b, r.Source)
		if r.Kind == KindEntity && r.HQCountry != "" {
			b = append(b, tagHQCountry)
			b = appendString(b, r.HQCountry)
		}
		return b
	}
	b = appendString(b, r.Src)
	b = appendString(b, r.Dst)
	b = binary.AppendVarint(b, int64(r.Valid.From))
	b = binary.AppendVarint(b, int64(r.Valid.To))
	switch r.Kind {
	case KindOwnership:
		b = append(b, byte(r.Share.Mode))
		b = binary.AppendUvarint(b, uint64(r.Share.Min))
		b = binary.AppendUvarint(b, uint64(r.Share.Max))
	case KindControl:
		b = appendString(b, r.Basis)
	case KindComponent:
		var flags byte
		if r.Essential {
			flags |= 1
		}
		if r.Quantity != nil {
			flags |= 2
		}
		b = append(b, flags)
		if r.Quantity != nil {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(*r.Quantity))
		}
	case KindSourcing:
		b = appendString(b, r.Role)
	case KindListing:
		b = appendString(b, r.Reference)
		b = appendStrings(b, r.Categories)
	case KindSameAs:
		b = appendString(b, r.Reason)
	}
	b = appendString(b, r.Source)
	if r.Kind == KindSourcing && r.Site != "" {
		b = append(b, tagSite)
		b = appendString(b, r.Site)
	}
	return b
}

// Fields added after the first version of the encoding follow the source as
// (tag, value) pairs, in tag order, and only when set: a record without them
// encodes exactly as before, so its hash (and every dataVersion) is unchanged.
const (
	tagHQCountry = 1 // entity: hqCountry
	tagSite      = 2 // sourcing: site
)

// Decode parses a canonical encoding into r, replacing its contents.
func (r *Record) Decode(b []byte) error {
	d := decoder{b: b}
	if d.byte() != encodingVersion {
		return errCorrupt
	}
	*r = Record{Kind: Kind(d.byte())}
	if r.Kind.IsNode() {
		r.ID = d.string()
		r.Name = d.string()
		switch r.Kind {
		case KindEntity:
			r.Type = d.string()
			r.Country = d.string()
			r.Aliases = d.strings()
			r.Identifiers = d.identifiers()
		case KindProduct:
			r.Category = d.string()
			r.Identifiers = d.identifiers()
		case KindRegime:
			r.Spec = []byte(d.string())
		}
	} else {
		r.Src = d.string()
		r.Dst = d.string()
		r.Valid.From = Date(d.varint())
		r.Valid.To = Date(d.varint())
		switch r.Kind {
		case KindOwnership:
			r.Share.Mode = ShareMode(d.byte())
			r.Share.Min = uint32(d.uvarint())
			r.Share.Max = uint32(d.uvarint())
		case KindControl:
			r.Basis = d.string()
		case KindComponent:
			flags := d.byte()
			r.Essential = flags&1 != 0
			if flags&2 != 0 {
				q := math.Float64frombits(d.uint64())
				r.Quantity = &q
			}
		case KindSourcing:
			r.Role = d.string()
		case KindListing:
			r.Reference = d.string()
			r.Categories = d.strings()
		case KindSameAs:
			r.Reason = d.string()
		default:
			return errCorrupt
		}
	}
	r.Source = d.string()
	last := byte(0)
	for !d.err && len(d.b) > 0 {
		tag := d.byte()
		if tag <= last {
			return errCorrupt
		}
		last = tag
		switch {
		case tag == tagHQCountry && r.Kind == KindEntity:
			r.HQCountry = d.string()
		case tag == tagSite && r.Kind == KindSourcing:
			r.Site = d.string()
		default:
			return errCorrupt
		}
	}
	if d.err {
		return errCorrupt
	}
	return nil
}

// Hash is a 128-bit content hash: two 64-bit lanes. The hash of a set of records is
// the lane-wise sum (mod 2^64) of each record's hash, so it can be kept up to date
// by adding and subtracting as records change, and it does not depend on order.
type Hash [2]uint64

// HashOf returns the hash of one encoded record.
func HashOf(encoded []byte) Hash {
	s := sha256.Sum256(encoded)
	return Hash{binary.LittleEndian.Uint64(s[0:8]), binary.LittleEndian.Uint64(s[8:16])}
}

// Add returns h + o lane-wise.
func (h Hash) Add(o Hash) Hash { return Hash{h[0] + o[0], h[1] + o[1]} }

// Sub returns h - o lane-wise.
func (h Hash) Sub(o Hash) Hash { return Hash{h[0] - o[0], h[1] - o[1]} }

// String renders the hash as the dataVersion string: 32 lower-case hex digits.
func (h Hash) String() string {
	const hex = "0123456789abcdef"
	var out [32]byte
	for lane := 0; lane < 2; lane++ {
		v := h[lane]
		for i := 15; i >= 0; i-- {
			out[lane*16+i] = hex[v&15]
			v >>= 4
		}
	}
	return string(out[:])
}

// Bytes is the hash as 16 little-endian bytes, for storage.
func (h Hash) Bytes() []byte {
	b := binary.LittleEndian.AppendUint64(nil, h[0])
	return binary.LittleEndian.AppendUint64(b, h[1])
}

// HashFromBytes is the inverse of Bytes; short input gives the zero hash.
func HashFromBytes(b []byte) Hash {
	if len(b) < 16 {
		return Hash{}
	}
	return Hash{binary.LittleEndian.Uint64(b[0:8]), binary.LittleEndian.Uint64(b[8:16])}
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

func appendIdentifiers(b []byte, ids []Identifier) []byte {
	b = binary.AppendUvarint(b, uint64(len(ids)))
	for _, id := range ids {
		b = appendString(b, id.Scheme)
		b = appendString(b, id.Value)
	}
	return b
}

type decoder struct {
	b   []byte
	err bool
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.err = true
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) uint64() uint64 {
	if len(d.b) < 8 {
		d.err = true
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err || uint64(len(d.b)) < n {
		d.err = true
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) strings() []string {
	n := d.uvarint()
	if d.err || n > uint64(len(d.b)) {
		d.err = true
		return nil
	}
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.string()
	}
	return out
}

func (d *decoder) identifiers() []Identifier {
	n := d.uvarint()
	if d.err || n > uint64(len(d.b)) {
		d.err = true
		return nil
	}
	if n == 0 {
		return nil
	}
	out := make([]Identifier, n)
	for i := range out {
		out[i] = Identifier{Scheme: d.string(), Value: d.string()}
	}
	return out
}
