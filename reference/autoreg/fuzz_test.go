package autoreg_test

// Native Go fuzz targets for the exported functions of package autoreg
// (issue 9): Sample/CDF, the joint table (NewJoint, Prob, Marginal,
// Conditional, ChainRule, SampleSequential), the transforms (Haar,
// InverseHaar, DFT, InverseDFT, LowPass, HighPass) and LogDensity with the
// package's maps. Property: no panic, no hang, no NaN or ±Inf without an
// error (errors wrap numerics.ErrInvalid or autoreg.ErrOverflow), and for valid input the
// definitions: Sample = min{i : F_i > u} (else the last positive token) and
// never a zero-probability token; ChainRule = Prob/Σp; round trips of the
// orthogonal transforms and Parseval; LowPass + HighPass = x; LogDensity of
// an affine map = log p_Y(Ax + b) + log|det A|.
//
// Seeds: testdata/fuzz/FuzzXxx/seed-*, written from fzSeeds by
//
//	go test ./reference/autoreg -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run one target: go test ./reference/autoreg -run '^$' -fuzz '^FuzzSample$' -fuzztime 60s -parallel 1

import (
	"errors"
	"math"
	"math/big"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/otverify/otverify/internal/fuzzseed"
	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/autoreg"
)

const ulp = 0x1p-52

func okErr(t *testing.T, name string, err error) {
	t.Helper()
	if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, autoreg.ErrOverflow) {
		t.Fatalf("%s: error %v wraps neither ErrInvalid nor ErrOverflow", name, err)
	}
}

// normalise returns |v|/Σ|v| when mode is odd (else v unchanged).
func normalise(v []float64, mode byte) []float64 {
	if mode%2 == 0 {
		return v
	}
	s := 0.0
	for _, x := range v {
		s += math.Abs(x)
	}
	if !(s > 0) || math.IsInf(s, 0) {
		return v
	}
	w := make([]float64, len(v))
	for i, x := range v {
		w[i] = math.Abs(x) / s
	}
	return w
}

