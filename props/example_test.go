package props_test

import (
	"fmt"
	"sort"

	"github.com/otverify/otverify/props"
	"github.com/otverify/otverify/theorems"
)

// A Go implementation is checked from its own tests with props.Check:
//
//	func TestMyOT(t *testing.T) {
//		ops := theorems.Ops{EMD1D: mypkg.EMD1D, Quantile: mypkg.Quantile}
//		props.Check(t, ops, props.Options{})
//	}
//
// Every claim whose operations the table offers runs as a subtest named by
// its id; claims needing an operation it lacks are skipped. props.Run does
// the same without a *testing.T, as here with a 1-D cost that forgets to
// sort its inputs.
func ExampleCheck() {
	ops := theorems.Ops{
		EMD1D: func(a theorems.EMD1DArgs) (theorems.CostResult, error) {
			// Wrong: pairs x_i with y_i in the given order.
			c := 0.0
			for i := 0; i < len(a.X) && i < len(a.Y); i++ {
				d := a.X[i] - a.Y[i]
				c += a.A[i] * d * d
			}
			return theorems.CostResult{Cost: c}, nil
		},
	}
	results, err := props.Run(ops, props.Options{Claims: []string{"ot1d.quantile-coupling-optimal"}, Checks: 50})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range results {
		fmt.Println(r.ID, r.Status)
	}
	// Output:
	// ot1d.quantile-coupling-optimal fail
}

// The catalog's claims and the operations each exercises.
func ExampleRun() {
	results, _ := props.Run(theorems.ReferenceOps(), props.Options{Families: []string{"sliced"}, Checks: 20})
	sort.Slice(results, func(i, j int) bool { return results[i].ID < results[j].ID })
	for _, r := range results {
		fmt.Println(r.ID, r.Ops, r.Status)
	}
	// Output:
	// sliced.lower-bound [ot.sliced_w2] pass
	// sliced.one-dimensional [ot.sliced_w2] pass
	// sliced.rotation-invariance [ot.sliced_w2] pass
}
