package entropic_test

import (
	"fmt"

	"github.com/otverify/otverify/reference/entropic"
)

// Two points to two points, cost 0 on the diagonal and 1 off it: the
// entropic plan keeps a fraction 1/(1 + e^{1/ε}) of the mass off the
// diagonal (0.0474 at ε = 1/3).
func ExampleSinkhorn() {
	a := []float64{0.5, 0.5}
	b := []float64{0.5, 0.5}
	C := []float64{
		0, 1,
		1, 0,
	}
	res, err := entropic.Sinkhorn(a, b, C, 2, 2, 1.0/3, entropic.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("plan: %.4f %.4f / %.4f %.4f\n", res.Plan[0], res.Plan[1], res.Plan[2], res.Plan[3])
	fmt.Printf("marginal error below 1e-9: %v\n", res.MarginalError <= 1e-9)
	// Output:
	// plan: 0.4763 0.0237 / 0.0237 0.4763
	// marginal error below 1e-9: true
}

func ExampleDivergence() {
	// One atom each: S_ε = ‖x − y‖² for every ε.
	s, err := entropic.Divergence([]float64{0, 0}, []float64{3, 4}, 2, []float64{1}, []float64{1}, 0.1, entropic.Options{})
	fmt.Printf("%.6f %v\n", s, err)
	// Output: 25.000000 <nil>
}