var fzSeeds = map[string][]fuzzseed.Seed{
	"FuzzSample": {
		{Name: "one", Args: []any{fuzzseed.NewEnc().U8(1, 0).F(1, 0.5).Bytes()}},
		{Name: "cdf-jump", Args: []any{fuzzseed.NewEnc().U8(3, 0).F(0.25, 0.25, 0.5, 0.5).Bytes()}},
		{Name: "zero-prob", Args: []any{fuzzseed.NewEnc().U8(3, 0).F(0, 1, 0, 0.999).Bytes()}},
		{Name: "zero-last", Args: []any{fuzzseed.NewEnc().U8(3, 1).F(1, 1, 0, 0.99999999).Bytes()}},
		{Name: "u-one", Args: []any{fuzzseed.NewEnc().U8(2, 0).F(0.5, 0.5, 1).Bytes()}},
		{Name: "tiny", Args: []any{fuzzseed.NewEnc().U8(2, 0).F(5e-324, 1, 0).Bytes()}},
		{Name: "bad-mass", Args: []any{fuzzseed.NewEnc().U8(2, 0).F(0.5, 0.6, 0).Bytes()}},
	},
	"FuzzJoint": {
		{Name: "two-by-two", Args: []any{fuzzseed.NewEnc().U8(2, 2, 2, 0).F(0.25, 0.25, 0.5, 0, 0.3, 0.7).Bytes()}},
		{Name: "zero-prefix", Args: []any{fuzzseed.NewEnc().U8(2, 2, 2, 0).F(0, 0, 0.5, 0.5, 0.3, 0.7).Bytes()}},
		{Name: "one-cell", Args: []any{fuzzseed.NewEnc().U8(1, 1, 0).F(1, 0.5).Bytes()}},
		{Name: "bad", Args: []any{fuzzseed.NewEnc().U8(2, 2, 2, 0).F(0.5, 0.5, 0.5, 0.5, 0.3, 0.7).Bytes()}},
	},
	"FuzzTransforms": {
		{Name: "eight", Args: []any{fuzzseed.NewEnc().U8(8, 3, 2).F(1, 2, 3, 4, 5, 6, 7, 8).Bytes()}},
		{Name: "odd-length", Args: []any{fuzzseed.NewEnc().U8(3, 1, 0).F(1, 2, 3).Bytes()}},
		// Not seeded while open (docs/reliability.md, findings): Haar of
		// [1e308, 1e308] overflows to [+Inf, 0] without an error.
		{Name: "large", Args: []any{fuzzseed.NewEnc().U8(2, 1, 0).F(1e300, 1e300).Bytes()}},
		{Name: "tiny", Args: []any{fuzzseed.NewEnc().U8(4, 2, 1).F(5e-324, 0, 5e-324, 1e-300).Bytes()}},
	},
	"FuzzLogDensity": {
		{Name: "identity", Args: []any{fuzzseed.NewEnc().U8(2, 0).F(1, 0, 0, 1, 0, 0, 0.5, 0.5).Bytes()}},
		{Name: "singular", Args: []any{fuzzseed.NewEnc().U8(2, 0).F(1, 1, 1, 1, 0, 0, 0.5, 0.5).Bytes()}},
		{Name: "elementwise", Args: []any{fuzzseed.NewEnc().U8(2, 1).F(0.5, -0.5, 0, 0, 0, 0, 1, 2).Bytes()}},
		{Name: "huge", Args: []any{fuzzseed.NewEnc().U8(1, 0).F(1e300, 1e300, 1e300).Bytes()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fuzzseed.Check(t, fzSeeds) }

// FuzzSample: Sample follows protocol.md's definition exactly.
func FuzzSample(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		k, mode := d.N(0, 6), d.U8()
		p := normalise(d.Fs(k), mode)
		u := d.F()
		F := autoreg.CDF(p)
		if len(F) != len(p) {
			t.Fatalf("CDF has %d entries", len(F))
		}
		idx, err := autoreg.Sample(p, u)
		if err != nil {
			okErr(t, "Sample", err)
			return
		}
		want := -1
		for i := range F {
			if F[i] > u {
				want = i
				break
			}
		}
		if want < 0 {
			for i := range p {
				if p[i] > 0 {
					want = i
				}
			}
		}
		if idx != want || !(p[idx] > 0) {
			t.Fatalf("Sample(%v, %v) = %d, definition %d", p, u, idx, want)
		}
	})
}

// FuzzJoint: the joint table's factorisation and sampler.
func FuzzJoint(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		D := d.N(0, 3)
		sizes := make([]int, D)
		total := 1
		for i := range sizes {
			sizes[i] = d.N(0, 3)
			total *= sizes[i]
		}
		mode := d.U8()
		p := normalise(d.Fs(min(total, 64)), mode)
		u := d.Fs(D)
		J, err := autoreg.NewJoint(sizes, p)
		if err != nil {
			okErr(t, "NewJoint", err)
			return
		}
		psum := 0.0
		for _, v := range p {
			psum += v
		}
		// Every configuration: ChainRule = Prob/Σp.
		x := make([]int, D)
		var walk func(i int)
		walk = func(i int) {
			if i == D {
				pr, err1 := J.Prob(x)
				cr, err2 := J.ChainRule(x)
				if err1 != nil || err2 != nil || !numerics.AllFinite([]float64{pr, cr}) {
					t.Fatalf("Prob(%v) = %v (%v), ChainRule = %v (%v)", x, pr, err1, cr, err2)
				}
				// The conditionals are renormalised, so the chain rule
				// gives p(x)/Σp, which differs from p(x) by up to MassTol
				// relative (doc says "equals p(x) up to rounding").
				want := pr / psum
				if math.Abs(want-cr) > 4*float64(D*(total+2))*ulp*math.Max(want, 1e-300) && math.Abs(want-cr) > 1e-300 {
					t.Fatalf("ChainRule(%v) = %v, Prob/Σp = %v", x, cr, want)
				}
				return
			}
			for v := 0; v < sizes[i]; v++ {
				x[i] = v
				walk(i + 1)
			}
		}
		walk(0)
		if m, err := J.Marginal(nil); err != nil || math.Abs(m-1) > 1e-9 {
			t.Fatalf("Marginal(∅) = %v, %v", m, err)
		}
		s, err := J.SampleSequential(u)
		if err != nil {
			okErr(t, "SampleSequential", err)
			return
		}
		if pr, err := J.Prob(s); err != nil || !(pr > 0) {
			t.Fatalf("SampleSequential(%v) = %v of probability %v (%v)", u, s, pr, err)
		}
	})
}

