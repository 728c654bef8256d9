package props

import (
	"math"
	"testing"

	"github.com/otverify/otverify/theorems"
)

// Planted bugs in attn.gamma: each must be falsified by the attention
// family, with a small shrunk counterexample.

type atfOpts struct {
	naive      bool // exp(logit) without subtracting the row maximum
	causal     bool // token i attends to j ≤ i only
	transposed bool // logits ⟨K x_i, Q x_j⟩
	scaled     bool // logits divided by √d (the transformer's 1/√d_k)
}

func atfMatVec(M [][]float64, v []float64) []float64 {
	out := make([]float64, len(M))
	for i := range M {
		for j := range v {
			out[i] += M[i][j] * v[j]
		}
	}
	return out
}

func atfGamma(o atfOpts) func(theorems.AttnArgs) (theorems.GammaResult, error) {
	return func(a theorems.AttnArgs) (theorems.GammaResult, error) {
		n, d := len(a.X), len(a.X[0])
		g := make([][]float64, n)
		for i := range a.X {
			l := make([]float64, n)
			m := math.Inf(-1)
			for j := range a.X {
				q, k := atfMatVec(a.Q, a.X[i]), atfMatVec(a.K, a.X[j])
				if o.transposed {
					q, k = atfMatVec(a.K, a.X[i]), atfMatVec(a.Q, a.X[j])
				}
				for r := range q {
					l[j] += q[r] * k[r]
				}
				if o.scaled {
					l[j] /= math.Sqrt(float64(d))
				}
				if o.causal && j > i {
					l[j] = math.Inf(-1)
				}
				m = math.Max(m, l[j])
			}
			if o.naive {
				m = 0
			}
			g[i] = make([]float64, d)
			s := 0.0
			for j := range a.X {
				w := math.Exp(l[j] - m)
				s += w
				vx := atfMatVec(a.V, a.X[j])
				for c := range vx {
					g[i][c] += w * vx[c]
				}
			}
			for c := range g[i] {
				g[i][c] /= s
			}
		}
		return theorems.GammaResult{Gamma: g}, nil
	}
}

func TestFaultsAttention(t *testing.T) {
	faults := []fault{
		{name: "softmax without max-subtraction (exp overflows at logits ≥ 710)", family: "attention",
			plant:    func(o *theorems.Ops) { o.AttnGamma = atfGamma(atfOpts{naive: true}) },
			caughtBy: []string{"attention.large-logits-stable"}, maxSize: 2},
		{name: "causal mask (token i attends to j ≤ i only)", family: "attention",
			plant:    func(o *theorems.Ops) { o.AttnGamma = atfGamma(atfOpts{causal: true}) },
			caughtBy: []string{"attention.permutation-equivariance", "attention.measure-dependence"}, maxSize: 4},
		{name: "logits transposed (⟨K x_i, Q x_j⟩)", family: "attention",
			plant:    func(o *theorems.Ops) { o.AttnGamma = atfGamma(atfOpts{transposed: true}) },
			caughtBy: []string{"attention.large-logits-stable", "attention.gradient-when-v-is-qtk"}, maxSize: 2},
		{name: "logits scaled by 1/√d (not in the protocol's definition)", family: "attention",
			plant:    func(o *theorems.Ops) { o.AttnGamma = atfGamma(atfOpts{scaled: true}) },
			caughtBy: []string{"attention.large-logits-stable", "attention.gradient-when-v-is-qtk"}, maxSize: 2},
	}
	for _, f := range faults {
		expectCaught(t, f)
	}
}
