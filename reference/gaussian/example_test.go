package gaussian_test

import (
	"fmt"

	"github.com/otverify/otverify/reference/gaussian"
	"gonum.org/v1/gonum/mat"
)

// W2² between N(0, diag(1, 4)) and N((1, 0), diag(4, 1)): the means
// contribute 1 and the commuting covariances (1 − 2)² + (2 − 1)² = 2.
func ExampleW2Sq() {
	S0 := mat.NewSymDense(2, []float64{1, 0, 0, 4})
	S1 := mat.NewSymDense(2, []float64{4, 0, 0, 1})
	w, err := gaussian.W2Sq([]float64{0, 0}, S0, []float64{1, 0}, S1)
	fmt.Println(w, err)
	// Output: 3 <nil>
}

func ExampleBuresSq() {
	b, err := gaussian.BuresSq(mat.NewSymDense(1, []float64{4}), mat.NewSymDense(1, []float64{9}))
	fmt.Println(b, err)
	// Output: 1 <nil>
}

// From N(0, I) the Brenier map is Σ^{1/2}, the Knothe–Rosenblatt map the
// Cholesky factor L.
func ExampleBrenierMap() {
	Sigma := mat.NewSymDense(2, []float64{4, 2, 2, 2})
	A, _ := gaussian.BrenierMap(mat.NewSymDense(2, []float64{1, 0, 0, 1}), Sigma)
	fmt.Printf("%.4f\n", mat.Formatted(A))
	// Output:
	// ⎡1.8974  0.6325⎤
	// ⎣0.6325  1.2649⎦
}

func ExampleKnotheRosenblattMap() {
	Sigma := mat.NewSymDense(2, []float64{4, 2, 2, 2})
	A, _ := gaussian.KnotheRosenblattMap(mat.NewSymDense(2, []float64{1, 0, 0, 1}), Sigma)
	fmt.Println(mat.Formatted(A))
	// Output:
	// ⎡2  0⎤
	// ⎣1  1⎦
}

// For commuting covariances the flow-matching map at t = 1 is the Brenier
// map: diag((λ1/λ0)^{1/2}).
func ExampleFlowMatchingMap() {
	S0 := mat.NewSymDense(2, []float64{1, 0, 0, 4})
	S1 := mat.NewSymDense(2, []float64{9, 0, 0, 1})
	A, _ := gaussian.FlowMatchingMap(S0, S1, 1)
	fmt.Printf("%.6f\n", mat.Formatted(A))
	// Output:
	// ⎡3.000000  0.000000⎤
	// ⎣0.000000  0.500000⎦
}

// μ = ½δ0 + ½δ1 and ν = ⅔δ0 + ⅓δ3 project to N(0.5, 0.25) and N(1, 2):
// the bound is (0.5 − 1)² + (0.5 − √2)².
func ExampleGelbrichBound() {
	x := [][]float64{{0}, {1}}
	y := [][]float64{{0}, {0}, {3}}
	g, _ := gaussian.GelbrichBound(x, nil, y, nil)
	fmt.Printf("%.6f\n", g)
	// Output: 1.085786
}

func ExampleNormalQuantile() {
	fmt.Printf("%.6f\n", gaussian.NormalQuantile(0.975))
	// Output: 1.959964
}
