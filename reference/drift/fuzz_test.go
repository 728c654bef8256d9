package drift_test

// Native Go fuzz targets for the exported functions of package drift
// (issue 9): the kernel fields (Field, NormalizedField, SelfCorrected,
// LogSmoothedDensity, Potential), the generator (NewGenerator, Eval,
// FitResidual, Update, TrainStep, Features) and DriftParticles. Property:
// no panic, no hang, no NaN or ±Inf without an error (errors wrap
// numerics.ErrInvalid or ErrOverflow), the same answer on a second call,
// and for valid input the identities of the package doc: Field =
// NormalizedField(ypos) − NormalizedField(yneg), SelfCorrected = Field with
// the Gaussian kernel, the field of a set against itself is 0, a fitted
// residual reproduces an affine drift.
//
// Seeds: testdata/fuzz/FuzzXxx/seed-*, written from fzSeeds by
//
//	go test ./reference/drift -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run one target: go test ./reference/drift -run '^$' -fuzz '^FuzzField$' -fuzztime 60s -parallel 1

import (
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/otverify/otverify/internal/fuzzseed"
	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/drift"
)

const ulp = 0x1p-52

var nan = math.NaN()

func okErr(t *testing.T, name string, err error) {
	t.Helper()
	if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, drift.ErrOverflow) {
		t.Fatalf("%s: error %v wraps neither ErrInvalid nor ErrOverflow", name, err)
	}
}

func finiteRows(M [][]float64) bool {
	for _, r := range M {
		if !numerics.AllFinite(r) {
			return false
		}
	}
	return true
}

func maxAbsRows(Ms ...[][]float64) float64 {
	m := 0.0
	for _, M := range Ms {
		for _, r := range M {
			m = math.Max(m, numerics.MaxAbs(r))
		}
	}
	return m
}

// cloudsInput: n, p, q, d, kernel byte, tau, then x, ypos, yneg.
func cloudsInput(n, p, q, d int, kernel byte, tau float64, pts ...float64) []byte {
	return fuzzseed.NewEnc().U8(byte(n), byte(p), byte(q), byte(d), kernel).F(tau).F(pts...).Bytes()
}

