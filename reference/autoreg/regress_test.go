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

// TestMalformedMapOrJointIsAnError: Map literals and Joint literals (not
// built by NewJoint) were trusted. LogDensity panicked (index out of range,
// nil dereference, gonum's dimension mismatch) on a ragged Affine, a
// Permutation with an entry out of range or negative, a Compose holding a
// nil map or maps of different dimensions, and a nil *Affine; the
// methods Apply and Jacobian of those maps panicked likewise (an x of
// another length too), and a non-square Affine was silently truncated.
// The methods of a nil *Joint panicked, and of the zero Joint{} Prob
// indexed an empty table while Marginal, ChainRule and SampleSequential
// answered for it. LogDensity and the Joint methods now return errors
// wrapping numerics.ErrInvalid; Apply and Jacobian return nil.
func TestMalformedMapOrJointIsAnError(t *testing.T) {
	logpY := func([]float64) float64 { return 0 }
	x := []float64{0.5, -0.25}
	maps := []struct {
		name string
		g    autoreg.Map
	}{
		{"ragged Affine", autoreg.Affine{A: [][]float64{{1}, {0, 1}}, B: []float64{0, 0}}},
		{"non-square Affine", autoreg.Affine{A: [][]float64{{1, 0, 0}, {0, 1, 0}}, B: []float64{0, 0}}},
		{"Affine without A", autoreg.Affine{B: []float64{0, 0}}},
		{"nil *Affine", (*autoreg.Affine)(nil)},
		{"Permutation out of range", autoreg.Permutation{0, 5}},
		{"Permutation negative", autoreg.Permutation{-1, 0}},
		{"Compose with a nil map", autoreg.Compose{nil, autoreg.Permutation{1, 0}}},
		{"Compose of dimensions 2 then 1", autoreg.Compose{autoreg.Permutation{1, 0}, autoreg.Elementwise{C: []float64{0}}}},
		{"Compose of dimensions 2 then 3", autoreg.Compose{autoreg.Elementwise{C: []float64{0, 0}}, autoreg.Permutation{0, 1, 2}}},
	}
	for _, m := range maps {
		t.Run("LogDensity "+m.name, func(t *testing.T) {
			if _, err := autoreg.LogDensity(x, m.g, logpY); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			if m.name == "nil *Affine" {
				return
			}
			if y, J := m.g.Apply(x), m.g.Jacobian(x); y != nil || J != nil {
				t.Fatalf("Apply = %v, Jacobian = %v; want nil, nil", y, J)
			}
		})
	}
	// An x of another length than Dim: nil, not a panic.
	for _, g := range []autoreg.Map{autoreg.Permutation{2, 0, 1}, autoreg.Elementwise{C: []float64{1, 2, 3}}, autoreg.Affine{A: [][]float64{{1}}, B: []float64{0}}} {
		if y, J := g.Apply(x), g.Jacobian(x); y != nil || J != nil {
			t.Errorf("%T of dimension %d at a point of dimension 2: Apply = %v, Jacobian = %v; want nil", g, g.Dim(), y, J)
		}
	}
	for _, j := range []struct {
		name string
		j    *autoreg.Joint
	}{{"nil", nil}, {"zero", &autoreg.Joint{}}} {
		jj := j.j
		cases := []struct {
			name string
			call func() error
		}{
			{"Prob", func() error { _, err := jj.Prob(nil); return err }},
			{"Marginal", func() error { _, err := jj.Marginal(nil); return err }},
			{"Conditional", func() error { _, err := jj.Conditional(nil); return err }},
			{"ChainRule", func() error { _, err := jj.ChainRule(nil); return err }},
			{"SampleSequential", func() error { _, err := jj.SampleSequential(nil); return err }},
		}
		for _, tc := range cases {
			t.Run(j.name+" Joint "+tc.name, func(t *testing.T) {
				if err := tc.call(); !errors.Is(err, numerics.ErrInvalid) {
					t.Fatalf("err = %v, want ErrInvalid", err)
				}
			})
		}
		if s := jj.Sizes(); s != nil {
			t.Errorf("%s Joint: Sizes = %v, want nil", j.name, s)
		}
	}
	// Well-formed maps are unaffected.
	good := autoreg.Compose{autoreg.Elementwise{C: []float64{0.5, 0.5}}, autoreg.Permutation{1, 0}}
	if _, err := autoreg.LogDensity(x, good, logpY); err != nil {
		t.Errorf("LogDensity of a well-formed composition: %v", err)
	}
}

// TestLogDensityNumericallySingularIsAnError (FuzzLogDensity soak, seed
// logdet-numerically-singular-jacobian): A = [[1e−300, −0, −1], [1e−300,
// 1e−300, −0], [5.625, 5.625, −6]] has det = −6e−600 but, equilibrated,
// a condition number near 1e300: the LU determinant was the rounding of a
// cancellation and log|det| came out 654 too large, silently. A Jacobian
// singular to working accuracy is now ErrInvalid; a well-conditioned one
// with the same tiny entries is still answered.
func TestLogDensityNumericallySingularIsAnError(t *testing.T) {
	logpY := func(y []float64) float64 { return -(y[0]*y[0] + y[1]*y[1] + y[2]*y[2]) / 2 }
	x := []float64{1, 1, 1}
	A := [][]float64{{1e-300, math.Copysign(0, -1), -1}, {1e-300, 1e-300, math.Copysign(0, -1)}, {5.625, 5.625, -6}}
	if v, err := autoreg.LogDensity(x, autoreg.Affine{A: A, B: []float64{0, 0, 0}}, logpY); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("LogDensity of a numerically singular affine map = %v, %v; want ErrInvalid", v, err)
	}
	// diag(1e−300, 1e−300, −6): det = −6e−600 exactly, perfectly conditioned
	// once the rows are scaled.
	D := [][]float64{{1e-300, 0, 0}, {0, 1e-300, 0}, {0, 0, -6}}
	v, err := autoreg.LogDensity(x, autoreg.Affine{A: D, B: []float64{0, 0, 0}}, logpY)
	if err != nil {
		t.Fatal(err)
	}
	y := []float64{1e-300, 1e-300, -6}
	want := logpY(y) + math.Log(6) + 2*math.Log(1e-300)
	if math.Abs(v-want) > 1e-12*math.Abs(want) {
		t.Fatalf("LogDensity of diag(1e-300, 1e-300, -6) = %v, want %v", v, want)
	}
}
