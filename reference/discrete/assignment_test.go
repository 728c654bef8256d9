package discrete

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"pgregory.net/rapid"

	"github.com/otverify/otverify/numerics"
)

// TestAssignmentCases: named small cases with known optima.
func TestAssignmentCases(t *testing.T) {
	tests := []struct {
		name string
		C    []float64
		n    int
		want float64
	}{
		{"1x1", []float64{-2}, 1, -2},
		{"anti-diagonal", []float64{5, 1, 1, 5}, 2, 2},
		{"negative", []float64{-1, -9, -3, -4, -2, -8, -7, -6, -5}, 3, -24},
		{"all-ties", constant(25, 3), 5, 15},
		{"zero", constant(16, 0), 4, 0},
		{"huge", []float64{1e300, 3e300, 4e300, 1e300}, 2, 2e300},
		{"tiny", []float64{1e-310, 3e-310, 4e-310, 1e-310}, 2, 2e-310},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sol, err := AssignmentWithDuals(tc.C, tc.n)
			if err != nil {
				t.Fatal(err)
			}
			checkAssignment(t, tc.C, tc.n, sol)
			if !numerics.Close(sol.Cost, tc.want, 1e-14, tc.want, 0) {
				t.Errorf("cost = %.17g, want %.17g", sol.Cost, tc.want)
			}
		})
	}
}

// TestAssignmentInvalid: bad input wraps numerics.ErrInvalid.
func TestAssignmentInvalid(t *testing.T) {
	tests := []struct {
		name string
		C    []float64
		n    int
	}{
		{"empty", nil, 0},
		{"negative-n", []float64{1}, -1},
		{"not-square", []float64{1, 2, 3}, 2},
		{"too-long", []float64{1, 2, 3, 4, 5}, 2},
		{"nan", []float64{1, math.NaN(), 3, 4}, 2},
		{"inf", []float64{1, 2, math.Inf(-1), 4}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := Assignment(tc.C, tc.n); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("err = %v, want an error wrapping numerics.ErrInvalid", err)
			}
		})
	}
}

// TestAssignmentOverflow: potentials that do not fit give ErrOverflow.
func TestAssignmentOverflow(t *testing.T) {
	M := math.MaxFloat64
	C := []float64{M, -M, -M, M}
	sol, err := AssignmentWithDuals(C, 2)
	if err == nil {
		checkAssignment(t, C, 2, sol)
		return
	}
	if !errors.Is(err, ErrOverflow) {
		t.Fatalf("err = %v, want ErrOverflow", err)
	}
}

// TestAssignmentBruteForce is claim discrete.assignment-optimal: the
// solver's cost equals the minimum over all permutations (n ≤ 8), on
// integer costs with ties and on reals, and its duals certify it.
func TestAssignmentBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genSize(1, 8).Draw(t, "n")
		C := genCost(n, n).Draw(t, "C")
		sol, err := AssignmentWithDuals(C, n)
		if err != nil {
			t.Fatal(err)
		}
		checkAssignment(t, C, n, sol)
		want := bruteAssignment(C, n)
		if !numerics.Close(sol.Cost, want, 1e-12, maxAbs(C)*float64(n), 0) {
			t.Fatalf("cost %.17g, brute force %.17g", sol.Cost, want)
		}
	})
}

// TestAssignmentVersusEMD: two independent exact algorithms agree on
// larger instances (Birkhoff: uniform-weight OT = assignment / n).
func TestAssignmentVersusEMD(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, tc := range []struct {
		name string
		n    int
		ints bool
	}{{"points-n=150", 150, false}, {"int-costs-n=120", 120, true}, {"points-n=7", 7, false}} {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.n
			C, _ := SqEuclideanCost(randomPoints(r, n, 2), randomPoints(r, n, 2), n, n, 2)
			if tc.ints {
				for k := range C {
					C[k] = float64(r.IntN(5) - 2)
				}
			}
			sol, err := AssignmentWithDuals(C, n)
			if err != nil {
				t.Fatal(err)
			}
			checkAssignment(t, C, n, sol)
			emd, err := EMD(uniform(n), uniform(n), C, n, n)
			if err != nil {
				t.Fatal(err)
			}
			if !numerics.Close(emd.Cost*float64(n), sol.Cost, 1e-12, maxAbs(C)*float64(n), 0) {
				t.Fatalf("n·EMD = %.17g, assignment = %.17g", emd.Cost*float64(n), sol.Cost)
			}
		})
	}
}

// TestAssignmentVersusEMDProperty: on random n ≤ 30 instances with ties
// and negative costs, the assignment (certified by its duals) and n times
// the uniform-weight EMD cost agree.
func TestAssignmentVersusEMDProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genSize(1, 30).Draw(t, "n")
		C := genCost(n, n).Draw(t, "C")
		sol, err := AssignmentWithDuals(C, n)
		if err != nil {
			t.Fatal(err)
		}
		checkAssignment(t, C, n, sol)
		emd, err := EMD(uniform(n), uniform(n), C, n, n)
		if err != nil {
			t.Fatal(err)
		}
		if !numerics.Close(emd.Cost*float64(n), sol.Cost, 1e-12, maxAbs(C)*float64(n), 0) {
			t.Fatalf("n·EMD = %.17g, assignment = %.17g", emd.Cost*float64(n), sol.Cost)
		}
	})
}
