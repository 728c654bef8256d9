package polar_test

import (
	"fmt"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/polar"
	"gonum.org/v1/gonum/mat"
)

// Reflecting the first uniform coordinate and swapping the two gives
// M(z) = (z_1, −z_0), a rotation of N(0, I).
func ExampleRearrange() {
	phi := polar.Compose{Maps: []polar.CubeMap{
		polar.Reflection{Axes: []bool{true, false}},
		polar.Permutation{Perm: []int{1, 0}},
	}}
	w, _ := polar.Rearrange(phi, []float64{0.5, 2})
	fmt.Printf("%.6f\n", w)
	// Output: [2.000000 -0.500000]
}

// The flow of a stream-function field preserves area: det J = 1.
func ExampleFlowMap() {
	f := polar.TorusField{D: 2, Modes: []polar.Mode{{I: 0, J: 1, K: []int{1, 1}, Amp: 0.1}}}
	r, _ := polar.FlowMap(f, []float64{0.3, 0.1}, 1, numerics.Options{RelTol: 1e-12, AbsTol: 1e-12})
	fmt.Printf("det J = %.9f\n", mat.Det(r.J))
	// Output: det J = 1.000000000
}
