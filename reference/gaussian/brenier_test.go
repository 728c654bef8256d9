package gaussian

// Tests of BrenierMap's Cholesky form (issue 7): against a 256-bit
// evaluation of S0^{-1/2}(S0^{1/2} S1 S0^{1/2})^{1/2}S0^{-1/2}, against the
// SVD form it replaced, on ill-conditioned, aligned, graded and extreme-scale
// pairs, and the contract at the positive-definiteness threshold.

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/internal/robust"
	"gonum.org/v1/gonum/mat"
)

const bigPrec = 256

type bigMat [][]*big.Float

func newBig(d int) bigMat {
	M := make(bigMat, d)
	for i := range M {
		M[i] = make([]*big.Float, d)
		for j := range M[i] {
			M[i][j] = new(big.Float).SetPrec(bigPrec)
		}
	}
	return M
}

func toBig(S mat.Matrix) bigMat {
	d, _ := S.Dims()
	M := newBig(d)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			M[i][j].SetFloat64(S.At(i, j))
		}
	}
	return M
}

func (A bigMat) mul(B bigMat) bigMat {
	d := len(A)
	C := newBig(d)
	t := new(big.Float).SetPrec(bigPrec)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			for k := 0; k < d; k++ {
				t.Mul(A[i][k], B[k][j])
				C[i][j].Add(C[i][j], t)
			}
		}
	}
	return C
}

// bigEig is the cyclic Jacobi method in 256-bit arithmetic: S = V diag(λ) Vᵀ.
func bigEig(S bigMat) ([]*big.Float, bigMat) {
	d := len(S)
	A := newBig(d)
	V := newBig(d)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			A[i][j].Set(S[i][j])
		}
		V[i][i].SetInt64(1)
	}
	nf := func() *big.Float { return new(big.Float).SetPrec(bigPrec) }
	one := nf().SetInt64(1)
	tiny := nf().SetMantExp(one, -(bigPrec - 16))
	for sweep := 0; sweep < 100; sweep++ {
		rotated := false
		for p := 0; p < d-1; p++ {
			for q := p + 1; q < d; q++ {
				apq := A[p][q]
				// Skip when |apq| ≤ tiny·sqrt(|app·aqq|).
				prod := nf().Mul(A[p][p], A[q][q])
				prod.Abs(prod)
				lim := nf().Sqrt(prod)
				lim.Mul(lim, tiny)
				if nf().Abs(apq).Cmp(lim) <= 0 {
					A[p][q].SetInt64(0)
					A[q][p].SetInt64(0)
					continue
				}
				rotated = true
				theta := nf().Sub(A[q][q], A[p][p])
				theta.Quo(theta, nf().Mul(nf().SetInt64(2), apq))
				t := nf().Mul(theta, theta)
				t.Add(t, one)
				t.Sqrt(t)
				t.Add(t, nf().Abs(theta))
				t.Quo(one, t)
				if theta.Sign() < 0 {
					t.Neg(t)
				}
				c := nf().Mul(t, t)
				c.Add(c, one)
				c.Sqrt(c)
				c.Quo(one, c)
				s := nf().Mul(t, c)
				rot := func(x, y *big.Float) (*big.Float, *big.Float) {
					a := nf().Mul(c, x)
					a.Sub(a, nf().Mul(s, y))
					b := nf().Mul(s, x)
					b.Add(b, nf().Mul(c, y))
					return a, b
				}
				for k := 0; k < d; k++ {
					A[k][p], A[k][q] = rot(A[k][p], A[k][q])
				}
				for k := 0; k < d; k++ {
					A[p][k], A[q][k] = rot(A[p][k], A[q][k])
				}
				A[p][q].SetInt64(0)
				A[q][p].SetInt64(0)
				for k := 0; k < d; k++ {
					V[k][p], V[k][q] = rot(V[k][p], V[k][q])
				}
			}
		}
		if !rotated {
			break
		}
	}
	lam := make([]*big.Float, d)
	for i := range lam {
		lam[i] = A[i][i]
	}
	return lam, V
}

