package kernel_test

import (
	"fmt"

	"github.com/otverify/otverify/internal/kernel"
)

func ExampleExp() {
	x := []float64{0, 1, -745.2, 709.78, 710}
	y := make([]float64, len(x))
	kernel.Exp(y, x)
	fmt.Println(y)
	// Output: [1 2.718281828459045 0 1.7928227943945155e+308 +Inf]
}

// The row log-sum-exp of a Sinkhorn update, log Σ_j exp(v_j − C_ij/ε),
// with v = g/ε and s = 1/ε.
func ExampleRowLSE() {
	C := []float64{
		0, 1, 4,
		1, 0, 1,
	}
	v := []float64{0, 0, 0}
	r := make([]float64, 2)
	kernel.RowLSE(r, C, v, 1/0.5) // ε = 0.5
	fmt.Printf("%.12f\n", r)
	// Output: [0.127223441901 0.239544766222]
}

func ExampleArgsort() {
	x := []float64{3, -1, 2, -1, 0}
	perm := make([]int, len(x))
	kernel.Argsort(perm, x)
	fmt.Println(perm)
	// Output: [1 3 4 2 0]
}

func ExampleSoftmaxRows() {
	x := []float64{0, 0, 1000, 1000}
	p := make([]float64, 4)
	kernel.SoftmaxRows(p, x, 2)
	fmt.Println(p)
	// Output: [0.5 0.5 0.5 0.5]
}
