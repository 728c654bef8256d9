package gaussian_test

// Regression tests for defects found by auditing the exported API for
// inputs the fuzz targets do not reach, each named after its defect.

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/gaussian"
	"gonum.org/v1/gonum/mat"
)

// TestScheduleValuesAndNilMatricesAreChecked: a Schedule literal whose
// P or Q is negative made InterpolantCovariance return the negative
// definite "covariance" −S0 − S1 without an error, and NaN schedule values
// were reported as ErrOverflow instead of bad input; a nil *mat.BandDense
// or a mat.Transpose of a nil matrix passed as A to MapCost, McCannMap or
// McCannCovariance panicked in Dims. All are now errors wrapping
// numerics.ErrInvalid.
func TestScheduleValuesAndNilMatricesAreChecked(t *testing.T) {
	S0 := mat.NewSymDense(2, []float64{2, 0.5, 0.5, 1})
	S1 := mat.NewSymDense(2, []float64{1, 0, 0, 1})
	f := func(v float64) func(float64) float64 { return func(float64) float64 { return v } }
	nan := math.NaN()
	schedules := []struct {
		name string
		s    gaussian.Schedule
	}{
		{"negative P, Q", gaussian.Schedule{Name: "neg", P: f(-1), Q: f(-1), DP: f(0), DQ: f(0)}},
		{"negative Q", gaussian.Schedule{Name: "negQ", P: f(1), Q: f(-0.5), DP: f(0), DQ: f(0)}},
		{"NaN values", gaussian.Schedule{Name: "nan", P: f(nan), Q: f(nan), DP: f(nan), DQ: f(nan)}},
		{"NaN DP", gaussian.Schedule{Name: "nanDP", P: f(0.25), Q: f(0.25), DP: f(nan), DQ: f(1)}},
		{"infinite Q", gaussian.Schedule{Name: "inf", P: f(1), Q: f(math.Inf(1)), DP: f(0), DQ: f(0)}},
	}
	type call struct {
		name string
		f    func() error
	}
	var cases []call
	for _, sc := range schedules {
		s := sc.s
		cases = append(cases,
			call{"InterpolantCovariance " + sc.name, func() error { _, err := gaussian.InterpolantCovariance(S0, S1, s, 0.5); return err }},
			call{"FlowMatchingVelocitySchedule " + sc.name, func() error { _, err := gaussian.FlowMatchingVelocitySchedule(S0, S1, s, 0.5); return err }},
			call{"FlowMatchingMapSchedule " + sc.name, func() error { _, err := gaussian.FlowMatchingMapSchedule(S0, S1, s, 0.5); return err }})
	}
	for _, m := range []struct {
		name string
		A    mat.Matrix
	}{{"nil *BandDense", (*mat.BandDense)(nil)}, {"Transpose of nil *Dense", mat.Transpose{Matrix: (*mat.Dense)(nil)}}} {
		A := m.A
		cases = append(cases,
			call{"MapCost " + m.name, func() error { _, err := gaussian.MapCost(A, S0); return err }},
			call{"McCannMap " + m.name, func() error { _, err := gaussian.McCannMap(A, 0.5); return err }},
			call{"McCannCovariance " + m.name, func() error { _, err := gaussian.McCannCovariance(S0, A, 0.5); return err }})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.f(); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
	// The package's schedules are unaffected, at the ends too.
	for _, s := range []gaussian.Schedule{gaussian.Linear, gaussian.Trigonometric, gaussian.VariancePreserving} {
		for _, tt := range []float64{0, 0.5, 1} {
			if _, err := gaussian.InterpolantCovariance(S0, S1, s, tt); err != nil {
				t.Errorf("InterpolantCovariance(%s, t = %g): %v", s.Name, tt, err)
			}
		}
	}
}