// bigFunc returns V diag(f(λ)) Vᵀ.
func bigFunc(lam []*big.Float, V bigMat, f func(*big.Float) *big.Float) bigMat {
	d := len(lam)
	g := make([]*big.Float, d)
	for i, l := range lam {
		g[i] = f(l)
	}
	C := newBig(d)
	t := new(big.Float).SetPrec(bigPrec)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			for k := 0; k < d; k++ {
				t.Mul(V[i][k], g[k])
				t.Mul(t, V[j][k])
				C[i][j].Add(C[i][j], t)
			}
		}
	}
	return C
}

// brenierBig returns S0^{-1/2}(S0^{1/2} S1 S0^{1/2})^{1/2}S0^{-1/2} computed
// in 256-bit arithmetic from the float64 inputs, rounded to float64.
func brenierBig(S0, S1 *mat.SymDense) *mat.Dense {
	sqrt := func(x *big.Float) *big.Float {
		if x.Sign() <= 0 {
			return new(big.Float).SetPrec(bigPrec)
		}
		return new(big.Float).SetPrec(bigPrec).Sqrt(x)
	}
	isqrt := func(x *big.Float) *big.Float {
		r := sqrt(x)
		return r.Quo(new(big.Float).SetPrec(bigPrec).SetInt64(1), r)
	}
	lam0, Q0 := bigEig(toBig(S0))
	R0 := bigFunc(lam0, Q0, sqrt)
	R0i := bigFunc(lam0, Q0, isqrt)
	P := R0.mul(toBig(S1)).mul(R0)
	lp, Qp := bigEig(P)
	A := R0i.mul(bigFunc(lp, Qp, sqrt)).mul(R0i)
	d := len(A)
	out := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			v, _ := A[i][j].Float64()
			out.Set(i, j, v)
		}
	}
	return out
}

// relErr returns max|Â − A| / max|A|.
func relErr(got, want mat.Matrix) float64 {
	return numerics.MatMaxAbsDiff(got, want) / numerics.MatMaxAbs(want)
}

// spdFrom returns Q diag(lam) Qᵀ, symmetrised entry by entry.
func spdFrom(Q *mat.Dense, lam []float64) *mat.SymDense {
	d := len(lam)
	S := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			v := 0.0
			for k := 0; k < d; k++ {
				v += Q.At(i, k) * lam[k] * Q.At(j, k)
			}
			S.SetSym(i, j, v)
		}
	}
	return S
}

// logSpectrum returns d eigenvalues log-uniform in [1, cond] with both ends.
func logSpectrum(r *rand.Rand, d int, cond float64) []float64 {
	lam := make([]float64, d)
	for i := range lam {
		t := r.Float64()
		if i == 0 {
			t = 0
		} else if i == d-1 {
			t = 1
		}
		lam[i] = math.Pow(cond, t)
	}
	return lam
}

type brenierCase struct {
	name   string
	S0, S1 *mat.SymDense
}

