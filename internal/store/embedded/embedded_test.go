package embedded_test

import (
	"testing"

	"github.com/keiretsu/keiretsu/internal/e2e"
	"github.com/keiretsu/keiretsu/internal/store"
	"github.com/keiretsu/keiretsu/internal/store/embedded"
	"github.com/keiretsu/keiretsu/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	opener := func(opt embedded.Options) storetest.Opener {
		return func(t *testing.T) store.Store {
			st, err := embedded.Open(t.TempDir(), opt)
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
	}
	t.Run("buffered", func(t *testing.T) {
		storetest.Run(t, opener(embedded.Options{}))
		e2e.Run(t, opener(embedded.Options{}))
	})
	// A buffer of a few records stages every run of more than a few, in
	// transactions of a few records each.
	t.Run("staged", func(t *testing.T) {
		open := opener(embedded.Options{RunBuffer: 300})
		storetest.Run(t, open)
		e2e.Run(t, open)
	})
}
