package gaussian

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/internal/robust"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// BrenierMap returns the Brenier (optimal transport) map x ↦ A x from
// N(0, S0) to N(0, S1) for the quadratic cost:
//
//	A = S0^{-1/2} (S0^{1/2} S1 S0^{1/2})^{1/2} S0^{-1/2},
//
// the unique symmetric positive definite matrix with A S0 A = S1, i.e. the
// gradient of the convex potential x ↦ ½ xᵀ A x ([P] § Global Optimality:
// Brenier's Theorem; [C] eq. 30; protocol.md op gauss.ot_map). Between
// N(m0, S0) and N(m1, S1) the map is x ↦ m1 + A (x − m0).
//
// Method (Cholesky form). With the Cholesky factorisations S0 = L Lᵀ,
// S1 = L1 L1ᵀ and M = Lᵀ S1 L (symmetric positive definite),
//
//	A = L^{-T} M^{1/2} L^{-1}.
//
// Proof: A is symmetric, and positive definite since xᵀ A x = yᵀ M^{1/2} y
// with y = L^{-1} x ≠ 0 for x ≠ 0; and A S0 A = L^{-T} M^{1/2} (L^{-1} L Lᵀ
// L^{-T}) M^{1/2} L^{-1} = L^{-T} M L^{-1} = S1. A symmetric positive
// definite solution of A S0 A = S1 is unique (S0^{1/2} A S0^{1/2} is then a
// positive definite square root of S0^{1/2} S1 S0^{1/2}, and that root is
// unique), so this is the map above ([C] eq. 30; [P] § Global Optimality:
// Brenier's Theorem). M^{1/2} comes from the singular value decomposition
// K = L1ᵀ L = U diag(σ) Vᵀ (so M = Kᵀ K = V diag(σ²) Vᵀ and
// M^{1/2} = V diag(σ) Vᵀ; right factor only, robust.SVDRight, verified),
// which gives the small σ_i to an absolute error of order eps·σ_max where
// an eigendecomposition of M would give them to (eps)^{1/2}·σ_max. Then
// W = L^{-T} V (a triangular solve), Y = W diag(σ^{1/2}) and A = Y Yᵀ,
// formed as a symmetric rank-d update, so the result is exactly symmetric
// and positive semidefinite by construction; no inverse enters the result
// (the certificate below forms U^{-1} only for its norm). S0 and
// S1 are first scaled by powers of 2 (exact) so that their largest entries
// lie in [1/4, 1), and A is scaled back by 2^{(e1−e0)/2}: nothing
// overflows or underflows in between when S0 or S1 are near the float64
// limits. Cost: two Cholesky factorisations, triangular products and
// solves and one SVD without U (about 1/5 of the time of a symmetric
// eigendecomposition with gonum, which rotates strided columns); the
// earlier method (two symmetric square roots and a full SVD of
// S1^{1/2} S0^{1/2}) took four eigendecompositions and an SVD.
//
// Preconditions: S0 symmetric positive definite to working accuracy
// (λ_min > 16·d·eps·λ_max), S1 symmetric positive definite likewise, equal
// dimensions; otherwise an error wrapping numerics.ErrInvalid (and
// numerics.ErrNotSPD). Singular, indefinite or nearly singular covariances
// are refused. The test is robust.CheckSPD's, which needs a verified
// eigendecomposition; it is skipped when the Cholesky factor U (S = Uᵀ U)
// certifies the bound with room to spare:
// ‖S‖_F·‖U^{-1}‖_F²·(64·d + d(d+1))·eps < 1 implies, since
// λ_max ≤ ‖S‖_F and λ_min ≥ σ_min(U)² − d(d+1)·eps·‖S‖ (Cholesky's
// backward error) with 1/σ_min(U)² ≤ ‖U^{-1}‖_F², that λ_min exceeds four
// times the threshold 16·d·eps·λ_max, far outside the rounding error of
// robust.CheckSPD's eigenvalues, which would accept S too. Every other S
// goes through robust.CheckSPD, so the accepted inputs and the errors are
// those of the earlier method.
//
// Accuracy: the pushforward residual max|A S0 A − S1| relative to the size
// of the terms max(|A| S0 |A|) measured ≤ 2e-14 at d = 8 for κ(S0) and
// κ(S1) up to 1e10, independent and shared eigenbases
// (TestBrenierIllConditioned requires ≤ 1e-12; protocol.md allows 1e-7).
// The forward error max|Â − A|/max|A| against a 256-bit evaluation of the
// formula above is ≤ 4·d·eps·(κ(S0) + κ(S1)) (TestBrenierMatchesBigFloat,
// which logs the table with -v). Against the earlier method, over classes
// of inputs (independent, shared or reversed eigenbases, S1 = c·S0^{-1},
// graded, magnitudes from 1e-300 to 1e300; d ≤ 8, κ ≤ 1e10; 25 draws per
// class) the worst error per class was at most 2.6 times the earlier
// method's (d = 2, S1 ∝ S0^{-1} or reversed eigenvalues, where both are at
// the problem's sensitivity ≈ eps·κ) and up to 1e5–1e6 times smaller
// (S1 = S0 or shared eigenbases at κ = 1e10, graded pairs); no class is
// less accurate beyond that factor, so no input is routed to the earlier
// method.
func BrenierMap(S0, S1 *mat.SymDense) (*mat.SymDense, error) {
	d, err := checkSym("S0", S0, -1)
	if err != nil {
		return nil, err
	}
	f0, err := spdFactor("S0", S0)
	if err != nil {
		return nil, err
	}
	if _, err := checkSym("S1", S1, d); err != nil {
		return nil, err
	}
	f1, err := spdFactor("S1", S1)
	if err != nil {
		return nil, err
	}
	A, err := brenierCholesky(f0, f1)
	if err != nil {
		return nil, fmt.Errorf("gaussian: BrenierMap: %w", err)
	}
	return finiteResult("BrenierMap", A)
}

