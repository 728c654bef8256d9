package numerics_test

// Native Go fuzz targets for every exported function of numerics that takes
// user data (issue 9). Property of each: no panic, no hang, no NaN or ±Inf
// returned without an error (except where the doc comment promises one, e.g.
// LogSumExp of an all −Inf slice), and for valid input the documented answer
// (a closed form or an independent second computation).
//
// Inputs are decoded from one []byte by fuzzseed.Dec (see the package doc
// of internal/fuzzseed for the byte encoding), so that the
// mutator reaches the hard cases — ties, duplicates, zeros, 1e±300,
// subnormals, MaxFloat64, NaN, ±Inf — with small inputs. The seed corpora
// under testdata/fuzz/FuzzXxx/seed-* are written by
//
//	go test ./numerics -run TestFuzzSeedCorpus -fuzzseeds.write
//
// from the fzSeeds table below and checked against it by plain `go test`.
// Run one target with: go test ./numerics -run '^$' -fuzz '^FuzzSymmetric$' -fuzztime 60s -parallel 1

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/otverify/otverify/internal/fuzzseed"
	"github.com/otverify/otverify/numerics"
)

var nan, inf = math.NaN(), math.Inf(1)

func finite(x ...float64) bool { return numerics.AllFinite(x) }

func allRowsFinite(M [][]float64) bool {
	for _, r := range M {
		if !numerics.AllFinite(r) {
			return false
		}
	}
	return true
}

const ulp = 0x1p-52

