package theorems

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// Generators and independent ground-truth helpers of the Gaussian families
// (gaussian, gmanifold, gelbrich, polar). Everything random is drawn with
// rapid so failures shrink: rotations are products of Givens rotations whose
// angles shrink to 0 (the identity), spectra are log-uniform between a drawn
// scale and scale·κ with κ from a fixed list that reaches 1e6.
//
// The helpers here compute ground truth by algorithms that share no code
// with the reference operations (reference/gaussian, reference/gmanifold):
// Cholesky factors and SVDs instead of symmetric eigendecompositions,
// generic Gaussian conditioning instead of closed forms, ODE integration
// instead of flow-map formulas, finite differences of energies instead of
// gradient formulas.

// gsCov is a covariance S = Q diag(Lam) Qᵀ built by a generator, which keeps
// its exact eigenstructure for independent computations.
type gsCov struct {
	S   *mat.SymDense
	Q   *mat.Dense
	Lam []float64
}

func (c gsCov) dim() int           { return len(c.Lam) }
func (c gsCov) rows() [][]float64  { return numerics.ToRows(c.S) }
func (c gsCov) minEig() float64    { return gsMinOf(c.Lam) }
func (c gsCov) maxEig() float64    { return gsMaxOf(c.Lam) }
func (c gsCov) cond() float64      { return c.maxEig() / c.minEig() }
func (c gsCov) trace() float64     { return sum(c.Lam) }
func (c gsCov) factor() *mat.Dense { return gsScaleCols(c.Q, gsSqrtAll(c.Lam)) }
func (c gsCov) fn(f func(float64) float64) *mat.SymDense {
	g := make([]float64, len(c.Lam))
	for i, l := range c.Lam {
		g[i] = f(l)
	}
	return gsGram(c.Q, g)
}

func gsMinOf(x []float64) float64 {
	m := math.Inf(1)
	for _, v := range x {
		m = math.Min(m, v)
	}
	return m
}

func gsMaxOf(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	return m
}

func gsSqrtAll(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = math.Sqrt(v)
	}
	return y
}

// gsScaleCols returns M·diag(s).
func gsScaleCols(M *mat.Dense, s []float64) *mat.Dense {
	r, c := M.Dims()
	out := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out.Set(i, j, M.At(i, j)*s[j])
		}
	}
	return out
}

// gsGram returns W diag(s) Wᵀ, exactly symmetric.
func gsGram(W *mat.Dense, s []float64) *mat.SymDense {
	n, k := W.Dims()
	out := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := 0.0
			for l := 0; l < k; l++ {
				v += W.At(i, l) * s[l] * W.At(j, l)
			}
			out.SetSym(i, j, v)
		}
	}
	return out
}

func gsMmul(A, B mat.Matrix) *mat.Dense {
	var C mat.Dense
	C.Mul(A, B)
	return &C
}

func gsMmul3(A, B, C mat.Matrix) *mat.Dense { return gsMmul(gsMmul(A, B), C) }

func gsEye(d int) *mat.Dense {
	I := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		I.Set(i, i, 1)
	}
	return I
}

func gsSymOf(A mat.Matrix) *mat.SymDense {
	n, _ := A.Dims()
	S := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			S.SetSym(i, j, 0.5*(A.At(i, j)+A.At(j, i)))
		}
	}
	return S
}

func gsDenseOf(M [][]float64) *mat.Dense {
	d, _ := numerics.DenseFromRows(M)
	return d
}

// gsMatAbs returns the entrywise absolute value.
func gsMatAbs(A mat.Matrix) *mat.Dense {
	r, c := A.Dims()
	B := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			B.Set(i, j, math.Abs(A.At(i, j)))
		}
	}
	return B
}

// gsTermScale returns max_ij (|A| |S| |B|ᵀ)_ij: the size of the terms of the
// product A S Bᵀ, protocol.md's scale for comparing such a product.
func gsTermScale(A, S, B mat.Matrix) float64 {
	return numerics.MatMaxAbs(gsMmul3(gsMatAbs(A), gsMatAbs(S), gsMatAbs(B).T()))
}

// gsAsym returns max_ij |A_ij − A_ji|.
func gsAsym(A mat.Matrix) float64 {
	n, _ := A.Dims()
	m := 0.0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			m = math.Max(m, math.Abs(A.At(i, j)-A.At(j, i)))
		}
	}
	return m
}

// gsMinEigSym returns the smallest eigenvalue of the symmetric part of A.
func gsMinEigSym(A mat.Matrix) float64 {
	var eig mat.EigenSym
	if !eig.Factorize(gsSymOf(A), false) {
		return math.NaN()
	}
	return eig.Values(nil)[0]
}

