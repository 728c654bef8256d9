package numerics

// Regression tests for defects found by the fuzz targets of fuzz_test.go
// (issue 9), each named after the defect.

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestSoftmaxHugeLogitsSumToOne: Softmax computed exp(x_i − LogSumExp(x)),
// whose absolute rounding of order eps·|max x| made the entries of
// [1e300, 1e300, −1e300] sum to 2 and those of [1000, 999, −1000] to
// 1 + 1.6e-14 (FuzzLogSumExp).
func TestSoftmaxHugeLogitsSumToOne(t *testing.T) {
	for _, x := range [][]float64{
		{1e300, 1e300, -1e300},
		{1000, 999, -1000},
		{math.MaxFloat64, math.MaxFloat64, math.MaxFloat64},
		{-1e300, -1e300},
	} {
		p := Softmax(nil, x)
		s := 0.0
		for _, v := range p {
			s += v
		}
		if math.Abs(s-1) > float64(len(x))*0x1p-52 {
			t.Errorf("Softmax(%v) = %v sums to %v", x, p, s)
		}
	}
	if p := Softmax(nil, []float64{1e300, 1e300}); p[0] != 0.5 || p[1] != 0.5 {
		t.Errorf("Softmax of two tied huge logits = %v, want [0.5 0.5]", p)
	}
	// In place, as Dirichlet calls it.
	x := []float64{1e300, 1e300, -1e300}
	Softmax(x, x)
	if x[0] != 0.5 || x[1] != 0.5 || x[2] != 0 {
		t.Errorf("in-place Softmax = %v", x)
	}
}

// TestSymFromRowsMaxFloat: SymFromRows symmetrised with 0.5·(a + b), which
// overflows to +Inf for a diagonal of MaxFloat64 and returned a non-finite
// matrix without an error (FuzzSymmetric).
func TestSymFromRowsMaxFloat(t *testing.T) {
	m := math.MaxFloat64
	S, err := SymFromRows([][]float64{{m, -m / 2}, {-m / 2, m}})
	if err != nil {
		t.Fatal(err)
	}
	if S.At(0, 0) != m || S.At(0, 1) != -m/2 || S.At(1, 1) != m {
		t.Errorf("SymFromRows at MaxFloat64 = %v", ToRows(S))
	}
}

// TestSymFuncOverflowIsAnError: SymFunc returned +Inf entries without an
// error when f(λ) was near MaxFloat64, because its symmetrisation
// 0.5·(a + b) overflowed (FuzzSymmetric). Now the entries are exact where
// they fit and an ErrInvalid otherwise.
func TestSymFuncOverflowIsAnError(t *testing.T) {
	m := math.MaxFloat64
	A, err := SymFromRows([][]float64{{m, 0}, {0, m}})
	if err != nil {
		t.Fatal(err)
	}
	F, err := SymFunc(A, math.Abs)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(F.At(0, 0)-m) > 4e-16*m || math.Abs(F.At(1, 1)-m) > 4e-16*m || F.At(0, 1) != 0 {
		t.Errorf("SymFunc(diag(max), abs) = %v", ToRows(F))
	}
	if _, err := SymFunc(A, func(x float64) float64 { return 2 * x }); err == nil {
		t.Errorf("SymFunc(A, 2x) overflowed without an error")
	}
}

// TestFDQuotientOverflowIsAnError: Derivative returned +Inf with a nil
// error for f(x) = 1.8e308·x near x = −0.875, where f is finite at x ± h
// but the difference quotient overflows (FuzzFiniteDifferences).
func TestFDQuotientOverflowIsAnError(t *testing.T) {
	f := func(x float64) float64 { return math.MaxFloat64 * x }
	for _, m := range []FDMethod{Central, Richardson} {
		if d, err := Derivative(f, -0.875, m); err == nil {
			t.Errorf("Derivative (method %d) = %v without an error", m, d)
		}
		if g, err := Gradient(func(x []float64) float64 { return f(x[0]) }, []float64{-0.875}, m); err == nil {
			t.Errorf("Gradient (method %d) = %v without an error", m, g)
		}
		if J, err := Jacobian(func(x []float64) []float64 { return []float64{f(x[0])} }, []float64{-0.875}, m); err == nil {
			t.Errorf("Jacobian (method %d) = %v without an error", m, J.At(0, 0))
		}
	}
}

