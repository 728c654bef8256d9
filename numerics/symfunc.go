package numerics

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"

	"gonum.org/v1/gonum/mat"
)

// ErrNotSPD is wrapped (together with ErrInvalid) by the errors of functions
// that need a symmetric positive (semi)definite matrix and were given one
// that is not, to working accuracy. errors.Is(err, ErrInvalid) holds too.
var ErrNotSPD = errors.New("matrix not positive definite")

func notSPDf(format string, args ...any) error {
	return fmt.Errorf("%w: %w: %s", ErrInvalid, ErrNotSPD, fmt.Sprintf(format, args...))
}

// SymTol is the relative asymmetry accepted when a general matrix is read as
// a symmetric one: max_{i,j} |A_ij − A_ji| ≤ SymTol·max_{i,j} |A_ij|. It
// allows the rounding of a product such as L·Lᵀ or Q·Λ·Qᵀ computed in
// floating point (≈ d·eps relative, far below 1e-12 for d < 10⁴) and rejects
// matrices that are not symmetric by construction.
const SymTol = 1e-12

// eps is the unit roundoff of float64, 2⁻⁵³.
const eps = 0x1p-53

// eigTol returns the absolute eigenvalue uncertainty 16·d·eps·‖A‖₂ of a
// backward-stable symmetric eigensolver (LAPACK dsyev: |δλ| ≤ p(d)·eps·‖A‖₂),
// with a safety factor 16 on p(d) = d.
func eigTol(d int, norm float64) float64 { return 16 * float64(d) * eps * norm }

// checkSymDense validates a *mat.SymDense argument: non-nil, non-empty and
// finite. It returns the dimension.
func checkSymDense(name string, A *mat.SymDense) (int, error) {
	if A == nil || A.IsEmpty() {
		return 0, Invalidf("%s is nil or empty", name)
	}
	n := A.SymmetricDim()
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			if v := A.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, Invalidf("%s[%d][%d] = %v is not finite", name, i, j, v)
			}
		}
	}
	return n, nil
}

// eigenSym returns the eigenvalues (ascending) and, if vectors is set, the
// orthonormal eigenvectors (columns of V) of A.
//
// A matrix whose largest entry lies outside [2⁻⁴⁰⁰, 2⁴⁰⁰] is first scaled
// by a power of two (exact) and its eigenvalues scaled back: gonum v0.17.0's
// dsyev mishandles such matrices (its own rescaling panics in Dlascl or
// returns ±Inf eigenvalues; TestEigenTinyNormNoPanic, found by
// FuzzSymmetric). Matrices inside the range are passed unchanged.
func eigenSym(A *mat.SymDense, vectors bool) ([]float64, *mat.Dense, error) {
	n := A.SymmetricDim()
	mx := 0.0
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			mx = math.Max(mx, math.Abs(A.At(i, j)))
		}
	}
	e := 0
	if mx != 0 && (mx < 0x1p-400 || mx > 0x1p400) {
		_, e = math.Frexp(mx)
		B := mat.NewSymDense(n, nil)
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				B.SetSym(i, j, math.Ldexp(A.At(i, j), -e))
			}
		}
		A = B
	}
	// Always with vectors: without them dsyev calls Dsterf, whose Dlascl
	// calls pass a wrong leading dimension and panic whenever a split
	// tridiagonal block needs rescaling (any norm; regression tests
	// TestEigenTinyNormNoPanic, TestEigenBlockRescaleNoPanic). The vectors
	// path (Dsteqr) passes them correctly.
	var eig mat.EigenSym
	if !eig.Factorize(A, true) {
		return nil, nil, fmt.Errorf("%w: symmetric eigendecomposition (LAPACK dsyev) failed", ErrNotConverged)
	}
	vals := eig.Values(nil)
	V := new(mat.Dense)
	eig.VectorsTo(V)
	if err := checkEigen(A, vals, V); err != nil {
		return nil, nil, err
	}
	if e != 0 {
		for i := range vals {
			vals[i] = math.Ldexp(vals[i], e)
			if math.IsInf(vals[i], 0) {
				// An eigenvalue of a finite matrix can exceed MaxFloat64
				// (e.g. 2·max for [[max, max], [max, max]]; regression test
				// TestEigenOverflowIsAnError, found by FuzzSymmetric).
				return nil, nil, Invalidf("symmetric eigendecomposition: an eigenvalue overflows float64 (entries up to %g)", mx)
			}
		}
	}
	if !vectors {
		return vals, nil, nil
	}
	return vals, V, nil
}

