package entropic

import (
	"math"
	"testing"
)

// TestCombineIdenticalSubnormal (FuzzDivergence soak, seed
// divergence-identical-subnormal-value): for identical measures the three
// OT_ε terms are the same number v, and S = v − ½v − ½v came out −2⁻¹⁰⁷⁴
// for v = 3·2⁻¹⁰⁷⁴ (each half rounds up to 2·2⁻¹⁰⁷⁴), although Divergence
// promises exactly 0. combine must give 0 for every equal triple and stay
// finite where xx + yy overflows.
func TestCombineIdenticalSubnormal(t *testing.T) {
	tiny := math.SmallestNonzeroFloat64
	for _, v := range []float64{0, tiny, -tiny, 3 * tiny, -3 * tiny, 5 * tiny, 0x1p-1022 + tiny, 1, -7.3, 1e300, math.MaxFloat64, -math.MaxFloat64} {
		if got := combine(v, v, v); got != 0 {
			t.Errorf("combine(%g, %g, %g) = %g, want exactly 0", v, v, v, got)
		}
	}
	if got := combine(math.MaxFloat64, math.MaxFloat64, math.MaxFloat64/2); got != math.MaxFloat64/4 {
		t.Errorf("combine near MaxFloat64 = %g, want %g", got, math.MaxFloat64/4)
	}
	if got := combine(1, 0.5, 0.25); got != 0.625 {
		t.Errorf("combine(1, 0.5, 0.25) = %g, want 0.625", got)
	}
}