// TestRelErrInfiniteWant: RelErr(−6, +Inf, −12) was Inf/Inf = NaN although
// no argument is NaN (FuzzTolerance); the error of a finite answer against
// an infinite one is +Inf.
func TestRelErrInfiniteWant(t *testing.T) {
	for _, c := range [][3]float64{{-6, math.Inf(1), -12}, {math.Inf(-1), math.Inf(1), 0}, {1, math.Inf(-1), math.Inf(1)}} {
		if r := RelErr(c[0], c[1], c[2]); !math.IsInf(r, 1) {
			t.Errorf("RelErr(%v) = %v, want +Inf", c, r)
		}
	}
	if r := RelErr(math.Inf(1), math.Inf(1), 0); r != 0 {
		t.Errorf("RelErr(Inf, Inf) = %v, want 0", r)
	}
}

// TestKolmogorovCDFSubnormal: KolmogorovCDF(5e-324) was NaN, √(2π)/x = +Inf
// times an underflowed series 0 (FuzzKS).
func TestKolmogorovCDFSubnormal(t *testing.T) {
	for _, x := range []float64{5e-324, 1e-310, 1e-300, 0.01, 0.03} {
		if k, s := KolmogorovCDF(x), KolmogorovSF(x); k != 0 && !(k > 0 && k < 1e-100) || s != 1 && !(s > 1-1e-100) {
			t.Errorf("KolmogorovCDF(%v) = %v, SF = %v", x, k, s)
		}
	}
}

// TestMultivariateNormalOverflowIsAnError: with mean and L of
// MaxFloat64 the samples overflowed to ±Inf and were returned without an
// error (FuzzSamplers).
func TestMultivariateNormalOverflowIsAnError(t *testing.T) {
	m := math.MaxFloat64
	rng := rand.New(rand.NewPCG(1, 2))
	if X, err := MultivariateNormal(rng, 6, []float64{m}, mat.NewDense(1, 1, []float64{m})); err == nil {
		t.Errorf("MultivariateNormal = %v without an error", X)
	}
}

// TestEigenTinyNormNoPanic: CheckSPD (eigenvalues without vectors) panicked
// inside gonum's Dsterf/Dlascl ("lapack: insufficient length of a") for
// non-diagonal SPD matrices of tiny norm, e.g. 1e-160·[[2, 1], [1, 2]]
// (FuzzSymmetric). The served gauss.* ops validate covariances with it.
func TestEigenTinyNormNoPanic(t *testing.T) {
	for _, s := range []float64{1e-160, 1e-300, 1e-320, 1e160, 1e300} {
		A, err := SymFromRows([][]float64{{2 * s, s}, {s, 2 * s}})
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckSPD(A, 0); err != nil && s > 1e-310 {
			t.Errorf("CheckSPD(%g·[[2,1],[1,2]]) = %v", s, err)
		}
		R, err := SymSqrt(A)
		if err != nil {
			t.Fatalf("SymSqrt: %v", err)
		}
		// Eigenvalues s and 3s: √ has entries (√3 ± 1)/2·√s.
		if want := (math.Sqrt(3) + 1) / 2 * math.Sqrt(s); math.Abs(R.At(0, 0)-want) > 1e-14*want && s > 1e-310 {
			t.Errorf("SymSqrt(%g·A)[0][0] = %v, want %v", s, R.At(0, 0), want)
		}
	}
}

// TestGaussianExpectationOverflowIsAnError: E[−MaxFloat64 − 6X − 6X² − 6X³]
// summed to −Inf and was returned without an error (FuzzGaussianExpectation).
func TestGaussianExpectationOverflowIsAnError(t *testing.T) {
	f := func(x float64) float64 { return -math.MaxFloat64 - 6*x - 6*x*x - 6*x*x*x }
	if v, err := GaussianExpectation(f, -6, 0.125, 49); err == nil {
		t.Errorf("GaussianExpectation = %v without an error", v)
	}
}