// fzSeeds are the hard cases of each target (see the encoding of fuzzseed.Dec).
var fzSeeds = map[string][]fuzzseed.Seed{
	"FuzzLogSumExp": {
		{Name: "empty", Args: []any{fuzzseed.NewEnc().U8(0).Bytes()}},
		{Name: "one", Args: []any{fuzzseed.NewEnc().U8(1).F(3).Bytes()}},
		{Name: "ties", Args: []any{fuzzseed.NewEnc().U8(4).F(2, 2, 2, 2).Bytes()}},
		{Name: "huge", Args: []any{fuzzseed.NewEnc().U8(3).F(1e300, 1e300, -1e300).Bytes()}},
		{Name: "tiny-and-subnormal", Args: []any{fuzzseed.NewEnc().U8(3).F(1e-300, 5e-324, 0).Bytes()}},
		{Name: "large-logits", Args: []any{fuzzseed.NewEnc().U8(3).F(1000, 999, -1000).Bytes()}},
		{Name: "neg-inf", Args: []any{fuzzseed.NewEnc().U8(2).F(math.Inf(-1), math.Inf(-1)).Bytes()}},
		{Name: "nan", Args: []any{fuzzseed.NewEnc().U8(2).F(nan, 1).Bytes()}},
		{Name: "pos-inf", Args: []any{fuzzseed.NewEnc().U8(2).F(inf, 1).Bytes()}},
	},
	"FuzzFlatten": {
		{Name: "empty", Args: []any{fuzzseed.NewEnc().U8(0, 0, 0).Bytes()}},
		{Name: "one", Args: []any{fuzzseed.NewEnc().U8(1, 1, 0).F(1).Bytes()}},
		{Name: "ragged", Args: []any{fuzzseed.NewEnc().U8(2, 3, 1).F(1, 2, 3, 4, 5, 6).Bytes()}},
		{Name: "nan", Args: []any{fuzzseed.NewEnc().U8(2, 2, 0).F(1, nan, 3, 4).Bytes()}},
		{Name: "huge", Args: []any{fuzzseed.NewEnc().U8(2, 2, 0).F(1e300, -1e300, math.MaxFloat64, 5e-324).Bytes()}},
	},
	"FuzzTolerance": {
		{Name: "zero", Args: []any{fuzzseed.NewEnc().F(0, 0, 1e-9, 0, 0).Bytes()}},
		{Name: "nan", Args: []any{fuzzseed.NewEnc().F(nan, 1, 1e-9, 1, 0).Bytes()}},
		{Name: "inf", Args: []any{fuzzseed.NewEnc().F(inf, inf, 1e-9, 1, 0).Bytes()}},
		{Name: "huge", Args: []any{fuzzseed.NewEnc().F(1e300, -1e300, 1e-9, 1e300, 0).Bytes()}},
	},
	"FuzzSymmetric": {
		{Name: "one", Args: []any{fuzzseed.NewEnc().U8(0, 1).F(2).Bytes()}},
		{Name: "identity", Args: []any{fuzzseed.NewEnc().U8(2, 1).F(1, 0, 0, 0, 1, 0, 0, 0, 1).Bytes()}},
		{Name: "singular", Args: []any{fuzzseed.NewEnc().U8(1, 1).F(1, 1, 1, 1).Bytes()}},
		{Name: "indefinite", Args: []any{fuzzseed.NewEnc().U8(1, 1).F(1, 2, 2, 1).Bytes()}},
		{Name: "cond1e8", Args: []any{fuzzseed.NewEnc().U8(1, 1).F(1e8, 0, 0, 1).Bytes()}},
		{Name: "huge", Args: []any{fuzzseed.NewEnc().U8(1, 1).F(math.MaxFloat64, 0, 0, math.MaxFloat64).Bytes()}},
		{Name: "huge-offdiag", Args: []any{fuzzseed.NewEnc().U8(1, 1).F(1e300, 1e300, 1e300, 1e300).Bytes()}},
		{Name: "subnormal", Args: []any{fuzzseed.NewEnc().U8(1, 1).F(5e-324, 0, 0, 5e-324).Bytes()}},
		{Name: "asymmetric", Args: []any{fuzzseed.NewEnc().U8(1, 0).F(1, 2, 3, 4).Bytes()}},
		{Name: "nan", Args: []any{fuzzseed.NewEnc().U8(1, 1).F(nan, 0, 0, 1).Bytes()}},
		{Name: "zero", Args: []any{fuzzseed.NewEnc().U8(2, 1).F(0, 0, 0, 0, 0, 0, 0, 0, 0).Bytes()}},
	},
	"FuzzFiniteDifferences": {
		{Name: "cubic", Args: []any{fuzzseed.NewEnc().U8(0, 1).F(1, 2, 3, 4, 0.5).Bytes()}},
		{Name: "huge-slope", Args: []any{fuzzseed.NewEnc().U8(0, 1).F(0, 1e308, 0, 0, 0.5).Bytes()}},
		{Name: "huge-x", Args: []any{fuzzseed.NewEnc().U8(1, 1).F(0, 1, 0, 0, 1e300).Bytes()}},
		{Name: "max-x", Args: []any{fuzzseed.NewEnc().U8(0, 1).F(1, 0, 0, 0, math.MaxFloat64).Bytes()}},
		{Name: "nan-x", Args: []any{fuzzseed.NewEnc().U8(0, 1).F(1, 0, 0, 0, nan).Bytes()}},
		{Name: "vector", Args: []any{fuzzseed.NewEnc().U8(1, 3).F(1, -1, 0.5, 2, 1, 2, 3).Bytes()}},
	},
	"FuzzODE": {
		{Name: "decay", Args: []any{fuzzseed.NewEnc().U8(10, 0).F(-1, 0, 1, 1).Bytes()}},
		{Name: "growth", Args: []any{fuzzseed.NewEnc().U8(10, 0).F(2, 0, 1, 1).Bytes()}},
		{Name: "backward", Args: []any{fuzzseed.NewEnc().U8(10, 0).F(-1, 1, 0, 1).Bytes()}},
		{Name: "zero-span", Args: []any{fuzzseed.NewEnc().U8(10, 0).F(-1, 1, 1, 1).Bytes()}},
		{Name: "blow-up", Args: []any{fuzzseed.NewEnc().U8(1, 0).F(1e300, 0, 1, 1).Bytes()}},
		{Name: "huge-y", Args: []any{fuzzseed.NewEnc().U8(3, 0).F(1, 0, 1, 1e308).Bytes()}},
		{Name: "tiny-step", Args: []any{fuzzseed.NewEnc().U8(10, 1).F(-1, 0, 1, 1, 1e-6, 0, 5e-324, 0).Bytes()}},
		{Name: "tiny-maxstep", Args: []any{fuzzseed.NewEnc().U8(10, 1).F(-1, 0, 1, 1, 1e-6, 0, 0, 1e-300).Bytes()}},
		{Name: "nan-t", Args: []any{fuzzseed.NewEnc().U8(10, 0).F(-1, nan, 1, 1).Bytes()}},
	},
	"FuzzGaussianExpectation": {
		{Name: "moments", Args: []any{fuzzseed.NewEnc().U8(5).F(1, 2, 3, 4, 0.5, 2).Bytes()}},
		{Name: "sd-zero", Args: []any{fuzzseed.NewEnc().U8(5).F(1, 2, 3, 4, 0.5, 0).Bytes()}},
		{Name: "huge-sd", Args: []any{fuzzseed.NewEnc().U8(5).F(0, 0, 1, 0, 0, 1e300).Bytes()}},
		{Name: "huge-coef", Args: []any{fuzzseed.NewEnc().U8(5).F(1e308, 1e308, 0, 0, 0, 1).Bytes()}},
		{Name: "one-node", Args: []any{fuzzseed.NewEnc().U8(0).F(1, 1, 0, 0, 3, 1).Bytes()}},
		{Name: "max-nodes", Args: []any{fuzzseed.NewEnc().U8(255).F(1, 1, 1, 1, 0, 1).Bytes()}},
	},
	"FuzzSamplers": {
		{Name: "small", Args: []any{fuzzseed.NewEnc().U8(1, 2, 3, 4, 5, 6, 7, 8).F(1, 1, 1).Bytes()}},
		{Name: "zero-n", Args: []any{fuzzseed.NewEnc().U8(0, 0, 0, 0, 0, 0, 0, 0).F(1).Bytes()}},
		{Name: "tiny-alpha", Args: []any{fuzzseed.NewEnc().U8(9, 3, 3, 4, 3, 6, 7, 8).F(1e-300, 1e-8, 1).Bytes()}},
		{Name: "zero-weight", Args: []any{fuzzseed.NewEnc().U8(9, 3, 3, 4, 3, 6, 7, 8).F(0, 1, 0).Bytes()}},
		{Name: "huge-L", Args: []any{fuzzseed.NewEnc().U8(9, 3, 2, 4, 2, 6, 7, 8).F(1e300, 1e300, 1e300, 1e300).Bytes()}},
		{Name: "cond1e8", Args: []any{fuzzseed.NewEnc().U8(9, 3, 3, 4, 3, 6, 7, 8).F(1e8).Bytes()}},
	},
	"FuzzKS": {
		{Name: "uniform", Args: []any{fuzzseed.NewEnc().U8(4, 4, 10).F(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.05, 0.01).Bytes()}},
		{Name: "ties", Args: []any{fuzzseed.NewEnc().U8(4, 4, 10).F(1, 1, 1, 1, 1, 1, 1, 1, 0.5, 0.5).Bytes()}},
		{Name: "one", Args: []any{fuzzseed.NewEnc().U8(1, 1, 0).F(0.5, 0.5, 0.5, 0.5).Bytes()}},
		{Name: "huge", Args: []any{fuzzseed.NewEnc().U8(2, 2, 200).F(1e300, -1e300, 5e-324, math.MaxFloat64, 1e300, 0.999).Bytes()}},
		{Name: "nan", Args: []any{fuzzseed.NewEnc().U8(2, 2, 2).F(nan, 1, 1, 1, 0.5, 0.5).Bytes()}},
	},
	"FuzzChiSquare": {
		{Name: "fair", Args: []any{fuzzseed.NewEnc().U8(3, 10, 10, 10).F(1.0/3, 1.0/3, 1.0/3).Bytes()}},
		{Name: "zero-p-hit", Args: []any{fuzzseed.NewEnc().U8(3, 10, 10, 1).F(0.5, 0.5, 0).Bytes()}},
		{Name: "subnormal-p", Args: []any{fuzzseed.NewEnc().U8(2, 10, 10).F(1, 5e-324).Bytes()}},
		{Name: "one-category", Args: []any{fuzzseed.NewEnc().U8(2, 10, 0).F(1, 0).Bytes()}},
	},
	"FuzzTwoSample": {
		{Name: "equal", Args: []any{fuzzseed.NewEnc().U8(2, 2, 1, 0).F(1, 2, 1, 2, 1).Bytes()}},
		{Name: "duplicates", Args: []any{fuzzseed.NewEnc().U8(3, 3, 1, 1).F(1, 1, 1, 1, 1, 1, 1).Bytes()}},
		{Name: "huge", Args: []any{fuzzseed.NewEnc().U8(2, 2, 1, 0).F(1e300, -1e300, 1e300, -1e300, 1).Bytes()}},
		{Name: "max", Args: []any{fuzzseed.NewEnc().U8(1, 1, 1, 0).F(math.MaxFloat64, -math.MaxFloat64, 1).Bytes()}},
		{Name: "tiny-sigma", Args: []any{fuzzseed.NewEnc().U8(2, 2, 1, 0).F(0, 1, 0, 1, 5e-324).Bytes()}},
		{Name: "far", Args: []any{fuzzseed.NewEnc().U8(2, 2, 2, 0).F(0, 0, 1, 1, 1e6, 1e6, 1e6, 1e6, 1).Bytes()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fuzzseed.Check(t, fzSeeds) }

// ---------------------------------------------------------------------------

// FuzzLogSumExp: LogSumExp and Softmax follow their documented behaviour on
// any input; for finite input the result is finite, lies in
// [max, max + log n], agrees with the naive formula where that cannot
// overflow, and Softmax is a probability vector.
func FuzzLogSumExp(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		x := d.Fs(d.N(0, 64))
		l := numerics.LogSumExp(x)
		p := numerics.Softmax(nil, x)
		if len(p) != len(x) {
			t.Fatalf("Softmax returned %d entries for %d", len(p), len(x))
		}
		hasNaN, hasPosInf, allNegInf := false, false, true
		mx := math.Inf(-1)
		for _, v := range x {
			hasNaN = hasNaN || math.IsNaN(v)
			hasPosInf = hasPosInf || math.IsInf(v, 1)
			allNegInf = allNegInf && math.IsInf(v, -1)
			mx = math.Max(mx, v)
		}
		switch {
		case hasNaN:
			if !math.IsNaN(l) {
				t.Fatalf("LogSumExp(%v) = %v, want NaN", x, l)
			}
			return
		case hasPosInf:
			if !math.IsInf(l, 1) {
				t.Fatalf("LogSumExp(%v) = %v, want +Inf", x, l)
			}
			return
		case allNegInf:
			if !math.IsInf(l, -1) {
				t.Fatalf("LogSumExp(%v) = %v, want −Inf", x, l)
			}
			return
		}
		n := float64(len(x))
		if !finite(l) || l < mx || l > mx+math.Log(n)+4*ulp*math.Max(1, math.Abs(mx)) {
			t.Fatalf("LogSumExp(%v) = %v outside [max, max + log n] = [%v, %v]", x, l, mx, mx+math.Log(n))
		}
		if mx > -700 && mx < 700 {
			s := 0.0
			for _, v := range x {
				s += math.Exp(v)
			}
			if naive := math.Log(s); math.Abs(naive-l) > 8*n*ulp*math.Max(1, math.Abs(l)) {
				t.Fatalf("LogSumExp(%v) = %v, naive %v", x, l, naive)
			}
		}
		sum := 0.0
		for i, v := range p {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("Softmax(%v)[%d] = %v outside [0, 1]", x, i, v)
			}
			sum += v
		}
		if math.Abs(sum-1) > 4*n*ulp {
			t.Fatalf("Softmax(%v) sums to %v", x, sum)
		}
		// dst reuse gives the same answer.
		q := numerics.Softmax(make([]float64, len(x)), x)
		if !slices.Equal(p, q) {
			t.Fatalf("Softmax with a dst differs: %v vs %v", p, q)
		}
	})
}

