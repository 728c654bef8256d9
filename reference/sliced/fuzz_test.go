package sliced_test

// Native Go fuzz target for package sliced (issue 9): SlicedW2 and
// Directions. Property: no panic, no NaN or ±Inf without an error (errors
// wrap numerics.ErrInvalid or ErrOverflow); for valid input SW₂² ≥ 0, 0 for
// equal clouds, symmetric in x and y, and equal in d = 1 to the sorted
// matching (1/n) Σ (x_(k) − y_(k))²; Directions rows have unit norm.
//
// Seeds: testdata/fuzz/FuzzSlicedW2/seed-*, written by
//
//	go test ./reference/sliced -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run: go test ./reference/sliced -run '^$' -fuzz '^FuzzSlicedW2$' -fuzztime 60s -parallel 1

import (
	"errors"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/otverify/otverify/internal/fuzzseed"
	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/sliced"
)

const ulp = 0x1p-52

var fzSeeds = map[string][]fuzzseed.Seed{
	"FuzzSlicedW2": {
		{Name: "one-dim", Args: []any{fuzzseed.NewEnc().U8(3, 1, 1, 0).F(0, 1, 2, 2, 1, 0, 1).Bytes()}},
		{Name: "duplicates", Args: []any{fuzzseed.NewEnc().U8(3, 1, 1, 0).F(1, 1, 1, 1, 1, 1, 1).Bytes()}},
		{Name: "random-dirs", Args: []any{fuzzseed.NewEnc().U8(2, 2, 3, 1).F(0, 0, 1, 1, 1e6, 1e6, 2, 2).Bytes()}},
		{Name: "huge", Args: []any{fuzzseed.NewEnc().U8(1, 1, 1, 0).F(1e300, -1e300, 1).Bytes()}},
		{Name: "not-unit", Args: []any{fuzzseed.NewEnc().U8(1, 1, 1, 0).F(0, 1, 2).Bytes()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fuzzseed.Check(t, fzSeeds) }

func FuzzSlicedW2(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		n, dim, L, randomDirs := d.N(0, 5), d.N(0, 3), d.N(0, 4), d.U8()%2 == 1
		x, y := d.Fs(n*dim), d.Fs(n*dim)
		var theta []float64
		if randomDirs {
			var err error
			theta, err = sliced.Directions(rand.New(rand.NewPCG(uint64(n), uint64(L))), L, dim)
			if err != nil {
				if !errors.Is(err, numerics.ErrInvalid) {
					t.Fatalf("Directions: %v", err)
				}
				return
			}
			for l := 0; l < L; l++ {
				s := 0.0
				for k := 0; k < dim; k++ {
					s += theta[l*dim+k] * theta[l*dim+k]
				}
				if math.Abs(math.Sqrt(s)-1) > 8*float64(dim)*ulp {
					t.Fatalf("Directions row %d has norm %v", l, math.Sqrt(s))
				}
			}
		} else {
			theta = d.Fs(L * dim)
		}
		v, err := sliced.SlicedW2(x, y, n, dim, theta, L)
		if err != nil {
			if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, sliced.ErrOverflow) {
				t.Fatalf("SlicedW2: %v", err)
			}
			return
		}
		if !(v >= 0) || math.IsInf(v, 0) {
			t.Fatalf("SlicedW2 = %v without an error", v)
		}
		scale := math.Max(numerics.MaxAbs(x), numerics.MaxAbs(y))
		tol := 64 * float64(dim+n) * ulp * 4 * scale * scale
		if v2, err := sliced.SlicedW2(y, x, n, dim, theta, L); err != nil || math.Abs(v-v2) > tol {
			t.Fatalf("SlicedW2 not symmetric: %v vs %v (%v)", v, v2, err)
		}
		if v0, err := sliced.SlicedW2(x, x, n, dim, theta, L); err != nil || v0 != 0 {
			t.Fatalf("SlicedW2(x, x) = %v (%v)", v0, err)
		}
		if dim == 1 {
			xs, ys := append([]float64(nil), x...), append([]float64(nil), y...)
			sort.Float64s(xs)
			sort.Float64s(ys)
			want := 0.0
			for k := range xs {
				want += (xs[k] - ys[k]) * (xs[k] - ys[k])
			}
			want /= float64(n)
			if !math.IsInf(want, 0) && math.Abs(v-want) > tol {
				t.Fatalf("SlicedW2 in d = 1 = %v, sorted matching %v", v, want)
			}
		}
	})
}