// gsRelCommutator returns ‖S0 S1 − S1 S0‖_max / (‖S0‖_max ‖S1‖_max).
func gsRelCommutator(S0, S1 mat.Matrix) float64 {
	P := gsMmul(S0, S1)
	n, _ := P.Dims()
	m := 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			m = math.Max(m, math.Abs(P.At(i, j)-P.At(j, i)))
		}
	}
	return m / (numerics.MatMaxAbs(S0) * numerics.MatMaxAbs(S1))
}

// ----- generators ------------------------------------------------------

// gsDrawRotation draws Q = Π_{i<j} G_ij(θ_ij), a product of Givens rotations
// (every rotation of SO(d) is such a product); the angles shrink to 0, the
// identity. minAngle > 0 forces |θ_01| ≥ minAngle (a rotation that mixes the
// first two axes).
func gsDrawRotation(t *rapid.T, d int, name string, minAngle float64) *mat.Dense {
	Q := gsEye(d)
	k := d * (d - 1) / 2
	if k == 0 {
		return Q
	}
	ang := rapid.SliceOfN(rapid.Float64Range(-math.Pi, math.Pi), k, k).Draw(t, name)
	if minAngle > 0 {
		a := math.Abs(ang[0])
		a = minAngle + math.Mod(a, math.Pi/2-2*minAngle)
		ang[0] = a
	}
	n := 0
	for i := 0; i < d; i++ {
		for j := i + 1; j < d; j++ {
			c, s := math.Cos(ang[n]), math.Sin(ang[n])
			n++
			for r := 0; r < d; r++ { // Q ← Q·G_ij
				qi, qj := Q.At(r, i), Q.At(r, j)
				Q.Set(r, i, c*qi-s*qj)
				Q.Set(r, j, s*qi+c*qj)
			}
		}
	}
	return Q
}

// gsDrawSpectrum draws d eigenvalues scale·κ^{u_i} with κ from conds, scale
// log-uniform in [0.1, 10], u_0 = 0 and u_1 = 1 (so the condition number is
// exactly κ for d ≥ 2) and the other u_i uniform in [0, 1].
func gsDrawSpectrum(t *rapid.T, d int, name string, conds []float64) []float64 {
	kappa := rapid.SampledFrom(conds).Draw(t, name+".cond")
	scale := math.Pow(10, rapid.Float64Range(-1, 1).Draw(t, name+".scale"))
	u := rapid.SliceOfN(rapid.Float64Range(0, 1), d, d).Draw(t, name+".u")
	lam := make([]float64, d)
	for i := range lam {
		switch {
		case i == 0:
			u[i] = 0
		case i == 1:
			u[i] = 1
		}
		lam[i] = scale * math.Pow(kappa, u[i])
	}
	return lam
}

// gsMakeCov returns Q diag(lam) Qᵀ.
func gsMakeCov(Q *mat.Dense, lam []float64) gsCov {
	return gsCov{S: gsGram(Q, lam), Q: Q, Lam: append([]float64(nil), lam...)}
}

// gsDrawCov draws a covariance with a random rotation and spectrum.
func gsDrawCov(t *rapid.T, d int, name string, conds []float64) gsCov {
	lam := gsDrawSpectrum(t, d, name, conds)
	return gsMakeCov(gsDrawRotation(t, d, name+".rot", 0), lam)
}

// Pair kinds of gsDrawCovPair.
const (
	gsPairGeneral      = "general"       // independent rotations
	gsPairCommuting    = "commuting"     // one eigenbasis: S0 S1 = S1 S0
	gsPairNonCommuting = "non-commuting" // S1's basis rotated from S0's in the plane of S0's extreme eigenvectors
)

// gsDrawCovPair draws S0, S1 of dimension d of the given kind.
func gsDrawCovPair(t *rapid.T, d int, kind string, conds []float64) (gsCov, gsCov) {
	c0 := gsDrawCov(t, d, "S0", conds)
	lam1 := gsDrawSpectrum(t, d, "S1", conds)
	switch kind {
	case gsPairCommuting:
		perm := rapid.Permutation(gsSeq(d)).Draw(t, "S1.perm")
		pl := make([]float64, d)
		for i, p := range perm {
			pl[i] = lam1[p]
		}
		return c0, gsMakeCov(c0.Q, pl)
	case gsPairNonCommuting:
		G := gsDrawRotation(t, d, "S1.rot", 0.3)
		return c0, gsMakeCov(gsMmul(c0.Q, G), lam1)
	default:
		return c0, gsMakeCov(gsDrawRotation(t, d, "S1.rot", 0), lam1)
	}
}

func gsSeq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// gsDrawPairKind draws a pair kind; d = 1 is always commuting.
func gsDrawPairKind(t *rapid.T, d int) string {
	if d == 1 {
		return gsPairCommuting
	}
	return rapid.SampledFrom([]string{gsPairNonCommuting, gsPairCommuting, gsPairGeneral}).Draw(t, "kind")
}

