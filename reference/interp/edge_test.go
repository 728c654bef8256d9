package interp_test

// Numerical edge cases of issue 9 for package interp: query points 1e6 away
// from the data atoms, the overshoot schedule where a_t = 0, times at the
// ends of the range. Recorded in docs/reliability.md.

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/interp"
	"github.com/otverify/otverify/reference/mixture"
	"github.com/otverify/otverify/reference/schedule"
)

func TestVelocityEdgeCases(t *testing.T) {
	one, err := mixture.NewDiracs([]float64{1}, [][]float64{{0}})
	if err != nil {
		t.Fatal(err)
	}
	two, err := mixture.NewDiracs([]float64{0.5, 0.5}, [][]float64{{0}, {1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		data  *mixture.Mixture
		sched string
		t, z  float64
		want  float64 // for one atom at 0: v = (b'_t/b_t)·z
	}{
		// Linear, one atom at 0: Z = tY, v = z/t.
		{"linear-far-1e6", one, "linear", 0.5, 1e6, 2e6},
		// Two atoms, 1e6 away: the nearer atom X = 1 alone, Y = (z − (1 − t)X)/t
		// and v = −X + Y.
		{"linear-two-atoms-far", two, "linear", 0.5, 1e6, -1 + (1e6-0.5)/0.5},
		// Overshoot at t = ½ (a_t = 0): finite; one atom at 0: v = z/t.
		{"overshoot-at-a-zero", one, "overshoot", 0.5, 3, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := schedule.ByName(tc.sched)
			if err != nil {
				t.Fatal(err)
			}
			p, err := interp.NewNoising(tc.data, 1, s)
			if err != nil {
				t.Fatal(err)
			}
			v, err := p.Velocity(nil, tc.t, []float64{tc.z})
			if err != nil || math.Abs(v[0]-tc.want) > 1e-9*math.Abs(tc.want) {
				t.Fatalf("Velocity = %v, %v; want %v", v, err, tc.want)
			}
		})
	}
	s, _ := schedule.ByName("linear")
	p, _ := interp.NewNoising(one, 1, s)
	for _, tt := range []float64{0, 1, math.NaN()} {
		if _, err := p.Velocity(nil, tt, []float64{1}); !errors.Is(err, numerics.ErrInvalid) {
			t.Errorf("Velocity at t = %v (outside the open range): err = %v, want ErrInvalid", tt, err)
		}
	}
}
