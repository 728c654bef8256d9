package theorems_test

// Numerical edge cases of issue 9 for the served entropic operation
// (ot.sinkhorn through the reference Ops table): ε down to 1e-4·max C with
// exact ties, duplicate support points and zero-cost diagonals. Checked
// against protocol.md's requirements and independent ground truth: the
// marginals (L1 ≤ 1e-8), the Gibbs form π_ij = a_i b_j exp((f_i + g_j −
// C_ij)/ε) of the returned potentials, and the entropic suboptimality bound
// 0 ≤ ⟨C, π_ε⟩ − OT ≤ ε·(H(a) + H(b)) against the exact LP cost
// (discrete.EMD). Recorded in docs/reliability.md.

import (
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/discrete"
	"github.com/otverify/otverify/theorems"
)

func entropy(w []float64) float64 {
	h := 0.0
	for _, v := range w {
		if v > 0 {
			h -= v * math.Log(v)
		}
	}
	return h
}

func TestSinkhornSmallEpsEdgeCases(t *testing.T) {
	ops := theorems.ReferenceOps()
	if ops.Sinkhorn == nil {
		t.Skip("no reference ot.sinkhorn")
	}
	for _, tc := range []struct {
		name string
		a, b []float64
		C    [][]float64
	}{
		{"ties", []float64{0.5, 0.5}, []float64{0.5, 0.5}, [][]float64{{1, 1}, {1, 1}}},
		{"duplicate-points", []float64{0.25, 0.25, 0.5}, []float64{0.5, 0.5}, [][]float64{{0, 1}, {0, 1}, {1, 0}}},
		{"anti-diagonal", []float64{0.3, 0.7}, []float64{0.6, 0.4}, [][]float64{{2, 0}, {0, 2}}},
		{"scaled-1e6", []float64{0.5, 0.25, 0.25}, []float64{0.25, 0.25, 0.5}, [][]float64{{0, 1e6, 4e6}, {1e6, 0, 1e6}, {4e6, 1e6, 0}}},
	} {
		maxC := 0.0
		n, m := len(tc.a), len(tc.b)
		flat := make([]float64, 0, n*m)
		for _, r := range tc.C {
			maxC = math.Max(maxC, numerics.MaxAbs(r))
			flat = append(flat, r...)
		}
		lp, err := discrete.EMD(tc.a, tc.b, flat, n, m)
		if err != nil {
			t.Fatal(err)
		}
		for _, rel := range []float64{1e-1, 1e-2, 1e-3, 1e-4} {
			eps := rel * maxC
			r, err := ops.Sinkhorn(theorems.SinkhornArgs{A: tc.a, B: tc.b, C: tc.C, Eps: eps})
			if err != nil {
				t.Errorf("%s ε = %g·max C: %v", tc.name, rel, err)
				continue
			}
			rows, cols := make([]float64, n), make([]float64, m)
			cost := 0.0
			for i := 0; i < n; i++ {
				for j := 0; j < m; j++ {
					p := r.Plan[i][j]
					rows[i] += p
					cols[j] += p
					cost += tc.C[i][j] * p
					if r.F != nil {
						g := tc.a[i] * tc.b[j] * math.Exp((r.F[i]+r.G[j]-tc.C[i][j])/eps)
						if math.Abs(g-p) > 1e-9*math.Max(p, 1e-300)+1e-15 {
							t.Errorf("%s ε = %g·max C: π[%d][%d] = %v, Gibbs form of the potentials %v", tc.name, rel, i, j, p, g)
						}
					}
				}
			}
			l1 := 0.0
			for i := range rows {
				l1 += math.Abs(rows[i] - tc.a[i])
			}
			for j := range cols {
				l1 += math.Abs(cols[j] - tc.b[j])
			}
			if l1 > 1e-8 {
				t.Errorf("%s ε = %g·max C: marginal L1 error %g > 1e-8", tc.name, rel, l1)
			}
			gap := cost - lp.Cost
			if bound := eps * (entropy(tc.a) + entropy(tc.b)); gap < -1e-9*maxC || gap > bound+1e-9*maxC {
				t.Errorf("%s ε = %g·max C: ⟨C, π⟩ − OT = %g outside [0, ε(H(a)+H(b)) = %g]", tc.name, rel, gap, bound)
			}
		}
	}
}
