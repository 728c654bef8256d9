package discrete

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
)

// SqEuclideanCost returns the n×m row-major cost matrix
// C_ij = ‖x_i − y_j‖² = Σ_k (x_ik − y_jk)² (no factor ½), for the point
// clouds x (n×d) and y (m×d) given as flat row-major slices; this is the
// "sqeuclidean" cost of protocol.md's points feature. Each entry is the
// plain sum of squared differences (relative error ≤ d·ε, exactly 0 for
// equal points).
//
// Preconditions (else an error wrapping numerics.ErrInvalid): n, m, d ≥ 1,
// len(x) = n·d, len(y) = m·d, all coordinates finite. An error wrapping
// ErrOverflow is returned if some squared distance is not finite.
func SqEuclideanCost(x, y []float64, n, m, d int) ([]float64, error) {
	switch {
	case n < 1 || m < 1 || d < 1:
		return nil, numerics.Invalidf("discrete: empty point cloud (n=%d, m=%d, d=%d)", n, m, d)
	case len(x)%n != 0 || len(x)/n != d:
		return nil, numerics.Invalidf("discrete: x has %d entries, want n·d = %d·%d", len(x), n, d)
	case len(y)%m != 0 || len(y)/m != d:
		return nil, numerics.Invalidf("discrete: y has %d entries, want m·d = %d·%d", len(y), m, d)
	case !numerics.AllFinite(x) || !numerics.AllFinite(y):
		return nil, numerics.Invalidf("discrete: a point coordinate is not finite")
	case n > math.MaxInt/m:
		return nil, numerics.Invalidf("discrete: cost matrix too large (%d×%d)", n, m)
	}
	C := make([]float64, n*m)
	for i := range n {
		xi := x[i*d : (i+1)*d]
		row := C[i*m : (i+1)*m]
		for j := range row {
			yj := y[j*d : (j+1)*d]
			yj = yj[:len(xi)]
			s := 0.0
			for k, xv := range xi {
				t := xv - yj[k]
				s += t * t
			}
			row[j] = s
		}
	}
	if !numerics.AllFinite(C) {
		return nil, fmt.Errorf("%w: squared distances (coordinates up to %g)", ErrOverflow, max(numerics.MaxAbs(x), numerics.MaxAbs(y)))
	}
	return C, nil
}
