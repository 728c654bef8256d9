package numerics

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// fdBound is the documented error bound of method at x for a function with
// derivative bounds M0 = max|f|, M3 = max|f”'|, M5 = max|f⁽⁵⁾| near x,
// eps = 2⁻⁵².
func fdBound(method FDMethod, x, M0, M3, M5 float64) float64 {
	const e = 0x1p-52
	h := fdStep(x, method)
	if method == Central {
		return h*h/6*M3 + e*M0/h
	}
	return h*h*h*h/288*M5 + 3*e*M0/h
}

func TestDerivative(t *testing.T) {
	tests := []struct {
		name       string
		f, df      func(float64) float64
		x          float64
		M0, M3, M5 float64
	}{
		{"sin at 0.7", math.Sin, math.Cos, 0.7, 1, 1, 1},
		{"exp at 3", math.Exp, math.Exp, 3, math.Exp(3.01), math.Exp(3.01), math.Exp(3.01)},
		{"exp at -20", math.Exp, math.Exp, -20, math.Exp(-19.9), math.Exp(-19.9), math.Exp(-19.9)},
		{"cubic at 1e3", func(x float64) float64 { return x * x * x }, func(x float64) float64 { return 3 * x * x }, 1e3, 1.01e9, 6, 0},
	}
	for _, tc := range tests {
		for _, m := range []FDMethod{Central, Richardson} {
			t.Run(fmt.Sprintf("%s/method=%d", tc.name, m), func(t *testing.T) {
				got, err := Derivative(tc.f, tc.x, m)
				if err != nil {
					t.Fatal(err)
				}
				want := tc.df(tc.x)
				// Add 2 ulps of the result for the rounding of the final division.
				bound := fdBound(m, tc.x, tc.M0, tc.M3, tc.M5) + 4*eps*math.Abs(want)
				if e := math.Abs(got - want); e > bound {
					t.Fatalf("f'(%g) = %.17g, want %.17g: err %g > bound %g", tc.x, got, want, e, bound)
				}
			})
		}
	}
}

func TestGradientJacobian(t *testing.T) {
	// f(x) = x₀²·x₁ + sin(x₂)·x₀ + e^{x₁/2}; ∇f and the Jacobian of
	// F(x) = (x₀·x₁, sin x₂, x₀ + x₁² + x₂³) in closed form.
	f := func(x []float64) float64 { return x[0]*x[0]*x[1] + math.Sin(x[2])*x[0] + math.Exp(x[1]/2) }
	F := func(x []float64) []float64 {
		return []float64{x[0] * x[1], math.Sin(x[2]), x[0] + x[1]*x[1] + x[2]*x[2]*x[2]}
	}
	x := []float64{0.3, -1.2, 2.5}
	wantG := []float64{2*x[0]*x[1] + math.Sin(x[2]), x[0]*x[0] + math.Exp(x[1]/2)/2, math.Cos(x[2]) * x[0]}
	wantJ := mat.NewDense(3, 3, []float64{
		x[1], x[0], 0,
		0, 0, math.Cos(x[2]),
		1, 2 * x[1], 3 * x[2] * x[2],
	})
	// Tolerances from the documented bounds along each coordinate:
	// |x_i| ≤ 2.5, M₀ ≤ 20 (|F₂| ≤ 17.4), M₃ ≤ 7 (x₂³), M₅ ≤ 1; the rounding
	// term is largest for the smallest step (|x_i| ≤ 1), the truncation
	// term for the largest (|x_i| = 2.5).
	for _, tc := range []struct {
		m   FDMethod
		tol float64
	}{
		{Central, fdBound(Central, 1, 20, 0, 0) + fdBound(Central, 2.5, 0, 7, 0)},
		{Richardson, fdBound(Richardson, 1, 20, 0, 0) + fdBound(Richardson, 2.5, 0, 0, 1)},
	} {
		g, err := Gradient(f, x, tc.m)
		if err != nil {
			t.Fatal(err)
		}
		if e := MaxAbsDiff(g, wantG); e > tc.tol {
			t.Fatalf("method %d: ∇f = %v, want %v (err %g > %g)", tc.m, g, wantG, e, tc.tol)
		}
		J, err := Jacobian(F, x, tc.m)
		if err != nil {
			t.Fatal(err)
		}
		if e := MatMaxAbsDiff(J, wantJ); e > tc.tol {
			t.Fatalf("method %d: J = %v, want %v (err %g > %g)", tc.m, mat.Formatted(J), mat.Formatted(wantJ), e, tc.tol)
		}
	}
}

func TestFDRejects(t *testing.T) {
	good := func(x []float64) float64 { return x[0] }
	tests := []struct {
		name string
		err  error
	}{
		{"nil f", func() error { _, e := Gradient(nil, []float64{1}, Central); return e }()},
		{"empty x", func() error { _, e := Gradient(good, nil, Central); return e }()},
		{"NaN x", func() error { _, e := Gradient(good, []float64{math.NaN()}, Central); return e }()},
		{"bad method", func() error { _, e := Gradient(good, []float64{1}, FDMethod(9)); return e }()},
		{"f not finite", func() error { _, e := Derivative(math.Log, 0, Central); return e }()},
		{"Jacobian length changes", func() error {
			n := 0
			_, e := Jacobian(func(x []float64) []float64 { n++; return make([]float64, n) }, []float64{1}, Central)
			return e
		}()},
		{"Jacobian empty", func() error {
			_, e := Jacobian(func(x []float64) []float64 { return nil }, []float64{1}, Central)
			return e
		}()},
	}
	for _, tc := range tests {
		if !errors.Is(tc.err, ErrInvalid) {
			t.Fatalf("%s: err = %v, want ErrInvalid", tc.name, tc.err)
		}
	}
}

func ExampleGradient() {
	f := func(x []float64) float64 { return x[0]*x[0] + 3*x[1] }
	g, _ := Gradient(f, []float64{1, 2}, Richardson)
	fmt.Printf("%.9f %.9f\n", g[0], g[1])
	// Output: 2.000000000 3.000000000
}
