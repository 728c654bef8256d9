package ot1d_test

// Regression tests for defects found by auditing the exported API for
// inputs the fuzz targets do not reach, each named after its defect.

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/ot1d"
)

// TestMeasureLiteralIsAnError: a nil *Measure or a zero Measure{} (a
// literal instead of NewMeasure) panicked in Len, Total, Quantile, Sample
// and Wpp (index out of range or nil dereference); Sample panicked for a
// count beyond what can be allocated, and CDF(NaN) answered 1. The
// methods with an error now return one wrapping numerics.ErrInvalid; Len,
// Total and CDF answer 0 for the empty measure and CDF(NaN) = NaN.
func TestMeasureLiteralIsAnError(t *testing.T) {
	good, err := ot1d.NewMeasure([]float64{1, 2}, []float64{0.5, 0.5})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, m := range []struct {
		name string
		m    *ot1d.Measure
	}{{"nil", nil}, {"zero", &ot1d.Measure{}}} {
		cases := []struct {
			name string
			call func() error
		}{
			{"Quantile", func() error { _, err := m.m.Quantile(0.5); return err }},
			{"Quantile(0)", func() error { _, err := m.m.Quantile(0); return err }},
			{"Sample", func() error { _, err := m.m.Sample(rng, 3); return err }},
			{"Wpp as source", func() error { _, err := m.m.Wpp(good, 2); return err }},
			{"Wpp as target", func() error { _, err := good.Wpp(m.m, 2); return err }},
		}
		for _, tc := range cases {
			t.Run(m.name+" "+tc.name, func(t *testing.T) {
				if err := tc.call(); !errors.Is(err, numerics.ErrInvalid) {
					t.Fatalf("err = %v, want ErrInvalid", err)
				}
			})
		}
		if n, tot, F := m.m.Len(), m.m.Total(), m.m.CDF(1); n != 0 || tot != 0 || F != 0 {
			t.Errorf("%s measure: Len = %d, Total = %v, CDF(1) = %v; want 0, 0, 0", m.name, n, tot, F)
		}
	}
	if _, err := good.Sample(rng, math.MaxInt); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("Sample(MaxInt): err = %v, want ErrInvalid", err)
	}
	if F := good.CDF(math.NaN()); !math.IsNaN(F) {
		t.Errorf("CDF(NaN) = %v, want NaN", F)
	}
	// A measure from NewMeasure is unaffected.
	if q, err := good.Quantile(0.75); err != nil || q != 2 {
		t.Errorf("Quantile(0.75) = %v, %v; want 2", q, err)
	}
}