// checkEigen verifies a computed eigendecomposition a posteriori: every
// eigenvalue finite and within the bound r = max_i Σ_j |A_ij| ≥ ‖A‖₂, their
// sum equal to tr A, and (with vectors) the residual max|A·V − V·Λ| at most
// 64·d·eps·r, well above the p(d)·eps·‖A‖₂ of a backward-stable dsyev. gonum
// v0.17.0's dsyev returns ±Inf or wrong finite eigenvalues for some
// matrices whose entries span ~300 orders of magnitude, e.g. one with
// entries −1e300, −12 and −6 (regression test TestEigenWideRangeIsChecked,
// found by FuzzSymmetric); the check turns such results into an error
// wrapping ErrNotConverged instead of a wrong answer.
func checkEigen(A *mat.SymDense, vals []float64, V *mat.Dense) error {
	n := A.SymmetricDim()
	r, tr := 0.0, 0.0
	for i := 0; i < n; i++ {
		s := 0.0
		for j := 0; j < n; j++ {
			s += math.Abs(A.At(i, j))
		}
		r = math.Max(r, s)
		tr += A.At(i, i)
	}
	tol := 64 * float64(n) * eps * r
	sum := 0.0
	for _, l := range vals {
		if math.IsNaN(l) || math.IsInf(l, 0) || math.Abs(l) > r+tol {
			return fmt.Errorf("%w: symmetric eigendecomposition (gonum dsyev) returned eigenvalue %g outside [−%g, %g]", ErrNotConverged, l, r, r)
		}
		sum += l
	}
	if math.Abs(sum-tr) > tol {
		return fmt.Errorf("%w: symmetric eigendecomposition (gonum dsyev): Σλ = %g ≠ tr A = %g", ErrNotConverged, sum, tr)
	}
	if V == nil {
		return nil
	}
	var AV mat.Dense
	AV.Mul(A, V)
	for j, l := range vals {
		for i := 0; i < n; i++ {
			if d := math.Abs(AV.At(i, j) - V.At(i, j)*l); !(d <= tol) {
				return fmt.Errorf("%w: symmetric eigendecomposition (gonum dsyev): residual %g > %g", ErrNotConverged, d, tol)
			}
		}
	}
	return nil
}

// fromEigen returns V·diag(g)·Vᵀ, symmetrised.
func fromEigen(V *mat.Dense, g []float64) *mat.SymDense {
	n := len(g)
	W := mat.DenseCopyOf(V)
	for j, gj := range g {
		for i := 0; i < n; i++ {
			W.Set(i, j, W.At(i, j)*gj)
		}
	}
	var R mat.Dense
	R.Mul(W, V.T())
	S := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := 0.5 * (R.At(i, j) + R.At(j, i))
			if math.IsInf(v, 0) { // a + b overflowed: halve first
				v = 0.5*R.At(i, j) + 0.5*R.At(j, i)
			}
			S.SetSym(i, j, v)
		}
	}
	return S
}

// SymFunc returns f(A) = V·diag(f(λ_1), …, f(λ_d))·Vᵀ, where A = V·diag(λ)·Vᵀ
// is the eigendecomposition of the symmetric matrix A (gonum mat.EigenSym,
// LAPACK dsyev). A *mat.SymDense is symmetric by construction; build one from
// a general matrix with SymFromMatrix or SymFromRows, which check and
// symmetrise.
//
// Preconditions: A non-empty with finite entries; f(λ_i) finite for every
// eigenvalue (else ErrInvalid: f is outside its domain, e.g. log of a
// non-positive eigenvalue).
//
// Accuracy (eps = 2⁻⁵³): dsyev is backward stable, so the computed
// eigenpairs are exact for a symmetric A + E with ‖E‖₂ ≲ d·eps·‖A‖₂, and
// the product adds ≈ d·eps·max|f(λ)|. For Hermitian matrices the Fréchet
// derivative of f is bounded by the divided differences of f on the
// spectrum, so ‖f(A)_computed − f(A)‖ ≲ d·eps·(L·‖A‖₂ + max|f(λ)|), with L
// the Lipschitz constant of f on [λ_min, λ_max] (e.g. 1/(2√λ_min) for √).
func SymFunc(A *mat.SymDense, f func(float64) float64) (*mat.SymDense, error) {
	if f == nil {
		return nil, Invalidf("SymFunc: f is nil")
	}
	if _, err := checkSymDense("A", A); err != nil {
		return nil, err
	}
	lam, V, err := eigenSym(A, true)
	if err != nil {
		return nil, err
	}
	g := make([]float64, len(lam))
	for i, l := range lam {
		g[i] = f(l)
		if math.IsNaN(g[i]) || math.IsInf(g[i], 0) {
			return nil, Invalidf("SymFunc: f(λ_%d = %g) = %v is not finite", i, l, g[i])
		}
	}
	S := fromEigen(V, g)
	if !AllFinite(S.RawSymmetric().Data) {
		// f(λ) near MaxFloat64: V·diag(f(λ))·Vᵀ can round past it
		// (TestSymFuncOverflowIsAnError, found by FuzzSymmetric).
		return nil, Invalidf("SymFunc: f(A) overflows float64 (max |f(λ)| = %g)", MaxAbs(g))
	}
	return S, nil
}

