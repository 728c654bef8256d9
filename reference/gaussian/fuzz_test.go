package gaussian_test

// Native Go fuzz targets for the exported functions of package gaussian
// (issue 9): Bures (CrossTrace, BuresSq, W2Sq), the maps (BrenierMap,
// KnotheRosenblattMap/Apply, FlowMatchingMap/Velocity, WeightedBrenierMap,
// McCannMap/Covariance, MapCost, InterpolantCovariance), the moments and
// the Gelbrich bound, and NormalCDF/NormalQuantile. Property: no panic, no
// hang, no NaN or ±Inf without an error (errors wrap numerics.ErrInvalid,
// numerics.ErrNotConverged or ErrOverflow), and for valid input the closed
// forms: B² ≥ 0 and symmetric, B²(S, S) = 0, W2Sq = ‖m0 − m1‖² + B²; the
// Brenier and Knothe–Rosenblatt maps push S0 to S1 and the flow-matching
// map at t pushes S0 to (1 − t)²S0 + t²S1 within protocol.md's 1e-7 of
// the size of the terms (for condition numbers ≤ 1e8); the KR map is lower
// triangular with a positive diagonal.
//
// Seeds: testdata/fuzz/FuzzXxx/seed-*, written from fzSeeds by
//
//	go test ./reference/gaussian -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run one target: go test ./reference/gaussian -run '^$' -fuzz '^FuzzGaussianMaps$' -fuzztime 60s -parallel 1

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/gaussian"
)

// ---------------------------------------------------------------------------
// Fuzz data encoding (the same in every package's fuzz_test.go).

// fzSpecial are the values that bytes 0xC0–0xEF decode to (index b mod 16).
var fzSpecial = [16]float64{
	0, math.Copysign(0, -1), 1, -1, 1e-300, -1e-300, 1e300, -1e300,
	5e-324, math.MaxFloat64, -math.MaxFloat64, math.NaN(), math.Inf(1), math.Inf(-1), 1e8, 1e-8,
}

// fzDec decodes fuzz bytes: a byte b < 0xC0 is the float (b − 96)/8 (a grid
// of step 1/8 in [−12, 11.875], so ties and duplicates are frequent);
// 0xC0–0xEF are fzSpecial[b mod 16]; 0xF0–0xFF are followed by 8 bytes
// holding a raw IEEE-754 value (little endian). Exhausted input reads as 0.
type fzDec struct{ b []byte }

func (d *fzDec) u8() byte {
	if len(d.b) == 0 {
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

// n returns an int in [lo, hi].
func (d *fzDec) n(lo, hi int) int { return lo + int(d.u8())%(hi-lo+1) }

func (d *fzDec) f() float64 {
	b := d.u8()
	switch {
	case b < 0xC0:
		return float64(int(b)-96) / 8
	case b < 0xF0:
		return fzSpecial[b%16]
	}
	if len(d.b) < 8 {
		d.b = nil
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *fzDec) fs(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = d.f()
	}
	return x
}

func (d *fzDec) mat(r, c int) [][]float64 {
	M := make([][]float64, r)
	for i := range M {
		M[i] = d.fs(c)
	}
	return M
}

// fzEnc builds fuzz inputs for the seed corpora (the inverse of fzDec).
type fzEnc []byte

func (e *fzEnc) u8(b ...byte) *fzEnc { *e = append(*e, b...); return e }

func (e *fzEnc) f(xs ...float64) *fzEnc {
	for _, v := range xs {
		if g := v * 8; g == math.Trunc(g) && g >= -96 && g < 96 && !(v == 0 && math.Signbit(v)) {
			*e = append(*e, byte(int(g)+96))
			continue
		}
		*e = append(*e, 0xFF)
		*e = binary.LittleEndian.AppendUint64(*e, math.Float64bits(v))
	}
	return e
}

func (e *fzEnc) rows(M ...[]float64) *fzEnc {
	for _, r := range M {
		e.f(r...)
	}
	return e
}

// fzSeed is one seed input of a fuzz target.
type fzSeed struct {
	name string
	args []any // []byte or string, in the target's argument order
}

var fzWriteSeeds = flag.Bool("fuzzseeds.write", false, "rewrite the seed corpora testdata/fuzz/*/seed-* from the fzSeeds table")

// fzCorpusFile is the content of a seed file in the format of go test fuzz v1.
func fzCorpusFile(args []any) string {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch v := a.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		case string:
			fmt.Fprintf(&b, "string(%q)\n", v)
		default:
			panic(fmt.Sprintf("fuzz seed argument of type %T", a))
		}
	}
	return b.String()
}