// FuzzFlatten: Flatten rejects ragged or non-finite matrices with ErrInvalid
// and otherwise round-trips through Unflatten; DenseFromRows and ToRows
// agree with it.
func FuzzFlatten(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		r, c, ragged := d.N(0, 6), d.N(0, 6), d.U8()%2 == 1
		M := make([][]float64, r)
		for i := range M {
			ci := c
			if ragged && i == r-1 {
				ci = d.N(0, 6)
			}
			M[i] = d.Fs(ci)
		}
		isRagged, fin := false, true
		for _, row := range M {
			isRagged = isRagged || len(row) != len(M[0])
			fin = fin && numerics.AllFinite(row)
		}
		data2, rr, cc, err := numerics.Flatten(M)
		D, errD := numerics.DenseFromRows(M)
		if isRagged || !fin {
			if err == nil || !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("Flatten(%v) err = %v, want ErrInvalid", M, err)
			}
			if errD == nil || !errors.Is(errD, numerics.ErrInvalid) {
				t.Fatalf("DenseFromRows(%v) err = %v, want ErrInvalid", M, errD)
			}
			return
		}
		if err != nil {
			t.Fatalf("Flatten(%v): %v", M, err)
		}
		if rr != r || (r > 0 && cc != len(M[0])) || len(data2) != rr*cc {
			t.Fatalf("Flatten(%v) = %d×%d with %d entries", M, rr, cc, len(data2))
		}
		back := numerics.Unflatten(data2, rr, cc)
		for i := range M {
			if !slices.Equal(back[i], M[i]) {
				t.Fatalf("Unflatten(Flatten(%v)) = %v", M, back)
			}
		}
		if rr == 0 || cc == 0 {
			if errD == nil {
				t.Fatalf("DenseFromRows accepted an empty %d×%d matrix", rr, cc)
			}
			return
		}
		if errD != nil {
			t.Fatalf("DenseFromRows(%v): %v", M, errD)
		}
		rows := numerics.ToRows(D)
		for i := range M {
			if !slices.Equal(rows[i], M[i]) {
				t.Fatalf("ToRows(DenseFromRows(%v)) = %v", M, rows)
			}
		}
	})
}

