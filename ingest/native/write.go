package native

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/keiretsu/keiretsu/ingest"
	"github.com/keiretsu/keiretsu/internal/model"
)

// Append appends op as one native JSON line (with its newline) to b. Reading the
// line back with Parse gives the same operation. Fields appear in a fixed order.
func Append(b []byte, op *ingest.Op) []byte {
	r := &op.Record
	w := &objWriter{b: append(b, '{')}
	w.str("kind", r.Kind.String())
	if op.Delete {
		w.str("op", "delete")
	}
	if r.Kind.IsNode() {
		w.str("id", r.ID)
		if !op.Delete {
			w.str("name", r.Name)
			switch r.Kind {
			case model.KindEntity:
				w.str("type", r.Type)
				w.optStr("country", r.Country)
				w.optStr("hqCountry", r.HQCountry)
				w.strs("aliases", r.Aliases)
			case model.KindProduct:
				w.optStr("category", r.Category)
			case model.KindRegime:
				if json.Valid(r.Spec) {
					w.key("spec")
					w.b = append(w.b, r.Spec...)
				}
			}
			if len(r.Identifiers) > 0 {
				w.key("identifiers")
				w.b = append(w.b, '{')
				for i, id := range r.Identifiers {
					if i > 0 {
						w.b = append(w.b, ',')
					}
					w.b = appendJSONString(w.b, id.Scheme)
					w.b = append(w.b, ':')
					w.b = appendJSONString(w.b, id.Value)
				}
				w.b = append(w.b, '}')
			}
		}
	} else {
		src, dst, _, _ := r.Kind.Ends()
		w.str(src, r.Src)
		w.str(dst, r.Dst)
		if !op.Delete {
			switch r.Kind {
			case model.KindOwnership:
				switch r.Share.Mode {
				case model.ShareExact:
					w.num("percent", model.Percent(uint64(r.Share.Min)))
				case model.ShareRange:
					w.num("percentMin", model.Percent(uint64(r.Share.Min)))
					w.num("percentMax", model.Percent(uint64(r.Share.Max)))
				}
			case model.KindControl:
				w.optStr("basis", r.Basis)
			case model.KindComponent:
				if r.Quantity != nil {
					w.num("quantity", *r.Quantity)
				}
				if !r.Essential {
					w.key("essential")
					w.b = append(w.b, "false"...)
				}
			case model.KindSourcing:
				w.str("role", r.Role)
				w.optStr("site", r.Site)
			case model.KindListing:
				w.optStr("reference", r.Reference)
				w.strs("categories", r.Categories)
			case model.KindSameAs:
				w.optStr("reason", r.Reason)
			}
		}
		if r.Valid.From != model.MinDate {
			w.str("from", r.Valid.From.String())
		}
		if r.Valid.To != model.MaxDate && !op.Delete {
			w.str("to", r.Valid.To.String())
		}
	}
	if !op.Delete {
		w.optStr("source", r.Source)
	}
	return append(w.b, '}', '\n')
}

type objWriter struct {
	b []byte
	n int
}

func (w *objWriter) key(k string) {
	if w.n > 0 {
		w.b = append(w.b, ',')
	}
	w.n++
	w.b = appendJSONString(w.b, k)
	w.b = append(w.b, ':')
}

func (w *objWriter) str(k, v string) {
	w.key(k)
	w.b = appendJSONString(w.b, v)
}

func (w *objWriter) optStr(k, v string) {
	if v != "" {
		w.str(k, v)
	}
}

func (w *objWriter) strs(k string, vs []string) {
	if len(vs) == 0 {
		return
	}
	w.key(k)
	w.b = append(w.b, '[')
	for i, v := range vs {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = appendJSONString(w.b, v)
	}
	w.b = append(w.b, ']')
}

func (w *objWriter) num(k string, v float64) {
	w.key(k)
	w.b = strconv.AppendFloat(w.b, v, 'f', -1, 64)
}

func appendJSONString(b []byte, s string) []byte {
	// Fast path for plain ASCII without characters JSON must escape.
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			plain = false
			break
		}
	}
	if plain {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return append(b, bytes.TrimRight(buf.Bytes(), "\n")...)
}