// brenierCases returns the accuracy test pairs: independent bases, aligned
// (same eigenbasis, same or reversed order, S1 = S0), S1 = c·S0^{-1},
// graded (D C D), and extreme magnitudes.
func brenierCases(r *rand.Rand, d int) []brenierCase {
	var cs []brenierCase
	add := func(name string, S0, S1 *mat.SymDense) {
		cs = append(cs, brenierCase{fmt.Sprintf("d=%d/%s", d, name), S0, S1})
	}
	for _, k := range []float64{1, 1e2, 1e4, 1e6, 1e8, 1e10} {
		S0, _ := numerics.RandomSPD(d, r, k)
		S1, _ := numerics.RandomSPD(d, r, k)
		add(fmt.Sprintf("independent/cond=%g", k), S0, S1)
		Q, _ := numerics.RandomOrthogonal(d, r)
		l0 := logSpectrum(r, d, k)
		l1 := logSpectrum(r, d, k)
		add(fmt.Sprintf("equal/cond=%g", k), spdFrom(Q, l0), spdFrom(Q, l0))
		s0, s1 := append([]float64(nil), l0...), append([]float64(nil), l1...)
		sortF(s0)
		sortF(s1)
		add(fmt.Sprintf("aligned/cond=%g", k), spdFrom(Q, s0), spdFrom(Q, s1))
		rev := make([]float64, d)
		for i := range rev {
			rev[i] = s1[d-1-i]
		}
		add(fmt.Sprintf("reversed/cond=%g", k), spdFrom(Q, s0), spdFrom(Q, rev))
		inv := make([]float64, d)
		for i := range inv {
			inv[i] = 3 / s0[i]
		}
		add(fmt.Sprintf("inverse/cond=%g", k), spdFrom(Q, s0), spdFrom(Q, inv))
	}
	for _, g := range []float64{10, 20} {
		C0, _ := numerics.RandomSPD(d, r, 10)
		C1, _ := numerics.RandomSPD(d, r, 10)
		D := make([]float64, d)
		for i := range D {
			D[i] = math.Pow(g, -float64(i)*4/float64(max(d-1, 1)))
		}
		graded := func(C *mat.SymDense) *mat.SymDense {
			S := mat.NewSymDense(d, nil)
			for i := 0; i < d; i++ {
				for j := i; j < d; j++ {
					S.SetSym(i, j, D[i]*C.At(i, j)*D[j])
				}
			}
			return S
		}
		add(fmt.Sprintf("graded/g=%g", g), graded(C0), graded(C1))
		add(fmt.Sprintf("graded-vs-plain/g=%g", g), graded(C0), C1)
	}
	for _, sc := range [][2]float64{{1e150, 1e-150}, {1e-150, 1e150}, {1e300, 1e300}, {1e-300, 1e-300}, {1e-300, 1e300}} {
		C0, _ := numerics.RandomSPD(d, r, 100)
		C1, _ := numerics.RandomSPD(d, r, 100)
		C0.ScaleSym(sc[0], C0)
		C1.ScaleSym(sc[1], C1)
		add(fmt.Sprintf("scaled/%g,%g", sc[0], sc[1]), C0, C1)
	}
	return cs
}

func sortF(x []float64) {
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && x[j] < x[j-1]; j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
}

// brenierSVDForm is the method BrenierMap used before the Cholesky form
// (issue 7), kept as the baseline of TestBrenierMatchesBigFloat: with
// R0 = S0^{1/2}, R1 = S1^{1/2} and the SVD R1 R0 = U Σ Vᵀ,
// A = W Σ Wᵀ with W = R0^{-1} V = Q0 diag(λ0^{-1/2}) Q0ᵀ V.
func brenierSVDForm(S0, S1 *mat.SymDense) (*mat.SymDense, error) {
	d := S0.SymmetricDim()
	lam0, Q0, err := robust.Decompose(S0)
	if err != nil {
		return nil, err
	}
	R1, err := robust.Sqrt(S1)
	if err != nil {
		return nil, err
	}
	sq := make([]float64, d)
	isq := make([]float64, d)
	for i, l := range lam0 {
		sq[i] = math.Sqrt(l)
		isq[i] = 1 / sq[i]
	}
	R0 := mul(scaleCols(Q0, sq), Q0.T())
	sv, _, V, err := robust.SVD(mul(R1, R0))
	if err != nil {
		return nil, err
	}
	W := mul(scaleCols(Q0, isq), mul(Q0.T(), V))
	A := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			v := 0.0
			for l := 0; l < d; l++ {
				v += W.At(i, l) * sv[l] * W.At(j, l)
			}
			A.SetSym(i, j, v)
		}
	}
	return A, nil
}

// condOf returns λ_max/λ_min of S from a verified eigendecomposition.
func condOf(S *mat.SymDense) float64 {
	lam, _, err := robust.Decompose(S)
	if err != nil {
		return math.Inf(1)
	}
	return lam[len(lam)-1] / lam[0]
}

