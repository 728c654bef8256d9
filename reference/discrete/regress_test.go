package discrete

// Regression tests for defects found by the fuzz targets of fuzz_test.go
// (issue 9), each named after the defect.

import (
	"errors"
	"math"
	"testing"
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
