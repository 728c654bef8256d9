package theorems

import (
	"math"
	"sort"

	"pgregory.net/rapid"
)

// The sliced family: sliced Wasserstein ([C] § Gaussian-preserving flows).
// Convention of protocol.md: the mean over the given directions of W2² of
// the projections, uniform weights 1/n, no root.

// slicedDirect computes (1/L) Σ_l W2²(⟨θ_l,x⟩, ⟨θ_l,y⟩) by sorting the
// projections: the ground truth, written independently of the op.
func slicedDirect(x, y, theta [][]float64) float64 {
	n := len(x)
	total := 0.0
	for _, th := range theta {
		px, py := make([]float64, n), make([]float64, n)
		for i := range x {
			px[i], py[i] = dot(th, x[i]), dot(th, y[i])
		}
		sort.Float64s(px)
		sort.Float64s(py)
		s := 0.0
		for i := range px {
			s += (px[i] - py[i]) * (px[i] - py[i])
		}
		total += s / float64(n)
	}
	return total / float64(len(theta))
}

func matVec(R [][]float64, v []float64) []float64 {
	out := make([]float64, len(R))
	for i := range R {
		out[i] = dot(R[i], v)
	}
	return out
}

func init() {
	Register(
		&Claim{
			ID: "sliced.lower-bound", Title: "SW2² ≤ W2²",
			Source:    "[C] § Gaussian-preserving flows (sliced Wasserstein)",
			Statement: "for equal-size uniform clouds, SW2² over any directions is at most W2² (projections are 1-Lipschitz); the op returns the mean of the sorted-projection costs",
			Tolerance: "1e-9·(1 + max‖x−y‖²) (protocol.md rtol 1e-9 for closed forms)",
			Ops:       []string{OpSlicedW2},
			Check: func(t *rapid.T, e *Env) {
				n := rapid.IntRange(1, 6).Draw(t, "n")
				d := rapid.IntRange(1, 4).Draw(t, "d")
				L := rapid.IntRange(1, 8).Draw(t, "L")
				x, y := genPoints(t, n, d, "x"), genPoints(t, n, d, "y")
				theta := genUnitVectors(t, L, d, "θ")
				C := sqDist(x, y)
				tol := 1e-9 * (1 + maxAbsMat(C))
				sw := e.SlicedW2(t, SlicedArgs{X: x, Y: y, Theta: theta}).Value
				e.ExpectClose(t, "SW2² vs sorted projections", sw, slicedDirect(x, y, theta), tol)
				w2, _ := bruteAssignment(C)
				e.ExpectLeq(t, "SW2² ≤ W2²", sw, w2/float64(n), tol)
			},
		},
		&Claim{
			ID: "sliced.one-dimensional", Title: "in d = 1, SW2 = W2",
			Source:    "[C] § Gaussian-preserving flows",
			Statement: "in d = 1 with θ = ±1, SW2² = W2² (the sorted matching)",
			Tolerance: "1e-9·(1 + max|x−y|²)",
			Ops:       []string{OpSlicedW2},
			Check: func(t *rapid.T, e *Env) {
				n := rapid.IntRange(1, 30).Draw(t, "n")
				x, y := genPoints(t, n, 1, "x"), genPoints(t, n, 1, "y")
				var theta [][]float64
				for _, s := range rapid.SliceOfN(rapid.SampledFrom([]float64{-1, 1}), 1, 4).Draw(t, "θ signs") {
					theta = append(theta, []float64{s})
				}
				xs, ys := make([]float64, n), make([]float64, n)
				for i := range x {
					xs[i], ys[i] = x[i][0], y[i][0]
				}
				sort.Float64s(xs)
				sort.Float64s(ys)
				w2 := 0.0
				for i := range xs {
					w2 += (xs[i] - ys[i]) * (xs[i] - ys[i]) / float64(n)
				}
				sw := e.SlicedW2(t, SlicedArgs{X: x, Y: y, Theta: theta}).Value
				e.ExpectClose(t, "SW2² vs W2² (sorted matching)", sw, w2, 1e-9*(1+maxAbsMat(sqDist(x, y))))
			},
		},
		&Claim{
			ID: "sliced.rotation-invariance", Title: "rotating everything leaves SW2 unchanged",
			Source:    "[C] § Gaussian-preserving flows",
			Statement: "rotating both clouds and all directions by one orthogonal R leaves SW2² unchanged",
			Tolerance: "1e-9·(1 + max‖x−y‖²): R is orthogonal to ~1e-15, so projections change by rounding only",
			Ops:       []string{OpSlicedW2},
			Check: func(t *rapid.T, e *Env) {
				n := rapid.IntRange(1, 10).Draw(t, "n")
				d := rapid.IntRange(2, 4).Draw(t, "d")
				L := rapid.IntRange(1, 6).Draw(t, "L")
				x, y := genPoints(t, n, d, "x"), genPoints(t, n, d, "y")
				theta := genUnitVectors(t, L, d, "θ")
				R := genRotation(t, d, "R")
				rot := func(P [][]float64) [][]float64 {
					out := make([][]float64, len(P))
					for i := range P {
						out[i] = matVec(R, P[i])
					}
					return out
				}
				rt := rot(theta)
				for _, v := range rt { // renormalise: protocol.md wants |θ| = 1 within 1e-12
					nv := math.Sqrt(dot(v, v))
					for k := range v {
						v[k] /= nv
					}
				}
				s1 := e.SlicedW2(t, SlicedArgs{X: x, Y: y, Theta: theta}).Value
				s2 := e.SlicedW2(t, SlicedArgs{X: rot(x), Y: rot(y), Theta: rt}).Value
				e.ExpectClose(t, "SW2²(Rx, Ry; Rθ) vs SW2²(x, y; θ)", s2, s1, 1e-9*(1+maxAbsMat(sqDist(x, y))))
			},
		},
	)
}