// spd is a positive definite covariance scaled by 2^{-e} (e even, largest
// entry in [1/4, 1)) with its upper Cholesky factor: S·2^{-e} = Uᵀ U.
type spd struct {
	d int
	e int
	U blas64.Triangular
}

// spdFactor validates S as positive definite to working accuracy (the
// contract of robust.CheckSPD; see BrenierMap for the certificate that
// skips its eigendecomposition) and returns its scaled Cholesky factor.
func spdFactor(name string, S *mat.SymDense) (spd, error) {
	f, ok, certified := scaledCholesky(S)
	if certified {
		return f, nil
	}
	if err := robust.CheckSPD(S); err != nil {
		return spd{}, wrapName(name, err)
	}
	if !ok { // not observed: robust.CheckSPD's Cholesky of the unscaled S succeeded
		return spd{}, wrapName(name, fmt.Errorf("%w: %w: Cholesky factorisation of the scaled matrix failed", numerics.ErrInvalid, numerics.ErrNotSPD))
	}
	return f, nil
}

// scaledCholesky scales S by 2^{-e} (e even, largest entry in [1/4, 1);
// exact) and factorises it. ok reports whether the factorisation
// succeeded, certified whether certifiedSPD holds as well.
func scaledCholesky(S *mat.SymDense) (f spd, ok, certified bool) {
	d := S.SymmetricDim()
	mx := 0.0
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			mx = math.Max(mx, math.Abs(S.At(i, j)))
		}
	}
	e := 0
	if mx > 0 {
		_, e = math.Frexp(mx) // mx = f·2^e, f ∈ [1/2, 1)
		if e%2 != 0 {
			e++
		}
	}
	a := make([]float64, d*d)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			a[i*d+j] = math.Ldexp(S.At(i, j), -e)
		}
	}
	frob := mat.Norm(mat.NewDense(d, d, a), 2) // before Potrf overwrites a
	U, ok := lapack64.Potrf(blas64.Symmetric{N: d, Stride: d, Data: a, Uplo: blas.Upper})
	return spd{d: d, e: e, U: U}, ok, ok && certifiedSPD(U, frob)
}

