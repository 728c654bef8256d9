package gaussian

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// cholL returns the lower Cholesky factor L (S = L Lᵀ, positive diagonal)
// of a symmetric positive definite S.
func cholL(name string, S *mat.SymDense) (*mat.TriDense, error) {
	var ch mat.Cholesky
	if !ch.Factorize(S) {
		return nil, wrapName(name, fmt.Errorf("%w: %w: Cholesky factorisation failed", numerics.ErrInvalid, numerics.ErrNotSPD))
	}
	var L mat.TriDense
	ch.LTo(&L)
	return &L, nil
}

// KnotheRosenblattMap returns the Knothe–Rosenblatt map x ↦ A x from
// N(0, S0) to N(0, S1) for the coordinates in the given order:
//
//	A = L1 L0^{-1},
//
// with L0, L1 the lower Cholesky factors (S = L Lᵀ, positive diagonal). A is
// lower triangular with positive diagonal and A S0 Aᵀ = S1, and it is the
// only such matrix, since A L0 is then the Cholesky factor of S1 ([P]
// § Knothe-Rosenblatt Rearrangement; § Knothe-Rosenblatt vs Brenier in 2D,
// T_KR(z) = L z from N(0, I); protocol.md op gauss.kr_map). Row i of A is
// the conditional quantile transform of coordinate i given the earlier ones
// (see KnotheRosenblattApply).
//
// Method: Cholesky factorisations (LAPACK dpotrf) and one triangular solve
// X L0 = L1 (BLAS dtrsm); entries above the diagonal are exactly 0.
// Preconditions: S0, S1 symmetric positive definite (Cholesky succeeds and
// λ_min > 16·d·eps·λ_max), equal dimensions; else an error wrapping
// numerics.ErrInvalid. Accuracy: the pushforward residual is about
// d·eps·κ(S0)^{1/2} relative to the size of the terms |A| S0 |A|ᵀ.
func KnotheRosenblattMap(S0, S1 *mat.SymDense) (*mat.Dense, error) {
	d, err := checkSPD("S0", S0, -1)
	if err != nil {
		return nil, err
	}
	if _, err := checkSPD("S1", S1, d); err != nil {
		return nil, err
	}
	L0, err := cholL("S0", S0)
	if err != nil {
		return nil, err
	}
	L1, err := cholL("S1", S1)
	if err != nil {
		return nil, err
	}
	X := mat.NewDense(d, d, nil)
	X.Copy(L1)
	blas64.Trsm(blas.Right, blas.NoTrans, 1, L0.RawTriangular(), X.RawMatrix())
	for i := 0; i < d; i++ {
		for j := i + 1; j < d; j++ {
			X.Set(i, j, 0)
		}
	}
	return finiteResult("KnotheRosenblattMap", X)
}

// KnotheRosenblattApply returns y = T_KR(x), the Knothe–Rosenblatt map from
// N(0, S0) to N(0, S1) evaluated at the point x by its defining sequence of
// one-dimensional conditional quantile transforms ([P] § Knothe-Rosenblatt
// Rearrangement):
//
//	y_i = F^{-1}_{Y_i | Y_<i = y_<i}( F_{X_i | X_<i = x_<i}(x_i) ),  i = 1, …, d,
//
// where for a centred Gaussian with covariance S the conditional law of
// coordinate i given the earlier ones at v_<i is N(μ, σ²) with
// μ = S_{i,<i} S_{<i,<i}^{-1} v_<i and σ² = S_ii − S_{i,<i} S_{<i,<i}^{-1} S_{<i,i}
// (Schur complement; each leading block solved by its own Cholesky
// factorisation). The CDF and quantile are NormalCDF and NormalQuantile,
// evaluated through the lower tail so that the composition keeps full
// relative accuracy for large |z|.
//
// This is an independent algorithm for KnotheRosenblattMap(S0, S1)·x (it
// shares no factorisation with it). Preconditions: as KnotheRosenblattMap,
// and x finite of length d. Accuracy: about d·eps·κ(S0)·‖x‖-scaled
// (Schur complements of ill-conditioned blocks lose κ·eps relative).
func KnotheRosenblattApply(S0, S1 *mat.SymDense, x []float64) ([]float64, error) {
	d, err := checkSPD("S0", S0, -1)
	if err != nil {
		return nil, err
	}
	if _, err := checkSPD("S1", S1, d); err != nil {
		return nil, err
	}
	if err := checkVec("x", x, d); err != nil {
		return nil, err
	}
	y := make([]float64, d)
	for i := 0; i < d; i++ {
		mu, sd, err := conditional(S0, i, x)
		if err != nil {
			return nil, wrapName("S0", err)
		}
		nu, tau, err := conditional(S1, i, y)
		if err != nil {
			return nil, wrapName("S1", err)
		}
		y[i] = nu + tau*normalTransform((x[i]-mu)/sd)
	}
	for _, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("gaussian: KnotheRosenblattApply: %w", ErrOverflow)
		}
	}
	return y, nil
}

