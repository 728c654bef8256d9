package entropic

import (
	"errors"
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/otverify/otverify/numerics"
)

// tolDivergence is protocol.md's tolerance for the Sinkhorn divergence,
// relative to max C.
const tolDivergence = 1e-6

// TestDivergenceProperties: claim entropic.divergence-properties —
// symmetric, ≥ 0, exactly 0 on identical inputs.
func TestDivergenceProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "n")
		m := rapid.IntRange(1, 12).Draw(t, "m")
		d := rapid.IntRange(1, 3).Draw(t, "d")
		x, y := genCloud(t, n, d, "x"), genCloud(t, m, d, "y")
		a, b := genProb(t, n, "a"), genProb(t, m, "b")
		Cxy, _ := SqEuclidean(x, y, d)
		maxC := max(numerics.MaxAbs(Cxy), 1e-3)
		eps := rapid.SampledFrom([]float64{1e-3, 1e-2, 0.1, 1}).Draw(t, "eps/maxC") * maxC
		sxy, err := Divergence(x, y, d, a, b, eps, Options{})
		if err != nil {
			t.Fatal(err)
		}
		syx, err := Divergence(y, x, d, b, a, eps, Options{})
		if err != nil {
			t.Fatal(err)
		}
		// Each OT_ε term is accurate to ~1e-9·max C (marginal error times
		// the potentials); the comparisons allow 1e-8·max C.
		if !numerics.Close(sxy, syx, 1e-8, maxC, 0) {
			t.Fatalf("S(α,β) = %.17g, S(β,α) = %.17g", sxy, syx)
		}
		if sxy < -1e-8*maxC {
			t.Fatalf("S(α,β) = %.17g < 0", sxy)
		}
		sxx, err := Divergence(x, x, d, a, a, eps, Options{})
		if err != nil || sxx != 0 {
			t.Fatalf("S(α,α) = %v (%v), want exactly 0", sxx, err)
		}
	})
}

func TestDivergenceDiracs(t *testing.T) {
	// One atom each: the only coupling is δ_(x,y), KL = 0, so
	// OT_ε = ‖x − y‖² and the self terms vanish: S = ‖x − y‖² for every ε.
	for _, eps := range []float64{1e-3, 1, 1e3} {
		s, err := Divergence([]float64{1, 2, 3}, []float64{0, 0, 1}, 3, []float64{1}, []float64{1}, eps, Options{})
		if err != nil || math.Abs(s-9) > 1e-13 {
			t.Fatalf("eps %g: S = %.17g (%v), want 9", eps, s, err)
		}
	}
}

// TestDivergenceLimit: claim entropic.divergence-limit — along a geometric
// sequence of ε the gap |S_ε − W2²| (W2² by brute force over permutations)
// falls, and at ε = 1e-3·max C it is below 1e-2·max C.
func TestDivergenceLimit(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 6).Draw(t, "n")
		x, y := genCloud(t, n, 2, "x"), genCloud(t, n, 2, "y")
		C, _ := SqEuclidean(x, y, 2)
		maxC := max(numerics.MaxAbs(C), 1e-3)
		w2 := bruteForceOT(C, n)
		a := uniformProb(n)
		gap := func(r float64) float64 {
			s, err := Divergence(x, y, 2, a, a, r*maxC, Options{})
			if err != nil {
				t.Fatal(err)
			}
			return math.Abs(s - w2)
		}
		big, small := gap(1), gap(1e-3)
		if small > 1e-2*maxC || small > big+tolDivergence*maxC {
			t.Fatalf("gap at ε = max C: %.3g, at 1e-3·max C: %.3g", big, small)
		}
	})
}

func TestSqEuclidean(t *testing.T) {
	C, err := SqEuclidean([]float64{0, 0, 1, 1}, []float64{1, 0, 0, 2, 3, 4}, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1, 4, 25, 1, 2, 13}
	for k := range want {
		if C[k] != want[k] {
			t.Fatalf("C = %v, want %v", C, want)
		}
	}
	for _, tc := range []struct {
		name string
		x, y []float64
		d    int
	}{
		{"d = 0", []float64{1}, []float64{1}, 0},
		{"ragged x", []float64{1, 2, 3}, []float64{1, 2}, 2},
		{"empty", nil, []float64{1}, 1},
		{"NaN", []float64{math.NaN()}, []float64{1}, 1},
	} {
		if _, err := SqEuclidean(tc.x, tc.y, tc.d); !errors.Is(err, numerics.ErrInvalid) {
			t.Fatalf("%s: err = %v", tc.name, err)
		}
	}
	if _, err := SqEuclidean([]float64{1e200}, []float64{-1e200}, 1); !errors.Is(err, ErrOverflow) {
		t.Fatalf("overflow: err = %v", err)
	}
}

func TestDivergenceInvalid(t *testing.T) {
	x, a := []float64{0, 1}, []float64{0.5, 0.5}
	tests := []struct {
		name string
		x, y []float64
		d    int
		a, b []float64
		eps  float64
	}{
		{"d = 0", x, x, 0, a, a, 1},
		{"len(x) ≠ n·d", x, x, 2, a, a, 1},
		{"empty", nil, x, 1, nil, a, 1},
		{"zero weight", x, x, 1, []float64{1, 0}, a, 1},
		{"mass", x, x, 1, []float64{0.5, 0.6}, a, 1},
		{"eps", x, x, 1, a, a, 0},
		{"NaN point", []float64{0, math.NaN()}, x, 1, a, a, 1},
	}
	for _, tc := range tests {
		if _, err := Divergence(tc.x, tc.y, tc.d, tc.a, tc.b, tc.eps, Options{}); !errors.Is(err, numerics.ErrInvalid) {
			t.Fatalf("%s: err = %v, want ErrInvalid", tc.name, err)
		}
	}
}

func TestEntropyKL(t *testing.T) {
	H, err := Entropy([]float64{0.5, 0, 0.5})
	if err != nil || math.Abs(H-math.Ln2) > 1e-16 {
		t.Fatalf("H = %v (%v), want log 2", H, err)
	}
	if _, err := Entropy([]float64{0.5, -0.1}); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("negative entry: err = %v", err)
	}
	a, b := []float64{0.25, 0.75}, []float64{0.5, 0.5}
	prod := []float64{0.125, 0.125, 0.375, 0.375}
	if kl, err := KL(prod, a, b); err != nil || math.Abs(kl) > 1e-16 {
		t.Fatalf("KL(a⊗b|a⊗b) = %v (%v)", kl, err)
	}
	// Diagonal coupling of (½,½) with itself: KL = log 2.
	if kl, _ := KL([]float64{0.5, 0, 0, 0.5}, []float64{0.5, 0.5}, []float64{0.5, 0.5}); math.Abs(kl-math.Ln2) > 1e-16 {
		t.Fatalf("KL(diag) = %v, want log 2", kl)
	}
	if kl, _ := KL([]float64{0.5, 0.5}, []float64{1, 0}, []float64{1}); !math.IsInf(kl, 1) {
		t.Fatalf("KL with mass off the support = %v, want +Inf", kl)
	}
	if _, err := KL(prod, a, []float64{1}); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("shape: err = %v", err)
	}
}