// SymSqrt returns the principal square root S = A^{1/2} of a symmetric
// positive semidefinite A: S = V·diag(√λ)·Vᵀ, S symmetric PSD with S·S = A.
//
// Eigenvalues in [−16·d·eps·‖A‖₂, 0), eps = 2⁻⁵³, are rounding noise of a singular A and
// are set to 0; a more negative eigenvalue returns an error wrapping
// ErrNotSPD and ErrInvalid.
//
// Accuracy: ‖S·S − A‖_max ≤ c·d·eps·‖A‖₂ (backward stability of dsyev;
// measured c ≤ 3.4, TestSymSqrtSquares checks c ≤ 20 for d ≤ 30 and
// condition numbers up to 10⁸). The
// forward error of S itself is larger where A is nearly singular: an
// eigenvalue error δ moves √λ by about δ/(2√λ).
func SymSqrt(A *mat.SymDense) (*mat.SymDense, error) {
	n, err := checkSymDense("A", A)
	if err != nil {
		return nil, err
	}
	lam, V, err := eigenSym(A, true)
	if err != nil {
		return nil, err
	}
	tol := eigTol(n, math.Max(math.Abs(lam[0]), math.Abs(lam[n-1])))
	if lam[0] < -tol {
		return nil, notSPDf("SymSqrt: smallest eigenvalue %g < −%g (not positive semidefinite)", lam[0], tol)
	}
	g := make([]float64, n)
	for i, l := range lam {
		g[i] = math.Sqrt(math.Max(l, 0))
	}
	return fromEigen(V, g), nil
}

// SymInvSqrt returns A^{−1/2} = V·diag(1/√λ)·Vᵀ for a symmetric positive
// definite A.
//
// Precondition: λ_min > 16·d·eps·λ_max, eps = 2⁻⁵³ (A numerically
// nonsingular), else an
// error wrapping ErrNotSPD and ErrInvalid. Condition numbers up to 10¹³ (at
// d ≈ 10) pass this test; accuracy degrades long before.
//
// Accuracy: with κ = λ_max/λ_min, ‖A^{−1/2}·A^{1/2} − I‖_max ≤ c·d·eps·√κ
// and ‖A^{−1/2}·A·A^{−1/2} − I‖_max ≤ c·d·eps·κ with SymSqrt computed from
// the same A (measured c ≤ 0.7; TestSymInvSqrt checks c ≤ 20 for d ≤ 30 at
// κ = 10², 10⁶, 10⁸).
// To apply A^{−1} prefer a Cholesky solve (mat.Cholesky.SolveTo).
func SymInvSqrt(A *mat.SymDense) (*mat.SymDense, error) {
	n, err := checkSymDense("A", A)
	if err != nil {
		return nil, err
	}
	lam, V, err := eigenSym(A, true)
	if err != nil {
		return nil, err
	}
	if floor := eigTol(n, math.Abs(lam[n-1])); !(lam[0] > floor) {
		return nil, notSPDf("SymInvSqrt: smallest eigenvalue %g ≤ %g = 16·d·eps·λ_max (not positive definite to working accuracy)", lam[0], floor)
	}
	g := make([]float64, n)
	for i, l := range lam {
		g[i] = 1 / math.Sqrt(l)
	}
	return fromEigen(V, g), nil
}

