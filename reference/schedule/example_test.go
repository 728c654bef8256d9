package schedule_test

import (
	"fmt"

	"github.com/otverify/otverify/reference/schedule"
)

func ExampleByName() {
	s, _ := schedule.ByName("overshoot")
	c := s.Coef(0.75) // a = (1 − t)(1 − 2t), b = t
	fmt.Println(c.A, c.B, c.DA, c.DB)
	// Output: -0.125 0.75 0 1
}

func ExampleCosineAsVP() {
	// The cosine schedule is VP after τ = −log cos(πt/2).
	a, b := schedule.Cosine{}.Coef(0.5), schedule.CosineAsVP().Coef(0.5)
	fmt.Printf("%.12f %.12f\n%.12f %.12f\n", a.A, a.DB, b.A, b.DB)
	// Output:
	// 0.707106781187 1.110720734540
	// 0.707106781187 1.110720734540
}
