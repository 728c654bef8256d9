package attention_test

import (
	"fmt"

	"github.com/otverify/otverify/reference/attention"
)

// Two tokens in d = 1 with Q = K = V = 1: token i attends to j with weight
// ∝ exp(x_i x_j).
func ExampleGamma() {
	g, err := attention.Gamma([][]float64{{1}}, [][]float64{{1}}, [][]float64{{1}}, [][]float64{{0}, {1}})
	fmt.Printf("%.6f %.6f %v\n", g[0][0], g[1][0], err)
	// Output: 0.500000 0.731059 <nil>
}

// Logits of magnitude 1e3 stay exact.
func ExampleWeights() {
	P, err := attention.Weights([][]float64{{1000}}, [][]float64{{1}}, [][]float64{{1}, {-1}})
	fmt.Println(P, err)
	// Output: [[1 0] [0 1]] <nil>
}

// Sinkhorn attention is doubly stochastic.
func ExampleSinkhorn() {
	P, _, _, err := attention.Sinkhorn([][]float64{{1}}, [][]float64{{2}}, [][]float64{{0}, {1}, {-1}}, 0, 0)
	fmt.Printf("%.4f %.4f %v\n", P[0][0]+P[0][1]+P[0][2], P[0][1]+P[1][1]+P[2][1], err)
	// Output: 1.0000 1.0000 <nil>
}

// One residual layer is x + Γ; many layers approach the continuous limit.
func ExampleResidual() {
	Q, K, V := [][]float64{{1}}, [][]float64{{1}}, [][]float64{{-1}}
	x := [][]float64{{0}, {1}}
	xT, _ := attention.Residual(Q, K, V, x, 1000)
	x1, _ := attention.ContinuousDepth(Q, K, V, x, 0)
	fmt.Printf("%.3f %.3f\n", xT[1][0], x1[1][0])
	// Output: 0.562 0.562
}

// Γ at a query point off the tokens, for a weighted context: Q = K = V = 1
// in d = 1, context δ_0 and δ_1 with weights 1/4, 3/4, query q = 0 sees
// logits 0 and 0, so Γ = 3/4.
func ExampleField() {
	g, err := attention.Field([][]float64{{1}}, [][]float64{{1}}, [][]float64{{1}}, [][]float64{{0}, {1}}, []float64{0.25, 0.75}, [][]float64{{0}})
	fmt.Printf("%.6f %v\n", g[0][0], err)
	// Output: 0.750000 <nil>
}

// U_α(q) = log ∫exp⟨Qq,Ky⟩dα(y): for α = δ_2 and q = 1.5 with Q = K = 1 it
// is 3.
func ExampleLogPartition() {
	u, err := attention.LogPartition([][]float64{{1}}, [][]float64{{1}}, [][]float64{{2}}, nil, [][]float64{{1.5}})
	fmt.Println(u, err)
	// Output: [3] <nil>
}
