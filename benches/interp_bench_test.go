package benches

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/otverify/otverify/reference/interp"
	"github.com/otverify/otverify/reference/mixture"
	"github.com/otverify/otverify/reference/schedule"
)

// mixtureInstance returns k atoms of R^d with unequal weights and n query
// points (flat n×d), from a fixed seed.
func mixtureInstance(n, k, d int) (w []float64, mu [][]float64, z []float64) {
	r := rand.New(rand.NewPCG(4, uint64(n*1000+k*10+d)))
	w = make([]float64, k)
	s := 0.0
	for j := range w {
		w[j] = 1 + r.Float64()
		s += w[j]
	}
	for j := range w {
		w[j] /= s
	}
	mu = make([][]float64, k)
	for j := range mu {
		mu[j] = make([]float64, d)
		for i := range mu[j] {
			mu[j][i] = 4 * r.NormFloat64()
		}
	}
	z = make([]float64, n*d)
	for i := range z {
		z[i] = 4 * r.NormFloat64()
	}
	return w, mu, z
}

// naiveScore is the textbook score Σ_j w_j N_j(z)(μ_j − z)/s² / Σ_j w_j N_j(z)
// without log-sum-exp (it underflows to 0/0 far from the atoms): the
// baseline of the table.
func naiveScore(dst []float64, w []float64, mu [][]float64, s2 float64, z []float64) {
	d := len(mu[0])
	for p := 0; p < len(z)/d; p++ {
		zp, out := z[p*d:(p+1)*d], dst[p*d:(p+1)*d]
		clear(out)
		den := 0.0
		for j := range w {
			d2 := 0.0
			for i, v := range zp {
				u := v - mu[j][i]
				d2 += u * u
			}
			e := w[j] * math.Exp(-d2/(2*s2))
			den += e
			for i, v := range zp {
				out[i] += e * (mu[j][i] - v) / s2
			}
		}
		for i := range out {
			out[i] /= den
		}
	}
}

// BenchmarkGMMScore: ∇ log Σ_j w_j N(z; μ_j, s² I) at n = 10⁴ query points,
// k = 16 components, d = 2 and 64; impl=lse is the reference
// (mixture.ScoreBatch), impl=naive the baseline without log-sum-exp.
func BenchmarkGMMScore(b *testing.B) {
	const n, k = 10000, 16
	for _, d := range []int{2, 64} {
		w, mu, z := mixtureInstance(n, k, d)
		s2 := make([]float64, k)
		for j := range s2 {
			s2[j] = float64(d) // components overlap at every d
		}
		m, err := mixture.New(w, mu, s2)
		if err != nil {
			b.Fatal(err)
		}
		dst := make([]float64, len(z))
		b.Run(fmt.Sprintf("impl=lse/n=%d/k=%d/d=%d", n, k, d), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := m.ScoreBatch(dst, z); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/point")
		})
		b.Run(fmt.Sprintf("impl=naive/n=%d/k=%d/d=%d", n, k, d), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				naiveScore(dst, w, mu, float64(d), z)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/point")
		})
	}
}

// BenchmarkFlowVelocity: the exact marginal velocity E[a'X + b'Y | Z_t = z]
// of Dirac-mixture data (k = 16 atoms) at n = 10⁴ query points, d = 2 and 64,
// for each schedule of protocol.md at t = 0.3 (τ = 0.3 for VP).
func BenchmarkFlowVelocity(b *testing.B) {
	const n, k = 10000, 16
	for _, d := range []int{2, 64} {
		w, mu, z := mixtureInstance(n, k, d)
		data, err := mixture.NewDiracs(w, mu)
		if err != nil {
			b.Fatal(err)
		}
		dst := make([]float64, len(z))
		for _, name := range schedule.Names {
			sch, _ := schedule.ByName(name)
			p, err := interp.NewNoising(data, 2, sch)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("schedule=%s/n=%d/k=%d/d=%d", name, n, k, d), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := p.VelocityBatch(dst, 0.3, z); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/point")
			})
		}
	}
}

// BenchmarkTweedieDenoiser: E[W | W + σY = z] for Dirac data (k = 16) at
// n = 10⁴ points, d = 2 and 64.
func BenchmarkTweedieDenoiser(b *testing.B) {
	const n, k = 10000, 16
	for _, d := range []int{2, 64} {
		w, mu, z := mixtureInstance(n, k, d)
		data, err := mixture.NewDiracs(w, mu)
		if err != nil {
			b.Fatal(err)
		}
		dst := make([]float64, len(z))
		b.Run(fmt.Sprintf("n=%d/k=%d/d=%d", n, k, d), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := data.DenoiseBatch(dst, 2, z); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/point")
		})
	}
}