var fzSeeds = map[string][]fuzzseed.Seed{
	"FuzzField": {
		{Name: "one-point", Args: []any{cloudsInput(1, 1, 1, 1, 0, 1, 0, 1, -1)}},
		{Name: "duplicates", Args: []any{cloudsInput(2, 3, 2, 1, 1, 1, 0, 0, 1, 1, 1, 2, 2)}},
		{Name: "equal-sets", Args: []any{cloudsInput(2, 2, 2, 1, 0, 0.5, 0, 1, 3, 4, 3, 4)}},
		{Name: "tiny-tau", Args: []any{cloudsInput(1, 2, 2, 1, 1, 1e-300, 0, 1, -1, 2, -2)}},
		{Name: "huge-tau", Args: []any{cloudsInput(1, 2, 2, 1, 0, 1e300, 0, 1, -1, 2, -2)}},
		{Name: "far-1e6", Args: []any{cloudsInput(1, 2, 1, 2, 1, 1, 1e6, 1e6, 0, 0, 1, 1, 0, 0)}},
		{Name: "huge", Args: []any{cloudsInput(1, 1, 1, 1, 0, 1, 1e300, -1e300, 1e300)}},
		{Name: "max-opposite", Args: []any{cloudsInput(1, 1, 1, 1, 0, 1, math.MaxFloat64, -math.MaxFloat64, math.MaxFloat64)}},
		{Name: "empty", Args: []any{cloudsInput(0, 1, 1, 1, 0, 1, 0, 0)}},
		{Name: "nan", Args: []any{cloudsInput(1, 1, 1, 1, 0, 1, nan, 0, 0)}},
		{Name: "bad-kernel", Args: []any{cloudsInput(1, 1, 1, 1, 7, 1, 0, 0, 0)}},
	},
	"FuzzGenerator": {
		{Name: "identity", Args: []any{fuzzseed.NewEnc().U8(2, 1, 1, 3).F(1, 0, 0, 1, 0, 0, 0.5, 1, 0.1, 0, 1, 2, 3, 4, 5, 6).Bytes()}},
		{Name: "degree2", Args: []any{fuzzseed.NewEnc().U8(2, 2, 2, 3).F(1, 0, 0, 1, 0, 0, 0.5, 1, 0.1, 0, 1, 2, 3, 4, 5, 6).Bytes()}},
		{Name: "duplicates", Args: []any{fuzzseed.NewEnc().U8(1, 1, 1, 4).F(1, 0, 0.5, 1, 0.1, 1, 1, 1, 1).Bytes()}},
		{Name: "huge", Args: []any{fuzzseed.NewEnc().U8(1, 1, 1, 2).F(1e300, 1e300, 0.5, 1, 0.1, 1e300, -1e300).Bytes()}},
		{Name: "one-point", Args: []any{fuzzseed.NewEnc().U8(1, 1, 1, 1).F(1, 0, 0.5, 1, 0.1, 2).Bytes()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fuzzseed.Check(t, fzSeeds) }

// FuzzField: the kernel fields answer finitely, consistently and
// deterministically, or with a clean error.
func FuzzField(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		n, p, q, dim, kb := d.N(0, 4), d.N(0, 4), d.N(0, 4), d.N(0, 3), d.U8()
		k := drift.Kernel(kb % 3) // 0 is not a kernel
		tau := d.F()
		x, yp, yn := d.Mat(n, dim), d.Mat(p, dim), d.Mat(q, dim)
		if _, err := drift.ParseKernel(k.String()); err != nil && kb%3 >= 1 {
			t.Fatalf("ParseKernel(%q): %v", k.String(), err)
		}
		V, err := drift.Field(x, yp, yn, tau, k)
		if err != nil {
			okErr(t, "Field", err)
		} else {
			if len(V) != n || !finiteRows(V) {
				t.Fatalf("Field returned %v without an error", V)
			}
			V2, _ := drift.Field(x, yp, yn, tau, k)
			if !reflect.DeepEqual(V, V2) {
				t.Fatalf("Field is not deterministic")
			}
			Bp, err1 := drift.NormalizedField(x, yp, nil, tau, k)
			Bn, err2 := drift.NormalizedField(x, yn, nil, tau, k)
			if err1 == nil && err2 == nil {
				scale := maxAbsRows(x, yp, yn)
				for i := range V {
					for c := range V[i] {
						if diff := math.Abs(V[i][c] - (Bp[i][c] - Bn[i][c])); diff > 64*float64(p+q+dim)*ulp*2*scale {
							t.Fatalf("Field ≠ B[ypos] − B[yneg] at [%d][%d]: %v vs %v", i, c, V[i][c], Bp[i][c]-Bn[i][c])
						}
					}
				}
			}
			if k == drift.Gaussian {
				S, err := drift.SelfCorrected(x, yp, yn, tau)
				if err != nil || !reflect.DeepEqual(S, V) {
					t.Fatalf("SelfCorrected ≠ Field(Gaussian): %v", err)
				}
			}
			// A set against itself: no drift.
			Z, err := drift.Field(x, yp, yp, tau, k)
			if err == nil {
				for i := range Z {
					for c := range Z[i] {
						if Z[i][c] != 0 {
							t.Fatalf("Field(x, y, y) = %v ≠ 0", Z)
						}
					}
				}
			}
		}
		w := d.Fs(p)
		if B, err := drift.NormalizedField(x, yp, w, tau, k); err != nil {
			okErr(t, "NormalizedField", err)
		} else if len(B) != n || !finiteRows(B) {
			t.Fatalf("NormalizedField returned %v without an error", B)
		}
		if L, err := drift.LogSmoothedDensity(x, yp, nil, tau); err != nil {
			okErr(t, "LogSmoothedDensity", err)
		} else if len(L) != n || !numerics.AllFinite(L) {
			t.Fatalf("LogSmoothedDensity returned %v without an error", L)
		}
		if P, err := drift.Potential(x, yp, yn, tau); err != nil {
			okErr(t, "Potential", err)
		} else if len(P) != n {
			t.Fatalf("Potential returned %d values for %d points", len(P), n)
		} else if !numerics.AllFinite(P) {
			t.Fatalf("Potential returned %v without an error", P)
		}
		steps := d.N(0, 3)
		opt := drift.DriftOptions{Kernel: k, Tau: tau, Step: d.F(), Steps: steps, Raw: d.U8()%2 == 1}
		if X, err := drift.DriftParticles(x, yp, opt); err != nil {
			okErr(t, "DriftParticles", err)
		} else if len(X) != n || !finiteRows(X) {
			t.Fatalf("DriftParticles returned %v without an error", X)
		}
	})
}

// FuzzGenerator: NewGenerator/Eval/FitResidual/Update/TrainStep answer
// finitely and deterministically or with a clean error; a degree-1 fit of
// an affine drift reproduces it (least squares is exact then).
func FuzzGenerator(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		dim, dz, degree, n := d.N(0, 3), d.N(0, 3), d.N(0, 3), d.N(0, 6)
		A := d.Mat(dim, dz)
		b := d.Fs(dim)
		eps, tau, step := d.F(), d.F(), d.F()
		Z := d.Mat(n, dz)
		g, err := drift.NewGenerator(A, b)
		if err != nil {
			okErr(t, "NewGenerator", err)
			return
		}
		if r, c := g.Dim(); r != dim || c != dz {
			t.Fatalf("Dim = %d, %d", r, c)
		}
		X, err := g.Eval(Z)
		if err != nil {
			okErr(t, "Eval", err)
			return
		}
		if len(X) != n || !finiteRows(X) {
			t.Fatalf("Eval returned %v without an error", X)
		}
		// Fit the affine drift u(x) = step·x + 1 with degree 1: exact.
		U := make([][]float64, n)
		for i := range X {
			U[i] = make([]float64, dim)
			for c := range X[i] {
				U[i][c] = step*X[i][c] + 1
			}
		}
		R, err := drift.FitResidual(X, U, degree)
		if err != nil {
			okErr(t, "FitResidual", err)
		} else {
			scale := maxAbsRows(X, U)
			for i := range X {
				got, err := R.Eval(X[i])
				// With data near MaxFloat64 the fitted combination Cᵀψ(x)
				// may round past it: then ErrOverflow, never a silent Inf.
				if err != nil {
					if !errors.Is(err, drift.ErrOverflow) || maxAbsRows(U) < 1e300 {
						t.Fatalf("Residual.Eval of a fitted residual: %v", err)
					}
					continue
				}
				if len(got) != dim || !numerics.AllFinite(got) {
					t.Fatalf("Residual.Eval = %v", got)
				}
				if F := drift.Features(X[i], degree); len(F) != drift.NumFeatures(dim, degree) {
					t.Fatalf("Features has %d entries, NumFeatures %d", len(F), drift.NumFeatures(dim, degree))
				}
				// Exact up to the directions the rank cut of the SVD
				// drops (spread below n·eps·σ_max): |step| bounds what
				// they can carry.
				if scale <= 100 && math.Abs(step) <= 1e3 {
					for c := range got {
						if math.Abs(got[c]-U[i][c]) > 1e-8*(1+scale) {
							t.Fatalf("FitResidual of the affine drift u = %v·x + 1 misses it at x = %v: %v vs %v", step, X[i], got, U[i])
						}
					}
				}
			}
			if g2, err := g.Update(R, tau); err != nil {
				okErr(t, "Update", err)
			} else if X2, err := g2.Eval(Z); err != nil {
				okErr(t, "Eval after Update", err)
			} else if !finiteRows(X2) {
				t.Fatalf("updated generator answered %v without an error", X2)
			}
		}
		o := drift.TrainOptions{Kernel: drift.Kernel(1 + degree%2), Eps: eps, Tau: tau, Degree: degree}
		g3, R3, err := g.TrainStep(Z, X, o)
		if err != nil {
			okErr(t, "TrainStep", err)
			return
		}
		if g3 == nil || R3 == nil {
			t.Fatalf("TrainStep returned nil without an error")
		}
		if X3, err := g3.Eval(Z); err == nil && !finiteRows(X3) {
			t.Fatalf("trained generator answered %v without an error", X3)
		}
	})
}
