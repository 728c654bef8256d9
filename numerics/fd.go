package numerics

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// FDMethod selects a finite-difference formula.
type FDMethod int

const (
	// Central is the central difference D(h) = (f(x+h) − f(x−h))/(2h) with
	// h = eps^{1/3}·max(1, |x|) ≈ 6.1e-6·max(1, |x|), eps = 2⁻⁵². Error
	// bound (truncation + rounding, f correct to eps relative):
	// |D(h) − f'(x)| ≤ h²/6·M₃ + eps·M₀/h ≈ 6.1e-12·M₃ + 3.7e-11·M₀ at
	// |x| ≤ 1, M₃ = max|f'''| and M₀ = max|f| on [x−h, x+h]: about 10
	// correct digits for well-scaled f. Two calls of f per coordinate.
	Central FDMethod = iota
	// Richardson extrapolates two central differences,
	// R = (4·D(h/2) − D(h))/3, cancelling the h² term, with
	// h = eps^{1/5}·max(1, |x|) ≈ 7.4e-4·max(1, |x|). Error bound:
	// |R − f'(x)| ≤ h⁴/288·M₅ + 3·eps·M₀/h ≈ 1.1e-15·M₅ + 9.0e-13·M₀ at
	// |x| ≤ 1, M₅ = max|f⁽⁵⁾| on [x−h, x+h] (the leading truncation term is
	// −h⁴f⁽⁵⁾/480): about 12 digits for smooth f. Four calls of f per
	// coordinate.
	Richardson
)

// Base relative steps eps^{1/3} and eps^{1/5}, eps = 2⁻⁵², which balance
// the truncation and rounding terms of the bounds above.
var (
	fdBaseCentral    = math.Cbrt(0x1p-52)
	fdBaseRichardson = math.Pow(0x1p-52, 0.2)
)

// fdStep returns the step for coordinate value x, rounded so that x + h is
// exact in float64 (h = (x + h) − x): the difference quotient then divides
// by the true distance between the abscissae.
func fdStep(x float64, method FDMethod) float64 {
	base := fdBaseCentral
	if method == Richardson {
		base = fdBaseRichardson
	}
	h := base * math.Max(1, math.Abs(x))
	return (x + h) - x
}

// fdDiff returns the central difference of g at step h, or the Richardson
// combination of steps h and h/2; g(v) evaluates f at coordinate value v
// and reports whether the value is finite.
func fdDiff(g func(v float64) (float64, bool), x, h float64, method FDMethod) (float64, bool) {
	central := func(h float64) (float64, bool) {
		fp, ok1 := g(x + h)
		fm, ok2 := g(x - h)
		return (fp - fm) / (2 * h), ok1 && ok2
	}
	d1, ok := central(h)
	if !ok || method == Central {
		return d1, ok && isFinite(d1)
	}
	d2, ok := central(h / 2)
	r := (4*d2 - d1) / 3
	return r, ok && isFinite(r)
}

// isFinite reports whether x is neither NaN nor ±Inf. The difference
// quotient of finite values can still overflow, e.g. f(x ± h) = ±1e308
// divided by 2h ≈ 1.2e-5 (regression test TestFDQuotientOverflowIsAnError,
// found by FuzzFiniteDifferences).
func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func checkFDArgs(name string, x []float64, method FDMethod) error {
	if len(x) == 0 || !AllFinite(x) {
		return Invalidf("%s: x must be non-empty and finite", name)
	}
	if method != Central && method != Richardson {
		return Invalidf("%s: unknown method %d", name, method)
	}
	return nil
}

// Derivative returns f'(x) by the finite difference of method (Central or
// Richardson, whose doc comments give the step and the error bound
// truncation + rounding). Preconditions: f non-nil, x finite, f finite at
// the abscissae used (else ErrInvalid).
func Derivative(f func(float64) float64, x float64, method FDMethod) (float64, error) {
	if f == nil {
		return 0, Invalidf("Derivative: f is nil")
	}
	if err := checkFDArgs("Derivative", []float64{x}, method); err != nil {
		return 0, err
	}
	g := func(v float64) (float64, bool) {
		y := f(v)
		return y, !math.IsNaN(y) && !math.IsInf(y, 0)
	}
	d, ok := fdDiff(g, x, fdStep(x, method), method)
	if !ok {
		return 0, Invalidf("Derivative: f or its difference quotient is not finite near x = %g", x)
	}
	return d, nil
}