// TestDirichletAllUnderflowIsAnError: Dirichlet([5e-324]) returned [NaN]
// (every log-Gamma draw −Inf, Softmax 0/0) (FuzzSamplers).
func TestDirichletAllUnderflowIsAnError(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	if p, err := Dirichlet(rng, []float64{5e-324}); err == nil {
		t.Errorf("Dirichlet([5e-324]) = %v without an error", p)
	}
	if p, err := Dirichlet(rng, []float64{5e-324, 1}); err != nil || p[1] != 1 {
		t.Errorf("Dirichlet([5e-324, 1]) = %v, %v; want [0 1]", p, err)
	}
}

// TestEigenWideRangeIsChecked: for this matrix, whose entries span 300
// orders of magnitude, gonum's dsyev returned eigenvalues ±Inf and SymSqrt
// answered a matrix of ±Inf without an error (FuzzSymmetric). The
// eigendecomposition is now checked a posteriori, so the answer is either
// accurate or an ErrNotConverged.
func TestEigenWideRangeIsChecked(t *testing.T) {
	M := [][]float64{{-6, -6, -6, -6}, {-6, -6, -6, -6}, {-6, -6, -1e300, -1e300}, {-6, -6, -1e300, -12}}
	A, err := SymFromRows(M)
	if err != nil {
		t.Fatal(err)
	}
	S, err := SymSqrt(A)
	if err == nil {
		t.Fatalf("SymSqrt of an indefinite matrix answered %v", ToRows(S))
	}
	if !errors.Is(err, ErrNotConverged) && !errors.Is(err, ErrNotSPD) {
		t.Fatalf("SymSqrt: err = %v", err)
	}
	F, err := SymFunc(A, math.Abs)
	if err == nil {
		for _, r := range ToRows(F) {
			for _, v := range r {
				if math.IsInf(v, 0) || math.IsNaN(v) {
					t.Fatalf("SymFunc(A, abs) = %v without an error", ToRows(F))
				}
			}
		}
	}
}

// TestEigenOverflowIsAnError: SymSqrt of a symmetric matrix with entries
// −MaxFloat64 returned +Inf entries without an error: its eigenvalues
// exceed MaxFloat64 and overflowed when scaled back (FuzzSymmetric).
func TestEigenOverflowIsAnError(t *testing.T) {
	m := math.MaxFloat64
	for _, M := range [][][]float64{
		{{m, m}, {m, m}},
		{{-6, -m}, {-m, -12}},
	} {
		A, err := SymFromRows(M)
		if err != nil {
			t.Fatal(err)
		}
		if S, err := SymSqrt(A); err == nil {
			t.Errorf("SymSqrt(%v) = %v without an error", M, ToRows(S))
		}
		if err := CheckSPD(A, 0); err == nil {
			t.Errorf("CheckSPD(%v) accepted", M)
		}
	}
}

// TestEigenBlockRescaleNoPanic: CheckSPD panicked in gonum's Dsterf/Dlascl
// for this matrix of ordinary-looking entries (one of MaxFloat64): Dsterf
// rescales each split tridiagonal block with a wrong leading dimension, so
// the panic does not depend on the whole matrix's norm (FuzzSymmetric).
// Eigenvalues are now always computed by the vectors path (Dsteqr).
func TestEigenBlockRescaleNoPanic(t *testing.T) {
	M := [][]float64{{0.125, 0.125, -6}, {0.125, 0.125, -5.875}, {-6, -5.875, math.MaxFloat64}}
	A, err := SymFromRows(M)
	if err != nil {
		t.Fatal(err)
	}
	// Eigenvalues ≈ MaxFloat64, 0.25 and ≈ 0: positive semidefinite to
	// working accuracy, not definite.
	if err := CheckSPD(A, 0); err == nil {
		t.Errorf("CheckSPD accepted a singular matrix")
	}
	if S, err := SymSqrt(A); err == nil && !AllFinite(S.RawSymmetric().Data) {
		t.Errorf("SymSqrt = %v without an error", ToRows(S))
	}
}