// FuzzTolerance: Close, RelErr, MaxAbs, MaxAbsDiff, AllFinite, MatMaxAbs and
// MatMaxAbsDiff follow their documented definitions.
func FuzzTolerance(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		got, want, rtol, scale, atol := d.F(), d.F(), d.F(), d.F(), d.F()
		anyNaN := math.IsNaN(got) || math.IsNaN(want) || math.IsNaN(scale)
		r := numerics.RelErr(got, want, scale)
		switch {
		case got == want:
			if r != 0 {
				t.Fatalf("RelErr(%v, %v, %v) = %v, want 0", got, want, scale, r)
			}
		case anyNaN:
			if !math.IsNaN(r) {
				t.Fatalf("RelErr(%v, %v, %v) = %v, want NaN", got, want, scale, r)
			}
		case !(r >= 0):
			t.Fatalf("RelErr(%v, %v, %v) = %v < 0", got, want, scale, r)
		}
		c := numerics.Close(got, want, rtol, scale, atol)
		if c != (math.Abs(got-want) <= rtol*math.Abs(scale)+atol) {
			t.Fatalf("Close(%v, %v, %v, %v, %v) = %v disagrees with its definition", got, want, rtol, scale, atol, c)
		}
		if c && (math.IsNaN(got) || math.IsNaN(want)) {
			t.Fatalf("Close(%v, %v, …) = true with a NaN", got, want)
		}
		x := d.Fs(d.N(0, 8))
		y := d.Fs(len(x))
		m := numerics.MaxAbs(x)
		md := numerics.MaxAbsDiff(x, y)
		hasNaN := false
		for i := range x {
			hasNaN = hasNaN || math.IsNaN(x[i])
			if a := math.Abs(x[i]); a > m {
				t.Fatalf("MaxAbs(%v) = %v < |x[%d]|", x, m, i)
			}
			if dd := math.Abs(x[i] - y[i]); dd > md {
				t.Fatalf("MaxAbsDiff = %v < |x[%d] − y[%d]| = %v", md, i, i, dd)
			}
		}
		if hasNaN != math.IsNaN(m) {
			t.Fatalf("MaxAbs(%v) = %v: NaN iff some entry is NaN", x, m)
		}
		if numerics.AllFinite(x) != (!hasNaN && !math.IsInf(m, 0)) {
			t.Fatalf("AllFinite(%v) = %v", x, numerics.AllFinite(x))
		}
		if !math.IsInf(numerics.MaxAbsDiff(x, append(y, 0)), 1) {
			t.Fatalf("MaxAbsDiff of unequal lengths is not +Inf")
		}
		if len(x) > 0 {
			A := mat.NewDense(1, len(x), x)
			B := mat.NewDense(1, len(y), y)
			if ma := numerics.MatMaxAbs(A); !(ma == m || math.IsNaN(ma) && math.IsNaN(m)) {
				t.Fatalf("MatMaxAbs = %v, MaxAbs = %v", ma, m)
			}
			if mad := numerics.MatMaxAbsDiff(A, B); !(mad == md || math.IsNaN(mad) && math.IsNaN(md)) {
				t.Fatalf("MatMaxAbsDiff = %v, MaxAbsDiff = %v", mad, md)
			}
		}
	})
}

// symNorm returns max |λ| of the symmetric A (its spectral norm), or NaN.
func symNorm(A *mat.SymDense) float64 {
	// With vectors: gonum's values-only path (Dsterf) panics for tiny
	// norms (see numerics.TestEigenTinyNormNoPanic).
	var e mat.EigenSym
	if !e.Factorize(A, true) {
		return math.NaN()
	}
	v := e.Values(nil)
	return math.Max(math.Abs(v[0]), math.Abs(v[len(v)-1]))
}

// FuzzSymmetric: SymFromRows/SymFromMatrix accept exactly the square finite
// matrices symmetric within SymTol and return finite symmetric matrices;
// SymSqrt, SymInvSqrt, SymFunc and CheckSPD never panic, return finite
// matrices or an error wrapping ErrInvalid/ErrNotConverged, and meet their
// documented accuracy: ‖S·S − A‖max ≤ 20·d·eps·‖A‖₂ for the square root (the
// bound TestSymSqrtSquares uses, plus the 16·d·eps·‖A‖₂ of clipped negative
// eigenvalues), and A^{−1/2}·A^{1/2} = I within 20·d·eps·√κ.
func FuzzSymmetric(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		dd := fuzzseed.NewDec(data)
		d, symmetrise := dd.N(1, 6), dd.U8()%2 == 1
		M := dd.Mat(d, d)
		if symmetrise {
			for i := range M {
				for j := 0; j < i; j++ {
					M[i][j] = M[j][i]
				}
			}
		}
		A, err := numerics.SymFromRows(M)
		if err != nil {
			if !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("SymFromRows: error %v does not wrap ErrInvalid", err)
			}
			return
		}
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				if v := A.At(i, j); !finite(v) {
					t.Fatalf("SymFromRows(%v) returned a non-finite entry [%d][%d] = %v without an error", M, i, j, v)
				}
			}
		}
		nrm := symNorm(A)
		if err := numerics.CheckSPD(A, 0); err != nil && !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, numerics.ErrNotConverged) {
			t.Fatalf("CheckSPD: unexpected error %v", err)
		}
		if numerics.IsSPD(A, 1e-8) != (numerics.CheckSPD(A, 1e-8) == nil) {
			t.Fatalf("IsSPD and CheckSPD disagree")
		}
		checkSym := func(name string, S *mat.SymDense, err error) bool {
			t.Helper()
			if err != nil {
				if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, numerics.ErrNotConverged) {
					t.Fatalf("%s: error %v wraps neither ErrInvalid nor ErrNotConverged", name, err)
				}
				return false
			}
			for i := 0; i < d; i++ {
				for j := 0; j < d; j++ {
					if v := S.At(i, j); !finite(v) {
						t.Fatalf("%s(%v) has entry [%d][%d] = %v without an error", name, M, i, j, v)
					}
				}
			}
			return true
		}
		S, err := numerics.SymSqrt(A)
		if checkSym("SymSqrt", S, err) && nrm < 1e300 && nrm > 1e-290 {
			var SS mat.Dense
			SS.Mul(S, S)
			if res := numerics.MatMaxAbsDiff(&SS, A); !(res <= 40*float64(d)*ulp/2*nrm) {
				t.Fatalf("SymSqrt(%v): ‖S·S − A‖max = %g > 40·d·eps·‖A‖₂ = %g", M, res, 40*float64(d)*ulp/2*nrm)
			}
		}
		R, err := numerics.SymInvSqrt(A)
		if checkSym("SymInvSqrt", R, err) && S != nil && nrm < 1e300 && nrm > 1e-290 {
			var e mat.EigenSym
			e.Factorize(A, true)
			v := e.Values(nil)
			kappa := v[len(v)-1] / v[0]
			var P mat.Dense
			P.Mul(R, S)
			if res := numerics.MatMaxAbsDiff(&P, eye(d)); !(res <= 20*float64(d)*ulp/2*math.Sqrt(kappa)+1e-15) {
				t.Fatalf("SymInvSqrt(%v): ‖A^{−1/2}·A^{1/2} − I‖ = %g, κ = %g", M, res, kappa)
			}
		}
		F, err := numerics.SymFunc(A, math.Abs)
		if checkSym("SymFunc(abs)", F, err) && nrm < 1e150 && nrm > 1e-140 {
			// |A|² = A².
			var F2, A2 mat.Dense
			F2.Mul(F, F)
			A2.Mul(A, A)
			if res := numerics.MatMaxAbsDiff(&F2, &A2); !(res <= 40*float64(d)*ulp*nrm*nrm) {
				t.Fatalf("SymFunc(A, abs)² ≠ A²: %g", res)
			}
		}
		if _, err := numerics.SymFunc(A, math.Log); err != nil && !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, numerics.ErrNotConverged) {
			t.Fatalf("SymFunc(log): %v", err)
		}
		if _, err := numerics.SymFunc(A, nil); err == nil {
			t.Fatalf("SymFunc with nil f accepted")
		}
	})
}

