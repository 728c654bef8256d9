package autoreg_test

// Numerical edge cases of issue 9 for package autoreg: u exactly at a CDF
// jump (dyadic weights, exact), zero-probability tokens (never returned),
// u at the end of the range, weights that do not sum to 1. Recorded in
// docs/reliability.md.

import (
	"errors"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/autoreg"
)

func TestSampleEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name    string
		p       []float64
		u       float64
		want    int
		wantErr bool
	}{
		{"one-token", []float64{1}, 0.7, 0, false},
		{"at-jump", []float64{0.25, 0.25, 0.5}, 0.25, 1, false},
		{"at-zero", []float64{0.25, 0.25, 0.5}, 0, 0, false},
		{"zero-first", []float64{0, 0.5, 0.5}, 0, 1, false},
		{"zero-at-jump", []float64{0.5, 0, 0.5}, 0.5, 2, false},
		{"zero-last-u-near-one", []float64{0.5, 0.5, 0}, 0.9999999999999999, 1, false},
		{"ties", []float64{0.5, 0.5}, 0.5, 1, false},
		{"u-one", []float64{0.5, 0.5}, 1, 0, true},
		{"mass-not-one", []float64{0.5, 0.6}, 0.1, 0, true},
		{"negative", []float64{1.5, -0.5}, 0.1, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := autoreg.Sample(tc.p, tc.u)
			if tc.wantErr {
				if !errors.Is(err, numerics.ErrInvalid) {
					t.Fatalf("err = %v, want ErrInvalid", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Sample = %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}
