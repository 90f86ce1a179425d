package gen

import (
	"math"
	"math/bits"
	"math/rand/v2"

	"github.com/keiretsu/keiretsu/internal/model"
)

// rng draws everything the generator decides. Only PCG's raw Uint64 stream is used
// (PCG is a fixed, specified algorithm); every derived draw (bounded integers,
// floats, weighted choices) is computed here, so the output does not depend on how
// a Go release implements math/rand/v2's helper methods.
type rng struct{ src *rand.PCG }

// Streams: each phase of the world has its own PCG stream, so a change in one phase
// does not reshuffle the others.
const (
	streamEntities uint64 = 0x6b65697265747375 // "keiretsu"
	streamListings uint64 = 0x6c697374696e6773 // "listings"
	streamProducts uint64 = 0x70726f6475637473 // "products"
)

func newRNG(seed, stream uint64) *rng {
	return &rng{src: rand.NewPCG(seed, stream)}
}

func (r *rng) u64() uint64 { return r.src.Uint64() }

// intn returns a number in [0, n) (Lemire's multiply-high; the bias is below 2^-40
// for every n used here). n <= 0 returns 0.
func (r *rng) intn(n int) int {
	if n <= 0 {
		return 0
	}
	hi, _ := bits.Mul64(r.u64(), uint64(n))
	return int(hi)
}

// between returns a number in [lo, hi] (inclusive).
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.u64()>>11) / (1 << 53) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// skewed returns an index in [0, n) that favours small indexes: floor(n * u^k).
// k = 2 gives the first 1% of indexes about 10% of the draws.
func (r *rng) skewed(n int, k float64) int {
	if n <= 0 {
		return 0
	}
	i := int(float64(n) * math.Pow(r.float(), k))
	return min(i, n-1)
}

// pick returns an element of xs uniformly.
func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

// weighted is a table of choices with integer weights.
type weighted[T any] struct {
	vals []T
	cum  []int
}

func newWeighted[T any](pairs ...any) weighted[T] {
	var w weighted[T]
	total := 0
	for i := 0; i < len(pairs); i += 2 {
		total += pairs[i+1].(int)
		w.vals = append(w.vals, pairs[i].(T))
		w.cum = append(w.cum, total)
	}
	return w
}

func (w *weighted[T]) pick(r *rng) T {
	x := r.intn(w.cum[len(w.cum)-1])
	lo, hi := 0, len(w.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if w.cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return w.vals[lo]
}

// date returns a day in [lo, hi).
func (r *rng) date(lo, hi model.Date) model.Date {
	return lo + model.Date(r.intn(int(hi-lo)))
}

// percent returns an exact share in (lo, hi] percent given with 0, 2, 3 or 4
// decimals, the way registries and filings state stakes.
func (r *rng) percent(lo, hi float64) float64 {
	step := 1e4 // ten-thousandths of a percent
	switch d := r.intn(20); {
	case d < 3:
		step = 1
	case d < 12:
		step = 100
	case d < 16:
		step = 1000
	}
	units := math.Ceil(lo*step) + float64(r.intn(int(math.Floor(hi*step)-math.Ceil(lo*step))+1))
	if units <= lo*step { // (lo, hi]: never exactly lo
		units = math.Ceil(lo*step) + 1
	}
	if units > hi*step {
		units = math.Floor(hi * step)
	}
	return units / step
}
