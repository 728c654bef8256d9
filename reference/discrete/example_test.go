package discrete_test

import (
	"fmt"

	"github.com/otverify/otverify/reference/discrete"
)

// The worked example of [P] § Discrete Kantorovich Example, normalised to
// probability vectors: masses (2,1)/3 → (1,2)/3, costs [[1,3],[4,1]].
func ExampleEMD() {
	a := []float64{2.0 / 3, 1.0 / 3}
	b := []float64{1.0 / 3, 2.0 / 3}
	C := []float64{
		1, 3,
		4, 1,
	}
	sol, err := discrete.EMD(a, b, C, 2, 2)
	if err != nil {
		panic(err)
	}
	fmt.Printf("cost %.4f\n", sol.Cost)
	for _, e := range sol.Sparse() {
		fmt.Printf("π[%d][%d] = %.4f\n", e.I, e.J, e.Mass)
	}
	fmt.Printf("f = %.4f, g = %.4f\n", sol.F, sol.G)
	// Output:
	// cost 1.6667
	// π[0][0] = 0.3333
	// π[0][1] = 0.3333
	// π[1][1] = 0.3333
	// f = [1.5000 -0.5000], g = [-0.5000 1.5000]
}

// The same example with the unnormalised masses of [P].
func ExampleEMDWithOptions() {
	sol, err := discrete.EMDWithOptions([]float64{2, 1}, []float64{1, 2},
		[]float64{1, 3, 4, 1}, 2, 2, discrete.Options{Unnormalized: true})
	if err != nil {
		panic(err)
	}
	fmt.Println("cost", sol.Cost, "plan", sol.Plan)
	// Output:
	// cost 5 plan [1 1 0 1]
}

func ExampleAssignment() {
	C := []float64{
		4, 1, 3,
		2, 0, 5,
		3, 2, 2,
	}
	perm, cost, err := discrete.Assignment(C, 3)
	if err != nil {
		panic(err)
	}
	fmt.Println(perm, cost)
	// Output:
	// [1 0 2] 5
}

// The dual potentials certify optimality without trusting the solver:
// U_i + V_j ≤ C_ij everywhere and Σ U + Σ V equals the assignment's cost.
func ExampleAssignmentWithDuals() {
	C := []float64{
		4, 1, 3,
		2, 0, 5,
		3, 2, 2,
	}
	sol, err := discrete.AssignmentWithDuals(C, 3)
	if err != nil {
		panic(err)
	}
	feasible, dual := true, 0.0
	for i := range 3 {
		dual += sol.U[i] + sol.V[i]
		for j := range 3 {
			feasible = feasible && sol.U[i]+sol.V[j] <= C[i*3+j]+1e-12
		}
	}
	fmt.Println("perm", sol.Perm, "cost", sol.Cost)
	fmt.Printf("dual feasible %v, dual value %.6f\n", feasible, dual)
	// Output:
	// perm [1 0 2] cost 5
	// dual feasible true, dual value 5.000000
}

func ExampleSqEuclideanCost() {
	x := []float64{0, 0, 1, 0} // two points in R²
	y := []float64{0, 1}       // one point
	C, err := discrete.SqEuclideanCost(x, y, 2, 1, 2)
	if err != nil {
		panic(err)
	}
	fmt.Println(C)
	// Output:
	// [1 2]
}