// certifiedSPD reports whether ‖S‖_F·‖U^{-1}‖_F²·(64·d + d(d+1))·eps < 1
// for S = Uᵀ U with ‖S‖_F = frob: a sufficient condition for
// λ_min(S) > 4·16·d·eps·λ_max(S) (see BrenierMap).
func certifiedSPD(U blas64.Triangular, frob float64) bool {
	d := U.N
	inv := make([]float64, d*d)
	for i := 0; i < d; i++ {
		copy(inv[i*d+i:(i+1)*d], U.Data[i*U.Stride+i:i*U.Stride+d])
	}
	if !lapack64.Trtri(blas64.Triangular{N: d, Stride: d, Data: inv, Uplo: blas.Upper, Diag: blas.NonUnit}) {
		return false
	}
	fd := float64(d)
	s := mat.Norm(mat.NewDense(d, d, inv), 2)
	return frob*s*s*(64*fd+fd*(fd+1))*eps < 1
}

// eps is the unit roundoff of float64.
const eps = 0x1p-53

// brenierCholesky computes the Brenier map by the Cholesky form (see
// BrenierMap) from the scaled factors S0·2^{-e0} = U0ᵀ U0 (L = U0ᵀ) and
// S1·2^{-e1} = U1ᵀ U1 (L1 = U1ᵀ).
func brenierCholesky(f0, f1 spd) (*mat.SymDense, error) {
	d := f0.d
	// K = L1ᵀ L = U1 U0ᵀ.
	k := make([]float64, d*d)
	for i := 0; i < d; i++ {
		for j := 0; j <= i; j++ {
			k[i*d+j] = f0.U.Data[j*f0.U.Stride+i]
		}
	}
	blas64.Trmm(blas.Left, blas.NoTrans, 1, f1.U, blas64.General{Rows: d, Cols: d, Stride: d, Data: k})
	// K = U diag(σ) Vᵀ, so M = Kᵀ K = Lᵀ S1 L = V diag(σ²) Vᵀ and
	// M^{1/2} = V diag(σ) Vᵀ.
	sig, V, err := robust.SVDRight(mat.NewDense(d, d, k))
	if err != nil {
		return nil, fmt.Errorf("SVD of L1ᵀ L: %w", err)
	}
	// W = L^{-T} V = U0^{-1} V; Y = W diag(σ^{1/2}); A = Y Yᵀ.
	W := V.RawMatrix()
	blas64.Trsm(blas.Left, blas.NoTrans, 1, f0.U, W)
	for j, sj := range sig {
		q := math.Sqrt(sj)
		for i := 0; i < d; i++ {
			W.Data[i*W.Stride+j] *= q
		}
	}
	A := blas64.Symmetric{N: d, Stride: d, Data: make([]float64, d*d), Uplo: blas.Upper}
	blas64.Syrk(blas.NoTrans, 1, W, 0, A)
	// Undo the scaling: A = 2^{(e1−e0)/2} A' (e0, e1 even).
	if sh := (f1.e - f0.e) / 2; sh != 0 {
		for i := 0; i < d; i++ {
			for j := i; j < d; j++ {
				A.Data[i*d+j] = math.Ldexp(A.Data[i*d+j], sh)
			}
		}
	}
	return mat.NewSymDense(d, A.Data), nil
}

// scaleCols returns M·diag(s).
func scaleCols(M *mat.Dense, s []float64) *mat.Dense {
	r, c := M.Dims()
	out := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out.Set(i, j, M.At(i, j)*s[j])
		}
	}
	return out
}

