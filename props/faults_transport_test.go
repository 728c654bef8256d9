package props

import (
	"errors"
	"math"
	"sort"
	"testing"

	"github.com/otverify/otverify/theorems"
)

// Planted bugs in the transport ops (ot1d, discrete, entropic, sliced): each
// must be falsified by the catalog, with a small shrunk counterexample.

func TestFaultsDiscrete(t *testing.T) {
	faults := []fault{
		{name: "north-west-corner solver (feasible plan, ignores costs)", family: "discrete",
			plant: func(o *theorems.Ops) {
				o.EMD = func(a theorems.EMDArgs) (theorems.EMDResult, error) {
					P := nwPlan(a.A, a.B)
					return theorems.EMDResult{Plan: P, Cost: frobenius(a.C, P)}, nil
				}
			},
			caughtBy: []string{"discrete.strong-duality", "discrete.birkhoff"}, maxSize: 3},
		{name: "dual potentials shifted by +1 (infeasible certificate)", family: "discrete",
			plant: func(o *theorems.Ops) {
				ref := o.EMD
				o.EMD = func(a theorems.EMDArgs) (theorems.EMDResult, error) {
					r, err := ref(a)
					for i := range r.F {
						r.F[i]++
					}
					return r, err
				}
			},
			caughtBy: []string{"discrete.strong-duality"}, maxSize: 2},
		{name: "greedy assignment (each row takes its cheapest free column)", family: "discrete",
			plant: func(o *theorems.Ops) {
				o.Assignment = func(a theorems.AssignmentArgs) (theorems.AssignmentResult, error) {
					n := len(a.C)
					used := make([]bool, n)
					perm := make([]int, n)
					for i := range a.C {
						best := -1
						for j := range a.C[i] {
							if !used[j] && (best < 0 || a.C[i][j] < a.C[i][best]) {
								best = j
							}
						}
						used[best], perm[i] = true, best
					}
					return theorems.AssignmentResult{Perm: perm}, nil
				}
			},
			caughtBy: []string{"discrete.assignment-optimal"}, maxSize: 3},
		{name: "plan scaled by 0.999 (marginals off)", family: "discrete",
			plant: func(o *theorems.Ops) {
				ref := o.EMD
				o.EMD = func(a theorems.EMDArgs) (theorems.EMDResult, error) {
					r, err := ref(a)
					for _, row := range r.Plan {
						for j := range row {
							row[j] *= 0.999
						}
					}
					return r, err
				}
			},
			caughtBy: []string{"discrete.plan-feasible"}, maxSize: 1},
	}
	for _, f := range faults {
		expectCaught(t, f)
	}
}

func TestFaultsOT1D(t *testing.T) {
	faults := []fault{
		{name: "1-D cost that does not sort (pairs points in the given order)", family: "ot1d",
			plant: func(o *theorems.Ops) {
				o.EMD1D = func(a theorems.EMD1DArgs) (theorems.CostResult, error) {
					P := nwPlan(a.A, a.B) // north-west corner on unsorted points
					c := 0.0
					for i := range P {
						for j, v := range P[i] {
							c += v * math.Pow(math.Abs(a.X[i]-a.Y[j]), a.P)
						}
					}
					return theorems.CostResult{Cost: c}, nil
				}
			},
			caughtBy: []string{"ot1d.quantile-coupling-optimal", "ot1d.sorted-matching-optimal"}, maxSize: 5},
		{name: "quantile with strict inequality F(x) > u (wrong at CDF jumps)", family: "ot1d",
			plant:    func(o *theorems.Ops) { o.Quantile = sortedQuantile(func(F, u float64) bool { return F > u }) },
			caughtBy: []string{"ot1d.inverse-transform"}, maxSize: 3,
			// the u grid has 64 fixed levels: measure the measure's atoms
			sizeOf: func(c *theorems.Case) int { return len(c.Calls[0].Args.(theorems.QuantileArgs).X) }},
		{name: "quantile falls back to the last atom even if it has no mass (POT F7: searchsorted clipped to n−1)", family: "ot1d",
			plant:    func(o *theorems.Ops) { o.Quantile = sortedQuantile(func(F, u float64) bool { return F >= u }) },
			caughtBy: []string{"ot1d.inverse-transform"}, maxSize: 3,
			sizeOf: func(c *theorems.Case) int { return len(c.Calls[0].Args.(theorems.QuantileArgs).X) }},
		{name: "returns W_p instead of W_p^p", family: "ot1d",
			plant: func(o *theorems.Ops) {
				ref := o.EMD1D
				o.EMD1D = func(a theorems.EMD1DArgs) (theorems.CostResult, error) {
					r, err := ref(a)
					r.Cost = math.Pow(r.Cost, 1/a.P)
					return r, err
				}
			},
			caughtBy: []string{"ot1d.quantile-coupling-optimal", "ot1d.gaussian-closed-form", "ot1d.sorted-matching-optimal"}, maxSize: 2},
	}
	for _, f := range faults {
		expectCaught(t, f)
	}
}