func eye(d int) *mat.Dense {
	I := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		I.Set(i, i, 1)
	}
	return I
}

// FuzzFiniteDifferences: Derivative, Gradient and Jacobian of cubic
// polynomials either return finite values within the documented error
// bounds (truncation h²/6·M₃ for Central, 0 for Richardson, plus rounding
// eps·M₀/h resp. 3·eps·M₀/h, with a safety factor 4) or an ErrInvalid.
func FuzzFiniteDifferences(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		method := numerics.FDMethod(d.N(0, 2)) // 2 is an unknown method
		n := d.N(0, 4)
		a := d.Fs(4)
		x := d.Fs(max(n, 1))
		p := func(v float64) float64 { return a[0] + v*(a[1]+v*(a[2]+v*a[3])) }
		dp := func(v float64) float64 { return a[1] + v*(2*a[2]+v*3*a[3]) }
		bound := func(v float64) float64 {
			var h, trunc, round float64
			if method == numerics.Central {
				h = math.Cbrt(ulp) * math.Max(1, math.Abs(v))
				trunc = h * h / 6 * 6 * math.Abs(a[3])
				round = ulp
			} else {
				h = math.Pow(ulp, 0.2) * math.Max(1, math.Abs(v))
				round = 3 * ulp
			}
			m0 := 0.0
			for _, s := range []float64{-1, -0.5, 0, 0.5, 1} {
				m0 = math.Max(m0, math.Abs(p(v+s*h)))
			}
			// M₀ bounds |f|; the evaluation of f itself errs by about
			// eps·Σ|terms|, which the doc's "f correct to eps relative"
			// assumes: use the sum of the absolute terms.
			terms := math.Abs(a[0]) + math.Abs(v)*(math.Abs(a[1])+math.Abs(v)*(math.Abs(a[2])+math.Abs(v)*math.Abs(a[3])))
			m0 = math.Max(m0, 2*terms)
			// Below the normal range each operation of Horner's scheme
			// errs by half a subnormal ulp absolutely, amplified by the
			// later multiplications by v.
			av := 1 + math.Abs(v)
			return 4 * (trunc + round*m0/h + av*av*av*5e-324/h)
		}
		check := func(name string, got, v float64) {
			t.Helper()
			if !finite(got) {
				t.Fatalf("%s returned %v without an error (a = %v, x = %v)", name, got, a, v)
			}
			want := dp(v)
			if b := bound(v); finite(want, b) && math.Abs(got-want) > b {
				t.Fatalf("%s at x = %v (a = %v, method %d): got %v, want %v, error %g > bound %g", name, v, a, method, got, want, math.Abs(got-want), b)
			}
		}
		okErr := func(name string, err error) {
			t.Helper()
			if !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("%s: error %v does not wrap ErrInvalid", name, err)
			}
		}
		if g, err := numerics.Derivative(p, x[0], method); err == nil {
			check("Derivative", g, x[0])
		} else {
			okErr("Derivative", err)
		}
		if n == 0 {
			x = nil
		}
		sum := func(v []float64) float64 {
			s := 0.0
			for _, vi := range v {
				s += p(vi)
			}
			return s
		}
		if g, err := numerics.Gradient(sum, x, method); err == nil {
			if len(g) != len(x) {
				t.Fatalf("Gradient has %d entries for %d", len(g), len(x))
			}
			for i := range g {
				// Other coordinates add constants to f: recompute the
				// rounding scale with them (bound covers one term only).
				if len(x) == 1 {
					check("Gradient", g[i], x[i])
				} else if !finite(g[i]) {
					t.Fatalf("Gradient returned %v without an error", g[i])
				}
			}
		} else {
			okErr("Gradient", err)
		}
		elem := func(v []float64) []float64 {
			out := make([]float64, len(v))
			for i, vi := range v {
				out[i] = p(vi)
			}
			return out
		}
		if J, err := numerics.Jacobian(elem, x, method); err == nil {
			r, c := J.Dims()
			if r != len(x) || c != len(x) {
				t.Fatalf("Jacobian is %d×%d for n = %d", r, c, len(x))
			}
			for i := 0; i < r; i++ {
				for j := 0; j < c; j++ {
					v := J.At(i, j)
					if i == j {
						check("Jacobian", v, x[i])
					} else if v != 0 {
						t.Fatalf("Jacobian[%d][%d] = %v, want 0", i, j, v)
					}
				}
			}
		} else {
			okErr("Jacobian", err)
		}
	})
}

