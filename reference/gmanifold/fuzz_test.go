package gmanifold_test

// Native Go fuzz target for package gmanifold (issue 9): the energies
// (ParseEnergy, Value, Gradient, DescentField, CovarianceVelocity), the
// Lyapunov solver, the affine fields (MomentVelocity, AffineFlowMap,
// AffineFlowMoments), the sliced energy (SlicedValue, SlicedV,
// SlicedCovarianceVelocity, SphereQuadrature) and Flow. Property: no panic,
// no hang, no NaN or ±Inf without an error (ErrInvalid, ErrNotConverged,
// ErrOverflow); for valid input CovarianceVelocity equals the closed forms
// of the table (KL: 2(I − C), MMDPoly: 8(C − C²)) and Lyapunov's solution
// satisfies AΣ + ΣA = S within its documented residual.
//
// Seeds: testdata/fuzz/FuzzGaussianManifold/seed-*, written by
//
//	go test ./reference/gmanifold -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run: go test ./reference/gmanifold -run '^$' -fuzz '^FuzzGaussianManifold$' -fuzztime 60s -parallel 1

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
	"github.com/otverify/otverify/reference/gmanifold"
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
	if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, numerics.ErrNotConverged) && !errors.Is(err, gmanifold.ErrOverflow) {
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

// spd returns L·Lᵀ (+ the identity if shift) for L lower triangular from d.
func spd(d *fzDec, dim int, shift bool) *mat.SymDense {
	L := mat.NewDense(dim, dim, nil)
	for i := 0; i < dim; i++ {
		for j := 0; j <= i; j++ {
			L.Set(i, j, d.f())
		}
	}
	var P mat.Dense
	P.Mul(L, L.T())
	S := mat.NewSymDense(dim, nil)
	for i := 0; i < dim; i++ {
		for j := i; j < dim; j++ {
			v := P.At(i, j)
			if shift && i == j {
				v++
			}
			S.SetSym(i, j, v)
		}
	}
	return S
}

var fzSeeds = map[string][]fzSeed{
	"FuzzGaussianManifold": {
		{"identity", []any{enc().u8(2, 0, 1).f(0, 0, 0, 0, 0, 0.5, 1, 0, 0, 1, 0.5).b()}},
		{"cond-1e8", []any{enc().u8(2, 1, 1).f(1e4, 0, 1e-4, 0, 0, 0.5, 1, 0.5, 0.5, 1, 0.25).b()}},
		{"singular", []any{enc().u8(2, 2, 0).f(1, 1, 0, 0, 0, 1, 0, 0, 1, 0.5).b()}},
		{"huge", []any{enc().u8(1, 3, 0).f(1e200, 1, 1, 1).b()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fzCheckSeeds(t, fzSeeds) }

func FuzzGaussianManifold(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := &fzDec{data}
		dim, ei, shift := d.n(1, 3), d.u8(), d.u8()%2 == 1
		e := gmanifold.Energies[int(ei)%len(gmanifold.Energies)]
		if _, err := gmanifold.ParseEnergy(string(e)); err != nil {
			t.Fatalf("ParseEnergy(%q): %v", e, err)
		}
		C := spd(d, dim, shift)
		m := d.fs(dim)
		S := mat.NewSymDense(dim, nil)
		for i := 0; i < dim; i++ {
			for j := i; j < dim; j++ {
				S.SetSym(i, j, d.f())
			}
		}
		T := d.f()
		if v, err := gmanifold.Value(e, m, C); err != nil {
			okErr(t, "Value", err)
		} else if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("Value = %v without an error", v)
		}
		if gm, GS, err := gmanifold.Gradient(e, m, C); err != nil {
			okErr(t, "Gradient", err)
		} else if !numerics.AllFinite(gm) || !finiteMat(GS) {
			t.Fatalf("Gradient = %v, %v without an error", gm, GS)
		}
		if F, err := gmanifold.DescentField(e, m, C); err != nil {
			okErr(t, "DescentField", err)
		} else if v, err := F.At(m); err != nil {
			okErr(t, "AffineField.At", err)
		} else if !numerics.AllFinite(v) {
			t.Fatalf("DescentField at m = %v without an error", v)
		}
		V, err := gmanifold.CovarianceVelocity(e, C)
		if err != nil {
			okErr(t, "CovarianceVelocity", err)
		} else {
			if !finiteMat(V) {
				t.Fatalf("CovarianceVelocity non-finite without an error")
			}
			sc := numerics.MatMaxAbs(C)
			if sc < 1e6 && (e == gmanifold.KL || e == gmanifold.MMDPoly) {
				var want mat.Dense
				switch e {
				case gmanifold.KL: // 2(I − C)
					want.Scale(-2, C)
					for i := 0; i < dim; i++ {
						want.Set(i, i, want.At(i, i)+2)
					}
				case gmanifold.MMDPoly: // 8(C − C²)
					var C2 mat.Dense
					C2.Mul(C, C)
					want.Sub(C, &C2)
					want.Scale(8, &want)
				}
				tol := 64 * float64(dim) * ulp * 8 * (1 + sc) * (1 + sc)
				if diff := numerics.MatMaxAbsDiff(V, &want); diff > tol {
					t.Fatalf("CovarianceVelocity(%s) differs from the closed form by %g > %g", e, diff, tol)
				}
			}
		}
		A, err := gmanifold.Lyapunov(C, S)
		if err != nil {
			okErr(t, "Lyapunov", err)
		} else {
			if !finiteMat(A) {
				t.Fatalf("Lyapunov non-finite without an error")
			}
			var AC, CA, R mat.Dense
			AC.Mul(A, C)
			CA.Mul(C, A)
			R.Add(&AC, &CA)
			scale := numerics.MatMaxAbs(S) + 2*numerics.MatMaxAbs(A)*numerics.MatMaxAbs(C)*float64(dim)
			if diff := numerics.MatMaxAbsDiff(&R, S); numerics.AllFinite([]float64{scale}) && diff > 64*float64(dim)*ulp*scale+float64(dim)*4*(0x1p-1022+numerics.MatMaxAbs(C)*5e-324) { // a subnormal A errs by its spacing, times Σ
				t.Fatalf("Lyapunov residual %g > %g", diff, 64*float64(dim)*ulp*scale)
			}
		}
		if mv, Sv, err := gmanifold.MomentVelocity(C, m, C); err != nil {
			okErr(t, "MomentVelocity", err)
		} else if !numerics.AllFinite(mv) || !finiteMat(Sv) {
			t.Fatalf("MomentVelocity non-finite without an error")
		}
		if M, b, err := gmanifold.AffineFlowMap(C, m, m, T); err != nil {
			okErr(t, "AffineFlowMap", err)
		} else if !finiteMat(M) || !numerics.AllFinite(b) {
			t.Fatalf("AffineFlowMap non-finite without an error")
		}
		theta, w, err := gmanifold.SphereQuadrature(dim, 1+int(ei)%5)
		if err != nil {
			t.Fatalf("SphereQuadrature(%d): %v", dim, err)
		}
		if v, err := gmanifold.SlicedValue(m, C, theta, w); err != nil {
			okErr(t, "SlicedValue", err)
		} else if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			t.Fatalf("SlicedValue = %v without an error", v)
		}
		if W, err := gmanifold.SlicedCovarianceVelocity(C, theta, w); err != nil {
			okErr(t, "SlicedCovarianceVelocity", err)
		} else if !finiteMat(W) {
			t.Fatalf("SlicedCovarianceVelocity non-finite without an error")
		}
		if math.Abs(T) <= 2 {
			if tr, err := gmanifold.Flow(e, C, math.Abs(T), 1e-6); err != nil {
				okErr(t, "Flow", err)
			} else if tr == nil {
				t.Fatalf("Flow returned nil without an error")
			}
		}
	})
}
