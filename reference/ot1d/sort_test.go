package ot1d

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestNewMeasureOrderMatchesStableSort: NewMeasure's radix order
// (kernel.Argsort) is the plain stable order — a comparison sort on
// (value, original index) — on inputs with many ties, −0 and +0 (equal),
// subnormals, ±MaxFloat64, and lengths around Argsort's switch from
// insertion sort to radix sort (64).
func TestNewMeasureOrderMatchesStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	special := []float64{0, math.Copysign(0, -1), 5e-324, -5e-324, math.MaxFloat64, -math.MaxFloat64, 1, -1, 0.5}
	for _, n := range []int{1, 2, 3, 63, 64, 65, 200, 5000} {
		for _, kind := range []string{"ties", "special", "normal"} {
			t.Run(fmt.Sprintf("n=%d/%s", n, kind), func(t *testing.T) {
				x, a := make([]float64, n), make([]float64, n)
				for i := range x {
					switch kind {
					case "ties":
						x[i] = float64(rng.IntN(5)) - 2
					case "special":
						x[i] = special[rng.IntN(len(special))]
					default:
						x[i] = rng.NormFloat64()
					}
					a[i] = 1 / float64(n)
				}
				m, err := NewMeasure(x, a)
				if err != nil {
					t.Fatal(err)
				}
				want := make([]int, n)
				for i := range want {
					want[i] = i
				}
				slices.SortFunc(want, func(i, j int) int {
					switch {
					case x[i] < x[j]:
						return -1
					case x[i] > x[j]:
						return 1
					}
					return i - j
				})
				if !slices.Equal(m.idx, want) {
					t.Fatalf("order differs from the stable (value, index) sort")
				}
				for k, i := range want {
					if math.Float64bits(m.x[k]) != math.Float64bits(x[i]) || m.w[k] != a[i] {
						t.Fatalf("position %d: (%v, %v), want (%v, %v)", k, m.x[k], m.w[k], x[i], a[i])
					}
				}
			})
		}
	}
}