// fzCheckSeeds writes (with -fuzzseeds.write) or checks the seed corpora.
func fzCheckSeeds(t *testing.T, seeds map[string][]fzSeed) {
	targets := make([]string, 0, len(seeds))
	for k := range seeds {
		targets = append(targets, k)
	}
	sort.Strings(targets)
	for _, target := range targets {
		for _, s := range seeds[target] {
			path := filepath.Join("testdata", "fuzz", target, "seed-"+s.name)
			want := fzCorpusFile(s.args)
			if *fzWriteSeeds {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) != want {
				t.Errorf("%s is missing or stale: rerun with -fuzzseeds.write", path)
			}
		}
	}
}

func enc() *fzEnc { return &fzEnc{} }

func (e *fzEnc) b() []byte { return *e }

// ---------------------------------------------------------------------------

const ulp = 0x1p-52

func okErr(t *testing.T, name string, err error) {
	t.Helper()
	if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, numerics.ErrNotConverged) && !errors.Is(err, gaussian.ErrOverflow) {
		t.Fatalf("%s: error %v wraps none of ErrInvalid, ErrNotConverged, ErrOverflow", name, err)
	}
}

func finiteMat(A mat.Matrix) bool {
	r, c := A.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if v := A.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}

// covariance decodes a d×d symmetric matrix: mode 0 reads the upper
// triangle as is; mode 1 returns L·Lᵀ (L lower triangular read from the
// data), positive semidefinite by construction.
func covariance(d *fzDec, dim int, mode byte) *mat.SymDense {
	if dim == 0 {
		return nil
	}
	S := mat.NewSymDense(dim, nil)
	if mode%2 == 0 {
		for i := 0; i < dim; i++ {
			for j := i; j < dim; j++ {
				S.SetSym(i, j, d.f())
			}
		}
		return S
	}
	L := mat.NewDense(dim, dim, nil)
	for i := 0; i < dim; i++ {
		for j := 0; j <= i; j++ {
			L.Set(i, j, d.f())
		}
	}
	var P mat.Dense
	P.Mul(L, L.T())
	for i := 0; i < dim; i++ {
		for j := i; j < dim; j++ {
			S.SetSym(i, j, P.At(i, j))
		}
	}
	return S
}

// cond returns λ_max/λ_min of a symmetric S (+Inf if not positive definite).
func cond(S *mat.SymDense) float64 {
	var e mat.EigenSym
	if !e.Factorize(S, true) {
		return math.Inf(1)
	}
	v := e.Values(nil)
	if !(v[0] > 0) {
		return math.Inf(1)
	}
	return v[len(v)-1] / v[0]
}

// pushResidual returns max|A S0 Aᵀ − T| / max(|A| S0 |A|ᵀ scale, max|T|).
func pushResidual(A mat.Matrix, S0, T mat.Matrix) float64 {
	var P, P1 mat.Dense
	P.Mul(A, S0)
	P1.Mul(&P, A.T())
	r, _ := T.Dims()
	abs := func(M mat.Matrix) *mat.Dense {
		R := mat.DenseCopyOf(M)
		R.Apply(func(_, _ int, v float64) float64 { return math.Abs(v) }, R)
		return R
	}
	var Q, Q1 mat.Dense
	Q.Mul(abs(A), abs(S0))
	Q1.Mul(&Q, abs(A).T())
	scale := math.Max(numerics.MatMaxAbs(&Q1), numerics.MatMaxAbs(T))
	res := 0.0
	for i := 0; i < r; i++ {
		for j := 0; j < r; j++ {
			res = math.Max(res, math.Abs(P1.At(i, j)-T.At(i, j)))
		}
	}
	return res / scale
}

// mapsInput: dim, modes, then S0, S1 entries, m0, m1, t.
func mapsInput(dim int, modes byte, vals ...float64) []byte {
	return enc().u8(byte(dim), modes).f(vals...).b()
}