// FuzzTransforms: Haar and DFT are orthogonal (round trip, Parseval) and
// LowPass + HighPass = x, within their documented accuracy.
func FuzzTransforms(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		n, levels, cutoff := d.N(0, 16), d.N(0, 5), d.N(0, 8)
		x := d.Fs(n)
		norm := 0.0
		for _, v := range x {
			norm = math.Max(norm, math.Abs(v))
		}
		if y, err := autoreg.Haar(x, levels); err != nil {
			okErr(t, "Haar", err)
		} else {
			if !numerics.AllFinite(y) || len(y) != n {
				t.Fatalf("Haar(%v) = %v without an error", x, y)
			}
			back, err := autoreg.InverseHaar(y, levels)
			if err != nil {
				okErr(t, "InverseHaar", err)
			} else {
				for i := range x {
					if math.Abs(back[i]-x[i]) > 8*float64(levels+1)*ulp*norm*math.Sqrt(float64(n))+float64(n)*4*5e-324 {
						t.Fatalf("InverseHaar(Haar(%v)) = %v", x, back)
					}
				}
			}
		}
		z := make([]complex128, n)
		for i, v := range x {
			z[i] = complex(v, 0)
		}
		if X, err := autoreg.DFT(z); err != nil {
			okErr(t, "DFT", err)
		} else {
			for _, c := range X {
				if !numerics.AllFinite([]float64{real(c), imag(c)}) {
					t.Fatalf("DFT(%v) = %v without an error", x, X)
				}
			}
			back, err := autoreg.InverseDFT(X)
			if err != nil {
				okErr(t, "InverseDFT", err)
			} else {
				for i := range x {
					if math.Abs(real(back[i])-x[i]) > 8*float64(n+1)*ulp*norm*math.Sqrt(float64(n))+float64(n)*4*5e-324 {
						t.Fatalf("InverseDFT(DFT(%v)) = %v", x, back)
					}
				}
			}
		}
		lo, err1 := autoreg.LowPass(x, cutoff)
		hi, err2 := autoreg.HighPass(x, cutoff)
		if err1 != nil || err2 != nil {
			if err1 != nil {
				okErr(t, "LowPass", err1)
			}
			if err2 != nil {
				okErr(t, "HighPass", err2)
			}
			return
		}
		for i := range x {
			if !numerics.AllFinite([]float64{lo[i], hi[i]}) {
				t.Fatalf("LowPass/HighPass(%v) = %v, %v without an error", x, lo, hi)
			}
			// Halved: lo + hi may round past MaxFloat64 where x is near it.
			if math.Abs(lo[i]/2+hi[i]/2-x[i]/2) > 4*float64(n+1)*ulp*norm*math.Sqrt(float64(n))+float64(n)*4*5e-324 {
				t.Fatalf("LowPass + HighPass ≠ x: %v + %v vs %v", lo, hi, x)
			}
		}
	})
}

