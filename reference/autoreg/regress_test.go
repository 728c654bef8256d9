package autoreg_test

// Regression tests for the fuzz findings of docs/reliability.md, each named
// after its defect.

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/autoreg"
)

// TestHaarNearMaxFloatDividesFirst: Haar([1e308, 1e308], 1) was [+Inf, 0]
// without an error: x₀ + x₁ = 2e308 overflowed before the division by √2,
// although the coefficient √2·1e308 fits. A coefficient beyond MaxFloat64
// is ErrOverflow.
func TestHaarNearMaxFloatDividesFirst(t *testing.T) {
	y, err := autoreg.Haar([]float64{1e308, 1e308}, 1)
	want := 1e308 / math.Sqrt2 * 2
	if err != nil || math.Abs(y[0]-want) > 2*0x1p-52*want || y[1] != 0 {
		t.Fatalf("Haar = %v, %v, want [%v 0]", y, err, want)
	}
	back, err := autoreg.InverseHaar(y, 1)
	if err != nil || math.Abs(back[0]-1e308) > 4*0x1p-52*1e308 || math.Abs(back[1]-1e308) > 4*0x1p-52*1e308 {
		t.Fatalf("InverseHaar = %v, %v, want [1e308 1e308]", back, err)
	}
	m := math.MaxFloat64
	if y, err := autoreg.Haar([]float64{m, m}, 1); !errors.Is(err, autoreg.ErrOverflow) {
		t.Fatalf("Haar([max, max]) = %v, %v, want ErrOverflow (√2·max)", y, err)
	}
	// Ordinary inputs are unchanged: the sum is still formed first.
	a := 0.6
	if lo, hi := autoreg.Haar2(a, a); lo != (a+a)/math.Sqrt2 || hi != 0 {
		t.Fatalf("Haar2(0.6, 0.6) = %v, %v", lo, hi)
	}
}

func stdNormal(y []float64) float64 {
	s := 0.0
	for _, v := range y {
		s -= v * v / 2
	}
	return s
}

// TestLogDensityNonFiniteImageIsAnError: an Affine map with a NaN offset
// made g(x) NaN and LogDensity returned NaN with a nil error (only x and J
// were checked); likewise A·x overflowing.
func TestLogDensityNonFiniteImageIsAnError(t *testing.T) {
	for _, tc := range []struct {
		name string
		g    autoreg.Affine
		x    []float64
	}{
		{"nan-offset", autoreg.Affine{A: [][]float64{{-6}}, B: []float64{math.NaN()}}, []float64{-12}},
		{"ax-overflows", autoreg.Affine{A: [][]float64{{1e300}}, B: []float64{0}}, []float64{1e10}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if v, err := autoreg.LogDensity(tc.x, tc.g, stdNormal); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("LogDensity = %v, %v, want ErrInvalid", v, err)
			}
		})
	}
	nan := func([]float64) float64 { return math.NaN() }
	if v, err := autoreg.LogDensity([]float64{1}, autoreg.Affine{A: [][]float64{{2}}, B: []float64{0}}, nan); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("log p_Y = NaN: LogDensity = %v, %v, want ErrInvalid", v, err)
	}
}

// TestLogDensityLUOverflow: J = [[−6, −max], [−6, 1e300]] is finite with
// log|det J| = log(6e300 + 6·max) ≈ 711.6, but its LU factors overflow and
// gonum's LU.LogDet answered +Inf. The equilibrated factorisation answers.
// Also a diagonal spanning 1e±300, whose scaling by one factor would lose
// the small entry.
func TestLogDensityLUOverflow(t *testing.T) {
	m := math.MaxFloat64
	zero := func([]float64) float64 { return 0 }
	g := autoreg.Affine{A: [][]float64{{-6, -m}, {-6, 1e300}}, B: []float64{-6, -6}}
	got, err := autoreg.LogDensity([]float64{-6, -1}, g, zero)
	// |det| = 6e300 + 6·max = 6·max·(1 + 1e300/max).
	want := math.Log(6) + math.Log(m) + math.Log1p(1e300/m)
	if err != nil || math.Abs(got-want) > 1e-14*want {
		t.Fatalf("LogDensity = %v, %v, want %v", got, err, want)
	}
	g = autoreg.Affine{A: [][]float64{{1e300, 1e-300}, {0, 1e-300}}, B: []float64{0, 0}}
	got, err = autoreg.LogDensity([]float64{0, 0}, g, zero)
	if err != nil || math.Abs(got) > 1e-12 { // det = 1
		t.Fatalf("LogDensity(diag 1e±300) = %v, %v, want 0", got, err)
	}
}