// Gradient returns ∇f(x), ∂f/∂x_i by the finite difference of method along
// coordinate i with step h_i (Central: eps^{1/3}·max(1, |x_i|); Richardson:
// eps^{1/5}·max(1, |x_i|)); the per-entry error bounds are those of
// Central and Richardson with the derivatives taken along e_i. f receives a
// scratch copy of x (it may not keep it). Cost 2n (Central) or 4n
// (Richardson) calls. Preconditions: f non-nil, x non-empty and finite, f
// finite at the abscissae (else ErrInvalid).
func Gradient(f func(x []float64) float64, x []float64, method FDMethod) ([]float64, error) {
	if f == nil {
		return nil, Invalidf("Gradient: f is nil")
	}
	if err := checkFDArgs("Gradient", x, method); err != nil {
		return nil, err
	}
	w := append([]float64(nil), x...)
	grad := make([]float64, len(x))
	for i, xi := range x {
		g := func(v float64) (float64, bool) {
			w[i] = v
			y := f(w)
			w[i] = xi
			return y, !math.IsNaN(y) && !math.IsInf(y, 0)
		}
		d, ok := fdDiff(g, xi, fdStep(xi, method), method)
		if !ok {
			return nil, Invalidf("Gradient: f or its difference quotient is not finite near x (coordinate %d = %g)", i, xi)
		}
		grad[i] = d
	}
	return grad, nil
}

// Jacobian returns the m×n matrix J_ij = ∂f_i/∂x_j of f: ℝⁿ → ℝᵐ by the
// finite difference of method along each coordinate (steps and error bounds
// as in Gradient, per entry). m is the length of f(x); every call must
// return a slice of that length (f may return a new slice or reuse one; it
// receives a scratch copy of x). Cost 2n or 4n calls plus one for m.
// Preconditions: f non-nil, x non-empty and finite, f(x) non-empty, f finite
// at the abscissae (else ErrInvalid).
func Jacobian(f func(x []float64) []float64, x []float64, method FDMethod) (*mat.Dense, error) {
	if f == nil {
		return nil, Invalidf("Jacobian: f is nil")
	}
	if err := checkFDArgs("Jacobian", x, method); err != nil {
		return nil, err
	}
	w := append([]float64(nil), x...)
	m := len(f(w))
	if m == 0 {
		return nil, Invalidf("Jacobian: f(x) is empty")
	}
	n := len(x)
	J := mat.NewDense(m, n, nil)
	col := make([]float64, m)
	for j, xj := range x {
		call := func(v float64) ([]float64, bool) {
			w[j] = v
			y := append([]float64(nil), f(w)...)
			w[j] = xj
			return y, len(y) == m && AllFinite(y)
		}
		central := func(h float64) ([]float64, bool) {
			fp, ok1 := call(xj + h)
			fm, ok2 := call(xj - h)
			if !ok1 || !ok2 {
				return nil, false
			}
			for i := range fp {
				fp[i] = (fp[i] - fm[i]) / (2 * h)
			}
			return fp, true
		}
		h := fdStep(xj, method)
		d1, ok := central(h)
		if ok && method == Richardson {
			var d2 []float64
			d2, ok = central(h / 2)
			if ok {
				for i := range d1 {
					d1[i] = (4*d2[i] - d1[i]) / 3
				}
			}
		}
		if !ok || !AllFinite(d1) {
			return nil, Invalidf("Jacobian: f or its difference quotient is not finite, or f changes length (want %d), near x (coordinate %d = %g)", m, j, xj)
		}
		copy(col, d1)
		J.SetCol(j, col)
	}
	return J, nil
}
