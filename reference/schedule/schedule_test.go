package schedule

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
)

// richardson returns the fourth-order central difference of f at t.
func richardson(f func(float64) float64, t, h float64) float64 {
	d1 := (f(t+h) - f(t-h)) / (2 * h)
	d2 := (f(t+h/2) - f(t-h/2)) / h
	return (4*d2 - d1) / 3
}

func TestCoefficientsClosedForms(t *testing.T) {
	tests := []struct {
		name string
		s    Schedule
		t    float64
		want Coefficients
	}{
		{"linear/t=0.25", Linear{}, 0.25, Coefficients{A: 0.75, B: 0.25, DA: -1, DB: 1}},
		{"vp/t=log2", VP{}, math.Ln2, Coefficients{A: 0.5, B: math.Sqrt(0.75), DA: -0.5, DB: 0.25 / math.Sqrt(0.75)}},
		{"cosine/t=0.5", Cosine{}, 0.5, Coefficients{A: math.Sqrt2 / 2, B: math.Sqrt2 / 2, DA: -math.Pi / 2 * math.Sqrt2 / 2, DB: math.Pi / 2 * math.Sqrt2 / 2}},
		{"overshoot/t=0.5", Overshoot{}, 0.5, Coefficients{A: 0, B: 0.5, DA: -1, DB: 1}},
		{"overshoot/t=0.75", Overshoot{}, 0.75, Coefficients{A: -0.125, B: 0.75, DA: 0, DB: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.s.Coef(tc.t)
			for i, p := range [][2]float64{{got.A, tc.want.A}, {got.B, tc.want.B}, {got.DA, tc.want.DA}, {got.DB, tc.want.DB}} {
				if math.Abs(p[0]-p[1]) > 1e-15 {
					t.Errorf("coefficient %d = %.17g, want %.17g", i, p[0], p[1])
				}
			}
		})
	}
}

func TestDerivativesMatchFiniteDifferences(t *testing.T) {
	lam := Reparametrized("t²", func(t float64) float64 { return t * t }, func(t float64) float64 { return 2 * t }, 0, 1)
	for _, s := range []Schedule{Linear{}, VP{}, Cosine{}, Overshoot{}, CosineAsVP(), lam} {
		for _, tt := range []float64{0.05, 0.3, 0.5, 0.7, 0.95} {
			c := s.Coef(tt)
			da := richardson(func(u float64) float64 { return s.Coef(u).A }, tt, 1e-3*tt)
			db := richardson(func(u float64) float64 { return s.Coef(u).B }, tt, 1e-3*tt)
			if math.Abs(da-c.DA) > 1e-9 || math.Abs(db-c.DB) > 1e-9 {
				t.Errorf("%s at t=%g: a' = %g (fd %g), b' = %g (fd %g)", s.Name(), tt, c.DA, da, c.DB, db)
			}
		}
	}
}

func TestCosineIsTimeChangedVP(t *testing.T) {
	tc := CosineAsVP()
	for _, tt := range []float64{1e-6, 0.1, 0.5, 0.9, 0.999, 1 - 1e-6, 1 - 1e-9} {
		a, b := Cosine{}.Coef(tt), tc.Coef(tt)
		rel := func(x, y float64) float64 { return math.Abs(x-y) / math.Max(1, math.Abs(y)) }
		if rel(a.A, b.A) > 1e-13 || rel(a.B, b.B) > 1e-9 || rel(a.DA, b.DA) > 1e-9 || rel(a.DB, b.DB) > 1e-9 {
			t.Errorf("t=%g: cosine %+v, vp∘τ %+v", tt, a, b)
		}
	}
}

func TestVPSmallTimeAccuracy(t *testing.T) {
	// b_τ = sqrt(1 − e^{−2τ}) ≈ sqrt(2τ)(1 − τ/2) for small τ: full relative accuracy.
	c := VP{}.Coef(1e-12)
	want := math.Sqrt(2e-12) * (1 - 0.5e-12)
	if math.Abs(c.B-want)/want > 1e-14 {
		t.Fatalf("b = %.17g, want %.17g", c.B, want)
	}
}

func TestByNameAndCheck(t *testing.T) {
	for _, n := range Names {
		s, err := ByName(n)
		if err != nil || s.Name() != n {
			t.Fatalf("ByName(%q) = %v, %v", n, s, err)
		}
	}
	if _, err := ByName("sqrt"); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("ByName(sqrt) err = %v", err)
	}
	tests := []struct {
		s  Schedule
		t  float64
		ok bool
	}{
		{Linear{}, 0.5, true}, {Linear{}, 0, false}, {Linear{}, 1, false}, {Linear{}, math.NaN(), false},
		{VP{}, 1e6, true}, {VP{}, math.Inf(1), false}, {VP{}, -1, false},
		{Overshoot{}, 0.5, true}, {Cosine{}, 1 - 1e-12, true},
	}
	for _, tc := range tests {
		if err := Check(tc.s, tc.t); (err == nil) != tc.ok || (err != nil && !errors.Is(err, numerics.ErrInvalid)) {
			t.Errorf("Check(%s, %v) = %v, want ok=%v", tc.s.Name(), tc.t, err, tc.ok)
		}
	}
}
