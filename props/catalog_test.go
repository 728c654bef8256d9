package props

import (
	"flag"
	"strings"
	"testing"

	"github.com/otverify/otverify/theorems"
)

var familyFlag = flag.String("otv.family", "", "only these claim families (comma-separated)")

// TestCatalog runs every registered claim under rapid against the reference
// implementation: the suite's own correctness gate.
//
// -otv.family a,b restricts it to some families (for quick iteration:
// go test ./props -run TestCatalog -otv.family gaussian).
func TestCatalog(t *testing.T) {
	var fams []string
	if *familyFlag != "" {
		fams = strings.Split(*familyFlag, ",")
	}
	results, err := Run(theorems.ReferenceOps(), Options{Families: fams})
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
