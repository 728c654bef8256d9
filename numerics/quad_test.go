package numerics

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

func TestGaussHermiteExactness(t *testing.T) {
	// ∫ x^{2k} e^{−x²} dx = Γ(k + ½); the n-point rule is exact for
	// degree ≤ 2n − 1. Tolerance: tabulated nodes/weights are correct to a
	// few ulps (n ≤ 200); the asymptotic ones (n > 200) to ≈ 1e-14.
	for _, n := range []int{1, 2, 5, 20, 100, 300} {
		x, w, err := GaussHermite(n)
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-14
		if n > 200 {
			tol = 1e-12
		}
		for k := 0; 2*k <= 2*n-1 && k <= 6; k++ {
			s := 0.0
			for i := range x {
				s += w[i] * math.Pow(x[i], float64(2*k))
			}
			if want := math.Gamma(float64(k) + 0.5); RelErr(s, want, 0) > tol {
				t.Fatalf("n=%d: Σ w x^%d = %v, want Γ(%d.5) = %v", n, 2*k, s, k, want)
			}
		}
	}
	for _, n := range []int{0, -1, MaxQuadNodes + 1} {
		if _, _, err := GaussHermite(n); !errors.Is(err, ErrInvalid) {
			t.Fatalf("n = %d accepted", n)
		}
	}
}

func TestGaussianExpectationMoments(t *testing.T) {
	mu, sd := 0.7, 1.9
	s2 := sd * sd
	tests := []struct {
		name string
		f    func(float64) float64
		n    int
		want float64
	}{
		{"E 1", func(float64) float64 { return 1 }, 1, 1},
		{"E X", func(x float64) float64 { return x }, 1, mu},
		{"E X²", func(x float64) float64 { return x * x }, 2, mu*mu + s2},
		{"E X³", func(x float64) float64 { return x * x * x }, 2, mu*mu*mu + 3*mu*s2},
		{"E X⁴", func(x float64) float64 { return x * x * x * x }, 3, mu*mu*mu*mu + 6*mu*mu*s2 + 3*s2*s2},
		{"E e^X", math.Exp, 30, math.Exp(mu + s2/2)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := GaussianExpectation(tc.f, mu, sd, tc.n)
			if err != nil {
				t.Fatal(err)
			}
			if e := RelErr(got, tc.want, 0); e > 1e-14 {
				t.Fatalf("got %v, want %v (rel err %g)", got, tc.want, e)
			}
		})
	}
}

func TestGaussianExpectationCos(t *testing.T) {
	// E cos(kX) = exp(−k²σ²/2)·cos(kμ) for X ~ N(μ, σ²).
	for _, c := range []struct{ k, mu, sd float64 }{{1, 0, 1}, {2, 0.3, 1}, {5, -1, 1}, {1, 2, 3}, {0.5, 0, 0}} {
		t.Run(fmt.Sprintf("k=%g/mu=%g/sd=%g", c.k, c.mu, c.sd), func(t *testing.T) {
			got, err := GaussianExpectation(func(x float64) float64 { return math.Cos(c.k * x) }, c.mu, c.sd, 40)
			if err != nil {
				t.Fatal(err)
			}
			want := math.Exp(-c.k*c.k*c.sd*c.sd/2) * math.Cos(c.k*c.mu)
			// Terms are ≤ 1 in size: absolute tolerance.
			if e := math.Abs(got - want); e > 1e-14 {
				t.Fatalf("E cos(kX) = %v, want %v (err %g)", got, want, e)
			}
		})
	}
}

func TestGaussianExpectationRejects(t *testing.T) {
	id := func(x float64) float64 { return x }
	tests := []struct {
		name     string
		f        func(float64) float64
		mean, sd float64
		n        int
	}{
		{"nil f", nil, 0, 1, 5},
		{"negative sd", id, 0, -1, 5},
		{"NaN mean", id, math.NaN(), 1, 5},
		{"Inf sd", id, 0, math.Inf(1), 5},
		{"n = 0", id, 0, 1, 0},
		{"n = 0 with sd = 0", id, 0, 0, 0},
		{"f not finite", func(x float64) float64 { return 1 / x }, 0, 1, 3}, // node at 0
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := GaussianExpectation(tc.f, tc.mean, tc.sd, tc.n); !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

func ExampleGaussianExpectation() {
	// E X² for X ~ N(1, 2²) is 1 + 4 = 5; the 2-point rule is exact.
	v, _ := GaussianExpectation(func(x float64) float64 { return x * x }, 1, 2, 2)
	fmt.Printf("%.12f\n", v)
	// Output: 5.000000000000
}
