package schedule_test

// Regression tests for defects found by auditing the exported API for
// inputs the fuzz targets do not reach, each named after its defect.

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/schedule"
)

// TestMalformedScheduleIsAnError: Check panicked on the zero TimeChange{}
// (its Name dereferenced the nil Base) and on a nil *TimeChange; a
// TimeChange or Func literal with a nil function passed Check and then
// panicked in Coef (and TimeChange.Name without a Base). Check now returns
// an error wrapping numerics.ErrInvalid for them, and for a τ(t) outside
// Base's domain; Name and Coef no longer panic (Coef answers NaN, which
// Check reports).
func TestMalformedScheduleIsAnError(t *testing.T) {
	one := func(float64) float64 { return 1 }
	cases := []struct {
		name string
		s    schedule.Schedule
	}{
		{"zero TimeChange", schedule.TimeChange{}},
		{"TimeChange with a domain only", schedule.TimeChange{Lo: 0, Hi: 1}},
		{"TimeChange without Tau", schedule.TimeChange{Base: schedule.Linear{}, DTau: one, Lo: 0, Hi: 1}},
		{"TimeChange with a nil *TimeChange base", schedule.TimeChange{Base: (*schedule.TimeChange)(nil), Tau: one, DTau: one, Lo: 0, Hi: 1}},
		{"TimeChange with τ outside the base domain", schedule.TimeChange{Base: schedule.Linear{}, Tau: func(float64) float64 { return 5 }, DTau: one, Lo: 0, Hi: 1}},
		{"Reparametrized with nil λ", schedule.Reparametrized("λ", nil, nil, 0, 1)},
		{"nil *TimeChange", (*schedule.TimeChange)(nil)},
		{"zero Func", schedule.Func{}},
		{"Func with a domain only", schedule.Func{Lo: 0, Hi: 1}},
		{"Func with a NaN coefficient", schedule.Func{A: one, B: one, DA: one, DB: func(float64) float64 { return math.NaN() }, Lo: 0, Hi: 1}},
		{"nil *Func", (*schedule.Func)(nil)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := schedule.Check(tc.s, 0.5); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("Check = %v, want ErrInvalid", err)
			}
			if tc.name == "nil *TimeChange" || tc.name == "nil *Func" {
				return // methods of a nil pointer to a value type cannot be called
			}
			_, _ = tc.s.Name(), tc.s.Coef(0.5) // no panic
		})
	}
	// Well-formed schedules still pass, the time change of CosineAsVP too.
	for _, s := range []schedule.Schedule{schedule.Linear{}, schedule.VP{}, schedule.Cosine{}, schedule.Overshoot{}, schedule.CosineAsVP(),
		schedule.Reparametrized("t²", func(t float64) float64 { return t * t }, func(t float64) float64 { return 2 * t }, 0, 1)} {
		if err := schedule.Check(s, 0.5); err != nil {
			t.Errorf("Check(%s, 0.5): %v", s.Name(), err)
		}
	}
}