// FuzzLogDensity: for a square affine map (mode 0) LogDensity is
// log p_Y(Ax + b) + log|det A| or an ErrInvalid when A is singular; for an
// elementwise map the sum of log(1 + C_a sech²(x_a)).
func FuzzLogDensity(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		dim, mode := d.N(0, 3), d.U8()%2
		A := d.Mat(dim, dim)
		b := d.Fs(dim)
		x := d.Fs(dim)
		logpY := func(y []float64) float64 {
			s := 0.0
			for _, v := range y {
				s -= v * v / 2
			}
			return s
		}
		var g autoreg.Map = autoreg.Affine{A: A, B: b}
		if mode == 1 {
			g = autoreg.Elementwise{C: b}
		}
		got, err := autoreg.LogDensity(x, g, logpY)
		if err != nil {
			okErr(t, "LogDensity", err)
			return
		}
		if !numerics.AllFinite([]float64{got}) && !(math.IsInf(got, -1) && math.IsInf(logpY(g.Apply(x)), -1)) {
			// −Inf is the right answer where p_Y itself is 0 (its log
			// underflows), not otherwise.
			t.Fatalf("LogDensity = %v without an error", got)
		}
		if mode == 0 && dim > 0 {
			// Reference: the exact determinant (big.Float, cofactor
			// expansion, d ≤ 3), its log taken from mantissa and exponent —
			// independent of LU and of math.Log on subnormals (wrong on
			// amd64, golang/go#56600). LU's log-determinant is off by about
			// d²·2^{d−1}·eps·cond(B) for the equilibrated B = D_r J D_c.
			ld, ok := exactLogAbsDet(A)
			if !ok {
				return // exactly singular: LU may still see a tiny pivot
			}
			lp := logpY(g.Apply(x))
			want := lp + ld
			tol := 1e-12*(math.Abs(lp)+math.Abs(ld)+1)*float64(dim) + 16*float64(dim*dim)*float64(int(1)<<(dim-1))*ulp*equilibratedCond(A)
			if math.Abs(got-want) > tol {
				t.Fatalf("LogDensity(affine %v) = %v, want %v (tolerance %g)", A, got, want, tol)
			}
		}
	})
}

// exactLogAbsDet returns log|det A| for a 1×1 to 3×3 matrix from its exact
// determinant (big.Float with enough precision for every product of three
// float64 and their sum), and false when det A = 0 exactly.
func exactLogAbsDet(A [][]float64) (float64, bool) {
	const prec = 4096
	f := func(v float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(v) }
	mul := func(a ...*big.Float) *big.Float {
		r := f(1)
		for _, v := range a {
			r.Mul(r, v)
		}
		return r
	}
	var det *big.Float
	switch len(A) {
	case 1:
		det = f(A[0][0])
	case 2:
		det = new(big.Float).SetPrec(prec).Sub(mul(f(A[0][0]), f(A[1][1])), mul(f(A[0][1]), f(A[1][0])))
	case 3:
		det = f(0)
		for c := 0; c < 3; c++ {
			p := mul(f(A[0][c]), f(A[1][(c+1)%3]), f(A[2][(c+2)%3]))
			m := mul(f(A[0][c]), f(A[1][(c+2)%3]), f(A[2][(c+1)%3]))
			det.Add(det, p)
			det.Sub(det, m)
		}
	}
	if det.Sign() == 0 {
		return 0, false
	}
	mant := new(big.Float)
	exp := det.Abs(det).MantExp(mant) // |det| = mant·2^exp, mant in [½, 1)
	m, _ := mant.Float64()
	return math.Log(m) + float64(exp)*math.Ln2, true
}

// equilibratedCond returns the 2-norm condition number of D_r A D_c, A
// scaled by powers of two as autoreg.LogDensity does: row exponent R_i =
// max_j e_ij, column exponent C_j = max_i (e_ij − R_i), e_ij the binary
// exponent of a_ij.
func equilibratedCond(A [][]float64) float64 {
	d := len(A)
	e := func(v float64) int { _, x := math.Frexp(v); return x }
	R, C := make([]int, d), make([]int, d)
	for i := 0; i < d; i++ {
		R[i], C[i] = math.MinInt, math.MinInt
	}
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			if A[i][j] != 0 {
				R[i] = max(R[i], e(A[i][j]))
			}
		}
	}
	for j := 0; j < d; j++ {
		for i := 0; i < d; i++ {
			if A[i][j] != 0 {
				C[j] = max(C[j], e(A[i][j])-R[i])
			}
		}
	}
	B := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			if R[i] == math.MinInt || C[j] == math.MinInt {
				return math.Inf(1)
			}
			B.Set(i, j, math.Ldexp(A[i][j], -R[i]-C[j]))
		}
	}
	return mat.Cond(B, 2)
}