// TestBrenierMatchesBigFloat checks the forward error of BrenierMap against
// a 256-bit evaluation of the defining formula, and the agreement with the
// SVD form it replaced (issue 7): per pair max|Â − A|/max|A| ≤
// 4·d·eps·(κ(S0) + κ(S1)) (the sensitivity of A to rounding S0 and S1 to
// float64 is of that order), and max|Â − B̂|/max|A| ≤ 8·d·eps·(κ(S0) + κ(S1))
// for the SVD form's B̂. With -v it logs each class's worst error of both
// (the table summarised in BrenierMap's doc).
func TestBrenierMatchesBigFloat(t *testing.T) {
	type worst struct{ chol, svd float64 }
	classes := map[string]*worst{}
	var names []string
	reps := 3
	if testing.Short() {
		reps = 1
	}
	for rep := 0; rep < reps; rep++ {
		r := rand.New(rand.NewPCG(uint64(rep), 99))
		for _, d := range []int{2, 3, 5, 8} {
			for _, tc := range brenierCases(r, d) {
				A, err := BrenierMap(tc.S0, tc.S1)
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				B, err := brenierSVDForm(tc.S0, tc.S1)
				if err != nil {
					t.Fatalf("%s: SVD form: %v", tc.name, err)
				}
				want := brenierBig(tc.S0, tc.S1)
				ec, es := relErr(A, want), relErr(B, want)
				bound := 4 * float64(d) * eps * (condOf(tc.S0) + condOf(tc.S1))
				if !(ec <= bound) {
					t.Errorf("%s: max|Â − A|/max|A| = %.3g > 4·d·eps·(κ0 + κ1) = %.3g", tc.name, ec, bound)
				}
				if diff := numerics.MatMaxAbsDiff(A, B) / numerics.MatMaxAbs(want); !(diff <= 2*bound) {
					t.Errorf("%s: Cholesky and SVD forms differ by %.3g > 8·d·eps·(κ0 + κ1) = %.3g", tc.name, diff, 2*bound)
				}
				w := classes[tc.name]
				if w == nil {
					w = &worst{}
					classes[tc.name] = w
					names = append(names, tc.name)
				}
				w.chol = math.Max(w.chol, ec)
				w.svd = math.Max(w.svd, es)
			}
		}
	}
	for _, name := range names {
		t.Logf("%-32s worst forward error: Cholesky form %.2e, SVD form %.2e", name, classes[name].chol, classes[name].svd)
	}
}

// TestBrenierIllConditioned is the accuracy statement of BrenierMap's doc:
// the pushforward residual relative to the size of the terms is ≤ 1e-12
// (measured ≤ 2e-14; protocol.md allows 1e-7) at κ(S0) = κ(S1) = 1e6 and
// 1e10, d = 8, for independent and for shared eigenbases.
func TestBrenierIllConditioned(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, tc := range []struct {
		cond, tol float64
	}{{1e6, 1e-12}, {1e10, 1e-12}} {
		for rep := 0; rep < 20; rep++ {
			S0, _ := numerics.RandomSPD(8, r, tc.cond)
			S1, _ := numerics.RandomSPD(8, r, tc.cond)
			Q, _ := numerics.RandomOrthogonal(8, r)
			T0, T1 := spdFrom(Q, logSpectrum(r, 8, tc.cond)), spdFrom(Q, logSpectrum(r, 8, tc.cond))
			for _, p := range [][2]*mat.SymDense{{S0, S1}, {T0, T1}} {
				A, err := BrenierMap(p[0], p[1])
				if err != nil {
					t.Fatal(err)
				}
				if res := termsResidual(A, p[0], p[1]); res > tc.tol {
					t.Errorf("κ = %g: pushforward residual %g relative to the terms > %g", tc.cond, res, tc.tol)
				}
			}
		}
	}
}

