package theorems

import (
	"errors"
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/entropic"
	"pgregory.net/rapid"
)

// The entropic family: entropic OT and Sinkhorn ([P] § Entropic Optimal
// Transport; [C] § One-step generative models). Conventions of protocol.md:
// π_ij = a_i b_j exp((f_i + g_j − C_ij)/ε), KL against a⊗b, C without ½.

// sinkTol is protocol.md's Sinkhorn tolerance: marginal error ≤ 1e-8 (L1).
const sinkTol = 1e-8

// sinkPlanTol is protocol.md's bound on the L1 distance of a Sinkhorn plan
// to the exact minimiser (1e-6); values derived from the plan inherit it
// multiplied by the size of their terms.
const sinkPlanTol = 1e-6

type sinkProblem struct {
	a, b []float64
	C    [][]float64
	eps  float64
}

// genSinkProblem draws n, m ∈ [1, 6], strictly positive unequal weights, a
// cost with ties, reals or squared distances, and ε = 10^U(lo, hi)·max C.
func genSinkProblem(t *rapid.T, lo, hi float64) sinkProblem {
	n := rapid.IntRange(1, 6).Draw(t, "n")
	m := rapid.IntRange(1, 6).Draw(t, "m")
	p := sinkProblem{a: genWeights(t, n, true, "a"), b: genWeights(t, m, true, "b"), C: genCostMatrix(t, n, m)}
	scale := math.Max(maxAbsMat(p.C), 1)
	p.eps = scale * math.Pow(10, rapid.Float64Range(lo, hi).Draw(t, "log10(ε/max C)"))
	return p
}

func (p sinkProblem) args() SinkhornArgs {
	return SinkhornArgs{A: p.a, B: p.b, C: p.C, Eps: p.eps}
}

// entropyOf returns H(π) = −Σ π log π (0 log 0 = 0) of a matrix or vector.
func entropyOf(v ...[]float64) float64 {
	h := 0.0
	for _, row := range v {
		for _, x := range row {
			if x > 0 {
				h -= x * math.Log(x)
			}
		}
	}
	return h
}

// selfEntropicOT2 is OT_ε(β, β) = min Σ C_ij π_ij + ε·KL(π | b⊗b) for a
// measure β on two points at squared distance c (C = [[0, c], [c, 0]]), in
// closed form. The couplings of β with itself are π(t) = [[b₁−t, t],
// [t, b₂−t]], 0 ≤ t ≤ min(b₁, b₂); the objective 2ct + ε·KL(π(t) | b⊗b) is
// strictly convex in t and its derivative 2c + ε·log(t² / ((b₁−t)(b₂−t)))
// vanishes where t² = K(b₁−t)(b₂−t), K = exp(−2c/ε), i.e. (with b₁+b₂ = 1)
// (1−K)t² + Kt − K·b₁b₂ = 0, whose root in [0, min b] is
// t = 2K·b₁b₂ / (K + √(K² + 4(1−K)K·b₁b₂)) (the form without
// cancellation; K = 1 gives t = b₁b₂, the product coupling). This is
// independent of any Sinkhorn iteration.
func selfEntropicOT2(b []float64, c, eps float64) float64 {
	K := math.Exp(-2 * c / eps)
	b1, b2 := b[0], b[1]
	t := 2 * K * b1 * b2 / (K + math.Sqrt(K*K+4*(1-K)*K*b1*b2))
	if K == 0 {
		t = 0
	}
	kl := 0.0
	for _, e := range [][3]float64{{b1 - t, b1, b1}, {t, b1, b2}, {t, b2, b1}, {b2 - t, b2, b2}} {
		if e[0] > 0 {
			kl += e[0] * math.Log(e[0]/(e[1]*e[2]))
		}
	}
	return 2*c*t + eps*kl
}

// maxLogMass is max |log π_ij| over the entries of π above 1e-300.
func maxLogMass(P [][]float64) float64 {
	m := 0.0
	for _, r := range P {
		for _, v := range r {
			if v > 1e-300 {
				m = math.Max(m, math.Abs(math.Log(v)))
			}
		}
	}
	return m
}

