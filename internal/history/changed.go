package history

import (
	"context"
	"strings"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/store"
)

// Changed returns the keys of the records that run n changed, added or
// deleted (those it wrote again unchanged left out), from its before-images.
// known is false when the history cannot say: the run wrote into an empty
// store (it keeps no before-images then), is not in the log, or its
// before-images were pruned.
func Changed(ctx context.Context, st store.Store, n int) (keys []model.Key, known bool, err error) {
	err = st.ViewMeta(ctx, func(tx store.MetaTx) error {
		es, err := readEntries(tx)
		if err != nil {
			return err
		}
		var e, prev *entry
		for i := range es {
			if es[i].Run.Run == n {
				e = &es[i]
				if i > 0 {
					prev = &es[i-1]
				}
			}
		}
		// Pruning keeps the before-images of a run only while the state before
		// it is retained.
		if e == nil || e.EmptyBefore || !e.Retained || prev == nil || !prev.Retained {
			return nil
		}
		prefix := runKey(n) + "/"
		var bad error
		if err := tx.Scan(bucketUndo, prefix, func(k string, _ []byte) bool {
			if !strings.HasPrefix(k, prefix) {
				return false
			}
			key, err := model.ParseKey([]byte(k[len(prefix):]))
			if err != nil {
				bad = err
				return false
			}
			keys = append(keys, key)
			return true
		}); err != nil {
			return err
		}
		known = bad == nil
		return bad
	})
	return keys, known, err
}