// CheckSPD returns nil if the symmetric matrix A is positive definite with
// λ_min ≥ relFloor·λ_max, and otherwise an error wrapping ErrNotSPD and
// ErrInvalid that states λ_min and λ_max. relFloor = 0 selects the default
// 16·d·eps, eps = 2⁻⁵³ (the eigenvalue resolution of a backward-stable eigensolver, so
// that condition numbers up to ≈ 10¹³ at d = 10 pass); a caller that needs
// κ(A) ≤ K passes relFloor = 1/K.
//
// Method: a Cholesky factorisation (mat.Cholesky) first, which rejects
// indefinite matrices cheaply, then the eigenvalues (mat.EigenSym) for the
// relative floor. The test is exact up to eigenvalue errors of
// 16·d·eps·‖A‖₂.
func CheckSPD(A *mat.SymDense, relFloor float64) error {
	n, err := checkSymDense("A", A)
	if err != nil {
		return err
	}
	if !(relFloor >= 0 && relFloor < 1) {
		return Invalidf("CheckSPD: relFloor = %v not in [0, 1)", relFloor)
	}
	if relFloor == 0 {
		relFloor = 16 * float64(n) * eps
	}
	var chol mat.Cholesky
	if !chol.Factorize(A) {
		return notSPDf("Cholesky factorisation failed (A is not positive definite)")
	}
	lam, _, err := eigenSym(A, false)
	if err != nil {
		return err
	}
	if !(lam[0] >= relFloor*lam[n-1]) || lam[0] <= 0 {
		return notSPDf("λ_min = %g < %g·λ_max = %g (condition number above %g)", lam[0], relFloor, relFloor*lam[n-1], 1/relFloor)
	}
	return nil
}

// IsSPD reports whether CheckSPD(A, relFloor) returns nil.
func IsSPD(A *mat.SymDense, relFloor float64) bool { return CheckSPD(A, relFloor) == nil }

// DenseFromRows returns the r×c matrix whose rows are M[0], …, M[r−1]
// (copied). It returns an error wrapping ErrInvalid if M is empty, has an
// empty row, is ragged, or has a non-finite entry.
func DenseFromRows(M [][]float64) (*mat.Dense, error) {
	data, r, c, err := Flatten(M)
	if err != nil {
		return nil, err
	}
	if r == 0 || c == 0 {
		return nil, Invalidf("empty matrix (%d×%d)", r, c)
	}
	return mat.NewDense(r, c, data), nil
}

// SymFromRows returns the symmetric matrix (M + Mᵀ)/2 after checking that M
// is square, finite and symmetric within SymTol relative:
// max|M_ij − M_ji| ≤ SymTol·max|M_ij|. Otherwise it returns an error
// wrapping ErrInvalid.
func SymFromRows(M [][]float64) (*mat.SymDense, error) {
	D, err := DenseFromRows(M)
	if err != nil {
		return nil, err
	}
	return SymFromMatrix(D)
}

// SymFromMatrix returns (A + Aᵀ)/2 as a *mat.SymDense after checking that A
// is non-empty, square, finite and symmetric within SymTol relative
// (max|A_ij − A_ji| ≤ SymTol·max|A_ij|); otherwise an error wrapping
// ErrInvalid.
func SymFromMatrix(A mat.Matrix) (*mat.SymDense, error) {
	if A == nil {
		return nil, Invalidf("matrix is nil")
	}
	if IsNilMatrix(A) {
		return nil, Invalidf("matrix is nil")
	}
	r, c := A.Dims()
	if r == 0 || r != c {
		return nil, Invalidf("matrix is %d×%d, want square non-empty", r, c)
	}
	scale, asym := 0.0, 0.0
	for i := 0; i < r; i++ {
		for j := 0; j < r; j++ {
			v := A.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, Invalidf("entry [%d][%d] = %v is not finite", i, j, v)
			}
			scale = math.Max(scale, math.Abs(v))
			if j > i {
				asym = math.Max(asym, math.Abs(v-A.At(j, i)))
			}
		}
	}
	if asym > SymTol*scale {
		return nil, Invalidf("matrix not symmetric: max|A_ij − A_ji| = %g > %g·max|A| = %g", asym, SymTol, SymTol*scale)
	}
	S := mat.NewSymDense(r, nil)
	for i := 0; i < r; i++ {
		for j := i; j < r; j++ {
			// 0.5·(a + b) overflows for entries near MaxFloat64
			// (regression test TestSymFromRowsMaxFloat, found by
			// FuzzSymmetric); a + b is exact there, so halve first.
			v := 0.5 * (A.At(i, j) + A.At(j, i))
			if math.IsInf(v, 0) {
				v = 0.5*A.At(i, j) + 0.5*A.At(j, i)
			}
			S.SetSym(i, j, v)
		}
	}
	return S, nil
}