// sortedQuantile is F^{-1}(u) = the first sorted atom whose partial sum F
// satisfies reached(F, u), else the last sorted atom whatever its mass: the
// raw material of planted quantile bugs.
func sortedQuantile(reached func(F, u float64) bool) func(theorems.QuantileArgs) (theorems.QuantileResult, error) {
	return func(a theorems.QuantileArgs) (theorems.QuantileResult, error) {
		idx := make([]int, len(a.X))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(i, j int) bool { return a.X[idx[i]] < a.X[idx[j]] })
		q := make([]float64, len(a.U))
		for k, u := range a.U {
			F := 0.0
			q[k] = a.X[idx[len(idx)-1]]
			for _, i := range idx {
				F += a.A[i]
				if reached(F, u) {
					q[k] = a.X[i]
					break
				}
			}
		}
		return theorems.QuantileResult{Q: q}, nil
	}
}

// kernelSinkhorn is a textbook kernel-domain Sinkhorn with a fixed number
// of iterations and an ε multiplier: the raw material of planted bugs.
func kernelSinkhorn(a theorems.SinkhornArgs, iters int, epsFactor float64) (theorems.SinkhornResult, error) {
	n, m := len(a.A), len(a.B)
	eps := a.Eps * epsFactor
	K := make([][]float64, n)
	for i := range K {
		K[i] = make([]float64, m)
		for j := range K[i] {
			K[i][j] = math.Exp(-a.C[i][j] / eps)
		}
	}
	u, v := make([]float64, n), make([]float64, m)
	for j := range v {
		v[j] = 1
	}
	for it := 0; it < iters; it++ {
		for i := range u {
			s := 0.0
			for j := range v {
				s += K[i][j] * v[j]
			}
			u[i] = a.A[i] / s
		}
		for j := range v {
			s := 0.0
			for i := range u {
				s += K[i][j] * u[i]
			}
			v[j] = a.B[j] / s
		}
	}
	P := make([][]float64, n)
	for i := range P {
		P[i] = make([]float64, m)
		for j := range P[i] {
			P[i][j] = u[i] * K[i][j] * v[j]
		}
	}
	return theorems.SinkhornResult{Plan: P}, nil
}

func TestFaultsEntropic(t *testing.T) {
	faults := []fault{
		{name: "Sinkhorn that stops after 3 iterations", family: "entropic",
			plant: func(o *theorems.Ops) {
				o.Sinkhorn = func(a theorems.SinkhornArgs) (theorems.SinkhornResult, error) { return kernelSinkhorn(a, 3, 1) }
			},
			caughtBy: []string{"entropic.marginals"}, maxSize: 4},
		{name: "Sinkhorn solving with ε/2 (a regularisation-convention mix-up)", family: "entropic",
			plant: func(o *theorems.Ops) {
				o.Sinkhorn = func(a theorems.SinkhornArgs) (theorems.SinkhornResult, error) { return kernelSinkhorn(a, 5000, 0.5) }
			},
			caughtBy: []string{"entropic.gibbs-form"}, maxSize: 3},
		{name: "kernel-domain Sinkhorn (underflows at small ε)", family: "entropic",
			plant: func(o *theorems.Ops) {
				o.Sinkhorn = func(a theorems.SinkhornArgs) (theorems.SinkhornResult, error) { return kernelSinkhorn(a, 5000, 1) }
			},
			caughtBy: []string{"entropic.small-eps-stable"}, maxSize: 6},
		{name: "divergence without debiasing (returns OT_ε(α,β))", family: "entropic",
			plant: func(o *theorems.Ops) {
				ref := o.SinkhornDivergence
				o.SinkhornDivergence = func(a theorems.DivergenceArgs) (theorems.ValueResult, error) {
					r, err := ref(a)
					if err != nil {
						return r, err
					}
					// add back ½OT_ε(α,α) + ½OT_ε(β,β) ≈ a positive bias: use
					// ε·(H(a)+H(b))/2, the bias's value for separated atoms.
					h := 0.0
					for _, w := range append(append([]float64(nil), a.A...), a.B...) {
						h -= w * math.Log(w)
					}
					r.Value += a.Eps * h / 2
					return r, nil
				}
			},
			caughtBy: []string{"entropic.divergence-properties"}, maxSize: 2},
		{name: "sharp divergence: transport costs of the three plans, no entropy, clamped at 0 (POT F4)", family: "entropic",
			plant: func(o *theorems.Ops) {
				sink := o.Sinkhorn
				cost := func(x, y [][]float64, a, b []float64, eps float64) (float64, error) {
					r, err := sink(theorems.SinkhornArgs{A: a, B: b, X: x, Y: y, Cost: "sqeuclidean", Eps: eps})
					if err != nil {
						return 0, err
					}
					c := 0.0
					for i := range x {
						for j := range y {
							d := 0.0
							for k := range x[i] {
								d += (x[i][k] - y[j][k]) * (x[i][k] - y[j][k])
							}
							c += d * r.Plan[i][j]
						}
					}
					return c, nil
				}
				o.SinkhornDivergence = func(a theorems.DivergenceArgs) (theorems.ValueResult, error) {
					ab, err1 := cost(a.X, a.Y, a.A, a.B, a.Eps)
					aa, err2 := cost(a.X, a.X, a.A, a.A, a.Eps)
					bb, err3 := cost(a.Y, a.Y, a.B, a.B, a.Eps)
					if err := errors.Join(err1, err2, err3); err != nil {
						return theorems.ValueResult{}, err
					}
					return theorems.ValueResult{Value: math.Max(0, ab-aa/2-bb/2)}, nil
				}
			},
			caughtBy: []string{"entropic.divergence-properties"}, maxSize: 3},
	}
	for _, f := range faults {
		expectCaught(t, f)
	}
}

