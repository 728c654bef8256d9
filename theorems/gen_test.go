package theorems

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// The ground-truth helpers must themselves be right: check them against
// each other and against hand-computed cases.

func TestBruteAssignment(t *testing.T) {
	v, p := bruteAssignment([][]float64{{4, 1, 3}, {2, 0, 5}, {3, 2, 2}})
	if v != 5 || p[0] != 1 || p[1] != 0 || p[2] != 2 {
		t.Fatalf("bruteAssignment = %v %v, want 5 [1 0 2]", v, p)
	}
}

func TestLPOTAgreesWithBrute(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 6).Draw(t, "n")
		C := genCostMatrix(t, n, n)
		want, _ := bruteAssignment(C)
		got, err := lpOT(uniform(n), uniform(n), C)
		if err != nil {
			t.Fatalf("lpOT: %v", err)
		}
		if math.Abs(got-want/float64(n)) > 1e-9*(1+maxAbsMat(C)) {
			t.Fatalf("lpOT = %v, brute = %v", got, want/float64(n))
		}
	})
}

func TestLPOTDegenerate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 6).Draw(t, "n")
		m := rapid.IntRange(1, 6).Draw(t, "m")
		a := genWeights(t, n, false, "a")
		b := genWeights(t, m, false, "b")
		C := genCostMatrix(t, n, m)
		v, err := lpOT(a, b, C)
		if err != nil {
			t.Fatalf("lpOT failed on n=%d m=%d: %v", n, m, err)
		}
		// the product coupling is feasible: an upper bound
		up := 0.0
		for i := range a {
			for j := range b {
				up += a[i] * b[j] * C[i][j]
			}
		}
		if v > up+1e-9 {
			t.Fatalf("LP optimum %v above a feasible cost %v", v, up)
		}
	})
}

func TestDyadicWeights(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 10).Draw(t, "n")
		w := genDyadicWeights(t, n, 5, true, "w")
		s := 0.0
		for _, x := range w {
			if x <= 0 || x*32 != math.Trunc(x*32) {
				t.Fatalf("weight %v not a positive multiple of 1/32", x)
			}
			s += x
		}
		if s != 1 {
			t.Fatalf("sum %v != 1 exactly", s)
		}
	})
}
