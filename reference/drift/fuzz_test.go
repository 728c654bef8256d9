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
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/drift"
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
	return enc().u8(byte(n), byte(p), byte(q), byte(d), kernel).f(tau).f(pts...).b()
}

var fzSeeds = map[string][]fzSeed{
	"FuzzField": {
		{"one-point", []any{cloudsInput(1, 1, 1, 1, 0, 1, 0, 1, -1)}},
		{"duplicates", []any{cloudsInput(2, 3, 2, 1, 1, 1, 0, 0, 1, 1, 1, 2, 2)}},
		{"equal-sets", []any{cloudsInput(2, 2, 2, 1, 0, 0.5, 0, 1, 3, 4, 3, 4)}},
		{"tiny-tau", []any{cloudsInput(1, 2, 2, 1, 1, 1e-300, 0, 1, -1, 2, -2)}},
		{"huge-tau", []any{cloudsInput(1, 2, 2, 1, 0, 1e300, 0, 1, -1, 2, -2)}},
		{"far-1e6", []any{cloudsInput(1, 2, 1, 2, 1, 1, 1e6, 1e6, 0, 0, 1, 1, 0, 0)}},
		{"huge", []any{cloudsInput(1, 1, 1, 1, 0, 1, 1e300, -1e300, 1e300)}},
		{"max-opposite", []any{cloudsInput(1, 1, 1, 1, 0, 1, math.MaxFloat64, -math.MaxFloat64, math.MaxFloat64)}},
		{"empty", []any{cloudsInput(0, 1, 1, 1, 0, 1, 0, 0)}},
		{"nan", []any{cloudsInput(1, 1, 1, 1, 0, 1, nan, 0, 0)}},
		{"bad-kernel", []any{cloudsInput(1, 1, 1, 1, 7, 1, 0, 0, 0)}},
	},
	"FuzzGenerator": {
		{"identity", []any{enc().u8(2, 1, 1, 3).f(1, 0, 0, 1, 0, 0, 0.5, 1, 0.1, 0, 1, 2, 3, 4, 5, 6).b()}},
		{"degree2", []any{enc().u8(2, 2, 2, 3).f(1, 0, 0, 1, 0, 0, 0.5, 1, 0.1, 0, 1, 2, 3, 4, 5, 6).b()}},
		{"duplicates", []any{enc().u8(1, 1, 1, 4).f(1, 0, 0.5, 1, 0.1, 1, 1, 1, 1).b()}},
		{"huge", []any{enc().u8(1, 1, 1, 2).f(1e300, 1e300, 0.5, 1, 0.1, 1e300, -1e300).b()}},
		{"one-point", []any{enc().u8(1, 1, 1, 1).f(1, 0, 0.5, 1, 0.1, 2).b()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fzCheckSeeds(t, fzSeeds) }

// FuzzField: the kernel fields answer finitely, consistently and
// deterministically, or with a clean error.
func FuzzField(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := &fzDec{data}
		n, p, q, dim, kb := d.n(0, 4), d.n(0, 4), d.n(0, 4), d.n(0, 3), d.u8()
		k := drift.Kernel(kb % 3) // 0 is not a kernel
		tau := d.f()
		x, yp, yn := d.mat(n, dim), d.mat(p, dim), d.mat(q, dim)
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
		w := d.fs(p)
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
		steps := d.n(0, 3)
		opt := drift.DriftOptions{Kernel: k, Tau: tau, Step: d.f(), Steps: steps, Raw: d.u8()%2 == 1}
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
		d := &fzDec{data}
		dim, dz, degree, n := d.n(0, 3), d.n(0, 3), d.n(0, 3), d.n(0, 6)
		A := d.mat(dim, dz)
		b := d.fs(dim)
		eps, tau, step := d.f(), d.f(), d.f()
		Z := d.mat(n, dz)
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
				got := R.Eval(X[i])
				// Eval has no error return: with data near MaxFloat64 the
				// fitted combination Cᵀψ(x) may round past it.
				if len(got) != dim || (!numerics.AllFinite(got) && maxAbsRows(U) < 1e300) {
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