// FuzzODE: RK4 and DormandPrince on y' = λ·y (one or two components) never
// panic or hang and return finite states or an error (ErrInvalid,
// ErrNotConverged); on well-posed instances they agree with y0·e^{λ(t1−t0)}:
// RK4 within 1e-6 relative when |λh| ≤ 0.05, Dormand–Prince within
// 1000·(AbsTol + RelTol·|y|) when |λ(t1 − t0)| ≤ 5 (the doc promises
// "typically 1–100 times" the tolerance scale; 1000 leaves a margin).
func FuzzODE(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		steps := d.N(0, 200)
		withOpts := d.U8()%2 == 1
		lam, t0, t1, y00 := d.F(), d.F(), d.F(), d.F()
		var opt numerics.Options
		if withOpts {
			opt.RelTol, opt.AbsTol, opt.InitialStep, opt.MaxStep = d.F(), d.F(), d.F(), d.F()
			opt.MaxSteps = d.N(0, 255) * 100
			opt.Record = d.U8()%2 == 1
			opt.OutputTimes = d.Fs(d.N(0, 3))
		}
		y0 := []float64{y00, -y00}
		rhs := func(_ float64, y, dy []float64) error {
			for i := range y {
				dy[i] = lam * y[i]
			}
			return nil
		}
		okErr := func(name string, err error) {
			t.Helper()
			if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, numerics.ErrNotConverged) {
				t.Fatalf("%s: error %v wraps neither ErrInvalid nor ErrNotConverged", name, err)
			}
		}
		exact := y00 * math.Exp(lam*(t1-t0))
		y, err := numerics.RK4(rhs, t0, t1, y0, steps)
		if err != nil {
			okErr("RK4", err)
		} else {
			if len(y) != 2 || !numerics.AllFinite(y) {
				t.Fatalf("RK4 returned %v without an error", y)
			}
			h := (t1 - t0) / float64(steps)
			// The right-hand side λ·y must be computable to relative
			// rounding along the path (|λ|·min|y| normal): where it
			// underflows (λ = 9e−308, y = 1.4e−76, seed
			// ode-rhs-underflows-in-check) the ODE the integrator is given
			// is y' = 0, not y' = λy, and RK4 rightly keeps y0.
			rhsNormal := y00 == 0 || math.Abs(lam)*math.Min(math.Abs(y00), math.Abs(exact)) >= 0x1p-1022
			if math.Abs(lam*h) <= 0.05 && math.Abs(lam*(t1-t0)) <= 20 && finite(exact) && rhsNormal {
				if e := math.Abs(y[0] - exact); e > 1e-6*math.Abs(exact)+1e-300 {
					t.Fatalf("RK4: y(%v) = %v, exact %v (λ = %v, %d steps)", t1, y[0], exact, lam, steps)
				}
			}
		}
		sol, err := numerics.DormandPrince(rhs, t0, t1, y0, opt)
		if err != nil {
			okErr("DormandPrince", err)
			if sol != nil && !numerics.AllFinite(sol.Y) {
				t.Fatalf("DormandPrince partial solution %v is not finite", sol.Y)
			}
			return
		}
		if sol == nil || len(sol.Y) != 2 || !numerics.AllFinite(sol.Y) {
			t.Fatalf("DormandPrince returned %+v without an error", sol)
		}
		if len(sol.Output) != len(opt.OutputTimes) {
			t.Fatalf("DormandPrince: %d outputs for %d output times", len(sol.Output), len(opt.OutputTimes))
		}
		for _, o := range sol.Output {
			if !numerics.AllFinite(o) {
				t.Fatalf("DormandPrince output %v is not finite", o)
			}
		}
		rtol, atol := opt.RelTol, opt.AbsTol
		if rtol == 0 {
			rtol = 1e-6
		}
		if atol == 0 {
			atol = rtol
		}
		if math.Abs(lam*(t1-t0)) <= 5 && finite(exact) && opt.MaxStep == 0 {
			if e := math.Abs(sol.Y[0] - exact); e > 1000*(atol+rtol*math.Max(math.Abs(exact), math.Abs(y00))) {
				t.Fatalf("DormandPrince: y(%v) = %v, exact %v (λ = %v, rtol %v, atol %v)", t1, sol.Y[0], exact, lam, rtol, atol)
			}
		}
	})
}

// FuzzGaussianExpectation: E[a0 + a1 X + a2 X² + a3 X³] for X ~ N(m, s²)
// equals a0 + a1 m + a2 (m² + s²) + a3 (m³ + 3 m s²) for n ≥ 2 nodes, within
// 1e-12 of the size of the terms; otherwise an ErrInvalid. GaussHermite
// weights sum to √π and nodes ascend.
func FuzzGaussianExpectation(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		b := d.U8()
		n := int(b) + 1
		if b == 255 {
			// Beyond the limit (rejected at once). Sizes near the limit
			// are valid but cost ≈ 1 s each under the fuzzer's
			// instrumentation, too slow to fuzz.
			n = numerics.MaxQuadNodes + 1
		}
		a := d.Fs(4)
		m, s := d.F(), d.F()
		x, w, err := numerics.GaussHermite(n)
		if n > numerics.MaxQuadNodes {
			if err == nil {
				t.Fatalf("GaussHermite(%d) accepted", n)
			}
		} else {
			if err != nil || len(x) != n || len(w) != n {
				t.Fatalf("GaussHermite(%d): %d nodes, err %v", n, len(x), err)
			}
			sw := 0.0
			for i := range w {
				sw += w[i]
				if !finite(x[i], w[i]) || w[i] < 0 || (i > 0 && x[i] < x[i-1]) {
					t.Fatalf("GaussHermite(%d): node %d = %v, weight %v", n, i, x[i], w[i])
				}
			}
			if math.Abs(sw-math.Sqrt(math.Pi)) > 1e-12 {
				t.Fatalf("GaussHermite(%d): Σw = %v", n, sw)
			}
		}
		p := func(v float64) float64 { return a[0] + v*(a[1]+v*(a[2]+v*a[3])) }
		got, err := numerics.GaussianExpectation(p, m, s, n)
		if err != nil {
			if !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("GaussianExpectation: %v does not wrap ErrInvalid", err)
			}
			return
		}
		if !finite(got) {
			t.Fatalf("GaussianExpectation(a = %v, m = %v, s = %v, n = %d) = %v without an error", a, m, s, n, got)
		}
		// E p(m + sZ) = a0 + a1 m + a2(m² + s²) + a3(m³ + 3ms²), each
		// product formed coefficient first: m² = 1e-600 underflows to 0
		// where a2·m·m = −1e300·1e−300·1e−300 does not (soak finding
		// gauss-expectation-check-underflowed-moment).
		want := a[0] + a[1]*m + (a[2]*m)*m + (a[2]*s)*s + ((a[3]*m)*m)*m + 3*((a[3]*m)*s)*s
		am, as := math.Abs(m), math.Abs(s)
		r := am + 3*as
		scale := math.Abs(a[0]) + math.Abs(a[1])*(am+as) + (math.Abs(a[2])*r)*r + ((math.Abs(a[3])*r)*r)*r
		// Plus n subnormal ulps: each w_i·f(x_i) rounds to the subnormal
		// grid absolutely.
		if (n >= 2 || s == 0) && finite(want, scale) && math.Abs(got-want) > 1e-12*scale+float64(n+1)*5e-324 {
			t.Fatalf("GaussianExpectation(a = %v, m = %v, s = %v, n = %d) = %v, want %v", a, m, s, n, got, want)
		}
	})
}

