package sliced_test

// Regression tests for defects found by auditing the exported API for
// inputs the fuzz targets do not reach, each named after its defect.

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/sliced"
)

// TestDirectionsHugeCountIsAnError: Directions(rng, L, d) allocated L·d
// numbers unchecked: for L = d = 2³² the product overflowed to 0 and the
// row slicing panicked, and for L·d beyond what can be allocated make
// panicked (makeslice: len out of range). Both are now errors wrapping
// numerics.ErrInvalid (L·d ≤ numerics.MaxDraws).
func TestDirectionsHugeCountIsAnError(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		L, d int
	}{
		{"L·d overflows int", 1 << 32, 1 << 32},
		{"L·d beyond allocation", 1 << 40, 1 << 10},
		{"L = MaxInt", math.MaxInt, 1},
		{"d = MaxInt", 1, math.MaxInt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := sliced.Directions(rng, tc.L, tc.d); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
	if th, err := sliced.Directions(rng, 3, 2); err != nil || len(th) != 6 {
		t.Errorf("Directions(3, 2) = %v, %v", th, err)
	}
}