// conditional returns the mean and standard deviation of coordinate i of
// N(0, S) given coordinates 0..i−1 equal to v[:i].
func conditional(S *mat.SymDense, i int, v []float64) (mu, sd float64, err error) {
	if i == 0 {
		return 0, math.Sqrt(S.At(0, 0)), nil
	}
	B := mat.NewSymDense(i, nil)
	c := mat.NewVecDense(i, nil)
	for a := 0; a < i; a++ {
		for b := a; b < i; b++ {
			B.SetSym(a, b, S.At(a, b))
		}
		c.SetVec(a, S.At(i, a))
	}
	var ch mat.Cholesky
	if !ch.Factorize(B) {
		return 0, 0, fmt.Errorf("%w: %w: leading %d×%d block is not positive definite", numerics.ErrInvalid, numerics.ErrNotSPD, i, i)
	}
	var w mat.VecDense // w = B^{-1} c
	if err := ch.SolveVecTo(&w, c); err != nil {
		return 0, 0, fmt.Errorf("%w: %w: leading block singular: %v", numerics.ErrInvalid, numerics.ErrNotSPD, err)
	}
	s2 := S.At(i, i)
	for a := 0; a < i; a++ {
		mu += w.AtVec(a) * v[a]
		s2 -= w.AtVec(a) * c.AtVec(a)
	}
	if !(s2 > 0) {
		return 0, 0, fmt.Errorf("%w: %w: conditional variance %g of coordinate %d is not positive", numerics.ErrInvalid, numerics.ErrNotSPD, s2, i)
	}
	return mu, math.Sqrt(s2), nil
}

// WeightedBrenierMap returns the optimal linear map x ↦ A x from N(0, S0) to
// N(0, S1) for the weighted quadratic cost c(x, y) = Σ_i λ_i (x_i − y_i)²:
//
//	A = D^{-1} B D,  D = diag(λ)^{1/2},  B = BrenierMap(D S0 D, D S1 D),
//
// since c(x, y) = ‖D x − D y‖² and D pushes N(0, S) to N(0, D S D). As
// λ = (1, δ, δ², …) with δ → 0 it tends to the Knothe–Rosenblatt map ([P]
// § Knothe-Rosenblatt Rearrangement: "the optimal limit of a heavily skewed
// quadratic cost").
//
// Preconditions: S0, S1 symmetric positive definite of dimension d; λ of
// length d, finite and > 0; the scaled covariances D S D must stay positive
// definite to working accuracy (κ(D S D) ≤ about 1e13), else an error
// wrapping numerics.ErrInvalid. Accuracy: that of BrenierMap on D S0 D and
// D S1 D, whose condition numbers are up to κ(S)·max λ/min λ; conjugation by
// D is exact up to one rounding per entry.
func WeightedBrenierMap(S0, S1 *mat.SymDense, lambda []float64) (*mat.Dense, error) {
	d, err := checkSPD("S0", S0, -1)
	if err != nil {
		return nil, err
	}
	if _, err := checkSPD("S1", S1, d); err != nil {
		return nil, err
	}
	if err := checkVec("lambda", lambda, d); err != nil {
		return nil, err
	}
	D := make([]float64, d)
	for i, l := range lambda {
		if !(l > 0) {
			return nil, numerics.Invalidf("gaussian: WeightedBrenierMap: lambda[%d] = %g must be > 0", i, l)
		}
		D[i] = math.Sqrt(l)
	}
	scale := func(S *mat.SymDense) *mat.SymDense {
		T := mat.NewSymDense(d, nil)
		for i := 0; i < d; i++ {
			for j := i; j < d; j++ {
				T.SetSym(i, j, D[i]*S.At(i, j)*D[j])
			}
		}
		return T
	}
	B, err := BrenierMap(scale(S0), scale(S1))
	if err != nil {
		return nil, fmt.Errorf("gaussian: WeightedBrenierMap: %w", err)
	}
	A := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			A.Set(i, j, B.At(i, j)/D[i]*D[j])
		}
	}
	return finiteResult("WeightedBrenierMap", A)
}
