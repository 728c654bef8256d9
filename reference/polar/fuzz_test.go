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
	"errors"
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/otverify/otverify/internal/fuzzseed"
	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/polar"
)

func okErr(t *testing.T, name string, err error) {
	t.Helper()
	if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, numerics.ErrNotConverged) {
		t.Fatalf("%s: error %v wraps neither ErrInvalid nor ErrNotConverged", name, err)
	}
}

// cubeMap decodes a map of dimension dim: kind 0 permutation, 1
// reflection, 2 shift, 3 shear, 4 composition of two.
func cubeMap(d *fuzzseed.Dec, dim int, depth int) polar.CubeMap {
	kind := d.U8() % 5
	if depth > 0 && kind == 4 {
		kind = 0
	}
	switch kind {
	case 0:
		p := make([]int, dim)
		for i := range p {
			p[i] = int(d.U8()) % (dim + 1) // may be invalid
		}
		return polar.Permutation{Perm: p}
	case 1:
		a := make([]bool, dim)
		for i := range a {
			a[i] = d.U8()%2 == 1
		}
		return polar.Reflection{Axes: a}
	case 2:
		return polar.Shift{S: d.Fs(dim)}
	case 3:
		return polar.Shear{D: dim, I: int(d.U8()) % (dim + 1), J: int(d.U8()) % (dim + 1), C: d.F()}
	}
	return polar.Compose{Maps: []polar.CubeMap{cubeMap(d, dim, 1), cubeMap(d, dim, 1)}}
}

var fzSeeds = map[string][]fuzzseed.Seed{
	"FuzzRearrange": {
		{Name: "permutation", Args: []any{fuzzseed.NewEnc().U8(3, 0, 2, 0, 1).F(0.5, -1, 2).Bytes()}},
		{Name: "reflection", Args: []any{fuzzseed.NewEnc().U8(2, 1, 1, 0).F(1.5, -0.25).Bytes()}},
		{Name: "shift", Args: []any{fuzzseed.NewEnc().U8(2, 2).F(0.5, 0.25, 0.1, -0.1).Bytes()}},
		{Name: "shear", Args: []any{fuzzseed.NewEnc().U8(2, 3, 0, 1).F(2, 0.3, 0.4).Bytes()}},
		{Name: "compose", Args: []any{fuzzseed.NewEnc().U8(2, 4, 0, 1, 0, 1, 1, 0).F(0.3, -3).Bytes()}},
		{Name: "far-tail", Args: []any{fuzzseed.NewEnc().U8(1, 1, 1).F(-38.5).Bytes()}},
		{Name: "huge-z", Args: []any{fuzzseed.NewEnc().U8(1, 0, 0).F(1e300).Bytes()}},
		{Name: "bad-perm", Args: []any{fuzzseed.NewEnc().U8(2, 0, 0, 0).F(0, 0).Bytes()}},
	},
	"FuzzTorusFlow": {
		{Name: "rotational", Args: []any{fuzzseed.NewEnc().U8(2, 1, 0, 1, 1, 1, 0).F(0.5, 0.25, 1, 0.5).Bytes()}},
		{Name: "gradient", Args: []any{fuzzseed.NewEnc().U8(2, 1, 0, 1, 1, 0, 1).F(0.5, 0.25, 1, 0.5).Bytes()}},
		{Name: "zero-T", Args: []any{fuzzseed.NewEnc().U8(1, 1, 0, 0, 1, 0).F(1, 0, 0, 0).Bytes()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fuzzseed.Check(t, fzSeeds) }

func FuzzRearrange(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		dim := d.N(0, 3)
		phi := cubeMap(d, dim, 0)
		z := d.Fs(dim)
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
		d := fuzzseed.NewDec(data)
		dim, nm := d.N(0, 3), d.N(0, 2)
		modes := make([]polar.Mode, nm)
		for i := range modes {
			modes[i] = polar.Mode{I: int(d.U8()) % (dim + 1), J: int(d.U8()) % (dim + 1), Gradient: d.U8()%2 == 1}
			modes[i].K = make([]int, dim)
			for k := range modes[i].K {
				modes[i].K[k] = int(d.U8()%7) - 3
			}
			modes[i].Amp, modes[i].Phase = d.F(), d.F()
		}
		fld := polar.TorusField{D: dim, Modes: modes}
		x0 := d.Fs(dim)
		T := d.F()
		if err := fld.Validate(); err != nil {
			okErr(t, "Validate", err)
			return
		}
		if dim >= 1 {
			v := make([]float64, dim)
			errV := fld.At(x0, v)
			J := make([]float64, dim*dim)
			errJ := fld.Jacobian(x0, J)
			div, errD := fld.Divergence(x0)
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
			if numerics.AllFinite(x0) && size < 1e300 && (errV != nil || errJ != nil || errD != nil || !numerics.AllFinite(v) || !numerics.AllFinite(J) || math.IsNaN(div)) {
				t.Fatalf("field at %v: v = %v, J = %v, div = %v (errors %v, %v, %v)", x0, v, J, div, errV, errJ, errD)
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
			// RelTol = 1e-8 bounds the LOCAL error; the global error of
			// the variational equation is amplified by the flow's own
			// stretching, of which ‖J‖ is the measure: entries of J err by
			// about RelTol·‖J‖·(1 + ‖J‖), and det J (products of size ‖J‖²)
			// by ‖J‖ times that (100× margin on RelTol below). A strongly
			// stretching flow (‖J‖ ≈ 2e9 at T = 0.125, seed
			// chaotic-flow-det-beyond-local-tolerance: J at RelTol 1e-8,
			// 1e-10, 1e-12 differ in sign) has no meaningful det to check:
			// only ‖J‖ ≤ 1e4 is compared.
			det := mat.Det(res.J)
			jm := numerics.MatMaxAbs(res.J)
			if jm <= 1e4 && math.Abs(det-1) > 1e-4+1e-6*jm*jm*(1+jm) {
				t.Fatalf("divergence-free flow has det J = %v", det)
			}
		}
	})
}
