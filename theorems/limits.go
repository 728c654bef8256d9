package theorems

import (
	"math/bits"

	"github.com/otverify/otverify/numerics"
)

// Bounded resources (issue 9). The otv/1 server bounds the size of one
// request line (protocol.DefaultMaxMessage, `verify serve --max-message`),
// which bounds every array a request carries. A few operations allocate
// more than their input: a cost matrix built from the large-problem "points"
// form (n·m entries from n + m points), the three cost matrices of the
// Sinkhorn divergence, the n×n attention weights of attn.gamma. Without a
// bound, a request of a few hundred kilobytes (31 623 one-dimensional points
// on each side) asks for a 10⁹-entry matrix, 8 GB: an out-of-memory kill
// instead of an answer. The reference entries of those operations call
// CheckElements before allocating.

// MaxElements is the largest number of float64 entries that one request may
// make the reference allocate in a matrix derived from its arguments:
// 2²⁶ = 67 108 864 (512 MiB per matrix). It admits the large tier's largest
// problem (ot.emd at n = m = 8000 in the points form: 6.4·10⁷ entries) and
// every dense request under DefaultMaxMessage (64 MiB holds at most 3.4·10⁷
// numbers), and rejects a 10⁹-entry request with an "invalid" error.
const MaxElements = 1 << 26

// elementLimit is MaxElements; tests lower it to check that an operation
// enforces the limit without allocating at the real one.
var elementLimit = MaxElements

// CheckElements returns an error wrapping numerics.ErrInvalid if a matrix
// of rows × cols entries (what names it in the message) would exceed
// MaxElements, and nil otherwise. Negative sizes count as 0 (the callers'
// own validation reports them); the product is computed without overflow.
func CheckElements(what string, rows, cols int) error {
	if rows <= 0 || cols <= 0 {
		return nil
	}
	hi, lo := bits.Mul64(uint64(rows), uint64(cols))
	if hi != 0 || lo > uint64(elementLimit) {
		return numerics.Invalidf("%s would have %d×%d entries, over the limit of %d (theorems.MaxElements)", what, rows, cols, elementLimit)
	}
	return nil
}