func TestFaultsSliced(t *testing.T) {
	direct := func(a theorems.SlicedArgs, root bool, onlyFirst bool) (theorems.ValueResult, error) {
		n := len(a.X)
		total, L := 0.0, len(a.Theta)
		if onlyFirst {
			L = 1
		}
		for l := 0; l < L; l++ {
			px, py := make([]float64, n), make([]float64, n)
			for i := range a.X {
				for k := range a.Theta[l] {
					px[i] += a.Theta[l][k] * a.X[i][k]
					py[i] += a.Theta[l][k] * a.Y[i][k]
				}
			}
			sort.Float64s(px)
			sort.Float64s(py)
			s := 0.0
			for i := range px {
				s += (px[i] - py[i]) * (px[i] - py[i]) / float64(n)
			}
			total += s
		}
		v := total / float64(L)
		if root {
			v = math.Sqrt(v)
		}
		return theorems.ValueResult{Value: v}, nil
	}
	faults := []fault{
		{name: "returns SW2 (the root, POT's convention) instead of SW2²", family: "sliced",
			plant: func(o *theorems.Ops) {
				o.SlicedW2 = func(a theorems.SlicedArgs) (theorems.ValueResult, error) { return direct(a, true, false) }
			},
			caughtBy: []string{"sliced.lower-bound", "sliced.one-dimensional"}, maxSize: 2},
		{name: "uses only the first direction", family: "sliced",
			plant: func(o *theorems.Ops) {
				o.SlicedW2 = func(a theorems.SlicedArgs) (theorems.ValueResult, error) { return direct(a, false, true) }
			},
			caughtBy: []string{"sliced.lower-bound", "sliced.rotation-invariance"}, maxSize: 4},
		{name: "does not sort the projections (pairs points in order)", family: "sliced",
			plant: func(o *theorems.Ops) {
				o.SlicedW2 = func(a theorems.SlicedArgs) (theorems.ValueResult, error) {
					n, total := len(a.X), 0.0
					for _, th := range a.Theta {
						for i := range a.X {
							d := 0.0
							for k := range th {
								d += th[k] * (a.X[i][k] - a.Y[i][k])
							}
							total += d * d / float64(n)
						}
					}
					return theorems.ValueResult{Value: total / float64(len(a.Theta))}, nil
				}
			},
			caughtBy: []string{"sliced.lower-bound", "sliced.one-dimensional"}, maxSize: 2},
	}
	for _, f := range faults {
		expectCaught(t, f)
	}
}

func nwPlan(a, b []float64) [][]float64 {
	P := make([][]float64, len(a))
	for i := range P {
		P[i] = make([]float64, len(b))
	}
	ra, rb := append([]float64(nil), a...), append([]float64(nil), b...)
	for i, j := 0, 0; i < len(a) && j < len(b); {
		v := math.Min(ra[i], rb[j])
		P[i][j] += v
		ra[i] -= v
		rb[j] -= v
		if ra[i] <= rb[j] {
			i++
		} else {
			j++
		}
	}
	return P
}

func frobenius(C, P [][]float64) float64 {
	s := 0.0
	for i := range C {
		for j := range C[i] {
			s += C[i][j] * P[i][j]
		}
	}
	return s
}
