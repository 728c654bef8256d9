package benches

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/entropic"
	"github.com/otverify/otverify/reference/ot1d"
)

// transportSinkhornIters is the fixed number of log-domain Sinkhorn
// iterations per benchmark op: enough that the per-op setup (buffers,
// worker start, result copies: O(n + m)) is below 1 % of the time.
const transportSinkhornIters = 20

// transportCloud returns n random points in [0,1]² (row-major), seeded by
// (seed, n).
func transportCloud(seed uint64, n int) []float64 {
	r := rand.New(rand.NewPCG(seed, uint64(n)))
	x := make([]float64, 2*n)
	for k := range x {
		x[k] = r.Float64()
	}
	return x
}

// BenchmarkSinkhornLog: iterations of the log-domain Sinkhorn kernel
// (entropic.Sinkhorn) between uniform measures on n random points of the
// unit square, squared Euclidean cost, eps = 0.01 (max C ≤ 2). Each op runs
// exactly transportSinkhornIters iterations (ε-scaling, Newton steps and
// the dense plan disabled, tolerance unreachable); ns/iter is the time of
// one iteration (a column and a row log-sum-exp pass, 2·n² exponentials,
// internal/kernel's ColLSELd and RowLSEHint), plus a twentieth of the
// final check of the plan's marginals (n² exponentials on one goroutine,
// about 1 % of the total). allocs/op counts the per-solve setup only: an
// iteration allocates nothing (entropic's TestIterationAllocFree).
func BenchmarkSinkhornLog(b *testing.B) {
	for _, n := range []int{1000, 2000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			C, err := entropic.SqEuclidean(transportCloud(1, n), transportCloud(2, n), 2)
			if err != nil {
				b.Fatal(err)
			}
			w := make([]float64, n)
			for i := range w {
				w[i] = 1 / float64(n)
			}
			opts := entropic.Options{
				Tol: 1e-300, MaxIter: transportSinkhornIters,
				NoScaling: true, NoNewton: true, NoPlan: true,
			}
			b.ReportAllocs()
			for b.Loop() {
				res, err := entropic.Sinkhorn(w, w, C, n, n, 0.01, opts)
				if !errors.Is(err, numerics.ErrNotConverged) || res.Iterations != transportSinkhornIters {
					b.Fatalf("unexpected end of the fixed-count run: %v", err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*transportSinkhornIters), "ns/iter")
		})
	}
}

// BenchmarkW1D: W_2² between two random 1-D samples of n points with
// uniform weights (ot1d.Wpp: validation, two stable sorts, CDF merge).
func BenchmarkW1D(b *testing.B) {
	for _, n := range []int{100000, 1000000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			r := rand.New(rand.NewPCG(3, uint64(n)))
			x, y, w := make([]float64, n), make([]float64, n), make([]float64, n)
			for i := range x {
				x[i] = r.NormFloat64()
				y[i] = 2*r.NormFloat64() + 1
				w[i] = 1 / float64(n)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ot1d.Wpp(x, w, y, w, 2); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/point")
		})
	}
}
