package benches

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/otverify/otverify/reference/discrete"
)

// discreteInstance returns n random points in [0,1]² for each side
// (fixed seed) and their squared Euclidean cost matrix.
func discreteInstance(b *testing.B, n int) []float64 {
	b.Helper()
	r := rand.New(rand.NewPCG(2026, uint64(n)))
	x := make([]float64, 2*n)
	y := make([]float64, 2*n)
	for k := range x {
		x[k], y[k] = r.Float64(), r.Float64()
	}
	C, err := discrete.SqEuclideanCost(x, y, n, n, 2)
	if err != nil {
		b.Fatal(err)
	}
	return C
}

// BenchmarkEMD: exact OT (network simplex) between uniform measures on n
// random points of the unit square, squared Euclidean cost.
func BenchmarkEMD(b *testing.B) {
	for _, n := range []int{500, 1000, 2000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			C := discreteInstance(b, n)
			w := make([]float64, n)
			for i := range w {
				w[i] = 1 / float64(n)
			}
			b.ReportAllocs()
			iters := 0
			for b.Loop() {
				sol, err := discrete.EMD(w, w, C, n, n)
				if err != nil {
					b.Fatal(err)
				}
				iters = sol.Iterations
			}
			b.ReportMetric(float64(iters), "pivots/op")
		})
	}
}

// BenchmarkAssignment: optimal assignment (shortest augmenting paths) on
// the same instances.
func BenchmarkAssignment(b *testing.B) {
	for _, n := range []int{500, 1000, 2000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			C := discreteInstance(b, n)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := discrete.Assignment(C, n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