func init() {
	Register(
		&Claim{
			ID: "entropic.marginals", Title: "Sinkhorn plan has marginals a, b",
			Source:    "[P] § Entropic Optimal Transport",
			Statement: "the Sinkhorn plan has marginals a, b (and no negative entry)",
			Tolerance: "L1 marginal error ≤ 1e-8 (protocol.md Sinkhorn marginal tolerance)",
			Ops:       []string{OpSinkhorn},
			Check: func(t *rapid.T, e *Env) {
				p := genSinkProblem(t, -2, 1)
				r := e.Sinkhorn(t, p.args())
				e.ExpectLeq(t, "row marginal L1 error", l1(rowSums(r.Plan), p.a), 0, sinkTol)
				e.ExpectLeq(t, "column marginal L1 error", l1(colSums(r.Plan, len(p.b)), p.b), 0, sinkTol)
				for i := range r.Plan {
					for j, v := range r.Plan[i] {
						e.ExpectLeq(t, fmt.Sprintf("−π_%d%d", i, j), -v, 0, 0)
					}
				}
			},
		},
		&Claim{
			ID: "entropic.gibbs-form", Title: "the plan has Gibbs form with the requested ε",
			Source:    "[P] § Entropic Optimal Transport; [C] § One-step models",
			Statement: "log π_ij − log(a_i b_j) + C_ij/ε = (f_i + g_j)/ε: the left side has rank-one additive structure (every double difference M_ij + M_kl − M_il − M_kj vanishes), with the ε that was asked for; returned potentials satisfy it",
			Tolerance: "entries with π_ij ≥ 1e-200; double differences within 1e-8·(1 + max|C|/ε) (rounding of log and of exponents of size max|C|/ε); with potentials, |log π_ij − log(a_i b_j) − (f_i+g_j−C_ij)/ε| within the same bound",
			Ops:       []string{OpSinkhorn},
			Check: func(t *rapid.T, e *Env) {
				p := genSinkProblem(t, -1.5, 1)
				r := e.Sinkhorn(t, p.args())
				n, m := len(p.a), len(p.b)
				M := make([][]float64, n)
				ok := make([][]bool, n)
				for i := range M {
					M[i] = make([]float64, m)
					ok[i] = make([]bool, m)
					for j := range M[i] {
						if r.Plan[i][j] >= 1e-200 {
							M[i][j] = numerics.Log(r.Plan[i][j]) - numerics.Log(p.a[i]*p.b[j]) + p.C[i][j]/p.eps
							ok[i][j] = true
						}
					}
				}
				tol := 1e-8 * (1 + maxAbsMat(p.C)/p.eps)
				for i := 0; i < n; i++ {
					for k := i + 1; k < n; k++ {
						for j := 0; j < m; j++ {
							for l := j + 1; l < m; l++ {
								if ok[i][j] && ok[k][l] && ok[i][l] && ok[k][j] {
									e.ExpectClose(t, fmt.Sprintf("double difference M_%d%d + M_%d%d − M_%d%d − M_%d%d", i, j, k, l, i, l, k, j),
										M[i][j]+M[k][l]-M[i][l]-M[k][j], 0, tol)
								}
							}
						}
					}
				}
				if r.F == nil {
					return
				}
				for i := range M {
					for j := range M[i] {
						if ok[i][j] {
							e.ExpectClose(t, fmt.Sprintf("M_%d%d vs (f_%d + g_%d)/ε", i, j, i, j), M[i][j], (r.F[i]+r.G[j])/p.eps, tol)
						}
					}
				}
			},
		},
		&Claim{
			ID: "entropic.kl-decomposition", Title: "KL to the product is an entropy difference",
			Source:    "[P] § Entropic OT (Product Reference = Entropy Regularization up to Constants)",
			Statement: "KL(π | μ⊗ν) = H(μ) + H(ν) − H(π) for any coupling π of discrete μ, ν",
			Tolerance: "1e-12·(1 + Σ|π log π| + log(nm)): rounding of n·m logarithms",
			Check: func(t *rapid.T, e *Env) {
				n := rapid.IntRange(1, 6).Draw(t, "n")
				m := rapid.IntRange(1, 6).Draw(t, "m")
				w := genWeights(t, n*m, false, "π entries")
				P := make([][]float64, n)
				for i := range P {
					P[i] = w[i*m : (i+1)*m]
				}
				mu, nu := rowSums(P), colSums(P, m)
				kl := 0.0
				for i := range P {
					for j, v := range P[i] {
						if v > 0 {
							kl += v * math.Log(v/(mu[i]*nu[j]))
						}
					}
				}
				want := entropyOf(mu) + entropyOf(nu) - entropyOf(P...)
				e.ExpectClose(t, "KL(π|μ⊗ν) vs H(μ)+H(ν)−H(π)", kl, want, 1e-12*(1+entropyOf(P...)+math.Log(float64(n*m))))
			},
		},
		&Claim{
			ID: "entropic.more-diffuse-with-eps", Title: "larger ε, more diffuse plan",
			Source:    "[P] § Entropic OT (How Sinkhorn Diffuses a Discrete Plan)",
			Statement: "H(π_ε) is nondecreasing in ε",
			Tolerance: "each plan is within 1e-6 (L1) of the exact minimiser, so each entropy is within 1e-6·(1 + max|log π|) of the exact one: the pair may be out of order by twice that",
			Ops:       []string{OpSinkhorn},
			Check: func(t *rapid.T, e *Env) {
				p := genSinkProblem(t, -1.5, 1)
				ratio := math.Pow(10, rapid.Float64Range(0.05, 1.5).Draw(t, "log10(ε2/ε1)"))
				r1 := e.Sinkhorn(t, p.args())
				p2 := p
				p2.eps = p.eps * ratio
				r2 := e.Sinkhorn(t, p2.args())
				h1, h2 := entropyOf(r1.Plan...), entropyOf(r2.Plan...)
				tol := sinkPlanTol * (2 + maxLogMass(r1.Plan) + maxLogMass(r2.Plan))
				e.ExpectLeq(t, fmt.Sprintf("H(π_ε) at ε=%g vs at ε=%g", p.eps, p2.eps), h1, h2, tol)
			},
		},
		&Claim{
			ID: "entropic.limit-product", Title: "π_ε → a⊗b as ε → ∞",
			Source:    "[P] § Entropic OT",
			Statement: "π_ε → a⊗b as ε → ∞: ‖π_ε − a⊗b‖₁ ≤ exp(2R/ε) − 1, R = max C − min C, along ε = 10R, 100R, 1000R",
			Tolerance: "the bound itself (from the Gibbs form: |f_i + g_j − C_ij| ≤ 2R) plus the 1e-6 L1 plan tolerance of protocol.md",
			Ops:       []string{OpSinkhorn},
			Check: func(t *rapid.T, e *Env) {
				p := genSinkProblem(t, 0, 0)
				lo, hi := math.Inf(1), math.Inf(-1)
				for _, r := range p.C {
					for _, v := range r {
						lo, hi = math.Min(lo, v), math.Max(hi, v)
					}
				}
				R := math.Max(hi-lo, 1e-3)
				for _, k := range []float64{10, 100, 1000} {
					p.eps = k * R
					r := e.Sinkhorn(t, p.args())
					dist := 0.0
					for i := range r.Plan {
						for j, v := range r.Plan[i] {
							dist += math.Abs(v - p.a[i]*p.b[j])
						}
					}
					e.ExpectLeq(t, fmt.Sprintf("‖π_ε − a⊗b‖₁ at ε = %g·R", k), dist, math.Expm1(2/k), sinkPlanTol)
				}
			},
		},
		&Claim{
			ID: "entropic.limit-ot", Title: "entropic cost is within ε·H of OT",
			Source:    "[P] § Entropic Optimal Transport",
			Statement: "0 ≤ ⟨C, π_ε⟩ − OT ≤ ε·min(H(a), H(b)), OT the exact optimum (gonum's simplex, an independent algorithm)",
			Tolerance: "1e-6·max|C| on each side (protocol.md's 1e-6 L1 plan tolerance times the largest cost) plus 1e-9·max|C| for the LP",
			Ops:       []string{OpSinkhorn},
			Check: func(t *rapid.T, e *Env) {
				p := genSinkProblem(t, -3, 0)
				r := e.Sinkhorn(t, p.args())
				opt, err := lpOT(p.a, p.b, p.C)
				if err != nil {
					e.Fatalf(t, "ground truth (gonum simplex) failed: %v", err)
				}
				gap := frob(p.C, r.Plan) - opt
				tol := (sinkPlanTol + emdTol) * math.Max(1, maxAbsMat(p.C))
				e.ExpectLeq(t, "OT − ⟨C, π_ε⟩", -gap, 0, tol)
				e.ExpectLeq(t, "⟨C, π_ε⟩ − OT vs ε·min(H(a), H(b))", gap, p.eps*math.Min(entropyOf(p.a), entropyOf(p.b)), tol)
			},
		},
		&Claim{
			ID: "entropic.dual-ascent", Title: "Sinkhorn never decreases the dual",
			Source:    "[P] § Entropic OT; Sinkhorn as block coordinate ascent",
			Statement: "the dual objective Σa f + Σb g − ε(Σ a_i b_j e^{(f_i+g_j−C_ij)/ε} − 1) never decreases along the reference's Sinkhorn iterations at fixed ε",
			Tolerance: "1e-12·(1 + max|C|) per step: rounding of the compensated dual sums",
			Check: func(t *rapid.T, e *Env) {
				p := genSinkProblem(t, -2, 1)
				var duals []float64
				data, n, m, _ := CheckMatrix("C", p.C, -1, -1)
				_, err := entropic.Sinkhorn(p.a, p.b, data, n, m, p.eps, entropic.Options{NoScaling: true, MaxIter: 200, Tol: 1e-13,
					Trace: func(s entropic.Step) { duals = append(duals, s.Dual) }})
				if err != nil && !isNotConverged(err) {
					e.Fatalf(t, "reference Sinkhorn: %v", err)
				}
				e.Input("dual objective per iteration", duals)
				for k := 1; k < len(duals); k++ {
					e.ExpectLeq(t, fmt.Sprintf("dual decrease at iteration %d", k+1), duals[k-1], duals[k], 1e-12*(1+maxAbsMat(p.C)))
				}
			},
		},
		&Claim{
			ID: "entropic.small-eps-stable", Title: "stable down to ε = 1e-3·max C",
			Source:    "[P] § Entropic OT (log-domain Sinkhorn)",
			Statement: "for ε down to 1e-3·max C the plan is finite with correct marginals, and its cost is within ε·min(H(a),H(b)) of the exact optimum",
			Tolerance: "marginals ≤ 1e-8 (L1, protocol.md); cost gap as entropic.limit-ot with 1e-6·max C slack",
			Ops:       []string{OpSinkhorn},
			Check: func(t *rapid.T, e *Env) {
				p := genSinkProblem(t, -3, -2)
				r := e.Sinkhorn(t, p.args())
				e.ExpectLeq(t, "row marginal L1 error", l1(rowSums(r.Plan), p.a), 0, sinkTol)
				e.ExpectLeq(t, "column marginal L1 error", l1(colSums(r.Plan, len(p.b)), p.b), 0, sinkTol)
				opt, err := lpOT(p.a, p.b, p.C)
				if err != nil {
					e.Fatalf(t, "ground truth (gonum simplex) failed: %v", err)
				}
				tol := (sinkPlanTol + emdTol) * math.Max(1, maxAbsMat(p.C))
				e.ExpectLeq(t, "⟨C, π_ε⟩ − OT vs ε·min(H(a), H(b))", frob(p.C, r.Plan)-opt, p.eps*math.Min(entropyOf(p.a), entropyOf(p.b)), tol)
			},
		},
		&Claim{
			ID: "entropic.divergence-properties", Title: "Sinkhorn divergence: symmetric, ≥ 0, 0 on equal",
			Source: "[C] § One-step generative models (debiased entropic cost)",
			Statement: "the debiased divergence S_ε is symmetric, ≥ 0, and 0 for identical measures; and its value is protocol.md's " +
				"OT_ε(α,β) − ½OT_ε(α,α) − ½OT_ε(β,β): checked in closed form for α one point and β two points, where " +
				"OT_ε(α,β) = Σ b_j C_1j, OT_ε(α,α) = 0 and OT_ε(β,β) solves a quadratic (selfEntropicOT2)",
			Tolerance: "1e-6·max|C| (protocol.md's Sinkhorn divergence rtol, relative to the largest cost); the closed form is exact to rounding",
			Ops:       []string{OpSinkhornDivergence},
			Check: func(t *rapid.T, e *Env) {
				n := rapid.IntRange(1, 6).Draw(t, "n")
				m := rapid.IntRange(1, 6).Draw(t, "m")
				d := rapid.IntRange(1, 3).Draw(t, "d")
				x, y := genPoints(t, n, d, "x"), genPoints(t, m, d, "y")
				a, b := genWeights(t, n, true, "a"), genWeights(t, m, true, "b")
				C := sqDist(x, y)
				scale := math.Max(1, math.Max(maxAbsMat(C), math.Max(maxAbsMat(sqDist(x, x)), maxAbsMat(sqDist(y, y)))))
				eps := scale * math.Pow(10, rapid.Float64Range(-2, 1).Draw(t, "log10(ε/max C)"))
				tol := sinkPlanTol * scale
				sxy := e.SinkhornDivergence(t, DivergenceArgs{X: x, Y: y, A: a, B: b, Eps: eps}).Value
				syx := e.SinkhornDivergence(t, DivergenceArgs{X: y, Y: x, A: b, B: a, Eps: eps}).Value
				sxx := e.SinkhornDivergence(t, DivergenceArgs{X: x, Y: x, A: a, B: a, Eps: eps}).Value
				e.ExpectClose(t, "S(α,β) vs S(β,α)", sxy, syx, tol)
				e.ExpectLeq(t, "−S(α,β)", -sxy, 0, tol)
				e.ExpectClose(t, "S(α,α)", sxx, 0, tol)

				// The value itself, where it has a closed form: α = δ_p one
				// point, β two points (or the mirror image). Symmetry and
				// the sign cannot tell S_ε from other debiased costs (the
				// "sharp" ⟨C, π_αβ⟩ − ½⟨C, π_αα⟩ − ½⟨C, π_ββ⟩, POT F4).
				p := genPoints(t, 1, d, "p")
				q := genPoints(t, 2, d, "q")
				bq := genWeights(t, 2, true, "b_q")
				cp := sqDist(p, q)
				cq := sqDist(q, q)
				sc := math.Max(1, math.Max(maxAbsMat(cp), maxAbsMat(cq)))
				epsCF := sc * math.Pow(10, rapid.Float64Range(-2, 1).Draw(t, "log10(ε/max C), closed form"))
				want := (bq[0]*cp[0][0] + bq[1]*cp[0][1]) - 0.5*selfEntropicOT2(bq, cq[0][1], epsCF)
				args := DivergenceArgs{X: p, Y: q, A: []float64{1}, B: bq, Eps: epsCF}
				if rapid.Bool().Draw(t, "mirror") {
					args = DivergenceArgs{X: q, Y: p, A: bq, B: []float64{1}, Eps: epsCF}
				}
				got := e.SinkhornDivergence(t, args).Value
				e.ExpectClose(t, "S_ε(δ_p, β) with β on two points vs its closed form Σ b_j‖p − q_j‖² − ½OT_ε(β, β)", got, want, sinkPlanTol*sc)
			},
		},
		&Claim{
			ID: "entropic.divergence-limit", Title: "S_ε → W2² as ε → 0",
			Source:    "[C] § One-step generative models; [P] § Entropic OT",
			Statement: "along ε = max C·{1, 10^-0.5, …, 10^-3} the gap |S_ε − W2²| (W2² exact, by gonum's simplex) is at most ε·(H(a)+H(b)), so it falls below 2e-3·max C·log(max(n,m)) at the smallest ε, and the gap there is below the gap at the largest",
			Tolerance: "the bound |S_ε − W2²| ≤ ε(H(a)+H(b)) follows from OT ≤ OT_ε(α,β) ≤ OT + ε·min H and 0 ≤ OT_ε(α,α) ≤ ε·H(a); plus 1e-6·max C (protocol.md divergence rtol)",
			Ops:       []string{OpSinkhornDivergence},
			Check: func(t *rapid.T, e *Env) {
				n := rapid.IntRange(1, 5).Draw(t, "n")
				m := rapid.IntRange(1, 5).Draw(t, "m")
				x, y := genPoints(t, n, 2, "x"), genPoints(t, m, 2, "y")
				a, b := genWeights(t, n, true, "a"), genWeights(t, m, true, "b")
				C := sqDist(x, y)
				w2, err := lpOT(a, b, C)
				if err != nil {
					e.Fatalf(t, "ground truth (gonum simplex) failed: %v", err)
				}
				scale := math.Max(1, math.Max(maxAbsMat(C), math.Max(maxAbsMat(sqDist(x, x)), maxAbsMat(sqDist(y, y)))))
				tol := sinkPlanTol * scale
				var gaps []float64
				for k := 0; k <= 6; k++ {
					eps := scale * math.Pow(10, -0.5*float64(k))
					s := e.SinkhornDivergence(t, DivergenceArgs{X: x, Y: y, A: a, B: b, Eps: eps}).Value
					gap := math.Abs(s - w2)
					gaps = append(gaps, gap)
					e.ExpectLeq(t, fmt.Sprintf("|S_ε − W2²| at ε = %.3g", eps), gap, eps*(entropyOf(a)+entropyOf(b)), tol)
				}
				if gaps[0] > 10*tol {
					e.ExpectLeq(t, "gap at the smallest ε vs at the largest", gaps[len(gaps)-1], gaps[0], 0)
				}
			},
		},
	)
}

func isNotConverged(err error) bool { return errors.Is(err, numerics.ErrNotConverged) }
