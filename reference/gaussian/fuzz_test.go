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
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/otverify/otverify/internal/fuzzseed"
	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/gaussian"
)

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
func covariance(d *fuzzseed.Dec, dim int, mode byte) *mat.SymDense {
	if dim == 0 {
		return nil
	}
	S := mat.NewSymDense(dim, nil)
	if mode%2 == 0 {
		for i := 0; i < dim; i++ {
			for j := i; j < dim; j++ {
				S.SetSym(i, j, d.F())
			}
		}
		return S
	}
	L := mat.NewDense(dim, dim, nil)
	for i := 0; i < dim; i++ {
		for j := 0; j <= i; j++ {
			L.Set(i, j, d.F())
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
	return fuzzseed.NewEnc().U8(byte(dim), modes).F(vals...).Bytes()
}

var fzSeeds = map[string][]fuzzseed.Seed{
	"FuzzGaussianMaps": {
		{Name: "one-dim", Args: []any{mapsInput(1, 0, 2, 3, 0, 1, 0.5)}},
		{Name: "identity", Args: []any{mapsInput(2, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0.5)}},
		{Name: "equal", Args: []any{mapsInput(2, 0, 2, 1, 2, 2, 1, 2, 1, 1, 1, 1, 0.5)}},
		{Name: "non-commuting", Args: []any{mapsInput(2, 0, 2, 0, 1, 1, 0.5, 1, 0, 0, 0, 0, 0.25)}},
		{Name: "cond-1e8", Args: []any{mapsInput(2, 0, 1e8, 0, 1, 1, 0, 1e-8, 0, 0, 0, 0, 0.75)}},
		{Name: "singular", Args: []any{mapsInput(2, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0.5)}},
		{Name: "indefinite", Args: []any{mapsInput(2, 0, 1, 2, 1, 1, 0, 1, 0, 0, 0, 0, 0.5)}},
		{Name: "huge", Args: []any{mapsInput(1, 0, 1e300, 1e300, 1e300, -1e300, 0.5)}},
		{Name: "tiny", Args: []any{mapsInput(2, 0, 1e-300, 0, 1e-300, 1e-160, 5e-161, 1e-160, 0, 0, 0, 0, 0.5)}},
		{Name: "ll-t", Args: []any{mapsInput(3, 3, 1, 0.5, 1, 0.25, 0.5, 1, 2, 0, 1, 0, 0.5, 3, 0, 0, 0, 1, 1, 1, 0.125)}},
		{Name: "t-outside", Args: []any{mapsInput(1, 0, 1, 2, 0, 0, 1.5)}},
	},
	"FuzzMoments": {
		{Name: "duplicates", Args: []any{fuzzseed.NewEnc().U8(3, 2, 2, 0).F(1, 1, 1, 1, 1, 1, 0, 0, 2, 2).Bytes()}},
		{Name: "one-point", Args: []any{fuzzseed.NewEnc().U8(1, 1, 1, 0).F(3, 4).Bytes()}},
		{Name: "far-1e6", Args: []any{fuzzseed.NewEnc().U8(2, 2, 1, 1).F(0, 1e6, 1, 1e6+1, 0.5, 0.5, 0.5, 0.5).Bytes()}},
		{Name: "zero-weights", Args: []any{fuzzseed.NewEnc().U8(2, 2, 1, 1).F(0, 5, 1, 2, 0, 1, 1, 0).Bytes()}},
		{Name: "huge", Args: []any{fuzzseed.NewEnc().U8(2, 1, 1, 0).F(1e300, -1e300, 0).Bytes()}},
	},
	"FuzzNormal": {
		{Name: "half", Args: []any{fuzzseed.NewEnc().F(0.5, 0).Bytes()}},
		{Name: "tails", Args: []any{fuzzseed.NewEnc().F(1e-300, 38).Bytes()}},
		{Name: "edges", Args: []any{fuzzseed.NewEnc().F(0, 1).Bytes()}},
		{Name: "subnormal", Args: []any{fuzzseed.NewEnc().F(5e-324, -38.5).Bytes()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fuzzseed.Check(t, fzSeeds) }

// FuzzGaussianMaps: the Bures distance and the Gaussian maps.
func FuzzGaussianMaps(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		dim, modes := d.N(0, 4), d.U8()
		S0, S1 := covariance(d, dim, modes), covariance(d, dim, modes>>1)
		m0, m1 := d.Fs(dim), d.Fs(dim)
		tt := d.F()
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
		lam := d.Fs(dim)
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
		d := fuzzseed.NewDec(data)
		n, m, dim, useW := d.N(0, 4), d.N(0, 4), d.N(0, 3), d.U8()%2 == 1
		x, y := d.Mat(n, dim), d.Mat(m, dim)
		var a, b []float64
		if useW {
			a, b = d.Fs(n), d.Fs(m)
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
		d := fuzzseed.NewDec(data)
		u, z := d.F(), d.F()
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