// MapCost returns the quadratic cost of the linear map x ↦ A x on
// X ~ N(0, S0):
//
//	cost(A) = E‖X − A X‖² = tr((I − A) S0 (I − A)ᵀ) = ‖(I − A) S0^{1/2}‖_F²,
//
// not halved ([P] § Immediate Consequence of Brenier's Theorem). For the
// Brenier map it equals B²(S0, A S0 Aᵀ). Preconditions: A d×d finite, S0 d×d
// positive semidefinite. Accuracy: computed as a sum of squares of
// (I − A)·S0^{1/2}, so the relative error is a few d·eps even when A ≈ I
// (no cancellation between tr S0, tr(A S0) and tr(A S0 Aᵀ)).
func MapCost(A mat.Matrix, S0 *mat.SymDense) (float64, error) {
	d, err := checkSym("S0", S0, -1)
	if err != nil {
		return 0, err
	}
	if _, err := checkSquare("A", A, d); err != nil {
		return 0, err
	}
	R0, err := robust.Sqrt(S0)
	if err != nil {
		return 0, wrapName("S0", err)
	}
	D := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			v := -A.At(i, j)
			if i == j {
				v++
			}
			D.Set(i, j, v)
		}
	}
	P := mul(D, R0)
	s := 0.0
	for _, v := range P.RawMatrix().Data {
		s += v * v
	}
	if math.IsInf(s, 0) || math.IsNaN(s) {
		return 0, fmt.Errorf("gaussian: MapCost: %w", ErrOverflow)
	}
	return s, nil
}

// McCannMap returns A_t = (1 − t) I + t A, the time-t map of McCann's
// displacement interpolation along the linear map A: if A is the Brenier
// map from N(0, S0) to N(0, S1), then μ_t = N(0, A_t S0 A_tᵀ) is the W2
// geodesic, W2(μ_s, μ_t) = |t − s| W2(μ_0, μ_1) ([C] § Stochastic
// interpolant: McCann interpolation; [P] § Dynamic Optimal Transport).
// Preconditions: A square and finite, t finite (any real t is accepted;
// the geodesic is the segment t ∈ [0, 1]; else ErrInvalid). A diagonal entry
// whose terms (1 − t) and t·A_ii overflow although their sum does not (A_ii
// near 1, |t| near MaxFloat64) is formed as 1 + t(A_ii − 1); an entry of A_t
// that does not fit float64 returns an error wrapping ErrOverflow (never
// ±Inf).
func McCannMap(A mat.Matrix, t float64) (*mat.Dense, error) {
	d, err := checkSquare("A", A, -1)
	if err != nil {
		return nil, err
	}
	if math.IsNaN(t) || math.IsInf(t, 0) {
		return nil, numerics.Invalidf("gaussian: McCannMap: t = %v is not finite", t)
	}
	At := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			a := A.At(i, j)
			v := t * a
			if i == j {
				v += 1 - t
				if math.IsInf(v, 0) || math.IsNaN(v) {
					v = 1 + t*(a-1)
				}
			}
			if math.IsInf(v, 0) || math.IsNaN(v) {
				return nil, fmt.Errorf("gaussian: McCannMap: entry (%d, %d) of (1 − t)I + tA at t = %g: %w", i, j, t, ErrOverflow)
			}
			At.Set(i, j, v)
		}
	}
	return At, nil
}

// McCannCovariance returns the covariance A_t S0 A_tᵀ of McCann's
// interpolation at time t (see McCannMap), symmetrised. For the Brenier map
// A it is ((1−t) I + t A) S0 ((1−t) I + t A). Preconditions: as McCannMap,
// and S0 of A's dimension. A_t or the product that does not fit float64
// returns an error wrapping ErrOverflow.
func McCannCovariance(S0 *mat.SymDense, A mat.Matrix, t float64) (*mat.SymDense, error) {
	d, err := checkSym("S0", S0, -1)
	if err != nil {
		return nil, err
	}
	if _, err := checkSquare("A", A, d); err != nil {
		return nil, err
	}
	At, err := McCannMap(A, t)
	if err != nil {
		return nil, err
	}
	return finiteResult("McCannCovariance", symPart(mul3(At, S0, At.T())))
}
