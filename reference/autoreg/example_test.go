package autoreg_test

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/reference/autoreg"
)

// [P]'s worked example: vocabulary (apple, banana, cherry) with predicted
// probabilities (0.6, 0.3, 0.1) and u = 0.75 picks "banana".
func ExampleSample() {
	vocab := []string{"apple", "banana", "cherry"}
	i, err := autoreg.Sample([]float64{0.6, 0.3, 0.1}, 0.75)
	fmt.Println(vocab[i], err)
	// Output: banana <nil>
}

func ExampleCDF() {
	fmt.Println(autoreg.CDF([]float64{0.5, 0.25, 0, 0.25}))
	// Output: [0.5 0.75 0.75 1]
}

// The chain rule p(x1, x2) = p(x1)·p(x2 | x1) on a 2×2 table.
func ExampleJoint_ChainRule() {
	j, _ := autoreg.NewJoint([]int{2, 2}, []float64{0.125, 0.375, 0.25, 0.25})
	c, _ := j.Conditional([]int{0})
	v, _ := j.ChainRule([]int{0, 1})
	fmt.Println(c, v)
	// Output: [0.25 0.75] 0.375
}

func ExampleHaar2() {
	lo, hi := autoreg.Haar2(0.6, 0.6)
	fmt.Printf("%.4f %.4f\n", lo, hi)
	// Output: 0.8485 0.0000
}

func ExampleLowPass() {
	x := []float64{1, 0, 1, 0}
	lo, _ := autoreg.LowPass(x, 1)
	hi, _ := autoreg.HighPass(x, 1)
	fmt.Printf("%.2f %.2f\n", lo, hi)
	// Output: [0.50 0.50 0.50 0.50] [0.50 -0.50 0.50 -0.50]
}

// Two levels of the Haar transform of a length-4 signal: the coarsest
// coefficient is the sum over √4, then the coarse and fine details.
func ExampleHaar() {
	y, err := autoreg.Haar([]float64{4, 2, 5, 5}, 2)
	fmt.Printf("%.4f %v\n", y, err)
	// Output: [8.0000 -2.0000 1.4142 0.0000] <nil>
}

// The orthonormal DFT of a constant signal has all its energy at frequency 0.
func ExampleDFT() {
	X, err := autoreg.DFT([]complex128{1, 1, 1, 1})
	fmt.Printf("%.3f %.3f %v\n", real(X[0]), math.Abs(real(X[1])), err)
	// Output: 2.000 0.000 <nil>
}

// Change of variables for y = 2x (d = 1) and Y ~ N(0, 1):
// log p_X(0) = log φ(0) + log 2.
func ExampleLogDensity() {
	logN := func(y []float64) float64 { return -0.5*y[0]*y[0] - 0.5*math.Log(2*math.Pi) }
	lp, err := autoreg.LogDensity([]float64{0}, autoreg.Affine{A: [][]float64{{2}}, B: []float64{0}}, logN)
	fmt.Printf("%.6f %.6f %v\n", lp, -0.5*math.Log(2*math.Pi)+math.Log(2), err)
	// Output: -0.225791 -0.225791 <nil>
}
