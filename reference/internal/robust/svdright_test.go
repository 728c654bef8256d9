package robust

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/mat"
)

// randomProduct returns A·B for random SPD A, B of condition cond (a
// non-symmetric matrix whose singular values span about cond²).
func randomProduct(rng *rand.Rand, d int, cond float64) *mat.Dense {
	A, _ := numerics.RandomSPD(d, rng, cond)
	B, _ := numerics.RandomSPD(d, rng, cond)
	var P mat.Dense
	P.Mul(A, B)
	return &P
}

// TestSVDRightAgreesWithSVD: the fast path (V only, Gram verification)
// against the full verified SVD: the same singular values and the same
// (MᵀM)^{1/2} = V diag(s) Vᵀ.
func TestSVDRightAgreesWithSVD(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, d := range []int{1, 2, 5, 16, 40} {
		for _, cond := range []float64{1, 1e3, 1e6} {
			M := randomProduct(rng, d, cond)
			s, V, err := SVDRight(M)
			if err != nil {
				t.Fatal(err)
			}
			s2, _, V2, err := SVD(M)
			if err != nil {
				t.Fatal(err)
			}
			for i := range s {
				if math.Abs(s[i]-s2[i]) > 64*float64(d)*eps*s2[0] {
					t.Errorf("d=%d cond=%g: σ_%d = %g, SVD %g", d, cond, i, s[i], s2[i])
				}
			}
			N1, N2 := FromEigen(V, s), FromEigen(V2, s2)
			if e := numerics.MatMaxAbsDiff(N1, N2); e > 64*float64(d)*eps*s2[0] {
				t.Errorf("d=%d cond=%g: (MᵀM)^{1/2} differs by %g", d, cond, e)
			}
		}
	}
}

// TestSVDRightGraded: on the graded matrix of TestDecomposeGraded (entries
// from 1e-237 to 2) the result is verified and V diag(s²) Vᵀ = MᵀM.
func TestSVDRightGraded(t *testing.T) {
	s, V, err := SVDRight(graded)
	if err != nil {
		t.Fatal(err)
	}
	var G mat.Dense
	G.Mul(graded, graded)
	sq := make([]float64, len(s))
	for i, v := range s {
		sq[i] = v * v
	}
	if e := numerics.MatMaxAbsDiff(FromEigen(V, sq), &G); e > 1e-14*s[0]*s[0] {
		t.Errorf("V diag(s²) Vᵀ − MᵀM = %g", e)
	}
}

// TestSVDRightScaling: the power-of-2 scaling keeps the verification
// finite for entries near the float64 limits and exact for subnormals.
func TestSVDRightScaling(t *testing.T) {
	for _, c := range []float64{0x1p1000, 0x1p-1000, 5e-324} {
		M := mat.NewDense(2, 2, []float64{3 * c, 0, 0, 2 * c})
		if c == 5e-324 {
			M = mat.NewDense(2, 2, []float64{2 * c, 0, 0, c})
		}
		s, _, err := SVDRight(M)
		if err != nil || s[0] != M.At(0, 0) || s[1] != M.At(1, 1) {
			t.Errorf("scale %g: s = %v, err = %v", c, s, err)
		}
	}
	// A singular value above MaxFloat64: an error, not +Inf.
	big := math.MaxFloat64 / 2
	if _, _, err := SVDRight(mat.NewDense(2, 2, []float64{big, big, big, big})); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("overflowing σ: err = %v, want ErrInvalid", err)
	}
}

// TestRightVerifiedRejectsPlantedFaults: each planted fault (a wrong
// singular value, a non-orthonormal V, two swapped columns of V, a NaN)
// fails the verification that accepts the correct factors.
func TestRightVerifiedRejectsPlantedFaults(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	M := randomProduct(rng, 6, 10)
	// Scale as SVDRight does (max entry < 1).
	mx := 0.0
	for _, v := range M.RawMatrix().Data {
		mx = math.Max(mx, math.Abs(v))
	}
	M.Scale(1/(2*mx), M)
	s, V, ok := lapackSVDRight(M)
	if !ok || !rightVerified(M, s, V) {
		t.Fatal("correct factors not verified")
	}
	faults := map[string]func([]float64, *mat.Dense){
		"wrong smallest σ": func(s []float64, _ *mat.Dense) { s[5] *= 1.001 },
		"wrong largest σ":  func(s []float64, _ *mat.Dense) { s[0] *= 1 + 1e-9 },
		"V not orthonormal": func(_ []float64, V *mat.Dense) {
			V.Set(0, 0, V.At(0, 0)*(1+1e-9))
		},
		"swapped columns": func(_ []float64, V *mat.Dense) {
			for i := 0; i < 6; i++ {
				a, b := V.At(i, 1), V.At(i, 2)
				V.Set(i, 1, b)
				V.Set(i, 2, a)
			}
		},
		"NaN σ":         func(s []float64, _ *mat.Dense) { s[3] = math.NaN() },
		"not ascending": func(s []float64, _ *mat.Dense) { s[4], s[5] = s[5], s[4] },
	}
	for name, plant := range faults {
		s2 := append([]float64(nil), s...)
		V2 := mat.DenseCopyOf(V)
		plant(s2, V2)
		if rightVerified(M, s2, V2) {
			t.Errorf("%s: verified", name)
		}
	}
}

func TestSVDRightInvalid(t *testing.T) {
	for name, M := range map[string]mat.Matrix{
		"nil":        nil,
		"non-square": mat.NewDense(2, 3, nil),
		"NaN":        mat.NewDense(2, 2, []float64{1, math.NaN(), 0, 1}),
		"Inf":        mat.NewDense(1, 1, []float64{math.Inf(1)}),
	} {
		if _, _, err := SVDRight(M); !errors.Is(err, numerics.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

// TestSVDRightFastPathVerified: on ordinary matrices (random products with
// singular values spanning up to 1e14, d up to 64) gonum's V-only SVD
// passes the verification, so SVDRight does not fall back to the full SVD
// (which would cost it its speed).
func TestSVDRightFastPathVerified(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, d := range []int{2, 8, 64} {
		for _, cond := range []float64{1, 1e4, 1e7} {
			M := randomProduct(rng, d, cond)
			mx := 0.0
			for _, v := range M.RawMatrix().Data {
				mx = math.Max(mx, math.Abs(v))
			}
			M.Scale(1/(2*mx), M)
			s, V, ok := lapackSVDRight(M)
			if !ok || !rightVerified(M, s, V) {
				t.Errorf("d=%d cond²=%g: gonum's V-only SVD not verified", d, cond*cond)
			}
		}
	}
}