// gsDrawVec draws a vector with entries in [-r, r].
func gsDrawVec(t *rapid.T, d int, r float64, name string) []float64 {
	return rapid.SliceOfN(rapid.Float64Range(-r, r), d, d).Draw(t, name)
}

// ----- independent ground truth ----------------------------------------

// gsCholFactor returns the lower Cholesky factor of S (nil if S is not
// positive definite).
func gsCholFactor(S *mat.SymDense) *mat.TriDense {
	var ch mat.Cholesky
	if !ch.Factorize(S) {
		return nil
	}
	var L mat.TriDense
	ch.LTo(&L)
	return &L
}

// gsNuclear returns the sum of the singular values of A.
func gsNuclear(A mat.Matrix) float64 {
	var svd mat.SVD
	if !svd.Factorize(A, mat.SVDNone) {
		return math.NaN()
	}
	return sum(svd.Values(nil))
}

// gsBuresFactors returns B²(F0 F0ᵀ, F1 F1ᵀ) = ‖F0‖_F² + ‖F1‖_F² − 2‖F1ᵀ F0‖_*
// for any square factors F0, F1 (the singular values of F1ᵀF0 are the
// square roots of the eigenvalues of S0^{1/2} S1 S0^{1/2}); no symmetric
// square root is taken. Absolute error ≈ d²·eps·(tr S0 + tr S1).
func gsBuresFactors(F0, F1 mat.Matrix) float64 {
	f0 := mat.Norm(F0, 2)
	f1 := mat.Norm(F1, 2)
	return f0*f0 + f1*f1 - 2*gsNuclear(gsMmul(F1.T(), F0))
}

// gsBrenierChol returns the Brenier map from N(0, S0) to N(0, S1) by Cholesky
// factors and an SVD, sharing no factorisation with reference/gaussian's
// eigendecomposition-based BrenierMap: with S0 = L0 L0ᵀ, S1 = L1 L1ᵀ and
// L1ᵀ L0 = U Σ Vᵀ, (L0ᵀ S1 L0)^{1/2} = V Σ Vᵀ, and
// A = L0^{-T} (L0ᵀ S1 L0)^{1/2} L0^{-1} = W Σ Wᵀ with W = L0^{-T} V (one
// triangular solve): A is symmetric positive definite and A S0 A = S1.
// Accuracy measured against 60-digit arithmetic: ≈ 1e-11 relative at
// κ(S0) = κ(S1) = 1e6, d = 3.
func gsBrenierChol(S0, S1 *mat.SymDense) (*mat.SymDense, error) {
	L0, L1 := gsCholFactor(S0), gsCholFactor(S1)
	if L0 == nil || L1 == nil {
		return nil, fmt.Errorf("gsBrenierChol: covariance not positive definite")
	}
	var svd mat.SVD
	if !svd.Factorize(gsMmul(L1.T(), L0), mat.SVDFull) {
		return nil, fmt.Errorf("gsBrenierChol: SVD failed")
	}
	sv := svd.Values(nil)
	var V mat.Dense
	svd.VTo(&V)
	W := mat.DenseCopyOf(&V)
	blas64.Trsm(blas.Left, blas.Trans, 1, L0.RawTriangular(), W.RawMatrix())
	return gsGram(W, sv), nil
}

// gsCostOf returns E‖X − A X‖² = ‖(I − A) F‖_F² for X ~ N(0, F Fᵀ).
func gsCostOf(A mat.Matrix, F mat.Matrix) float64 {
	d, _ := A.Dims()
	D := mat.NewDense(d, d, nil)
	D.Sub(gsEye(d), A)
	n := mat.Norm(gsMmul(D, F), 2)
	return n * n
}

// gsSchedule is a scalar interpolation schedule Z_t = a_t X0 + b_t X1 given
// by its coefficients and their derivatives (all finite on [0, 1]).
type gsSchedule struct {
	name         string
	a, b, da, db func(t float64) float64
}

// The three schedules of gaussian.fm-schedule-invariance: the linear one,
// the trigonometric one and a variance-preserving one (a² + b² = 1, the
// normalised linear path), all with a_0 = b_1 = 1, a_1 = b_0 = 0.
var gsFmSchedules = []gsSchedule{
	{"linear", func(t float64) float64 { return 1 - t }, func(t float64) float64 { return t },
		func(float64) float64 { return -1 }, func(float64) float64 { return 1 }},
	{"trigonometric", func(t float64) float64 { return math.Cos(math.Pi * t / 2) }, func(t float64) float64 { return math.Sin(math.Pi * t / 2) },
		func(t float64) float64 { return -math.Pi / 2 * math.Sin(math.Pi*t/2) }, func(t float64) float64 { return math.Pi / 2 * math.Cos(math.Pi*t/2) }},
	{"variance-preserving", func(t float64) float64 { return (1 - t) / math.Hypot(1-t, t) }, func(t float64) float64 { return t / math.Hypot(1-t, t) },
		func(t float64) float64 { r2 := (1-t)*(1-t) + t*t; return -t / (r2 * math.Sqrt(r2)) },
		func(t float64) float64 { r2 := (1-t)*(1-t) + t*t; return (1 - t) / (r2 * math.Sqrt(r2)) }},
}