// TestChainRuleNormalisesByTotalMass: the doc said ChainRule equals p(x)
// "up to rounding"; it equals p(x)/Σp, which differs from p(x) by up to
// MassTol = 1e−9 relative when NewJoint accepts Σp = 1 − 1e−9.
func TestChainRuleNormalisesByTotalMass(t *testing.T) {
	s := 1 - 1e-9
	p := []float64{0.25 * s, 0.25 * s, 0.125 * s, 0.375 * s}
	j, err := autoreg.NewJoint([]int{2, 2}, p)
	if err != nil {
		t.Fatal(err)
	}
	tot := p[0] + p[1] + p[2] + p[3]
	for o, x := range [][]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}} {
		c, err := j.ChainRule(x)
		if err != nil {
			t.Fatal(err)
		}
		want := p[o] / tot
		if math.Abs(c-want) > 8*0x1p-52*want {
			t.Fatalf("ChainRule(%v) = %v, want p(x)/Σp = %v", x, c, want)
		}
		if math.Abs(c-p[o]) < 0.5e-9*p[o] {
			t.Fatalf("ChainRule(%v) = %v is p(x) = %v, expected the 1e−9 renormalisation", x, c, p[o])
		}
	}
}

// TestDFTNearMaxFloatNoInf (found by FuzzTransforms once the Haar guard
// was removed): InverseDFT(DFT(x)) for x = [−MaxFloat64, −12, …] returned
// −Inf and NaN entries without an error: the partial sums Σ X_k e^{…} of
// coefficients near MaxFloat64/√N overflowed although x_0 = −MaxFloat64
// fits. Sums are now formed on input scaled by an exact power of two.
func TestDFTNearMaxFloatNoInf(t *testing.T) {
	x := make([]complex128, 14)
	x[0] = complex(-math.MaxFloat64, 0)
	for i := 1; i < len(x); i++ {
		x[i] = -12
	}
	X, err := autoreg.DFT(x)
	if err != nil {
		t.Fatal(err)
	}
	back, err := autoreg.InverseDFT(X)
	if err != nil {
		t.Fatal(err)
	}
	tol := 8 * 15 * 0x1p-52 * math.MaxFloat64
	for i := range x {
		if d := real(back[i]) - real(x[i]); math.IsNaN(d) || math.Abs(d) > tol || math.Abs(imag(back[i])) > tol {
			t.Fatalf("InverseDFT(DFT(x))[%d] = %v, want %v", i, back[i], x[i])
		}
	}
	// A coefficient beyond MaxFloat64 (N·max/√N) is an error, not ±Inf.
	for i := range x {
		x[i] = complex(math.MaxFloat64, 0)
	}
	if X, err := autoreg.DFT(x); !errors.Is(err, autoreg.ErrOverflow) {
		t.Fatalf("DFT(max…) = %v, %v, want ErrOverflow", X[:1], err)
	}
}

// TestLogDensitySubnormalColumn (found by FuzzLogDensity after the LU fix):
// a column of subnormals (5e−324) next to rows of size 6 and 12. Scaling the
// rows first flushed the column's lower entries to 0 and moved det J by 17%;
// the row and column scales are now applied to each entry in one step.
// det J = 5e−324·det[[1, −⅞, −⅞], [1, −6, −6], [1, −6, −12]] = 5e−324·30.75.
func TestLogDensitySubnormalColumn(t *testing.T) {
	tiny := math.SmallestNonzeroFloat64
	g := autoreg.Affine{A: [][]float64{{tiny, -0.875, -0.875}, {tiny, -6, -6}, {tiny, -6, -12}}, B: []float64{0, 0, 0}}
	got, err := autoreg.LogDensity([]float64{0, 0, 0}, g, func([]float64) float64 { return 0 })
	want := -1074*math.Ln2 + math.Log(30.75)
	if err != nil || math.Abs(got-want) > 1e-13*math.Abs(want) {
		t.Fatalf("LogDensity = %v, %v, want %v", got, err, want)
	}
}
