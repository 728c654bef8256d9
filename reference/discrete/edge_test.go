package discrete_test

// Numerical edge cases of issue 9 for package discrete: exact ties, duplicate
// support points, zero-mass atoms, extreme magnitudes. Each case states
// whether the function answers (checked against a closed form and the dual
// certificate) or returns a clear error (checked by its sentinel). The
// behaviour per function is recorded in docs/reliability.md.

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/discrete"
)

func TestEMDEdgeCases(t *testing.T) {
	m := math.MaxFloat64
	for _, tc := range []struct {
		name    string
		a, b, C []float64
		n, mm   int
		cost    float64 // expected optimal cost (if wantErr is nil)
		wantErr error
	}{
		{"one-point", []float64{1}, []float64{1}, []float64{7}, 1, 1, 7, nil},
		{"all-costs-tied", []float64{0.25, 0.75}, []float64{0.5, 0.5}, []float64{1, 1, 1, 1}, 2, 2, 1, nil},
		{"tied-optimal-plans", []float64{0.5, 0.5}, []float64{0.5, 0.5}, []float64{0, 0, 0, 0}, 2, 2, 0, nil},
		// Duplicate support points x = (0, 0, 1), y = (0, 1, 1) in R¹, squared cost.
		{"duplicate-points", []float64{0.25, 0.25, 0.5}, []float64{0.5, 0.25, 0.25}, []float64{0, 1, 1, 0, 1, 1, 1, 0, 0}, 3, 3, 0, nil},
		{"zero-mass-atoms", []float64{0, 1, 0}, []float64{0, 1}, []float64{-5, 9, 3, 2, 8, -7}, 3, 2, 2, nil},
		{"subnormal-mass", []float64{5e-324, 1}, []float64{1, 5e-324}, []float64{0, 1, 1, 0}, 2, 2, 1, nil},
		{"huge-costs", []float64{0.5, 0.5}, []float64{0.5, 0.5}, []float64{1e300, -1e300, -1e300, 1e300}, 2, 2, -1e300, nil},
		{"tiny-costs", []float64{0.5, 0.5}, []float64{0.5, 0.5}, []float64{1e-300, 3e-300, 3e-300, 1e-300}, 2, 2, 1e-300, nil},
		{"subnormal-costs", []float64{0.5, 0.5}, []float64{0.5, 0.5}, []float64{5e-324, 0, 0, 5e-324}, 2, 2, 0, nil},
		{"max-costs", []float64{0.5, 0.5}, []float64{0.5, 0.5}, []float64{m, -m, -m, m}, 2, 2, -m, nil},
		{"max-costs-one-row", []float64{1}, []float64{0.5, 0.5}, []float64{m, -m}, 1, 2, 0, nil},
		{"empty", nil, nil, nil, 0, 0, 0, numerics.ErrInvalid},
		{"nan-cost", []float64{1}, []float64{1}, []float64{math.NaN()}, 1, 1, 0, numerics.ErrInvalid},
		{"inf-cost", []float64{1}, []float64{1}, []float64{math.Inf(1)}, 1, 1, 0, numerics.ErrInvalid},
		{"negative-mass", []float64{1.5, -0.5}, []float64{1}, []float64{0, 1}, 2, 1, 0, numerics.ErrInvalid},
		{"mass-not-one", []float64{0.5, 0.6}, []float64{1.1}, []float64{0, 1}, 2, 1, 0, numerics.ErrInvalid},
		{"ragged-C", []float64{0.5, 0.5}, []float64{1}, []float64{0, 1, 2}, 2, 1, 0, numerics.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sol, err := discrete.EMD(tc.a, tc.b, tc.C, tc.n, tc.mm)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			scale := numerics.MaxAbs(tc.C)
			if math.Abs(sol.Cost-tc.cost) > 1e-15*scale {
				t.Fatalf("cost %v, want %v", sol.Cost, tc.cost)
			}
			certifyEMD(t, tc.a, tc.b, tc.C, tc.n, tc.mm, discrete.Options{}, sol)
		})
	}
}

func TestAssignmentEdgeCases(t *testing.T) {
	m := math.MaxFloat64
	for _, tc := range []struct {
		name    string
		C       []float64
		n       int
		cost    float64
		wantErr error
	}{
		{"one", []float64{-3}, 1, -3, nil},
		{"all-tied", []float64{2, 2, 2, 2, 2, 2, 2, 2, 2}, 3, 6, nil},
		{"duplicate-rows", []float64{1, 2, 1, 2}, 2, 3, nil},
		{"huge", []float64{1e300, -1e300, -1e300, 1e300}, 2, -2e300, nil},
		{"tiny", []float64{5e-324, 0, 0, 5e-324}, 2, 0, nil},
		{"max-overflow", []float64{m, -m, -m, m}, 2, 0, discrete.ErrOverflow},
		{"empty", nil, 0, 0, numerics.ErrInvalid},
		{"not-square", []float64{1, 2, 3}, 2, 0, numerics.ErrInvalid},
		{"nan", []float64{math.NaN()}, 1, 0, numerics.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			perm, cost, err := discrete.Assignment(tc.C, tc.n)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil || !isPerm(perm) || len(perm) != tc.n {
				t.Fatalf("perm %v, err %v", perm, err)
			}
			if math.Abs(cost-tc.cost) > 1e-15*numerics.MaxAbs(tc.C) {
				t.Fatalf("cost %v, want %v", cost, tc.cost)
			}
		})
	}
}

func TestSqEuclideanCostEdgeCases(t *testing.T) {
	// Far points: 1e6 apart, exact in float64.
	C, err := discrete.SqEuclideanCost([]float64{0, 0}, []float64{1e6, 1e6}, 1, 1, 2)
	if err != nil || C[0] != 2e12 {
		t.Fatalf("far points: %v, %v", C, err)
	}
	// Duplicate points: exactly 0.
	C, err = discrete.SqEuclideanCost([]float64{0.1, 0.1}, []float64{0.1}, 2, 1, 1)
	if err != nil || C[0] != 0 || C[1] != 0 {
		t.Fatalf("duplicates: %v, %v", C, err)
	}
	if _, err := discrete.SqEuclideanCost([]float64{1e300}, []float64{-1e300}, 1, 1, 1); !errors.Is(err, discrete.ErrOverflow) {
		t.Fatalf("overflow: err = %v", err)
	}
}
