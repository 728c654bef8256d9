package props

import (
	"testing"

	"github.com/otverify/otverify/theorems"
)

// fault is a deliberately wrong implementation planted into the reference
// Ops table: the catalog must falsify it.
type fault struct {
	name string // the bug it plants
	// family whose claims are run against it
	family string
	// plant modifies a copy of the reference table.
	plant func(o *theorems.Ops)
	// caughtBy lists claim ids of which at least one must fail.
	caughtBy []string
	// maxSize bounds the shrunk counterexample's size (largest array
	// length in it, or sizeOf); 0 means no bound is asserted.
	maxSize int
	// sizeOf, if set, measures the counterexample instead of Case.Size
	// (for claims whose instances include a fixed-size grid).
	sizeOf func(*theorems.Case) int
}

// expectCaught runs the family's claims against the faulty table and
// asserts that one of caughtBy fails with a counterexample of size ≤ maxSize.
func expectCaught(t *testing.T, f fault) {
	t.Helper()
	t.Run(f.name, func(t *testing.T) {
		ops := theorems.ReferenceOps()
		f.plant(&ops)
		results, err := Run(ops, Options{Families: []string{f.family}, Claims: f.caughtBy})
		if err != nil {
			t.Fatal(err)
		}
		// Among the claims that catch it, report the smallest counterexample.
		best, bestSize := -1, 0
		for i, r := range results {
			if r.Status != theorems.Fail {
				continue
			}
			size := 0
			if r.Counterexample != nil {
				size = r.Counterexample.Size()
				if f.sizeOf != nil {
					size = f.sizeOf(r.Counterexample)
				}
			}
			if best < 0 || size < bestSize {
				best, bestSize = i, size
			}
		}
		if best >= 0 {
			r := results[best]
			if f.maxSize > 0 && bestSize > f.maxSize {
				t.Errorf("%s caught by %s, but the shrunk counterexample has size %d > %d:\n%s", f.name, r.ID, bestSize, f.maxSize, Describe(r))
				return
			}
			t.Logf("caught by %s (counterexample size %d): %s", r.ID, bestSize, r.Message)
			return
		}
		t.Errorf("fault %q was not caught by any of %v", f.name, f.caughtBy)
		for _, r := range results {
			t.Logf("%s: %s %s", r.ID, r.Status, r.Message)
		}
	})
}