var fzSeeds = map[string][]fzSeed{
	"FuzzGaussianMaps": {
		{"one-dim", []any{mapsInput(1, 0, 2, 3, 0, 1, 0.5)}},
		{"identity", []any{mapsInput(2, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0.5)}},
		{"equal", []any{mapsInput(2, 0, 2, 1, 2, 2, 1, 2, 1, 1, 1, 1, 0.5)}},
		{"non-commuting", []any{mapsInput(2, 0, 2, 0, 1, 1, 0.5, 1, 0, 0, 0, 0, 0.25)}},
		{"cond-1e8", []any{mapsInput(2, 0, 1e8, 0, 1, 1, 0, 1e-8, 0, 0, 0, 0, 0.75)}},
		{"singular", []any{mapsInput(2, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0.5)}},
		{"indefinite", []any{mapsInput(2, 0, 1, 2, 1, 1, 0, 1, 0, 0, 0, 0, 0.5)}},
		{"huge", []any{mapsInput(1, 0, 1e300, 1e300, 1e300, -1e300, 0.5)}},
		{"tiny", []any{mapsInput(2, 0, 1e-300, 0, 1e-300, 1e-160, 5e-161, 1e-160, 0, 0, 0, 0, 0.5)}},
		{"ll-t", []any{mapsInput(3, 3, 1, 0.5, 1, 0.25, 0.5, 1, 2, 0, 1, 0, 0.5, 3, 0, 0, 0, 1, 1, 1, 0.125)}},
		{"t-outside", []any{mapsInput(1, 0, 1, 2, 0, 0, 1.5)}},
	},
	"FuzzMoments": {
		{"duplicates", []any{enc().u8(3, 2, 2, 0).f(1, 1, 1, 1, 1, 1, 0, 0, 2, 2).b()}},
		{"one-point", []any{enc().u8(1, 1, 1, 0).f(3, 4).b()}},
		{"far-1e6", []any{enc().u8(2, 2, 1, 1).f(0, 1e6, 1, 1e6+1, 0.5, 0.5, 0.5, 0.5).b()}},
		{"zero-weights", []any{enc().u8(2, 2, 1, 1).f(0, 5, 1, 2, 0, 1, 1, 0).b()}},
		{"huge", []any{enc().u8(2, 1, 1, 0).f(1e300, -1e300, 0).b()}},
	},
	"FuzzNormal": {
		{"half", []any{enc().f(0.5, 0).b()}},
		{"tails", []any{enc().f(1e-300, 38).b()}},
		{"edges", []any{enc().f(0, 1).b()}},
		{"subnormal", []any{enc().f(5e-324, -38.5).b()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fzCheckSeeds(t, fzSeeds) }

// FuzzGaussianMaps: the Bures distance and the Gaussian maps.
func FuzzGaussianMaps(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := &fzDec{data}
		dim, modes := d.n(0, 4), d.u8()
		S0, S1 := covariance(d, dim, modes), covariance(d, dim, modes>>1)
		m0, m1 := d.fs(dim), d.fs(dim)
		tt := d.f()
		// Magnitudes first: gonum's EigenSym (in cond) panics ("cto is
		// NaN") on entries near MaxFloat64, where its scaling overflows.
		well := dim > 0 && numerics.MatMaxAbs(S0) < 1e100 && numerics.MatMaxAbs(S1) < 1e100 &&
			numerics.MatMaxAbs(S0) > 1e-100 && numerics.MatMaxAbs(S1) > 1e-100 && cond(S0) <= 1e8 && cond(S1) <= 1e8
		b, err := gaussian.BuresSq(S0, S1)
		if err != nil {
			okErr(t, "BuresSq", err)
		} else {
			scale := mat.Trace(S0) + mat.Trace(S1)
			if !numerics.AllFinite([]float64{b}) || b < -1e-12*scale {
				t.Fatalf("BuresSq = %v (scale %v)", b, scale)
			}
			if b2, err := gaussian.BuresSq(S1, S0); err != nil || math.Abs(b-b2) > 1e-9*scale+float64(dim)*4*5e-324 {
				t.Fatalf("BuresSq not symmetric: %v vs %v (%v)", b, b2, err)
			}
			if b0, err := gaussian.BuresSq(S0, S0); err != nil {
				okErr(t, "BuresSq(S0, S0)", err) // tr S0 + tr S0 may overflow where tr S0 + tr S1 did not
			} else if math.Abs(b0) > 1e-9*scale+float64(dim)*4*5e-324 {
				t.Fatalf("BuresSq(S0, S0) = %v", b0)
			}
			if w, err := gaussian.W2Sq(m0, S0, m1, S1); err == nil {
				dm := 0.0
				for i := range m0 {
					dm += (m0[i] - m1[i]) * (m0[i] - m1[i])
				}
				if !numerics.AllFinite([]float64{w}) || math.Abs(w-(dm+b)) > 1e-12*(dm+scale) {
					t.Fatalf("W2Sq = %v, ‖Δm‖² + B² = %v", w, dm+b)
				}
			} else {
				okErr(t, "W2Sq", err)
			}
		}
		if c, err := gaussian.CrossTrace(S0, S1); err != nil {
			okErr(t, "CrossTrace", err)
		} else if !numerics.AllFinite([]float64{c}) {
			t.Fatalf("CrossTrace = %v without an error", c)
		}
		A, err := gaussian.BrenierMap(S0, S1)
		if err != nil {
			okErr(t, "BrenierMap", err)
		} else {
			if !finiteMat(A) {
				t.Fatalf("BrenierMap returned a non-finite matrix without an error")
			}
			if well {
				if r := pushResidual(A, S0, S1); r > 1e-7 {
					t.Fatalf("BrenierMap: A S0 A − S1 relative residual %g", r)
				}
			}
			if c, err := gaussian.MapCost(A, S0); err != nil {
				okErr(t, "MapCost", err)
			} else if !numerics.AllFinite([]float64{c}) || c < 0 {
				t.Fatalf("MapCost = %v", c)
			}
			if M, err := gaussian.McCannMap(A, tt); err != nil {
				okErr(t, "McCannMap", err)
			} else if !finiteMat(M) {
				t.Fatalf("McCannMap non-finite without an error")
			}
			if C, err := gaussian.McCannCovariance(S0, A, tt); err != nil {
				okErr(t, "McCannCovariance", err)
			} else if !finiteMat(C) {
				t.Fatalf("McCannCovariance non-finite without an error")
			}
		}
		K, err := gaussian.KnotheRosenblattMap(S0, S1)
		if err != nil {
			okErr(t, "KnotheRosenblattMap", err)
		} else {
			if !finiteMat(K) {
				t.Fatalf("KnotheRosenblattMap non-finite without an error")
			}
			for i := 0; i < dim; i++ {
				if !(K.At(i, i) > 0) {
					t.Fatalf("KR diagonal %d = %v", i, K.At(i, i))
				}
				for j := i + 1; j < dim; j++ {
					if K.At(i, j) != 0 {
						t.Fatalf("KR map not lower triangular: [%d][%d] = %v", i, j, K.At(i, j))
					}
				}
			}
			if well {
				if r := pushResidual(K, S0, S1); r > 1e-7 {
					t.Fatalf("KnotheRosenblattMap: relative residual %g", r)
				}
			}
			if y, err := gaussian.KnotheRosenblattApply(S0, S1, m0); err != nil {
				okErr(t, "KnotheRosenblattApply", err)
			} else if !numerics.AllFinite(y) {
				t.Fatalf("KnotheRosenblattApply = %v without an error", y)
			}
		}
		lam := d.fs(dim)
		if W, err := gaussian.WeightedBrenierMap(S0, S1, lam); err != nil {
			okErr(t, "WeightedBrenierMap", err)
		} else if !finiteMat(W) {
			t.Fatalf("WeightedBrenierMap non-finite without an error")
		}
		F, err := gaussian.FlowMatchingMap(S0, S1, tt)
		if err != nil {
			okErr(t, "FlowMatchingMap", err)
		} else {
			if !finiteMat(F) {
				t.Fatalf("FlowMatchingMap non-finite without an error")
			}
			St, err := gaussian.InterpolantCovariance(S0, S1, gaussian.Linear, tt)
			if err != nil {
				t.Fatalf("InterpolantCovariance failed where FlowMatchingMap answered: %v", err)
			}
			if well {
				if r := pushResidual(F, S0, St); r > 1e-7 {
					t.Fatalf("FlowMatchingMap(t = %v): A S0 Aᵀ − S_t relative residual %g", tt, r)
				}
			}
		}
		if V, err := gaussian.FlowMatchingVelocity(S0, S1, tt); err != nil {
			okErr(t, "FlowMatchingVelocity", err)
		} else if !finiteMat(V) {
			t.Fatalf("FlowMatchingVelocity non-finite without an error")
		}
	})
}

// FuzzMoments: Moments, GelbrichBound and CrossCovarianceTrace on point
// clouds answer finitely or with a clean error; the Gelbrich bound is ≥ 0
// and is 0 for a cloud against itself.
func FuzzMoments(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := &fzDec{data}
		n, m, dim, useW := d.n(0, 4), d.n(0, 4), d.n(0, 3), d.u8()%2 == 1
		x, y := d.mat(n, dim), d.mat(m, dim)
		var a, b []float64
		if useW {
			a, b = d.fs(n), d.fs(m)
		}
		if mean, S, err := gaussian.Moments(x, a); err != nil {
			okErr(t, "Moments", err)
		} else if !numerics.AllFinite(mean) || !finiteMat(S) {
			t.Fatalf("Moments = %v, %v without an error", mean, S)
		}
		g, err := gaussian.GelbrichBound(x, a, y, b)
		if err != nil {
			okErr(t, "GelbrichBound", err)
		} else if !numerics.AllFinite([]float64{g}) || g < 0 {
			t.Fatalf("GelbrichBound = %v", g)
		}
		if g0, err := gaussian.GelbrichBound(x, a, x, a); err == nil {
			scale := 0.0
			for _, r := range x {
				for _, v := range r {
					scale = math.Max(scale, v*v)
				}
			}
			if math.Abs(g0) > 1e-9*scale*float64(dim) {
				t.Fatalf("GelbrichBound(x, x) = %v", g0)
			}
		}
		plan := make([][]float64, n)
		for i := range plan {
			plan[i] = make([]float64, m)
			for j := range plan[i] {
				plan[i][j] = 1 / float64(n*m)
			}
		}
		if c, err := gaussian.CrossCovarianceTrace(x, y, plan); err != nil {
			okErr(t, "CrossCovarianceTrace", err)
		} else if !numerics.AllFinite([]float64{c}) {
			t.Fatalf("CrossCovarianceTrace = %v without an error", c)
		}
	})
}