// IsNilMatrix reports whether A cannot be used as a matrix because it is, or
// wraps, a nil value: a nil interface, a nil pointer of any type (*mat.Dense,
// *mat.BandDense, a user type, …), or a transpose (mat.Transpose and the
// other mat.Untransposer wrappers) of such a value. Calling Dims or At on
// such an A panics. An empty but non-nil matrix (&mat.Dense{}) is not nil:
// its Dims are 0×0.
func IsNilMatrix(A mat.Matrix) bool {
	for depth := 0; depth < 64; depth++ {
		if A == nil {
			return true
		}
		if v := reflect.ValueOf(A); v.Kind() == reflect.Pointer && v.IsNil() {
			return true
		}
		u, ok := A.(mat.Untransposer)
		if !ok {
			return false
		}
		A = u.Untranspose()
	}
	return false
}

// ToRows returns the entries of A as a row-major [][]float64 (a fresh copy);
// nil for a nil matrix.
func ToRows(A mat.Matrix) [][]float64 {
	if A == nil || IsNilMatrix(A) {
		return nil
	}
	r, c := A.Dims()
	M := make([][]float64, r)
	for i := range M {
		M[i] = make([]float64, c)
		for j := range M[i] {
			M[i][j] = A.At(i, j)
		}
	}
	return M
}

// RandomOrthogonal returns a d×d orthogonal matrix drawn from the Haar
// (uniform) distribution on O(d): Q·diag(sign R_ii) where Q·R is the QR
// factorisation of a d×d matrix of independent N(0, 1) entries (Mezzadri,
// "How to generate random matrices from the classical compact groups", 2007;
// the sign fix makes the factorisation unique and the law exactly Haar).
// ‖QᵀQ − I‖_max is of order d·eps. Deterministic given rng.
// Preconditions: d ≥ 1 with d² ≤ MaxDraws, rng non-nil (else ErrInvalid).
func RandomOrthogonal(d int, rng *rand.Rand) (*mat.Dense, error) {
	if d < 1 {
		return nil, Invalidf("RandomOrthogonal: d = %d < 1", d)
	}
	if err := CheckDraws("RandomOrthogonal", d, d); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, Invalidf("RandomOrthogonal: rng is nil")
	}
	G := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			G.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(G)
	var Q, R mat.Dense
	qr.QTo(&Q)
	qr.RTo(&R)
	for j := 0; j < d; j++ {
		if R.At(j, j) < 0 {
			for i := 0; i < d; i++ {
				Q.Set(i, j, -Q.At(i, j))
			}
		}
	}
	return &Q, nil
}

// RandomSPD returns A = Q·diag(λ)·Qᵀ with Q Haar-orthogonal
// (RandomOrthogonal) and eigenvalues λ_i = condition^{t_i}, where t = 0 and
// t = 1 are always present (so λ_min = 1 and λ_max = condition, κ(A) =
// condition) and the other d − 2 exponents are independent U(0, 1)
// (log-uniform spectrum). For d = 1 it returns [1].
//
// Preconditions: d ≥ 1 with d² ≤ MaxDraws, 1 ≤ condition < +Inf, rng
// non-nil (else ErrInvalid).
// Accuracy: the computed A has eigenvalues within ≈ d·eps·condition of λ, so
// its condition number is condition·(1 ± d·eps·condition).
func RandomSPD(d int, rng *rand.Rand, condition float64) (*mat.SymDense, error) {
	if !(condition >= 1) || math.IsInf(condition, 1) {
		return nil, Invalidf("RandomSPD: condition = %v, want finite ≥ 1", condition)
	}
	Q, err := RandomOrthogonal(d, rng)
	if err != nil {
		return nil, err
	}
	lam := make([]float64, d)
	for i := range lam {
		var t float64
		switch i {
		case 0:
			t = 0
		case d - 1:
			t = 1
		default:
			t = rng.Float64()
		}
		lam[i] = math.Pow(condition, t)
	}
	return fromEigen(Q, lam), nil
}
