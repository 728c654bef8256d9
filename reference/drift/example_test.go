package drift_test

import (
	"fmt"

	"github.com/otverify/otverify/reference/drift"
)

// The attraction–repulsion field at x = 0 with one positive sample at 1 and
// negatives at −1 and 3: B⁺ = 1, B⁻ is the kernel-weighted mean of −1 and 3
// (weights e^{−1}, e^{−3} for the Laplace kernel with τ = 1).
func ExampleField() {
	V, err := drift.Field([][]float64{{0}}, [][]float64{{1}}, [][]float64{{-1}, {3}}, 1, drift.Laplace)
	fmt.Printf("%.6f %v\n", V[0][0], err)
	// Output: 1.523188 <nil>
}

// Points 1e3 apart with τ = 1e-3 (logits of magnitude 1e6) stay finite: the
// nearest sample takes all the weight.
func ExampleNormalizedField() {
	B, err := drift.NormalizedField([][]float64{{0, 0}}, [][]float64{{1000, 0}, {0, 999}}, nil, 1e-3, drift.Laplace)
	fmt.Println(B, err)
	// Output: [[0 999]] <nil>
}

// An affine drift is fitted exactly on affine features (1, x).
func ExampleFitResidual() {
	x := [][]float64{{0}, {1}, {2}}
	u := [][]float64{{1}, {-1}, {-3}} // u(x) = 1 − 2x
	U, err := drift.FitResidual(x, u, 1)
	fmt.Printf("%.3f %.3f %v\n", U.C[0][0], U.C[1][0], err)
	// Output: 1.000 -2.000 <nil>
}

// The raw (attraction-only) drift collapses particles onto the mode of the
// smoothed data; the self-corrected drift keeps them apart.
func ExampleDriftParticles() {
	data := [][]float64{{-0.5}, {0.5}}
	x := [][]float64{{3}, {4}}
	raw, _ := drift.DriftParticles(x, data, drift.DriftOptions{Kernel: drift.Gaussian, Tau: 1, Step: 1, Steps: 60, Raw: true})
	sc, _ := drift.DriftParticles(x, data, drift.DriftOptions{Kernel: drift.Gaussian, Tau: 1, Step: 1, Steps: 60})
	fmt.Printf("raw %.3f %.3f, self-corrected spread > 0.1: %v\n", raw[0][0], raw[1][0], sc[1][0]-sc[0][0] > 0.1)
	// Output: raw 0.000 0.000, self-corrected spread > 0.1: true
}

// One drifting update of an affine one-step generator: the fitted residual
// moves the generated batch towards the data, G⁺ = G + τU∘G.
func ExampleGenerator_TrainStep() {
	G, _ := drift.NewGenerator([][]float64{{0.1}}, []float64{3})
	Z := [][]float64{{-1}, {0}, {1}}
	data := [][]float64{{-0.5}, {0}, {0.5}}
	before, _ := G.Eval(Z)
	G2, _, err := G.TrainStep(Z, data, drift.TrainOptions{Kernel: drift.Gaussian, Eps: 1, Tau: 1, Degree: 1})
	after, _ := G2.Eval(Z)
	fmt.Printf("%.2f -> %.2f %v\n", before[1][0], after[1][0], err)
	// Output: 3.00 -> 0.36 <nil>
}

// The self-corrected velocity is the gradient of the potential
// φ = ε log(K*β/K*μ); at a point where β and μ coincide it vanishes.
func ExampleSelfCorrected() {
	u, err := drift.SelfCorrected([][]float64{{0.3}}, [][]float64{{0}, {1}}, [][]float64{{1}, {0}}, 0.5)
	fmt.Println(u, err)
	// Output: [[0]] <nil>
}

// log ∫K_ε dν for ν = δ_0 at x = 1, ε = 1/2: −‖x‖²/(2ε) = −1.
func ExampleLogSmoothedDensity() {
	l, err := drift.LogSmoothedDensity([][]float64{{1}}, [][]float64{{0}}, nil, 0.5)
	fmt.Println(l, err)
	// Output: [-1] <nil>
}
