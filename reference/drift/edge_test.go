package drift_test

// Numerical edge cases of issue 9 for package drift: points 1e6 away from
// the clouds, tiny bandwidths, duplicate points, extreme coordinates. Each
// case states whether Field answers (checked against a closed form) or
// returns a clear error. Recorded in docs/reliability.md.

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/drift"
)

func TestFieldEdgeCases(t *testing.T) {
	m := math.MaxFloat64
	for _, tc := range []struct {
		name          string
		x, ypos, yneg [][]float64
		tau           float64
		k             drift.Kernel
		want          [][]float64
		wantErr       error
	}{
		// Far away: the nearest point of each cloud takes all the weight.
		{"far-1e6-gaussian", [][]float64{{1e6}}, [][]float64{{0}, {1}}, [][]float64{{-1}, {0}}, 1, drift.Gaussian, [][]float64{{1}}, nil},
		{"far-1e6-laplace", [][]float64{{1e6}}, [][]float64{{0}, {1}}, [][]float64{{-1}, {0}}, 1, drift.Laplace, [][]float64{{1}}, nil},
		{"tiny-tau", [][]float64{{0}}, [][]float64{{1}, {3}}, [][]float64{{-2}}, 1e-300, drift.Gaussian, [][]float64{{3}}, nil},
		{"duplicates", [][]float64{{0}}, [][]float64{{1}, {1}, {1}}, [][]float64{{-1}, {-1}}, 1, drift.Laplace, [][]float64{{2}}, nil},
		{"equal-sets", [][]float64{{0.5}}, [][]float64{{1}, {2}}, [][]float64{{1}, {2}}, 1, drift.Gaussian, [][]float64{{0}}, nil},
		{"overflow", [][]float64{{-m}}, [][]float64{{m}}, [][]float64{{-m}}, 1, drift.Laplace, nil, drift.ErrOverflow},
		{"tau-zero", [][]float64{{0}}, [][]float64{{1}}, [][]float64{{1}}, 0, drift.Gaussian, nil, numerics.ErrInvalid},
		{"empty", nil, [][]float64{{1}}, [][]float64{{1}}, 1, drift.Gaussian, nil, numerics.ErrInvalid},
		{"ragged", [][]float64{{0}}, [][]float64{{1}, {1, 2}}, [][]float64{{1}}, 1, drift.Gaussian, nil, numerics.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			V, err := drift.Field(tc.x, tc.ypos, tc.yneg, tc.tau, tc.k)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i := range tc.want {
				for c := range tc.want[i] {
					if math.Abs(V[i][c]-tc.want[i][c]) > 1e-9 {
						t.Fatalf("V = %v, want %v", V, tc.want)
					}
				}
			}
		})
	}
}
