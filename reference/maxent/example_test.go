package maxent_test

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/reference/maxent"
)

// On [0, 2] projected entropy ascent flattens any density to the uniform
// 1/2, whose entropy is log 2.
func ExampleProblem_Ascend() {
	g, _ := maxent.NewGrid(0, 2, 4)
	pr := maxent.Interval(g)
	res, err := pr.Ascend([]float64{0.2, 0.8, 0.6, 0.4}, maxent.Options{})
	H := res.Entropy[len(res.Entropy)-1]
	fmt.Printf("%.6f %.6f %v\n", res.P, H-math.Log(2), err)
	// Output: [0.500000 0.500000 0.500000 0.500000] 0.000000 <nil>
}

// With mean 0 and variance 1 fixed, the maximiser is close to the standard
// Gaussian density (entropy ½log(2πe) ≈ 1.4189).
func ExampleMeanVariance() {
	g, _ := maxent.NewGrid(-8, 8, 128)
	pr, _ := maxent.MeanVariance(g, 0, 1)
	flat := make([]float64, g.M)
	for k := range flat {
		flat[k] = 1
	}
	p0, _ := pr.IProject(flat)
	res, err := pr.Ascend(p0, maxent.Options{Metric: maxent.Fisher})
	fmt.Printf("%.4f %v\n", res.Entropy[len(res.Entropy)-1], err)
	// Output: 1.4189 <nil>
}

func ExampleEntropy() {
	H, _ := maxent.Entropy([]float64{0.5, 0.5}, 1) // uniform on an interval of length 2
	fmt.Printf("%.6f\n", H)
	// Output: 0.693147
}
