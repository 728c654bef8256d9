package mixture_test

// Regression tests for the fuzz findings of docs/reliability.md, each named
// after its defect.

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/mixture"
)

// TestResponsibilitiesOverflowNotNaN: ‖z − μ‖² = 4e600 overflows, so every
// logit is −Inf; Responsibilities returned [NaN] with a nil error. With one
// component the answer is exactly [1]; with two whose logits both overflow,
// the error wraps ErrOverflow (as LogDensity's does).
func TestResponsibilitiesOverflowNotNaN(t *testing.T) {
	m, err := mixture.New([]float64{1}, [][]float64{{1e300}}, []float64{1})
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Responsibilities(nil, []float64{-1e300})
	if err != nil || len(r) != 1 || r[0] != 1 {
		t.Fatalf("k = 1: Responsibilities = %v, %v, want [1]", r, err)
	}
	m2, err := mixture.New([]float64{0.5, 0.5}, [][]float64{{1e300}, {9e299}}, []float64{1, 1})
	if err != nil {
		t.Fatal(err)
	}
	r, err = m2.Responsibilities(nil, []float64{-1e300})
	if !errors.Is(err, mixture.ErrOverflow) {
		t.Fatalf("k = 2: Responsibilities = %v, %v, want ErrOverflow", r, err)
	}
	if _, err := m2.LogDensity([]float64{-1e300}); !errors.Is(err, mixture.ErrOverflow) {
		t.Fatalf("k = 2: LogDensity err = %v, want ErrOverflow", err)
	}
}

// TestResponsibilitiesSubnormalVariance: s²_0 = 2.6e−310 makes 1/(2s²_0)
// overflow, and at z = μ_0 the logit was 0·Inf = NaN. The quotient is now
// formed by a division: r₁/r₀ = e^{−144}·√(s²_0/⅛) ≈ 8.7e−217 (component 1
// is 6 away with s² = ⅛), the log-density is that of component 0 (up to
// log(1 + 8.7e−217)), and the score is r₁·(−6)/⅛.
func TestResponsibilitiesSubnormalVariance(t *testing.T) {
	s0 := 2.6e-310
	m, err := mixture.New([]float64{0.5, 0.5}, [][]float64{{0}, {-6}}, []float64{s0, 0.125})
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Responsibilities(nil, []float64{0})
	r1 := math.Exp(-144) * math.Sqrt(s0/0.125)
	if err != nil || r[0] != 1 || math.Abs(r[1]-r1) > 1e-13*r1 {
		t.Fatalf("Responsibilities = %v, %v, want [1 %v]", r, err, r1)
	}
	l, err := m.LogDensity([]float64{0})
	// log s²_0 = ln 2.6 − 310 ln 10, not math.Log(s0): Go's math.Log is
	// wrong on subnormals on amd64 (golang/go#56600).
	want := math.Log(0.5) - 0.5*(math.Log(2*math.Pi)+math.Log(2.6)-310*math.Ln10)
	if err != nil || math.Abs(l-want) > 1e-13*math.Abs(want) {
		t.Fatalf("LogDensity = %v, %v, want %v", l, err, want)
	}
	sc, err := m.Score(nil, []float64{0})
	// Σ_j r_j(μ_j − z)/s²_j: component 0 contributes exactly 0 (it was
	// 1·0/s²_0 = Inf·0 = NaN), component 1 r₁·(−6)/⅛.
	if ws := r1 * -6 / 0.125; err != nil || math.Abs(sc[0]-ws) > 1e-13*math.Abs(ws) {
		t.Fatalf("Score = %v, %v, want [%v]", sc, err, ws)
	}
	// Off the mean, the quotient overflows honestly: the far component
	// takes all the weight.
	r, err = m.Responsibilities(nil, []float64{-1})
	if err != nil || r[0] != 0 || r[1] != 1 {
		t.Fatalf("Responsibilities(−1) = %v, %v, want [0 1]", r, err)
	}
}

