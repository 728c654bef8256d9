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
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/otverify/otverify/internal/fuzzseed"
	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/gmanifold"
)

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
func spd(d *fuzzseed.Dec, dim int, shift bool) *mat.SymDense {
	L := mat.NewDense(dim, dim, nil)
	for i := 0; i < dim; i++ {
		for j := 0; j <= i; j++ {
			L.Set(i, j, d.F())
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

var fzSeeds = map[string][]fuzzseed.Seed{
	"FuzzGaussianManifold": {
		{Name: "identity", Args: []any{fuzzseed.NewEnc().U8(2, 0, 1).F(0, 0, 0, 0, 0, 0.5, 1, 0, 0, 1, 0.5).Bytes()}},
		{Name: "cond-1e8", Args: []any{fuzzseed.NewEnc().U8(2, 1, 1).F(1e4, 0, 1e-4, 0, 0, 0.5, 1, 0.5, 0.5, 1, 0.25).Bytes()}},
		{Name: "singular", Args: []any{fuzzseed.NewEnc().U8(2, 2, 0).F(1, 1, 0, 0, 0, 1, 0, 0, 1, 0.5).Bytes()}},
		{Name: "huge", Args: []any{fuzzseed.NewEnc().U8(1, 3, 0).F(1e200, 1, 1, 1).Bytes()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fuzzseed.Check(t, fzSeeds) }

func FuzzGaussianManifold(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		dim, ei, shift := d.N(1, 3), d.U8(), d.U8()%2 == 1
		e := gmanifold.Energies[int(ei)%len(gmanifold.Energies)]
		if _, err := gmanifold.ParseEnergy(string(e)); err != nil {
			t.Fatalf("ParseEnergy(%q): %v", e, err)
		}
		C := spd(d, dim, shift)
		m := d.Fs(dim)
		S := mat.NewSymDense(dim, nil)
		for i := 0; i < dim; i++ {
			for j := i; j < dim; j++ {
				S.SetSym(i, j, d.F())
			}
		}
		T := d.F()
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
