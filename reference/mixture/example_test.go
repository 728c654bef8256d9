package mixture_test

import (
	"fmt"

	"github.com/otverify/otverify/reference/mixture"
)

func ExampleMixture_Score() {
	// ½N(−1, 1) + ½N(1, 1): the score at 0 vanishes by symmetry, and far
	// away it is the score of the nearest component.
	m, _ := mixture.New([]float64{0.5, 0.5}, [][]float64{{-1}, {1}}, []float64{1, 1})
	s0, _ := m.Score(nil, []float64{0})
	s1, _ := m.Score(nil, []float64{1e6})
	fmt.Println(s0, s1)
	// Output: [0] [-999999]
}

func ExampleMixture_Denoise() {
	// Tweedie's denoiser of W = ±1 (equal weights) at noise σ = 1 is tanh(z).
	m, _ := mixture.NewDiracs([]float64{0.5, 0.5}, [][]float64{{-1}, {1}})
	d, _ := m.Denoise(nil, 1, []float64{0.5})
	fmt.Printf("%.12f\n", d[0])
	// Output: 0.462117157260
}
