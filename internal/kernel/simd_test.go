//go:build goexperiment.simd && amd64 && !noasm

package kernel

import (
	"math/rand/v2"
	"testing"
)

// go test with GOEXPERIMENT=simd: ExpSIMD gives the bits of the portable
// exponential.
func TestExpSIMD(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, n := range testLengths {
		for mode := range 3 {
			x := input(r, n, mode)
			got, want := make([]float64, n), make([]float64, n)
			ExpSIMD(got, x)
			expGeneric(want, x)
			if i := sameSlice(got, want); i >= 0 {
				t.Fatalf("n=%d: ExpSIMD(%v) = %v, portable %v", n, x[i], got[i], want[i])
			}
		}
	}
}
