package gmanifold_test

import (
	"fmt"

	"github.com/otverify/otverify/reference/gmanifold"
	"gonum.org/v1/gonum/mat"
)

// The covariance velocities of the table at C = diag(4, 1/4).
func ExampleCovarianceVelocity() {
	C := mat.NewSymDense(2, []float64{4, 0, 0, 0.25})
	for _, e := range gmanifold.Energies {
		V, _ := gmanifold.CovarianceVelocity(e, C)
		fmt.Printf("%-8s Ċ = diag(%g, %g)\n", e, V.At(0, 0), V.At(1, 1))
	}
	// Output:
	// kl       Ċ = diag(-6, 1.5)
	// fisher   Ċ = diag(-7.5, 7.5)
	// w2       Ċ = diag(-8, 1)
	// mmd_poly Ċ = diag(-96, 1.5)
}

func ExampleLyapunov() {
	Sigma := mat.NewSymDense(2, []float64{1, 0, 0, 3})
	S := mat.NewSymDense(2, []float64{2, 4, 4, 6})
	A, _ := gmanifold.Lyapunov(Sigma, S)
	fmt.Println(mat.Formatted(A))
	// Output:
	// ⎡1  1⎤
	// ⎣1  1⎦
}

func ExampleConstrainedGradient() {
	// KL at N(m, C): ∇_m = m, ∇_Σ = ½(I − C^{-1}); v_F(x) = m + (I − C^{-1})(x − m).
	m := []float64{1, 0}
	C := mat.NewSymDense(2, []float64{2, 0, 0, 1})
	gm, G, _ := gmanifold.Gradient(gmanifold.KL, m, C)
	v, _ := gmanifold.ConstrainedGradient(gm, G, m)
	out, _ := v.At([]float64{3, 5})
	fmt.Println(out)
	// Output: [2 0]
}