// FuzzSamplers: every sampler is a deterministic function of the seed, never
// panics, and returns finite draws of the documented shape and support, or
// an ErrInvalid.
func FuzzSamplers(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		seed := uint64(d.U8())<<8 | uint64(d.U8())
		n, dim, k := d.N(0, 40)-1, d.N(0, 6), d.N(0, 60)
		nw := d.N(0, 6)
		w := d.Fs(nw)
		cond := d.F()
		fresh := func() *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }
		okErr := func(name string, err error) {
			t.Helper()
			if !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("%s: error %v does not wrap ErrInvalid", name, err)
			}
		}
		twice := func(name string, draw func(*rand.Rand) (any, error), check func(any)) {
			t.Helper()
			v1, err1 := draw(fresh())
			v2, err2 := draw(fresh())
			if (err1 == nil) != (err2 == nil) || fmt.Sprint(v1) != fmt.Sprint(v2) {
				t.Fatalf("%s is not deterministic given the seed", name)
			}
			if err1 != nil {
				okErr(name, err1)
				return
			}
			check(v1)
		}
		twice("NormalVector", func(r *rand.Rand) (any, error) { return numerics.NormalVector(r, n) }, func(v any) {
			if x := v.([]float64); len(x) != n || !numerics.AllFinite(x) {
				t.Fatalf("NormalVector(%d) = %v", n, x)
			}
		})
		twice("NormalRows", func(r *rand.Rand) (any, error) { return numerics.NormalRows(r, n, dim) }, func(v any) {
			if X := v.([][]float64); len(X) != n || !allRowsFinite(X) {
				t.Fatalf("NormalRows(%d, %d) = %v", n, dim, X)
			}
		})
		twice("UniformSphere", func(r *rand.Rand) (any, error) { return numerics.UniformSphere(r, n, dim) }, func(v any) {
			for _, x := range v.([][]float64) {
				s := 0.0
				for _, xi := range x {
					s += xi * xi
				}
				if len(x) != dim || math.Abs(math.Sqrt(s)-1) > 8*ulp*float64(dim+1) {
					t.Fatalf("UniformSphere point %v has norm %v", x, math.Sqrt(s))
				}
			}
		})
		twice("Dirichlet", func(r *rand.Rand) (any, error) { return numerics.Dirichlet(r, w) }, func(v any) {
			checkProb(t, "Dirichlet", v.([]float64), len(w), false)
		})
		twice("RandomProbabilities", func(r *rand.Rand) (any, error) { return numerics.RandomProbabilities(r, n) }, func(v any) {
			checkProb(t, "RandomProbabilities", v.([]float64), n, true)
		})
		bits := k
		twice("DyadicProbabilities", func(r *rand.Rand) (any, error) { return numerics.DyadicProbabilities(r, n, bits) }, func(v any) {
			p := v.([]float64)
			checkProb(t, "DyadicProbabilities", p, n, true)
			s := 0.0
			for _, pi := range p {
				s += pi
				if m := math.Ldexp(pi, bits); m != math.Trunc(m) {
					t.Fatalf("DyadicProbabilities: %v is not a multiple of 2^-%d", pi, bits)
				}
			}
			if s != 1 {
				t.Fatalf("DyadicProbabilities sums to %v, not exactly 1", s)
			}
		})
		twice("Categorical", func(r *rand.Rand) (any, error) { return numerics.Categorical(r, w, k) }, func(v any) {
			idx := v.([]int)
			if len(idx) != k {
				t.Fatalf("Categorical returned %d draws for %d", len(idx), k)
			}
			for _, i := range idx {
				if i < 0 || i >= len(w) || !(w[i] > 0) {
					t.Fatalf("Categorical(%v) drew %d", w, i)
				}
			}
		})
		twice("Permutation", func(r *rand.Rand) (any, error) { return numerics.Permutation(r, n) }, func(v any) {
			p := slices.Clone(v.([]int))
			slices.Sort(p)
			for i := range p {
				if p[i] != i {
					t.Fatalf("Permutation(%d) = %v", n, v)
				}
			}
		})
		twice("Shuffle", func(r *rand.Rand) (any, error) {
			x := slices.Clone(w)
			return x, numerics.Shuffle(r, x)
		}, func(v any) {
			x, y := slices.Clone(v.([]float64)), slices.Clone(w)
			sort.Float64s(x)
			sort.Float64s(y)
			same := len(x) == len(y)
			for i := range x {
				same = same && (x[i] == y[i] || math.IsNaN(x[i]) && math.IsNaN(y[i]))
			}
			if !same {
				t.Fatalf("Shuffle(%v) = %v is not a permutation", w, v)
			}
		})
		twice("RandomOrthogonal", func(r *rand.Rand) (any, error) { return numerics.RandomOrthogonal(dim, r) }, func(v any) {
			Q := v.(*mat.Dense)
			var P mat.Dense
			P.Mul(Q.T(), Q)
			if e := numerics.MatMaxAbsDiff(&P, eye(dim)); !(e <= 64*float64(dim)*ulp) {
				t.Fatalf("RandomOrthogonal(%d): ‖QᵀQ − I‖ = %g", dim, e)
			}
		})
		twice("RandomSPD", func(r *rand.Rand) (any, error) { return numerics.RandomSPD(dim, r, cond) }, func(v any) {
			S := v.(*mat.SymDense)
			var e mat.EigenSym
			if !e.Factorize(S, true) {
				t.Fatalf("RandomSPD: eigendecomposition failed")
			}
			l := e.Values(nil)
			if tol := 64 * float64(dim) * ulp * cond; l[0] < 1-tol || l[len(l)-1] > cond*(1+64*float64(dim)*ulp)+tol {
				t.Fatalf("RandomSPD(%d, %g): eigenvalues %v outside [1, cond]", dim, cond, l)
			}
		})
		if dim >= 1 && len(w) >= dim*dim {
			mean := slices.Clone(w[:dim])
			L := mat.NewDense(dim, dim, slices.Clone(w[:dim*dim]))
			twice("MultivariateNormal", func(r *rand.Rand) (any, error) { return numerics.MultivariateNormal(r, n, mean, L) }, func(v any) {
				X := v.([][]float64)
				if len(X) != n || !allRowsFinite(X) {
					t.Fatalf("MultivariateNormal(mean %v, L %v) returned %v without an error", mean, w[:dim*dim], X)
				}
			})
		}
	})
}

func checkProb(t *testing.T, name string, p []float64, n int, strict bool) {
	t.Helper()
	if len(p) != n {
		t.Fatalf("%s: %d entries, want %d", name, len(p), n)
	}
	s := 0.0
	for _, v := range p {
		if !(v >= 0 && v <= 1) || (strict && v == 0) {
			t.Fatalf("%s: entry %v in %v", name, v, p)
		}
		s += v
	}
	if math.Abs(s-1) > 4*float64(n+1)*ulp {
		t.Fatalf("%s sums to %v", name, s)
	}
}

