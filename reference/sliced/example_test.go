package sliced_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/otverify/otverify/reference/sliced"
)

// Two unit-spaced pairs of points, one shifted up by 1. Along e1 the
// projections coincide (0), along e2 every gap is 1 (1), along the diagonal
// every gap is 1/√2 (½): the mean over the three directions is ½.
func ExampleSlicedW2() {
	x := []float64{0, 0, 1, 0} // (0,0), (1,0)
	y := []float64{1, 1, 0, 1} // (1,1), (0,1)
	s := 1 / math.Sqrt2
	theta := []float64{1, 0, 0, 1, s, s}
	v, err := sliced.SlicedW2(x, y, 2, 2, theta, 3)
	fmt.Printf("%.6f %v\n", v, err)
	// Output: 0.500000 <nil>
}

func ExampleDirections() {
	theta, _ := sliced.Directions(rand.New(rand.NewPCG(1, 2)), 4, 3)
	for l := range 4 {
		th := theta[l*3 : (l+1)*3]
		fmt.Printf("%.12f\n", math.Sqrt(th[0]*th[0]+th[1]*th[1]+th[2]*th[2]))
	}
	// Output:
	// 1.000000000000
	// 1.000000000000
	// 1.000000000000
	// 1.000000000000
}
