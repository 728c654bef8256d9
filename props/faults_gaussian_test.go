package props

import (
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/theorems"
	"gonum.org/v1/gonum/mat"
)

// Faulty implementations of the Gaussian operations (gauss.bures,
// gauss.ot_map, gauss.kr_map, gauss.fm_map, gauss.flow), each planted into
// the reference table: the gaussian, gmanifold, gelbrich and polar families
// must catch every one, most with a counterexample of dimension ≤ 3. Several
// are subtle on purpose: they push the source law forward correctly and
// differ from the truth only for non-commuting covariances, or are accurate
// for well-conditioned inputs only.

// ---- small dense helpers (faults are deliberately written from scratch) ----

func fSym(M [][]float64) *mat.SymDense {
	S, err := numerics.SymFromRows(M)
	if err != nil {
		panic(err)
	}
	return S
}

// fFunc returns f(S) by an eigendecomposition.
func fFunc(S *mat.SymDense, f func(float64) float64) *mat.Dense {
	var eig mat.EigenSym
	eig.Factorize(S, true)
	lam := eig.Values(nil)
	var Q mat.Dense
	eig.VectorsTo(&Q)
	d := len(lam)
	D := mat.NewDense(d, d, nil)
	for i, l := range lam {
		D.Set(i, i, f(math.Max(l, 0)))
	}
	var R mat.Dense
	R.Product(&Q, D, Q.T())
	return &R
}

func fSqrt(S *mat.SymDense) *mat.Dense { return fFunc(S, math.Sqrt) }
func fInvSqrt(S *mat.SymDense) *mat.Dense {
	return fFunc(S, func(l float64) float64 { return 1 / math.Sqrt(l) })
}

func fMul(ms ...mat.Matrix) *mat.Dense {
	var R mat.Dense
	if len(ms) == 1 {
		R.CloneFrom(ms[0])
		return &R
	}
	R.Product(ms...)
	return &R
}

func fRows(A mat.Matrix) [][]float64 { return numerics.ToRows(A) }

// fDenmanBeavers returns A^{1/2} by a fixed number of Denman–Beavers
// iterations on A/tr(A): fine for κ(A) ≲ 100, wrong for worse conditioning.
func fDenmanBeavers(A *mat.Dense, iters int) *mat.Dense {
	d, _ := A.Dims()
	tr := mat.Trace(A)
	Y := mat.NewDense(d, d, nil)
	Y.Scale(1/tr, A)
	Z := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		Z.Set(i, i, 1)
	}
	for k := 0; k < iters; k++ {
		var Yi, Zi mat.Dense
		if Yi.Inverse(Y) != nil || Zi.Inverse(Z) != nil {
			break
		}
		Yn := mat.NewDense(d, d, nil)
		Yn.Add(Y, &Zi)
		Yn.Scale(0.5, Yn)
		Zn := mat.NewDense(d, d, nil)
		Zn.Add(Z, &Yi)
		Zn.Scale(0.5, Zn)
		Y, Z = Yn, Zn
	}
	Y.Scale(math.Sqrt(tr), Y)
	return Y
}

// ---- faulty operations ----------------------------------------------------

func faultOTMap(f func(S0, S1 *mat.SymDense) mat.Matrix) func(theorems.GaussMapArgs) (theorems.MatrixResult, error) {
	return func(a theorems.GaussMapArgs) (theorems.MatrixResult, error) {
		return theorems.MatrixResult{A: fRows(f(fSym(a.S0), fSym(a.S1)))}, nil
	}
}

func faultFMMap(ref func(theorems.GaussMapArgs) (theorems.MatrixResult, error), f func(S0, S1 *mat.SymDense, t float64, ref func(theorems.GaussMapArgs) (theorems.MatrixResult, error)) mat.Matrix) func(theorems.GaussMapArgs) (theorems.MatrixResult, error) {
	return func(a theorems.GaussMapArgs) (theorems.MatrixResult, error) {
		return theorems.MatrixResult{A: fRows(f(fSym(a.S0), fSym(a.S1), *a.T, ref))}, nil
	}
}

func faultFlow(ref func(theorems.GaussFlowArgs) (theorems.GaussFlowResult, error), energy string, f func(C *mat.SymDense) mat.Matrix) func(theorems.GaussFlowArgs) (theorems.GaussFlowResult, error) {
	return func(a theorems.GaussFlowArgs) (theorems.GaussFlowResult, error) {
		if a.Energy != energy {
			return ref(a)
		}
		return theorems.GaussFlowResult{Cdot: fRows(f(fSym(a.C)))}, nil
	}
}

