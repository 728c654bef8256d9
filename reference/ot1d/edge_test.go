package ot1d_test

// Numerical edge cases of issue 9 for package ot1d: exact ties, duplicate
// atoms, zero-mass atoms, points far apart, extreme magnitudes and
// exponents. Each case states whether the function answers (checked
// against a closed form) or returns a clear error (checked by its
// sentinel). The behaviour per function is recorded in docs/reliability.md.

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/ot1d"
)

func TestWppEdgeCases(t *testing.T) {
	m := math.MaxFloat64
	for _, tc := range []struct {
		name       string
		x, a, y, b []float64
		p          float64
		want       float64
		wantErr    error
	}{
		{"one-point", []float64{3}, []float64{1}, []float64{-1}, []float64{1}, 2, 16, nil},
		{"equal-measures", []float64{1, 2}, []float64{0.5, 0.5}, []float64{2, 1}, []float64{0.5, 0.5}, 1, 0, nil},
		{"duplicate-atoms", []float64{0, 0, 1}, []float64{0.25, 0.25, 0.5}, []float64{0, 1}, []float64{0.5, 0.5}, 2, 0, nil},
		{"zero-mass-atom-far-away", []float64{0, 1e300}, []float64{1, 0}, []float64{1}, []float64{1}, 2, 1, nil},
		{"ties-p1", []float64{0, 2}, []float64{0.5, 0.5}, []float64{1, 1}, []float64{0.5, 0.5}, 1, 1, nil},
		{"far-1e6", []float64{0, 1}, []float64{0.5, 0.5}, []float64{1e6, 1e6 + 1}, []float64{0.5, 0.5}, 1, 1e6, nil},
		{"huge-p1", []float64{-1e300}, []float64{1}, []float64{1e300}, []float64{1}, 1, 2e300, nil},
		{"tiny", []float64{0}, []float64{1}, []float64{5e-324}, []float64{1}, 1, 5e-324, nil},
		{"p-1e6-below-1", []float64{0}, []float64{1}, []float64{0.5}, []float64{1}, 1e6, 0, nil},
		{"overflow-p2", []float64{-1e300}, []float64{1}, []float64{1e300}, []float64{1}, 2, 0, ot1d.ErrOverflow},
		{"overflow-max", []float64{-m}, []float64{1}, []float64{m}, []float64{1}, 1, 0, ot1d.ErrOverflow},
		{"p-below-1", []float64{0}, []float64{1}, []float64{1}, []float64{1}, 0.5, 0, numerics.ErrInvalid},
		{"empty", nil, nil, []float64{1}, []float64{1}, 1, 0, numerics.ErrInvalid},
		{"mass-not-one", []float64{0, 1}, []float64{0.5, 0.6}, []float64{1}, []float64{1}, 1, 0, numerics.ErrInvalid},
		{"negative-mass", []float64{0, 1}, []float64{1.5, -0.5}, []float64{1}, []float64{1}, 1, 0, numerics.ErrInvalid},
		{"nan-point", []float64{math.NaN()}, []float64{1}, []float64{1}, []float64{1}, 1, 0, numerics.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ot1d.Wpp(tc.x, tc.a, tc.y, tc.b, tc.p)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil || math.Abs(got-tc.want) > 1e-15*tc.want {
				t.Fatalf("Wpp = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestQuantileEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name    string
		x, a    []float64
		u       float64
		want    float64
		wantErr bool
	}{
		{"one-point", []float64{5}, []float64{1}, 0.3, 5, false},
		{"jump-exact-dyadic", []float64{1, 2, 3}, []float64{0.25, 0.25, 0.5}, 0.5, 2, false},
		{"just-above-jump", []float64{1, 2, 3}, []float64{0.25, 0.25, 0.5}, math.Nextafter(0.5, 1), 3, false},
		{"duplicate-atoms", []float64{2, 1, 2}, []float64{0.25, 0.5, 0.25}, 0.75, 2, false},
		{"zero-mass-first", []float64{-1e300, 0, 1}, []float64{0, 0.5, 0.5}, 0, 0, false},
		{"zero-mass-between", []float64{0, 1, 2}, []float64{0.5, 0, 0.5}, 0.75, 2, false},
		{"u-one-zero-mass-last", []float64{0, 1, 2}, []float64{0.5, 0.5, 0}, 1, 1, false},
		{"far-1e6", []float64{0, 1e6}, []float64{0.5, 0.5}, 0.9, 1e6, false},
		{"u-above-one", []float64{0}, []float64{1}, 1.5, 0, true},
		{"u-nan", []float64{0}, []float64{1}, math.NaN(), 0, true},
		{"all-zero-mass", []float64{0, 1}, []float64{0, 0}, 0.5, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ot1d.Quantile(tc.x, tc.a, tc.u)
			if tc.wantErr {
				if !errors.Is(err, numerics.ErrInvalid) {
					t.Fatalf("err = %v, want ErrInvalid", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Quantile = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestMonotoneMapEdgeCases(t *testing.T) {
	// An atom that must be split: no map (a clear error, not an answer).
	if _, err := ot1d.MonotoneMap([]float64{0}, []float64{1}, []float64{0, 1}, []float64{0.5, 0.5}); !errors.Is(err, ot1d.ErrNoMap) {
		t.Fatalf("split atom: err = %v, want ErrNoMap", err)
	}
	// Duplicate source atoms are one value with one image.
	T, err := ot1d.MonotoneMap([]float64{0, 0, 1}, []float64{0.25, 0.25, 0.5}, []float64{5, 7}, []float64{0.5, 0.5})
	if err != nil || T[0] != 5 || T[1] != 5 || T[2] != 7 {
		t.Fatalf("duplicates: %v, %v", T, err)
	}
	// A zero-mass atom gets the image of the nearest positive atom below it.
	T, err = ot1d.MonotoneMap([]float64{0, 0.5, 1}, []float64{0.5, 0, 0.5}, []float64{5, 7}, []float64{0.5, 0.5})
	if err != nil || T[1] != 5 {
		t.Fatalf("zero mass: %v, %v", T, err)
	}
}
