package benches

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/otverify/otverify/reference/drift"
)

// driftCloud returns n points of N(shift, I_d) from a fixed seed.
func driftCloud(n, d int, shift float64, seed uint64) [][]float64 {
	r := rand.New(rand.NewPCG(2026, seed))
	P := make([][]float64, n)
	for i := range P {
		P[i] = make([]float64, d)
		for a := range P[i] {
			P[i][a] = shift + r.NormFloat64()
		}
	}
	return P
}

// driftNaive is the baseline: the field by its definition with
// unstabilised weights exp(−c/τ) (no nearest-cost subtraction, no scaled
// distances), as a plain double loop.
func driftNaive(x, ypos, yneg [][]float64, tau float64) [][]float64 {
	B := func(xi []float64, ys [][]float64) []float64 {
		out := make([]float64, len(xi))
		s := 0.0
		for _, y := range ys {
			r := 0.0
			for a := range xi {
				t := y[a] - xi[a]
				r += t * t
			}
			w := math.Exp(-math.Sqrt(r) / tau)
			s += w
			for a := range out {
				out[a] += w * (y[a] - xi[a])
			}
		}
		for a := range out {
			out[a] /= s
		}
		return out
	}
	v := make([][]float64, len(x))
	for i, xi := range x {
		p, q := B(xi, ypos), B(xi, yneg)
		for a := range p {
			p[a] -= q[a]
		}
		v[i] = p
	}
	return v
}

// BenchmarkDriftField: the attraction–repulsion field of drift.field for n
// particles against n positive and n negative samples (n = 1024), Laplace
// and Gaussian kernels, d = 2 and 64; impl=naive is the unstabilised
// double loop (Laplace), the baseline of the same table.
func BenchmarkDriftField(b *testing.B) {
	const n = 1024
	for _, d := range []int{2, 64} {
		x := driftCloud(n, d, 0.5, 1)
		yp := driftCloud(n, d, 0, 2)
		yn := driftCloud(n, d, 0.5, 3)
		tau := math.Sqrt(float64(d))
		flops := float64(6 * n * n * d) // (y − x), its square and the weighted sum, two clouds
		for _, k := range []drift.Kernel{drift.Laplace, drift.Gaussian} {
			b.Run(fmt.Sprintf("impl=reference/kernel=%v/n=%d/d=%d", k, n, d), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := drift.Field(x, yp, yn, tau, k); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
		b.Run(fmt.Sprintf("impl=naive/kernel=laplace/n=%d/d=%d", n, d), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				driftNaive(x, yp, yn, tau)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
