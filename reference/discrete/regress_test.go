package discrete

// Regression tests for defects found by the fuzz targets of fuzz_test.go
// (issue 9), each named after the defect.

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
)

// TestAssignmentOverflowNaNCost: for C = [[max, −max], [−max, max]] the
// optimal cost −2·MaxFloat64 overflows; the compensated sum made it NaN,
// which the overflow check (IsInf only) let through, so Assignment returned
// a NaN cost with a nil error (FuzzAssignment). Now it is ErrOverflow.
func TestAssignmentOverflowNaNCost(t *testing.T) {
	m := math.MaxFloat64
	_, c, err := Assignment([]float64{m, -m, -m, m}, 2)
	if !errors.Is(err, ErrOverflow) {
		t.Fatalf("Assignment cost %v, err %v; want ErrOverflow", c, err)
	}
}

// TestSparseOfNilAndBadOptionsAreSafe: Sparse of a nil *Solution (the
// result slot of a failed EMD) dereferenced nil; a negative
// Options.MaxIter was silently replaced by the default; DefaultMaxIter
// overflowed to a small budget for n + m near MaxInt. Now Sparse of nil is
// nil, a negative MaxIter is an error wrapping numerics.ErrInvalid, and
// DefaultMaxIter saturates at MaxInt.
func TestSparseOfNilAndBadOptionsAreSafe(t *testing.T) {
	var s *Solution
	if e := s.Sparse(); e != nil {
		t.Errorf("(*Solution)(nil).Sparse() = %v, want nil", e)
	}
	for _, tc := range []struct {
		name string
		opt  Options
	}{{"MaxIter = -1", Options{MaxIter: -1}}, {"MaxIter = MinInt", Options{MaxIter: math.MinInt}}} {
		if _, err := EMDWithOptions([]float64{1}, []float64{1}, []float64{0}, 1, 1, tc.opt); !errors.Is(err, numerics.ErrInvalid) {
			t.Errorf("EMDWithOptions %s: err = %v, want ErrInvalid", tc.name, err)
		}
	}
	for _, tc := range []struct{ n, m, want int }{
		{1, 1, 1_002_000},
		{math.MaxInt, 1, math.MaxInt},
		{1, math.MaxInt, math.MaxInt},
		{math.MaxInt / 2, math.MaxInt / 2, math.MaxInt},
		{-5, 2, 1_002_000},
	} {
		if got := DefaultMaxIter(tc.n, tc.m); got != tc.want {
			t.Errorf("DefaultMaxIter(%d, %d) = %d, want %d", tc.n, tc.m, got, tc.want)
		}
	}
}
