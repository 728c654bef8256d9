package benches

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/otverify/otverify/reference/attention"
)

// attentionInstance returns (Q, K, V, x) with r = d, entries N(0, 1/d) for
// Q, K, V and N(0, 1) tokens, from a fixed seed (logits of order 1).
func attentionInstance(n, d int) (Q, K, V, x [][]float64) {
	r := rand.New(rand.NewPCG(2026, uint64(n*1000+d)))
	m := func(rows, cols int, s float64) [][]float64 {
		M := make([][]float64, rows)
		for i := range M {
			M[i] = make([]float64, cols)
			for j := range M[i] {
				M[i][j] = s * r.NormFloat64()
			}
		}
		return M
	}
	s := 1 / math.Sqrt(float64(d))
	return m(d, d, s), m(d, d, s), m(d, d, s), m(n, d, 1)
}

// attentionNaive is the baseline: the definition as plain loops (logits,
// row softmax with max subtraction, weighted sum of V x_j).
func attentionNaive(Q, K, V, x [][]float64) [][]float64 {
	mv := func(M [][]float64, v []float64) []float64 {
		out := make([]float64, len(M))
		for i := range M {
			for j := range v {
				out[i] += M[i][j] * v[j]
			}
		}
		return out
	}
	n := len(x)
	qx, kx, vx := make([][]float64, n), make([][]float64, n), make([][]float64, n)
	for i := range x {
		qx[i], kx[i], vx[i] = mv(Q, x[i]), mv(K, x[i]), mv(V, x[i])
	}
	g := make([][]float64, n)
	l := make([]float64, n)
	for i := range x {
		m := math.Inf(-1)
		for j := range x {
			s := 0.0
			for k := range qx[i] {
				s += qx[i][k] * kx[j][k]
			}
			l[j] = s
			m = math.Max(m, s)
		}
		g[i] = make([]float64, len(x[i]))
		tot := 0.0
		for j := range x {
			w := math.Exp(l[j] - m)
			tot += w
			for a := range g[i] {
				g[i][a] += w * vx[j][a]
			}
		}
		for a := range g[i] {
			g[i][a] /= tot
		}
	}
	return g
}

// BenchmarkAttentionGamma: attn.gamma for n = 1024 tokens at d = 2 and 64
// (r = d): the reference (gonum matrix products and a stable row softmax)
// against the plain-loop baseline.
func BenchmarkAttentionGamma(b *testing.B) {
	const n = 1024
	for _, d := range []int{2, 64} {
		Q, K, V, x := attentionInstance(n, d)
		flops := float64(4*n*n*d + 6*n*d*d) // logits and weighted sum; Qx, Kx, Vx
		b.Run(fmt.Sprintf("impl=reference/n=%d/d=%d", n, d), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := attention.Gamma(Q, K, V, x); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run(fmt.Sprintf("impl=naive/n=%d/d=%d", n, d), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				attentionNaive(Q, K, V, x)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