// faultBures wraps a faulty covariance part and mean part.
func faultBures(f func(m0 []float64, S0 *mat.SymDense, m1 []float64, S1 *mat.SymDense) float64) func(theorems.BuresArgs) (theorems.BuresResult, error) {
	return func(a theorems.BuresArgs) (theorems.BuresResult, error) {
		return theorems.BuresResult{W2Sq: f(a.M0, fSym(a.S0), a.M1, fSym(a.S1))}, nil
	}
}

func sqDistF(x, y []float64) float64 {
	s := 0.0
	for i := range x {
		s += (x[i] - y[i]) * (x[i] - y[i])
	}
	return s
}

// buresCommuting is W2² with the commuting-case fidelity tr(S0^{1/2}S1^{1/2})
// in place of tr((S0^{1/2}S1S0^{1/2})^{1/2}): exact when S0S1 = S1S0, too
// large otherwise.
func buresCommuting(m0 []float64, S0 *mat.SymDense, m1 []float64, S1 *mat.SymDense) float64 {
	return sqDistF(m0, m1) + mat.Trace(S0) + mat.Trace(S1) - 2*mat.Trace(fMul(fSqrt(S0), fSqrt(S1)))
}

func buresTrue(S0, S1 *mat.SymDense) float64 {
	R0 := fSqrt(S0)
	M := fSym(fRows(fMul(R0, S1, R0)))
	return mat.Trace(S0) + mat.Trace(S1) - 2*mat.Trace(fSqrt(M))
}

func brenierTrue(S0, S1 *mat.SymDense) *mat.Dense {
	R0 := fSqrt(S0)
	Ri := fInvSqrt(S0)
	return fMul(Ri, fSqrt(fSym(fRows(fMul(R0, S1, R0)))), Ri)
}

func TestFaultsGaussian(t *testing.T) {
	ref := theorems.ReferenceOps()
	faults := []fault{
		{
			name:   "brenier map S1^{1/2} S0^{-1/2} (pushes forward, not symmetric)",
			family: "gaussian",
			plant: func(o *theorems.Ops) {
				o.GaussOTMap = faultOTMap(func(S0, S1 *mat.SymDense) mat.Matrix { return fMul(fSqrt(S1), fInvSqrt(S0)) })
			},
			caughtBy: []string{"gaussian.brenier-spd", "gaussian.brenier-minimal-cost"},
			maxSize:  2,
		},
		{
			name:   "brenier map with a fixed-iteration Denman–Beavers square root (wrong only when ill-conditioned)",
			family: "gaussian",
			plant: func(o *theorems.Ops) {
				o.GaussOTMap = faultOTMap(func(S0, S1 *mat.SymDense) mat.Matrix {
					R0, Ri := fSqrt(S0), fInvSqrt(S0)
					return fMul(Ri, fDenmanBeavers(fMul(R0, S1, R0), 8), Ri)
				})
			},
			caughtBy: []string{"gaussian.brenier-pushforward"},
			maxSize:  3,
		},
		{
			name:   "brenier map negated (symmetric, pushes forward, negative definite)",
			family: "gaussian",
			plant: func(o *theorems.Ops) {
				o.GaussOTMap = faultOTMap(func(S0, S1 *mat.SymDense) mat.Matrix {
					A := brenierTrue(S0, S1)
					A.Scale(-1, A)
					return A
				})
			},
			caughtBy: []string{"gaussian.brenier-spd"},
			maxSize:  1,
		},
		{
			name:   "fm map returns McCann's interpolation (1−t)I + tT of the Brenier map",
			family: "gaussian",
			plant: func(o *theorems.Ops) {
				o.GaussFMMap = faultFMMap(ref.GaussFMMap, func(S0, S1 *mat.SymDense, tt float64, _ func(theorems.GaussMapArgs) (theorems.MatrixResult, error)) mat.Matrix {
					A := brenierTrue(S0, S1)
					d, _ := A.Dims()
					A.Scale(tt, A)
					for i := 0; i < d; i++ {
						A.Set(i, i, A.At(i, i)+1-tt)
					}
					return A
				})
			},
			caughtBy: []string{"gaussian.fm-map-pushforward", "gaussian.fm-equals-brenier-iff-commuting"},
			maxSize:  2,
		},
		{
			name:   "fm map S_t^{1/2} S0^{-1/2} (pushes S0 to S_t at every t, not the flow of the velocity)",
			family: "gaussian",
			plant: func(o *theorems.Ops) {
				o.GaussFMMap = faultFMMap(ref.GaussFMMap, func(S0, S1 *mat.SymDense, tt float64, _ func(theorems.GaussMapArgs) (theorems.MatrixResult, error)) mat.Matrix {
					d := S0.SymmetricDim()
					St := mat.NewSymDense(d, nil)
					for i := 0; i < d; i++ {
						for j := i; j < d; j++ {
							St.SetSym(i, j, (1-tt)*(1-tt)*S0.At(i, j)+tt*tt*S1.At(i, j))
						}
					}
					return fMul(fSqrt(St), fInvSqrt(S0))
				})
			},
			caughtBy: []string{"gaussian.fm-map-ode", "gaussian.fm-schedule-invariance"},
			maxSize:  2,
		},
		{
			name:     "bures with the commuting-case fidelity tr(S0^{1/2} S1^{1/2})",
			family:   "gaussian",
			plant:    func(o *theorems.Ops) { o.Bures = faultBures(buresCommuting) },
			caughtBy: []string{"gaussian.bures-metric", "gaussian.bures-equals-map-cost"},
			maxSize:  2,
		},
		{
			name:   "kr map returns the Brenier map (not triangular)",
			family: "gaussian",
			plant: func(o *theorems.Ops) {
				o.GaussKRMap = faultOTMap(func(S0, S1 *mat.SymDense) mat.Matrix { return brenierTrue(S0, S1) })
			},
			caughtBy: []string{"gaussian.kr-triangular"},
			maxSize:  2,
		},
		{
			name:   "kr map in reversed coordinate order (upper triangular)",
			family: "gaussian",
			plant: func(o *theorems.Ops) {
				o.GaussKRMap = func(a theorems.GaussMapArgs) (theorems.MatrixResult, error) {
					d := len(a.S0)
					rev := func(M [][]float64) [][]float64 {
						R := make([][]float64, d)
						for i := range R {
							R[i] = make([]float64, d)
							for j := range R[i] {
								R[i][j] = M[d-1-i][d-1-j]
							}
						}
						return R
					}
					r, err := ref.GaussKRMap(theorems.GaussMapArgs{S0: rev(a.S0), S1: rev(a.S1)})
					if err != nil {
						return r, err
					}
					return theorems.MatrixResult{A: rev(r.A)}, nil
				}
			},
			caughtBy: []string{"gaussian.kr-triangular", "gaussian.kr-is-sequential"},
			maxSize:  2,
		},
	}
	for _, f := range faults {
		expectCaught(t, f)
	}
}