// TestLogDensitySubnormalWeight: log w_j of a subnormal weight went through
// Go's math.Log, which on amd64 is wrong for subnormals (golang/go#56600:
// math.Log(5e−324) = −709.09, not −744.44). At z = μ_1, 1e6 away from the
// other component, log p(z) = log w_1 − ½ log 2π exactly up to rounding.
func TestLogDensitySubnormalWeight(t *testing.T) {
	w1 := 5e-324
	m, err := mixture.New([]float64{1 - w1, w1}, [][]float64{{0}, {1e6}}, []float64{1, 1})
	if err != nil {
		t.Fatal(err)
	}
	l, err := m.LogDensity([]float64{1e6})
	want := -1074*math.Ln2 - 0.5*math.Log(2*math.Pi) // w1 = 2^−1074
	if err != nil || math.Abs(l-want) > 1e-14*math.Abs(want) {
		t.Fatalf("LogDensity = %v, %v, want %v", l, err, want)
	}
}

// TestScoreSubnormalVarianceProductUnderflow (CI fuzz run, 2026-11-23):
// atoms at 0 and 5e−324, both variances 5e−324, z = 5e−324: the score is
// ½·(0 − z)/s² + ½·0 = −½, but the subnormal-variance branch formed
// r·(μ − z) = ½·(−5e−324) first, which rounds to 0, and answered 0.
func TestScoreSubnormalVarianceProductUnderflow(t *testing.T) {
	m, err := mixture.New([]float64{0.5, 0.5}, [][]float64{{0}, {5e-324}}, []float64{5e-324, 5e-324})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := m.Score(nil, []float64{5e-324})
	if err != nil || sc[0] != -0.5 {
		t.Fatalf("Score = %v, %v; want [-0.5]", sc, err)
	}
}

// TestMixtureLiteralIsAnError: a nil *Mixture panicked in every method (nil
// dereference), and the zero Mixture{} (a literal instead of New) divided
// by d = 0 in the batch methods, answered ErrOverflow (not ErrInvalid) in
// LogDensity and Responsibilities and (nil, nil) in Affine; Sample
// panicked for a count beyond what can be allocated. All now return an
// error wrapping numerics.ErrInvalid; K and Dim return 0.
func TestMixtureLiteralIsAnError(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	good, err := mixture.New([]float64{1}, [][]float64{{0}}, []float64{1})
	if err != nil {
		t.Fatal(err)
	}
	z := []float64{1}
	dst := []float64{0}
	for _, m := range []struct {
		name string
		m    *mixture.Mixture
	}{{"nil", nil}, {"zero", &mixture.Mixture{}}} {
		mm := m.m
		cases := []struct {
			name string
			call func() error
		}{
			{"Affine", func() error { _, err := mm.Affine(1, 1); return err }},
			{"LogDensity", func() error { _, err := mm.LogDensity(nil); return err }},
			{"Responsibilities", func() error { _, err := mm.Responsibilities(nil, nil); return err }},
			{"Score", func() error { _, err := mm.Score(nil, nil); return err }},
			{"ScoreBatch", func() error { return mm.ScoreBatch(dst, z) }},
			{"LinearPosterior", func() error { return mm.LinearPosterior(1, 1, nil, nil, nil) }},
			{"Denoise", func() error { _, err := mm.Denoise(nil, 1, nil); return err }},
			{"DenoiseBatch", func() error { return mm.DenoiseBatch(dst, 1, z) }},
			{"PosteriorBatch", func() error { return mm.PosteriorBatch(1, 1, z, nil, nil) }},
			{"PosteriorCombination", func() error { return mm.PosteriorCombination(1, 1, 1, 1, z, dst) }},
			{"Sample", func() error { _, _, err := mm.Sample(rng, 1); return err }},
		}
		for _, tc := range cases {
			t.Run(m.name+" "+tc.name, func(t *testing.T) {
				if err := tc.call(); !errors.Is(err, numerics.ErrInvalid) {
					t.Fatalf("err = %v, want ErrInvalid", err)
				}
			})
		}
		if mm.K() != 0 || mm.Dim() != 0 {
			t.Errorf("%s mixture: K = %d, Dim = %d, want 0, 0", m.name, mm.K(), mm.Dim())
		}
	}
	if _, _, err := good.Sample(rng, math.MaxInt); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("Sample(MaxInt): err = %v, want ErrInvalid", err)
	}
	if _, err := good.LogDensity(z); err != nil {
		t.Errorf("LogDensity of a mixture from New: %v", err)
	}
}
