package props

import (
	"testing"

	"github.com/otverify/otverify/theorems"
)

// TestCatalog runs every registered claim under rapid against the reference
// implementation: the suite's own correctness gate.
func TestCatalog(t *testing.T) {
	results, err := Run(theorems.ReferenceOps(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		t.Run(r.ID, func(t *testing.T) {
			switch r.Status {
			case theorems.Pass:
				if r.Truncated {
					t.Logf("budget cut the claim to %d checks", r.Checks)
				}
			case theorems.Skip:
				t.Errorf("the reference must offer every op, but: %s", r.Message)
			default:
				t.Error(Describe(r))
			}
		})
	}
}
