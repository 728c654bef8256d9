package theorems

import (
	"strings"
	"testing"
	"time"
)

// small returns the large tier's checks with a tiny ladder, so the test
// exercises the certificates without production sizes.
func small(sizes ...int) []LargeCheck {
	out := append([]LargeCheck(nil), LargeChecks...)
	for i := range out {
		out[i].Sizes = sizes
	}
	return out
}

func TestLargeReference(t *testing.T) {
	ops := ReferenceOps()
	for _, r := range RunLarge(small(40, 80), &ops, Options{Budget: time.Minute}) {
		if r.Status == Fail || r.Status == Error {
			t.Errorf("%s n=%d: %s", r.ID, r.Size, r.Message)
		}
	}
	// Without the large-problem features the dense forms are used.
	dense := ops
	dense.Features = nil
	for _, r := range RunLarge(small(40), &dense, Options{Budget: time.Minute}) {
		if r.Status == Fail || r.Status == Error {
			t.Errorf("dense %s n=%d: %s", r.ID, r.Size, r.Message)
		}
	}
}

// TestLargeCatchesSuboptimalPlan plants what POT's iteration limit does at
// scale: a feasible plan whose cost is above the optimum, reported with the
// duals of an earlier basis.
func TestLargeCatchesSuboptimalPlan(t *testing.T) {
	ops := ReferenceOps()
	ref := ops.EMD
	ops.EMD = func(a EMDArgs) (EMDResult, error) {
		r, err := ref(a)
		if err != nil {
			return r, err
		}
		for i := range r.F {
			r.F[i] += 0.01 // the certificate no longer matches
		}
		return r, nil
	}
	var checks []LargeCheck
	for _, c := range small(60) {
		if c.Claim == "discrete.strong-duality" {
			checks = append(checks, c)
		}
	}
	res := RunLarge(checks, &ops, Options{Budget: time.Minute, Repro: "verify impl"})
	if len(res) != 1 || res[0].Status != Fail || !strings.Contains(res[0].Message, "dual") || !strings.Contains(res[0].Repro, "--tier large") {
		t.Fatalf("suboptimal certificate not caught: %+v", res)
	}
}