func TestFaultsGmanifold(t *testing.T) {
	ref := theorems.ReferenceOps()
	faults := []fault{
		{
			name:   "kl flow with the halved metric: Ċ = I − C",
			family: "gmanifold",
			plant: func(o *theorems.Ops) {
				o.GaussFlow = faultFlow(ref.GaussFlow, "kl", func(C *mat.SymDense) mat.Matrix {
					return fFunc(C, func(l float64) float64 { return 1 - l })
				})
			},
			caughtBy: []string{"gmanifold.flow-kl"},
			maxSize:  1,
		},
		{
			name:   "w2 flow of the halved energy W2²/2: Ċ = 2(C^{1/2} − C)",
			family: "gmanifold",
			plant: func(o *theorems.Ops) {
				o.GaussFlow = faultFlow(ref.GaussFlow, "w2", func(C *mat.SymDense) mat.Matrix {
					return fFunc(C, func(l float64) float64 { return 2 * (math.Sqrt(l) - l) })
				})
			},
			caughtBy: []string{"gmanifold.flow-w2"},
			maxSize:  1,
		},
		{
			name:   "fisher flow returns the velocity matrix instead of Ċ: 2(C^{-2} − I)",
			family: "gmanifold",
			plant: func(o *theorems.Ops) {
				o.GaussFlow = faultFlow(ref.GaussFlow, "fisher", func(C *mat.SymDense) mat.Matrix {
					return fFunc(C, func(l float64) float64 { return 2 * (1/(l*l) - 1) })
				})
			},
			caughtBy: []string{"gmanifold.flow-fisher"},
			maxSize:  1,
		},
		{
			name:   "mmd flow with the sign flipped (ascent): Ċ = 8(C² − C)",
			family: "gmanifold",
			plant: func(o *theorems.Ops) {
				o.GaussFlow = faultFlow(ref.GaussFlow, "mmd_poly", func(C *mat.SymDense) mat.Matrix {
					return fFunc(C, func(l float64) float64 { return 8 * (l*l - l) })
				})
			},
			caughtBy: []string{"gmanifold.flows-descend"},
			maxSize:  1,
		},
	}
	for _, f := range faults {
		expectCaught(t, f)
	}
}

