package interp_test

import (
	"fmt"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/interp"
	"github.com/otverify/otverify/reference/mixture"
	"github.com/otverify/otverify/reference/schedule"
)

func ExampleNoising_Velocity() {
	// Data ½δ_{−1} + ½δ_{1}, linear bridge, σ = 1: at z = 0 the two atoms
	// are equally likely and v_t(0) = −(0 + t·σ²·s_t(0))/(1 − t) = 0.
	data, _ := mixture.NewDiracs([]float64{0.5, 0.5}, [][]float64{{-1}, {1}})
	p, _ := interp.NewNoising(data, 1, schedule.Linear{})
	v0, _ := p.Velocity(nil, 0.5, []float64{0})
	// Far away the nearest atom wins: v ≈ a'c + (b'/b)(z − a c).
	v1, _ := p.Velocity(nil, 0.5, []float64{1e6})
	fmt.Println(v0, v1)
	// Output: [0] [1.999998e+06]
}

func ExampleConditionalVelocity() {
	// Paths 0 → 2 and 2 → 0 cross at z = 1 at t = ½; the flow-matching
	// velocity there is the average of +2 and −2.
	x, y := [][]float64{{0}, {2}}, [][]float64{{2}, {0}}
	c, _ := interp.FromPermutation(x, y, []int{0, 1})
	atoms, _ := interp.ConditionalVelocity(c, interp.Linear{}, 0.5)
	for _, a := range atoms {
		fmt.Println(a.Z, a.Mass, a.V)
	}
	// Output: [1] 1 [0]
}

func ExampleNoising_Flow() {
	// One atom c = 2 (the path is Gaussian): integrating the exact
	// velocity of the linear bridge from t = 0.8 back to t = 0.1 is the
	// affine map z ↦ a_1 c + (b_1/b_0)(z − a_0 c) = 1.8 + (z − 0.4)/8.
	data, _ := mixture.NewDiracs([]float64{1}, [][]float64{{2}})
	p, _ := interp.NewNoising(data, 1, schedule.Linear{})
	z, _ := p.Flow(0.8, 0.1, [][]float64{{0.4}, {2.4}}, numerics.Options{RelTol: 1e-10, AbsTol: 1e-12})
	fmt.Printf("%.6f %.6f\n", z[0][0], z[1][0])
	// Output: 1.800000 2.050000
}

func ExampleCFMLoss() {
	// Two crossing paths 0 → 2 and 2 → 0: at t = ½ both pass through 1 with
	// velocities ±2. L_CFM(v) − L_FM(v) is their variance, 4, for any v.
	x, y := [][]float64{{0}, {2}}, [][]float64{{2}, {0}}
	c, _ := interp.FromPermutation(x, y, []int{0, 1})
	v := func(z []float64) []float64 { return []float64{z[0] - 3} }
	cfm, _ := interp.CFMLoss(c, interp.Linear{}, 0.5, v)
	fm, _ := interp.FMLoss(c, interp.Linear{}, 0.5, v)
	fmt.Println(cfm, fm, cfm-fm)
	// Output: 8 4 4
}

func ExampleExactOT() {
	// Masses (¾, ¼) at 0, 1 to (¼, ¾) at 0.1, 2: the optimal plan splits
	// the first atom.
	c, _ := interp.ExactOT([][]float64{{0}, {1}}, []float64{0.75, 0.25}, [][]float64{{0.1}, {2}}, []float64{0.25, 0.75})
	for _, p := range c.Pairs {
		fmt.Printf("x[%d] -> y[%d]: %g\n", p.I, p.J, p.Mass)
	}
	// Output:
	// x[0] -> y[0]: 0.25
	// x[0] -> y[1]: 0.5
	// x[1] -> y[1]: 0.25
}