// FuzzNormal: NormalCDF is in [0, 1] and NormalQuantile follows its
// documented edge values; the quantile inverts the CDF where the CDF is
// not flat.
func FuzzNormal(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := &fzDec{data}
		u, z := d.f(), d.f()
		q := gaussian.NormalQuantile(u)
		switch {
		case math.IsNaN(u) || u < 0 || u > 1:
			if !math.IsNaN(q) {
				t.Fatalf("NormalQuantile(%v) = %v, want NaN", u, q)
			}
		case u == 0:
			if !math.IsInf(q, -1) {
				t.Fatalf("NormalQuantile(0) = %v", q)
			}
		case u == 1:
			if !math.IsInf(q, 1) {
				t.Fatalf("NormalQuantile(1) = %v", q)
			}
		default:
			if !numerics.AllFinite([]float64{q}) {
				t.Fatalf("NormalQuantile(%v) = %v", u, q)
			}
			if u > 1e-300 && u < 0.5 {
				// dΦ/Φ ≈ q²·(dq/q): a relative quantile error δ becomes
				// ≈ q²·δ in the CDF (q ≈ −38 at 1e-300).
				if back := gaussian.NormalCDF(q); math.Abs(back-u) > 1e-15*(4+q*q)*u {
					t.Fatalf("NormalCDF(NormalQuantile(%v)) = %v", u, back)
				}
			}
		}
		c := gaussian.NormalCDF(z)
		if !math.IsNaN(z) && !(c >= 0 && c <= 1) {
			t.Fatalf("NormalCDF(%v) = %v", z, c)
		}
	})
}
