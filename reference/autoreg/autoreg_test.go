package autoreg

import (
	"errors"
	"math"
	"math/cmplx"
	"testing"

	"github.com/otverify/otverify/numerics"
)

func TestSample(t *testing.T) {
	fruit := []float64{0.6, 0.3, 0.1}
	tests := []struct {
		name string
		p    []float64
		u    float64
		want int
	}{
		{"worked example", fruit, 0.75, 1},
		{"u = 0", fruit, 0, 0},
		{"u just below F_0", fruit, math.Nextafter(0.6, 0), 0},
		{"u = F_0", fruit, 0.6, 1},
		{"u = F_1 (0.6+0.3 rounded)", fruit, CDF(fruit)[1], 2},
		{"rounding leaves no F_i > u", fruit, CDF(fruit)[2], 2},
		{"zero first", []float64{0, 0.5, 0.5}, 0, 1},
		{"zero middle at jump", []float64{0.25, 0, 0.75}, 0.25, 2},
		{"zero last", []float64{0.5, 0.5, 0}, math.Nextafter(1, 0), 1},
		{"zeros after rounding", []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0, 0}, 0.9999999999999999, 9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Sample(tc.p, tc.u)
			if err != nil || got != tc.want {
				t.Fatalf("Sample(%v, %v) = %d, %v; want %d", tc.p, tc.u, got, err, tc.want)
			}
		})
	}
	for _, bad := range []struct {
		p []float64
		u float64
	}{{nil, 0.5}, {[]float64{0.5, 0.6}, 0.5}, {[]float64{-0.5, 1.5}, 0.5}, {fruit, 1}, {fruit, -0.1}, {fruit, math.NaN()}} {
		if _, err := Sample(bad.p, bad.u); !errors.Is(err, numerics.ErrInvalid) {
			t.Errorf("Sample(%v, %v): err = %v, want ErrInvalid", bad.p, bad.u, err)
		}
	}
}

func TestJointChainRule(t *testing.T) {
	// 2×3 table.
	p := []float64{0.1, 0.2, 0, 0.3, 0.25, 0.15}
	j, err := NewJoint([]int{2, 3}, p)
	if err != nil {
		t.Fatal(err)
	}
	c0, _ := j.Conditional(nil)
	if math.Abs(c0[0]-0.3) > 1e-15 || math.Abs(c0[1]-0.7) > 1e-15 {
		t.Fatalf("p(x1) = %v", c0)
	}
	for a := 0; a < 2; a++ {
		for b := 0; b < 3; b++ {
			want, _ := j.Prob([]int{a, b})
			got, _ := j.ChainRule([]int{a, b})
			if math.Abs(got-want) > 1e-15 {
				t.Fatalf("chain rule at (%d,%d): %v, want %v", a, b, got, want)
			}
		}
	}
	x, err := j.SampleSequential([]float64{0.5, 0.1})
	if err != nil || x[0] != 1 || x[1] != 0 {
		t.Fatalf("SampleSequential = %v, %v", x, err)
	}
	if _, err := NewJoint([]int{2, 2}, p); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatal("shape mismatch accepted")
	}
	z, _ := NewJoint([]int{2, 2}, []float64{0, 0, 0.5, 0.5})
	if _, err := z.Conditional([]int{0}); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatal("conditional on a null prefix accepted")
	}
}

func TestLogDensity(t *testing.T) {
	logN := func(y []float64) float64 {
		s := 0.0
		for _, v := range y {
			s += -0.5*v*v - 0.5*math.Log(2*math.Pi)
		}
		return s
	}
	// y = 2x + 1 in d = 1: X ~ N(−1/2, 1/4).
	lp, err := LogDensity([]float64{0.3}, Affine{A: [][]float64{{2}}, B: []float64{1}}, logN)
	if err != nil {
		t.Fatal(err)
	}
	want := -0.5*math.Pow((0.3+0.5)/0.5, 2) - math.Log(0.5) - 0.5*math.Log(2*math.Pi)
	if math.Abs(lp-want) > 1e-14 {
		t.Fatalf("affine: %v, want %v", lp, want)
	}
	// Permutations: |det| = 1.
	x := []float64{0.1, -2, 0.7}
	lq, _ := LogDensity(x, Permutation{2, 0, 1}, logN)
	if math.Abs(lq-logN(x)) > 1e-15 {
		t.Fatalf("permutation changed the density: %v vs %v", lq, logN(x))
	}
	c := Compose{Elementwise{C: []float64{0.5, -0.5}}, Affine{A: [][]float64{{1, 2}, {0, 1}}, B: []float64{0, 0}}}
	J := c.Jacobian([]float64{0.2, 0.4})
	t0, t1 := math.Tanh(0.2), math.Tanh(0.4)
	want2 := [][]float64{{1 + 0.5*(1-t0*t0), 2 * (1 - 0.5*(1-t1*t1))}, {0, 1 - 0.5*(1-t1*t1)}}
	for a := range J {
		if numerics.MaxAbsDiff(J[a], want2[a]) > 1e-15 {
			t.Fatalf("compose Jacobian %v, want %v", J, want2)
		}
	}
	if _, err := LogDensity(x, Affine{A: [][]float64{{1, 1, 0}, {1, 1, 0}, {0, 0, 1}}, B: []float64{0, 0, 0}}, logN); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("singular Jacobian: err = %v", err)
	}
}

func TestHaar(t *testing.T) {
	lo, hi := Haar2(0.6, 0.6)
	if math.Abs(lo-0.848528137423857) > 1e-15 || hi != 0 {
		t.Fatalf("Haar2(0.6, 0.6) = %v, %v", lo, hi)
	}
	x := []float64{4, 2, 5, 5, 1, 3, 0, 8}
	y, err := Haar(x, 3)
	if err != nil {
		t.Fatal(err)
	}
	// The coarsest coefficient is Σx/√8; the next is (Σ first half − Σ second half)/√8.
	if math.Abs(y[0]-28/math.Sqrt(8)) > 1e-14 || math.Abs(y[1]-(16-12)/math.Sqrt(8)) > 1e-14 {
		t.Fatalf("Haar = %v", y)
	}
	back, _ := InverseHaar(y, 3)
	if numerics.MaxAbsDiff(back, x) > 1e-14 {
		t.Fatalf("InverseHaar = %v", back)
	}
	if _, err := Haar([]float64{1, 2, 3}, 1); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatal("odd length accepted")
	}
}

func TestDFT(t *testing.T) {
	x := []float64{1, 2, 0, -1, 3}
	X, err := DFT(realToComplex(x))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(real(X[0])-5/math.Sqrt(5)) > 1e-15 {
		t.Fatalf("X_0 = %v", X[0])
	}
	e, E := 0.0, 0.0
	for i := range x {
		e += x[i] * x[i]
		E += real(X[i] * cmplx.Conj(X[i]))
	}
	if math.Abs(e-E) > 1e-13 {
		t.Fatalf("Parseval: %v vs %v", e, E)
	}
	lo, _ := LowPass(x, 1)
	hi, _ := HighPass(x, 1)
	for i := range x {
		if math.Abs(lo[i]+hi[i]-x[i]) > 1e-14 {
			t.Fatalf("low + high != x: %v %v", lo, hi)
		}
	}
	all, _ := LowPass(x, 10)
	if numerics.MaxAbsDiff(all, x) > 1e-14 {
		t.Fatalf("full low-pass = %v", all)
	}
}
