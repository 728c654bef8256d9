package polar_test

// Native Go fuzz targets for package polar (issue 9): the cube maps
// (Permutation, Reflection, Shift, Shear, Compose), ValidateCubeMap,
// Rearrange/Rearranger, and the torus fields (Validate, At, Jacobian,
// Divergence, FlowMap). Property: no panic (for maps that ValidateCubeMap
// accepts), no hang, no NaN or ±Inf without an error (ErrInvalid or
// ErrNotConverged); Rearrange of a permutation permutes z and of a
// reflection negates the reflected coordinates (Φ^{-1}(1 − Φ(z)) = −z),
// within Rearrange's documented accuracy for |z| ≤ 5; for divergence-free
// fields det J(T) = exp(∫∇·v) = 1 within the integrator's tolerance.
//
// Seeds: testdata/fuzz/FuzzXxx/seed-*, written from fzSeeds by
//
//	go test ./reference/polar -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run one target: go test ./reference/polar -run '^$' -fuzz '^FuzzRearrange$' -fuzztime 60s -parallel 1

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
	"github.com/otverify/otverify/reference/polar"
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

func okErr(t *testing.T, name string, err error) {
	t.Helper()
	if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, numerics.ErrNotConverged) {
		t.Fatalf("%s: error %v wraps neither ErrInvalid nor ErrNotConverged", name, err)
	}
}

// cubeMap decodes a map of dimension dim: kind 0 permutation, 1
// reflection, 2 shift, 3 shear, 4 composition of two.
func cubeMap(d *fzDec, dim int, depth int) polar.CubeMap {
	kind := d.u8() % 5
	if depth > 0 && kind == 4 {
		kind = 0
	}
	switch kind {
	case 0:
		p := make([]int, dim)
		for i := range p {
			p[i] = int(d.u8()) % (dim + 1) // may be invalid
		}
		return polar.Permutation{Perm: p}
	case 1:
		a := make([]bool, dim)
		for i := range a {
			a[i] = d.u8()%2 == 1
		}
		return polar.Reflection{Axes: a}
	case 2:
		return polar.Shift{S: d.fs(dim)}
	case 3:
		return polar.Shear{D: dim, I: int(d.u8()) % (dim + 1), J: int(d.u8()) % (dim + 1), C: d.f()}
	}
	return polar.Compose{Maps: []polar.CubeMap{cubeMap(d, dim, 1), cubeMap(d, dim, 1)}}
}