// FuzzKS: the Kolmogorov distribution, KS p-values and critical values lie
// in their documented ranges, K + (1 − K) = 1, and the one- and two-sample
// statistics match a direct computation from the sorted samples.
func FuzzKS(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		nx, ny, nn := d.N(0, 12), d.N(0, 12), d.U8()
		x, y := d.Fs(nx), d.Fs(ny)
		z, alpha := d.F(), d.F()
		if k, s := numerics.KolmogorovCDF(z), numerics.KolmogorovSF(z); !math.IsNaN(z) {
			if !(k >= 0 && k <= 1 && s >= 0 && s <= 1) || math.Abs(k+s-1) > 1e-14 {
				t.Fatalf("KolmogorovCDF(%v) = %v, SF = %v", z, k, s)
			}
		}
		n := 1 + int(nn)*int(nn)*16 // up to ≈ 10⁶: cost O(n) in the tail
		if p, err := numerics.KSPValue(n, z); err == nil {
			if !(p >= 0 && p <= 1) {
				t.Fatalf("KSPValue(%d, %v) = %v", n, z, p)
			}
		} else if !errors.Is(err, numerics.ErrInvalid) {
			t.Fatalf("KSPValue: %v", err)
		}
		if nn < 64 {
			if c, err := numerics.KSCritical(int(nn), alpha); err == nil {
				if !(c > 0 && c <= 1) {
					t.Fatalf("KSCritical(%d, %v) = %v", nn, alpha, c)
				}
			} else if !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("KSCritical: %v", err)
			}
			if c, err := numerics.KSCriticalTwoSample(int(nn), nx+1, alpha); err == nil {
				if !(c > 0) || !finite(c) {
					t.Fatalf("KSCriticalTwoSample(%d, %d, %v) = %v", nn, nx+1, alpha, c)
				}
			} else if !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("KSCriticalTwoSample: %v", err)
			}
		}
		uniform := func(v float64) float64 { return math.Min(1, math.Max(0, v)) }
		if r, err := numerics.KSOneSample(x, uniform); err == nil {
			if !(r.PValue >= 0 && r.PValue <= 1) {
				t.Fatalf("KSOneSample(%v) p = %v", x, r.PValue)
			}
			s := slices.Clone(x)
			sort.Float64s(s)
			D := 0.0
			for i, v := range s {
				D = math.Max(D, math.Max(float64(i+1)/float64(len(s))-uniform(v), uniform(v)-float64(i)/float64(len(s))))
			}
			if math.Abs(D-r.D) > 4*ulp {
				t.Fatalf("KSOneSample(%v): D = %v, direct %v", x, r.D, D)
			}
		} else if !errors.Is(err, numerics.ErrInvalid) || (len(x) > 0 && numerics.AllFinite(x)) {
			t.Fatalf("KSOneSample(%v): %v", x, err)
		}
		if r, err := numerics.KSTwoSample(x, y); err == nil {
			if !(r.PValue >= 0 && r.PValue <= 1) {
				t.Fatalf("KSTwoSample p = %v", r.PValue)
			}
			D := 0.0
			for _, v := range append(slices.Clone(x), y...) {
				D = math.Max(D, math.Abs(ecdf(x, v)-ecdf(y, v)))
			}
			if math.Abs(D-r.D) > 4*ulp {
				t.Fatalf("KSTwoSample(%v, %v): D = %v, direct %v", x, y, r.D, D)
			}
		} else if !errors.Is(err, numerics.ErrInvalid) || (len(x) > 0 && len(y) > 0 && numerics.AllFinite(x) && numerics.AllFinite(y)) {
			t.Fatalf("KSTwoSample(%v, %v): %v", x, y, err)
		}
	})
}

func ecdf(x []float64, v float64) float64 {
	c := 0
	for _, xi := range x {
		if xi <= v {
			c++
		}
	}
	return float64(c) / float64(len(x))
}

// FuzzChiSquare: ChiSquareGOF returns a statistic ≥ 0 and a p-value in
// [0, 1], +Inf only together with p-value 0, or an ErrInvalid.
func FuzzChiSquare(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		k := d.N(0, 8)
		counts := make([]int, k)
		for i := range counts {
			counts[i] = int(d.U8())
			if counts[i] == 255 {
				counts[i] = math.MaxInt / 4 // overflowing totals
			}
		}
		p := d.Fs(k)
		r, err := numerics.ChiSquareGOF(counts, p)
		if err != nil {
			if !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("ChiSquareGOF: %v", err)
			}
			return
		}
		if !(r.Stat >= 0) || !(r.PValue >= 0 && r.PValue <= 1) || (math.IsInf(r.Stat, 1) && r.PValue != 0) || r.DF < 1 {
			t.Fatalf("ChiSquareGOF(%v, %v) = %+v", counts, p, r)
		}
	})
}

// FuzzTwoSample: EnergyDistance, MMD2 and MedianHeuristic return finite
// values (V-statistics ≥ −rounding, symmetric in X and Y) or ErrInvalid.
func FuzzTwoSample(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		n, m, dim, est := d.N(0, 6), d.N(0, 6), d.N(0, 3), numerics.Estimator(d.N(0, 2))
		X, Y := d.Mat(n, dim), d.Mat(m, dim)
		sigma := d.F()
		okErr := func(name string, err error) {
			t.Helper()
			if !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("%s: %v", name, err)
			}
		}
		scale := 0.0
		for _, r := range append(slices.Clone(X), Y...) {
			scale = math.Max(scale, numerics.MaxAbs(r))
		}
		if e, err := numerics.EnergyDistance(X, Y, est); err == nil {
			e2, err2 := numerics.EnergyDistance(Y, X, est)
			tol := 64 * float64(n+m+dim) * ulp * 2 * scale * math.Sqrt(float64(dim))
			if !finite(e) || err2 != nil || math.Abs(e-e2) > tol || (est == numerics.VStatistic && e < -tol) {
				t.Fatalf("EnergyDistance(%v, %v) = %v, swapped %v (%v)", X, Y, e, e2, err2)
			}
		} else {
			okErr("EnergyDistance", err)
		}
		if v, err := numerics.MMD2(X, Y, sigma, est); err == nil {
			tol := 64 * float64(n+m+dim) * ulp
			if !finite(v) || (est == numerics.VStatistic && v < -tol) || v > 4+tol {
				t.Fatalf("MMD2(%v, %v, σ = %v) = %v", X, Y, sigma, v)
			}
		} else {
			okErr("MMD2", err)
		}
		if v, err := numerics.MedianHeuristic(X, Y); err == nil {
			if !(v > 0) || !finite(v) {
				t.Fatalf("MedianHeuristic = %v", v)
			}
		} else {
			okErr("MedianHeuristic", err)
		}
	})
}