// gsCondVelocity returns V with E[Ż_t | Z_t = z] = V z for the schedule s,
// from generic Gaussian conditioning: the joint covariance of W = (X0, X1)
// is blockdiag(S0, S1); D = a'X0 + b'X1 and Z = aX0 + bX1 are the images
// of W under the coefficient blocks K_D = [a' I, b' I], K_Z = [a I, b I], so
// Cov(D, Z) = K_D Σ_W K_Zᵀ = a'a S0 + b'b S1 and Cov(Z) = K_Z Σ_W K_Zᵀ =
// a² S0 + b² S1, and V = Cov(D, Z) Cov(Z)^{-1}, solved by LU with partial
// pivoting on Cov(Z) Vᵀ = Cov(D, Z)ᵀ. It shares no code with
// reference/gaussian's closed form (eq. 27: a Cholesky solve with the
// schedule given through a², b² and their derivatives).
func gsCondVelocity(S0, S1 *mat.SymDense, s gsSchedule, t float64) (*mat.Dense, error) {
	d := S0.SymmetricDim()
	a, b, da, db := s.a(t), s.b(t), s.da(t), s.db(t)
	CZZ := mat.NewDense(d, d, nil)
	CDZt := mat.NewDense(d, d, nil) // Cov(D, Z)ᵀ = Cov(Z, D)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			s0, s1 := S0.At(i, j), S1.At(i, j)
			CZZ.Set(i, j, a*a*s0+b*b*s1)
			CDZt.Set(j, i, da*a*s0+db*b*s1)
		}
	}
	var lu mat.LU
	lu.Factorize(CZZ)
	var Vt mat.Dense
	if err := lu.SolveTo(&Vt, false, CDZt); err != nil {
		return nil, fmt.Errorf("gsCondVelocity: Cov(Z_t) singular at t = %g: %v", t, err)
	}
	return mat.DenseCopyOf(Vt.T()), nil
}

// gsIntegrateMatrixODE integrates Ẏ = V(t) Y, Y(0) = I from 0 to T with
// numerics.DormandPrince at relative and absolute tolerance tol.
func gsIntegrateMatrixODE(d int, V func(t float64) (*mat.Dense, error), T, tol float64) (*mat.Dense, int, error) {
	y0 := gsEye(d).RawMatrix().Data
	rhs := func(t float64, y, dy []float64) error {
		Vt, err := V(t)
		if err != nil {
			return err
		}
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				v := 0.0
				for k := 0; k < d; k++ {
					v += Vt.At(i, k) * y[k*d+j]
				}
				dy[i*d+j] = v
			}
		}
		return nil
	}
	sol, err := numerics.DormandPrince(rhs, 0, T, y0, numerics.Options{RelTol: tol, AbsTol: tol})
	if err != nil {
		return nil, 0, err
	}
	return mat.NewDense(d, d, append([]float64(nil), sol.Y...)), sol.Steps, nil
}

// gsFmMapODE returns the time-T flow map of the exact velocity of schedule
// s (gsCondVelocity) by integrating the matrix ODE.
func gsFmMapODE(S0, S1 *mat.SymDense, s gsSchedule, T, tol float64) (*mat.Dense, error) {
	A, _, err := gsIntegrateMatrixODE(S0.SymmetricDim(), func(t float64) (*mat.Dense, error) {
		return gsCondVelocity(S0, S1, s, t)
	}, T, tol)
	return A, err
}

// gsKrChol returns L1 L0^{-1} by a generic LU solve (Xᵀ from L0ᵀ Xᵀ = L1ᵀ).
func gsKrChol(S0, S1 *mat.SymDense) (*mat.Dense, error) {
	L0, L1 := gsCholFactor(S0), gsCholFactor(S1)
	if L0 == nil || L1 == nil {
		return nil, fmt.Errorf("gsKrChol: covariance not positive definite")
	}
	var Xt mat.Dense
	if err := Xt.Solve(L0.T(), L1.T()); err != nil {
		return nil, err
	}
	return mat.DenseCopyOf(Xt.T()), nil
}

// mapOps is the size of a map's entries: max|A|.
func gsMaxAbsM(A mat.Matrix) float64 { return numerics.MatMaxAbs(A) }