var fzSeeds = map[string][]fzSeed{
	"FuzzRearrange": {
		{"permutation", []any{enc().u8(3, 0, 2, 0, 1).f(0.5, -1, 2).b()}},
		{"reflection", []any{enc().u8(2, 1, 1, 0).f(1.5, -0.25).b()}},
		{"shift", []any{enc().u8(2, 2).f(0.5, 0.25, 0.1, -0.1).b()}},
		{"shear", []any{enc().u8(2, 3, 0, 1).f(2, 0.3, 0.4).b()}},
		{"compose", []any{enc().u8(2, 4, 0, 1, 0, 1, 1, 0).f(0.3, -3).b()}},
		{"far-tail", []any{enc().u8(1, 1, 1).f(-38.5).b()}},
		{"huge-z", []any{enc().u8(1, 0, 0).f(1e300).b()}},
		{"bad-perm", []any{enc().u8(2, 0, 0, 0).f(0, 0).b()}},
	},
	"FuzzTorusFlow": {
		{"rotational", []any{enc().u8(2, 1, 0, 1, 1, 1, 0).f(0.5, 0.25, 1, 0.5).b()}},
		{"gradient", []any{enc().u8(2, 1, 0, 1, 1, 0, 1).f(0.5, 0.25, 1, 0.5).b()}},
		{"zero-T", []any{enc().u8(1, 1, 0, 0, 1, 0).f(1, 0, 0, 0).b()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fzCheckSeeds(t, fzSeeds) }

func FuzzRearrange(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := &fzDec{data}
		dim := d.n(0, 3)
		phi := cubeMap(d, dim, 0)
		z := d.fs(dim)
		if err := polar.ValidateCubeMap(phi, dim); err != nil {
			okErr(t, "ValidateCubeMap", err)
			if _, err := polar.Rearrange(phi, z); err == nil {
				t.Fatalf("Rearrange accepted a map that ValidateCubeMap rejects")
			}
			return
		}
		M, err := polar.Rearrange(phi, z)
		if err != nil {
			okErr(t, "Rearrange", err)
			return
		}
		if len(M) != dim || !numerics.AllFinite(M) {
			t.Fatalf("Rearrange = %v without an error", M)
		}
		R, err := polar.Rearranger(phi, dim)
		if err != nil {
			t.Fatalf("Rearranger rejected a valid map: %v", err)
		}
		if M2, err := R(z); err != nil || fmt.Sprint(M2) != fmt.Sprint(M) {
			t.Fatalf("Rearranger = %v (%v), Rearrange = %v", M2, err, M)
		}
		if numerics.MaxAbs(z) > 5 {
			return
		}
		const tol = 1e-9
		switch m := phi.(type) {
		case polar.Permutation:
			for i, p := range m.Perm {
				if math.Abs(M[i]-z[p]) > tol*(1+math.Abs(z[p])) {
					t.Fatalf("Rearrange(permutation %v, %v) = %v", m.Perm, z, M)
				}
			}
		case polar.Reflection:
			for i, r := range m.Axes {
				want := z[i]
				if r {
					want = -z[i]
				}
				if math.Abs(M[i]-want) > tol*(1+math.Abs(z[i])) {
					t.Fatalf("Rearrange(reflection %v, %v) = %v", m.Axes, z, M)
				}
			}
		}
	})
}

func FuzzTorusFlow(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := &fzDec{data}
		dim, nm := d.n(0, 3), d.n(0, 2)
		modes := make([]polar.Mode, nm)
		for i := range modes {
			modes[i] = polar.Mode{I: int(d.u8()) % (dim + 1), J: int(d.u8()) % (dim + 1), Gradient: d.u8()%2 == 1}
			modes[i].K = make([]int, dim)
			for k := range modes[i].K {
				modes[i].K[k] = int(d.u8()%7) - 3
			}
			modes[i].Amp, modes[i].Phase = d.f(), d.f()
		}
		fld := polar.TorusField{D: dim, Modes: modes}
		x0 := d.fs(dim)
		T := d.f()
		if err := fld.Validate(); err != nil {
			okErr(t, "Validate", err)
			return
		}
		if dim >= 1 {
			v := make([]float64, dim)
			fld.At(x0, v)
			J := make([]float64, dim*dim)
			fld.Jacobian(x0, J)
			div := fld.Divergence(x0)
			// v, J, ∇·v are at most |Amp|·(2π‖K‖)² per mode: only a field
			// of that size may overflow (Validate accepts any finite Amp;
			// FlowMap then fails cleanly).
			size := 0.0
			for _, md := range modes {
				k2 := 0.0
				for _, kk := range md.K {
					k2 += float64(kk * kk)
				}
				size += math.Abs(md.Amp) * (1 + 40*k2)
			}
			// x is reduced modulo 1 exactly, so any finite x is fine.
			if numerics.AllFinite(x0) && size < 1e300 && (!numerics.AllFinite(v) || !numerics.AllFinite(J) || math.IsNaN(div)) {
				t.Fatalf("field at %v: v = %v, J = %v, div = %v", x0, v, J, div)
			}
			if fld.DivergenceFree() && numerics.AllFinite(x0) && math.Abs(div) > 1e-9*(1+numerics.MaxAbs(J)) {
				t.Fatalf("divergence-free field has ∇·v = %v", div)
			}
		}
		if !(math.Abs(T) <= 2) {
			T = math.Mod(T, 2) // keep the integration short
			if math.IsNaN(T) {
				T = 1
			}
		}
		res, err := polar.FlowMap(fld, x0, T, numerics.Options{RelTol: 1e-8, MaxSteps: 2000})
		if err != nil {
			okErr(t, "FlowMap", err)
			return
		}
		if !numerics.AllFinite(res.X) || !numerics.AllFinite([]float64{res.LogDetIntegral}) {
			t.Fatalf("FlowMap = %+v without an error", res)
		}
		if fld.DivergenceFree() && dim >= 1 {
			// The entries of J carry the integrator's relative error
			// (RelTol = 1e-8), and det J cancels products of size ‖J‖².
			det := mat.Det(res.J)
			jm := numerics.MatMaxAbs(res.J)
			if math.Abs(det-1) > 1e-4+1e-6*jm*jm {
				t.Fatalf("divergence-free flow has det J = %v", det)
			}
		}
	})
}
