package ot1d_test

import (
	"fmt"

	"github.com/otverify/otverify/reference/ot1d"
)

// W2² between α = ½δ0 + ½δ1 and β = ¼δ0 + ¾δ2: the quantile functions are
// 0 | 1 on (0,½] | (½,1] and 0 | 2 on (0,¼] | (¼,1], so
// W2² = ¼·(2−0)² + ½·(2−1)² = 1.5.
func ExampleWpp() {
	w, err := ot1d.Wpp([]float64{1, 0}, []float64{0.5, 0.5}, []float64{0, 2}, []float64{0.25, 0.75}, 2)
	fmt.Println(w, err)
	// Output: 1.5 <nil>
}

func ExampleQuantiles() {
	// F = 0.5, 0.75, 1 at 1, 2, 3; F^{-1}(u) = min{x : F(x) ≥ u}.
	q, err := ot1d.Quantiles([]float64{3, 1, 2}, []float64{0.25, 0.5, 0.25}, []float64{0.5, 0.6, 0.75, 0.9})
	fmt.Println(q, err)
	// Output: [1 2 2 3] <nil>
}

func ExampleQuantileCoupling() {
	plan, _ := ot1d.QuantileCoupling([]float64{1, 0}, []float64{0.5, 0.5}, []float64{0, 2}, []float64{0.25, 0.75})
	for _, e := range plan {
		fmt.Printf("x[%d] -> y[%d]: %g\n", e.I, e.J, e.Mass)
	}
	// Output:
	// x[1] -> y[0]: 0.25
	// x[1] -> y[1]: 0.25
	// x[0] -> y[1]: 0.5
}

func ExampleMonotoneMap() {
	T, err := ot1d.MonotoneMap([]float64{3, 0, 2, 1}, []float64{0.25, 0.25, 0.25, 0.25}, []float64{10, 5}, []float64{0.5, 0.5})
	fmt.Println(T, err)
	// Output: [10 5 10 5] <nil>
}
