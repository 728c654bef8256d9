package mixture_test

// Numerical edge cases of issue 9 for package mixture: query points 1e6
// away from the atoms, duplicate atoms, tiny noise, huge coordinates. Each
// case states whether the function answers (checked against a closed form)
// or returns a clear error. Recorded in docs/reliability.md.

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/reference/mixture"
)

func TestFarAwayEdgeCases(t *testing.T) {
	// Two unit Gaussians at 0 and 1, z = 1e6: the nearer one takes all the
	// responsibility and the score is (1 − z)/1.
	m, err := mixture.New([]float64{0.5, 0.5}, [][]float64{{0}, {1}}, []float64{1, 1})
	if err != nil {
		t.Fatal(err)
	}
	z := []float64{1e6}
	r, err := m.Responsibilities(nil, z)
	if err != nil || r[0] != 0 || r[1] != 1 {
		t.Fatalf("Responsibilities far away = %v, %v", r, err)
	}
	s, err := m.Score(nil, z)
	if err != nil || s[0] != 1-1e6 {
		t.Fatalf("Score far away = %v, %v; want %v", s, err, 1-1e6)
	}
	// Dirac atoms at 0 and 1, z = −1e6: the denoiser returns the nearer
	// atom exactly (a convex combination at any distance).
	d, err := mixture.NewDiracs([]float64{0.5, 0.5}, [][]float64{{0}, {1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		z, sigma, want float64
	}{
		{-1e6, 1, 0},
		{1e6, 1, 1},
		{0.75, 1e-150, 1}, // tiny noise: the nearest atom
		{0.5, 1, 0.5},     // tie: the midpoint
	} {
		got, err := d.Denoise(nil, tc.sigma, []float64{tc.z})
		if err != nil || math.Abs(got[0]-tc.want) > 1e-12 {
			t.Fatalf("Denoise(σ = %v, z = %v) = %v, %v; want %v", tc.sigma, tc.z, got, err, tc.want)
		}
	}
	// Duplicate atoms behave as one atom of the summed weight.
	dup, err := mixture.NewDiracs([]float64{0.25, 0.25, 0.5}, [][]float64{{2}, {2}, {-2}})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := dup.Denoise(nil, 1, []float64{0}); err != nil || math.Abs(got[0]) > 1e-15 {
		t.Fatalf("Denoise with duplicate atoms = %v, %v; want 0", got, err)
	}
	// Overflowing distances: a clear error.
	if _, err := m.Score(nil, []float64{1e300}); !errors.Is(err, mixture.ErrOverflow) {
		t.Fatalf("Score at 1e300: err = %v, want ErrOverflow", err)
	}
	// σ so small that σ² underflows: a clear error.
	if _, err := d.Denoise(nil, 1e-170, []float64{0.5}); err == nil {
		t.Fatalf("Denoise with σ² underflowing answered")
	}
}