// TestMalformedArgumentsAreErrors: arguments that no fuzz target reaches
// panicked, hung or returned a wrong value without an error: sizes whose
// allocation fails (makeslice: len out of range), d² or n·m overflowing
// int, a huge n in the O(n) Kolmogorov–Smirnov tail sum (hours), a count
// total wrapping around in ChiSquareGOF, typed nil matrices other than
// *mat.Dense and friends (a nil *mat.BandDense, a mat.Transpose of a nil
// matrix), and Unflatten of a shape larger than its data. Each is now an
// error wrapping ErrInvalid (Unflatten: nil; the matrix norms: their
// documented values for a nil matrix).
func TestMalformedArgumentsAreErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	huge := math.MaxInt
	nilT := mat.Transpose{Matrix: (*mat.Dense)(nil)}
	nilBand := (*mat.BandDense)(nil)
	cases := []struct {
		name string
		call func() error
	}{
		{"NormalVector n = MaxInt", func() error { _, err := NormalVector(rng, huge); return err }},
		{"NormalRows d = MaxInt", func() error { _, err := NormalRows(rng, 2, huge); return err }},
		{"NormalRows n·d > MaxDraws", func() error { _, err := NormalRows(rng, 1<<20, 1<<20); return err }},
		{"MultivariateNormal n = MaxInt", func() error {
			_, err := MultivariateNormal(rng, huge, []float64{0}, mat.NewDense(1, 1, []float64{1}))
			return err
		}},
		{"MultivariateNormal L = Transpose(nil)", func() error { _, err := MultivariateNormal(rng, 1, []float64{0}, nilT); return err }},
		{"UniformSphere n = MaxInt", func() error { _, err := UniformSphere(rng, huge, 3); return err }},
		{"RandomProbabilities n = MaxInt", func() error { _, err := RandomProbabilities(rng, huge); return err }},
		{"Categorical n = MaxInt", func() error { _, err := Categorical(rng, []float64{1}, huge); return err }},
		{"Permutation n = MaxInt", func() error { _, err := Permutation(rng, huge); return err }},
		{"RandomOrthogonal d² overflows", func() error { _, err := RandomOrthogonal(1<<32, rng); return err }},
		{"RandomSPD d² overflows", func() error { _, err := RandomSPD(1<<32, rng, 2); return err }},
		{"KSPValue n = 2⁵⁰ (O(n) tail)", func() error { _, err := KSPValue(1<<50, 0.6); return err }},
		{"KSCritical n = 2⁵⁰", func() error { _, err := KSCritical(1<<50, 0.05); return err }},
		{"KSCriticalTwoSample n·m overflows", func() error { _, err := KSCriticalTwoSample(1<<32, 1<<32, 0.05); return err }},
		{"ChiSquareGOF N wraps to 1", func() error {
			_, err := ChiSquareGOF([]int{huge, huge, 3}, []float64{0.3, 0.3, 0.4})
			return err
		}},
		{"SymFromMatrix nil *BandDense", func() error { _, err := SymFromMatrix(nilBand); return err }},
		{"SymFromMatrix Transpose(nil)", func() error { _, err := SymFromMatrix(nilT); return err }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
	for _, tc := range []struct {
		name       string
		data       []float64
		rows, cols int
	}{{"short data", []float64{1}, 2, 2}, {"negative rows", nil, -1, 2}, {"negative cols", []float64{1}, 1, -1}, {"rows > MaxDraws", nil, huge, 0}} {
		if M := Unflatten(tc.data, tc.rows, tc.cols); M != nil {
			t.Errorf("Unflatten %s = %v, want nil", tc.name, M)
		}
	}
	if M := Unflatten([]float64{1, 2, 3, 4, 5}, 2, 2); len(M) != 2 || M[1][1] != 4 {
		t.Errorf("Unflatten of a longer slice = %v", M)
	}
	if v := MatMaxAbs(nilBand); v != 0 {
		t.Errorf("MatMaxAbs(nil band) = %v, want 0", v)
	}
	if v := MatMaxAbsDiff(nilT, mat.NewDense(1, 1, nil)); !math.IsInf(v, 1) {
		t.Errorf("MatMaxAbsDiff(Transpose(nil), ·) = %v, want +Inf", v)
	}
	if R := ToRows(nilT); R != nil {
		t.Errorf("ToRows(Transpose(nil)) = %v, want nil", R)
	}
	// The tail beyond s = n·d² = 373 is 0 in float64 (DKW–Massart) and is
	// answered without the O(n) sum, also at the largest n.
	for _, n := range []int{1000, 1 << 20, MaxKSSize} {
		d := math.Sqrt(374 / float64(n))
		if p, err := KSPValue(n, d); err != nil || p != 0 {
			t.Errorf("KSPValue(%d, %g) = %v, %v; want 0", n, d, p, err)
		}
	}
}