func TestFaultsGelbrich(t *testing.T) {
	faults := []fault{
		{
			name:     "bures with the commuting-case fidelity tr(S0^{1/2} S1^{1/2})",
			family:   "gelbrich",
			plant:    func(o *theorems.Ops) { o.Bures = faultBures(buresCommuting) },
			caughtBy: []string{"gelbrich.gaussian-equality", "gelbrich.inequality", "gelbrich.trace-bound"},
			maxSize:  3,
		},
		{
			name:   "bures returns W2 instead of W2²",
			family: "gelbrich",
			plant: func(o *theorems.Ops) {
				o.Bures = faultBures(func(m0 []float64, S0 *mat.SymDense, m1 []float64, S1 *mat.SymDense) float64 {
					return math.Sqrt(math.Max(sqDistF(m0, m1)+buresTrue(S0, S1), 0))
				})
			},
			caughtBy: []string{"gelbrich.gaussian-equality", "gelbrich.inequality"},
			maxSize:  3,
		},
		{
			name:   "bures ignores the means",
			family: "gelbrich",
			plant: func(o *theorems.Ops) {
				o.Bures = faultBures(func(m0 []float64, S0 *mat.SymDense, m1 []float64, S1 *mat.SymDense) float64 {
					return math.Max(buresTrue(S0, S1), 0)
				})
			},
			caughtBy: []string{"gelbrich.gaussian-equality"},
			maxSize:  3,
		},
		{
			name:   "bures with the cross term not doubled: tr S0 + tr S1 − tr((S0^{1/2}S1S0^{1/2})^{1/2})",
			family: "gelbrich",
			plant: func(o *theorems.Ops) {
				o.Bures = faultBures(func(m0 []float64, S0 *mat.SymDense, m1 []float64, S1 *mat.SymDense) float64 {
					b := buresTrue(S0, S1)
					cross := (mat.Trace(S0) + mat.Trace(S1) - b) / 2
					return sqDistF(m0, m1) + mat.Trace(S0) + mat.Trace(S1) - cross
				})
			},
			caughtBy: []string{"gelbrich.inequality", "gelbrich.trace-bound", "gelbrich.projection-contraction"},
			maxSize:  3,
		},
	}
	for _, f := range faults {
		expectCaught(t, f)
	}
}

func TestFaultsPolar(t *testing.T) {
	faults := []fault{
		{
			name:   "ot map returns the Cholesky factor (Knothe–Rosenblatt, same law, higher cost)",
			family: "polar",
			plant: func(o *theorems.Ops) {
				o.GaussOTMap = faultOTMap(func(S0, S1 *mat.SymDense) mat.Matrix {
					var ch mat.Cholesky
					ch.Factorize(S1)
					var L mat.TriDense
					ch.LTo(&L)
					return fMul(&L, fInvSqrt(S0))
				})
			},
			caughtBy: []string{"polar.same-law-different-cost"},
			maxSize:  2,
		},
		{
			name:   "ot map returns S1^{1/2} R for a fixed rotation R (same law, higher cost)",
			family: "polar",
			plant: func(o *theorems.Ops) {
				o.GaussOTMap = faultOTMap(func(S0, S1 *mat.SymDense) mat.Matrix {
					d := S0.SymmetricDim()
					R := mat.NewDense(d, d, nil)
					for i := 0; i < d; i++ {
						R.Set(i, i, 1)
					}
					if d >= 2 {
						c, s := math.Cos(0.5), math.Sin(0.5)
						R.Set(0, 0, c)
						R.Set(0, 1, -s)
						R.Set(1, 0, s)
						R.Set(1, 1, c)
					}
					return fMul(fSqrt(S1), R, fInvSqrt(S0))
				})
			},
			caughtBy: []string{"polar.same-law-different-cost"},
			maxSize:  2,
		},
		{
			name:   "ot map returns S1 itself (no square root: wrong law)",
			family: "polar",
			plant: func(o *theorems.Ops) {
				o.GaussOTMap = faultOTMap(func(S0, S1 *mat.SymDense) mat.Matrix { return fMul(S1) })
			},
			caughtBy: []string{"polar.same-law-different-cost"},
			maxSize:  1,
		},
	}
	for _, f := range faults {
		expectCaught(t, f)
	}
}