// TestBrenierSPDContract checks that the Cholesky certificate changes no
// accept/reject decision of the earlier contract (robust.CheckSPD on each
// covariance) and no error value, around the threshold
// λ_min = 16·d·eps·λ_max, and for singular, indefinite and zero S0 or S1.
func TestBrenierSPDContract(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, d := range []int{1, 2, 8, 64} {
		Q, _ := numerics.RandomOrthogonal(d, r)
		I := identity(d)
		thr := 16 * float64(d) * eps
		for _, f := range []float64{-1, 0, 1e-3, 0.5, 0.9, 1.1, 2, 4, 16, 1e2, 1e3, 1e4, 1e6, 1e9, 1e12} {
			lam := logSpectrum(r, d, 1e3)
			lam[d-1] = 1e3
			lam[0] = f * thr * 1e3
			S := spdFrom(Q, lam)
			want := robust.CheckSPD(S)
			// The certificate never accepts what robust.CheckSPD refuses, and
			// it accepts κ ≤ 1e6 at every d here (the fast path is taken).
			_, _, certified := scaledCholesky(S)
			if certified && want != nil {
				t.Errorf("d=%d λ_min = %g·threshold: certified, but robust.CheckSPD: %v", d, f, want)
			}
			if kappa := lam[d-1] / lam[0]; lam[0] > 0 && kappa <= 1e6 && !certified {
				t.Errorf("d=%d κ = %.3g: not certified", d, kappa)
			}
			for _, args := range []struct {
				name   string
				S0, S1 *mat.SymDense
			}{{"S0", S, I}, {"S1", I, S}} {
				_, err := BrenierMap(args.S0, args.S1)
				if (err == nil) != (want == nil) {
					t.Errorf("d=%d λ_min = %g·threshold, %s: BrenierMap err = %v, robust.CheckSPD err = %v", d, f, args.name, err, want)
					continue
				}
				if err != nil {
					if !errors.Is(err, numerics.ErrInvalid) || !errors.Is(err, numerics.ErrNotSPD) {
						t.Errorf("d=%d %s: err = %v, want ErrInvalid and ErrNotSPD", d, args.name, err)
					}
					if got, w := err.Error(), wrapName(args.name, want).Error(); got != w {
						t.Errorf("d=%d %s: error %q, want %q", d, args.name, got, w)
					}
				}
			}
		}
	}
	for _, tc := range []struct {
		name   string
		S0, S1 *mat.SymDense
	}{
		{"singular S1", diag(1, 1), sym([]float64{0.36, 0.48}, []float64{0.48, 0.64})},
		{"exactly singular S1", diag(2, 3), diag(1, 0)},
		{"zero S0", diag(0, 0), diag(1, 1)},
		{"indefinite S1", diag(1, 1), diag(1, -1)},
	} {
		if _, err := BrenierMap(tc.S0, tc.S1); !errors.Is(err, numerics.ErrInvalid) || !errors.Is(err, numerics.ErrNotSPD) {
			t.Errorf("%s: err = %v, want ErrInvalid and ErrNotSPD", tc.name, err)
		}
	}
	if _, err := BrenierMap(diag(1, 1), diag(1, 1, 1)); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("dimension mismatch: err = %v", err)
	}
	if _, err := BrenierMap(diag(1, math.NaN()), diag(1, 1)); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("NaN: err = %v", err)
	}
}

// TestBrenierExtremeScales: the power-of-2 scaling keeps M = Lᵀ S1 L finite
// for covariances near the float64 limits (the map of S0 = s0·S to
// S1 = s1·S is (s1/s0)^{1/2}·I); a map that does not fit in float64 is
// ErrOverflow.
func TestBrenierExtremeScales(t *testing.T) {
	S := sym([]float64{2, 0.5}, []float64{0.5, 1})
	for _, sc := range [][2]float64{{0x1p1000, 0x1p1000}, {0x1p-1000, 0x1p-1000}, {0x1p-1000, 0x1p1000}, {0x1p1000, 0x1p-1000}, {0x1p-1020, 0x1p1020}} {
		S0 := mat.NewSymDense(2, nil)
		S1 := mat.NewSymDense(2, nil)
		S0.ScaleSym(sc[0], S)
		S1.ScaleSym(sc[1], S)
		A, err := BrenierMap(S0, S1)
		if err != nil {
			t.Fatalf("scales %g, %g: %v", sc[0], sc[1], err)
		}
		k := math.Sqrt(sc[1]) / math.Sqrt(sc[0])
		if e := numerics.MatMaxAbsDiff(A, identityScaled(2, k)); e > 16*eps*k {
			t.Errorf("scales %g, %g: A = %v, want %g·I", sc[0], sc[1], mat.Formatted(A), k)
		}
	}
	// Subnormal covariances: S0 = S1 = 5e-324·I, A = I.
	if A, err := BrenierMap(diag(5e-324, 5e-324), diag(5e-324, 5e-324)); err != nil || numerics.MatMaxAbsDiff(A, identity(2)) != 0 {
		t.Errorf("subnormal: A = %v, err = %v", A, err)
	}
	if _, err := BrenierMap(diag(5e-324), diag(math.MaxFloat64)); !errors.Is(err, ErrOverflow) {
		t.Errorf("A = (MaxFloat64/5e-324)^{1/2}: err = %v, want ErrOverflow", err)
	}
}

func identityScaled(d int, k float64) *mat.SymDense {
	I := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		I.SetSym(i, i, k)
	}
	return I
}
