package gmanifold

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/mat"
)

// AffineField is the velocity field v(x) = B + A (x − M) on ℝ^d. With A
// symmetric it is the gradient of x ↦ ⟨B, x⟩ + ½⟨A(x − M), x − M⟩, a tangent
// vector of the Gaussian manifold at N(M, ·) ([C] § Constrained evolution on
// the Gaussian manifold).
type AffineField struct {
	B []float64
	A *mat.Dense
	M []float64
}

// At returns v(x) = B + A (x − M). Preconditions (else an error wrapping
// numerics.ErrInvalid): d = len(B) ≥ 1, A d×d and M, x of length d, all
// finite (NaN entries and an empty field were answered without an error;
// regression test TestMalformedFieldOrMatrixIsAnError). A value beyond float64
// is an error wrapping ErrOverflow.
func (f AffineField) At(x []float64) ([]float64, error) {
	d := len(f.B)
	if d == 0 || len(f.M) != d || len(x) != d {
		return nil, numerics.Invalidf("gmanifold: AffineField.At: inconsistent sizes (B %d, M %d, x %d)", d, len(f.M), len(x))
	}
	if _, err := checkSquare("AffineField.A", f.A, d); err != nil {
		return nil, err
	}
	for _, v := range []struct {
		name string
		v    []float64
	}{{"B", f.B}, {"M", f.M}, {"x", x}} {
		if err := checkVec("AffineField.At: "+v.name, v.v, d); err != nil {
			return nil, err
		}
	}
	v := append([]float64(nil), f.B...)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			v[i] += f.A.At(i, j) * (x[j] - f.M[j])
		}
	}
	if !numerics.AllFinite(v) {
		return nil, fmt.Errorf("gmanifold: AffineField.At: %w", ErrOverflow)
	}
	return v, nil
}

// MomentVelocity returns the moment velocities of the law N(m, Σ) under the
// affine field v(x) = b + A(x − m) (centred at the law's own mean):
//
//	ṁ = b,  Σ̇ = A Σ + Σ Aᵀ
//
// ([C] § Gaussianity preservation: "Taking expectation gives ṁ = b ...").
// Preconditions: A d×d, b of length d, Σ d×d symmetric, all finite.
func MomentVelocity(A mat.Matrix, b []float64, S *mat.SymDense) ([]float64, *mat.SymDense, error) {
	d, err := checkSym("Sigma", S, -1)
	if err != nil {
		return nil, nil, err
	}
	if _, err := checkSquare("A", A, d); err != nil {
		return nil, nil, err
	}
	if err := checkVec("b", b, d); err != nil {
		return nil, nil, err
	}
	P := mul(A, S)
	Sd := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			Sd.SetSym(i, j, P.At(i, j)+P.At(j, i))
		}
	}
	Sd, err = finite("MomentVelocity", Sd)
	return append([]float64(nil), b...), Sd, err
}

// AffineFlowMap returns the flow map of ẋ = b + A(x − m_t), m_t = m0 + t b,
// from time 0 to t: x_t = m0 + t b + e^{tA}(x0 − m0), as the pair
// (e^{tA}, m0 + t b). The map is affine, so it sends N(m0, Σ0) to the
// Gaussian N(m0 + t b, e^{tA} Σ0 e^{tAᵀ}) ([C] § Gaussianity preservation).
// Method: gonum's mat.Dense.Exp (scaling and squaring with a Padé
// approximant). Preconditions: A d×d, b and m0 of length d, finite t (else
// ErrInvalid). Edge cases: t·A whose 1-norm max_j Σ_i |t·A_ij| does not fit
// float64 returns an error wrapping ErrOverflow before the exponential is
// attempted (gonum's Exp squares ⌈log₂(‖tA‖₁/5.4)⌉ times, forever for an
// infinite norm), even where e^{tA} itself would underflow to 0; so does an
// e^{tA} or m0 + t b that does not fit float64.
func AffineFlowMap(A mat.Matrix, b, m0 []float64, t float64) (*mat.Dense, []float64, error) {
	d, err := checkSquare("A", A, -1)
	if err != nil {
		return nil, nil, err
	}
	if err := checkVec("b", b, d); err != nil {
		return nil, nil, err
	}
	if err := checkVec("m0", m0, d); err != nil {
		return nil, nil, err
	}
	if math.IsNaN(t) || math.IsInf(t, 0) {
		return nil, nil, numerics.Invalidf("gmanifold: AffineFlowMap: t = %v is not finite", t)
	}
	var tA, E mat.Dense
	tA.Scale(t, A)
	if n1 := mat.Norm(&tA, 1); math.IsInf(n1, 0) || math.IsNaN(n1) {
		// Checked before Exp: with ‖tA‖₁ = Inf it never returns.
		return nil, nil, fmt.Errorf("gmanifold: AffineFlowMap: ‖tA‖₁ at t = %g: %w", t, ErrOverflow)
	}
	E.Exp(&tA)
	mt := make([]float64, d)
	for i := range mt {
		mt[i] = m0[i] + t*b[i]
	}
	if !allFinite(&E) || !numerics.AllFinite(mt) {
		return nil, nil, fmt.Errorf("gmanifold: AffineFlowMap: e^{tA} or m0 + t b at t = %g: %w", t, ErrOverflow)
	}
	return &E, mt, nil
}

// AffineFlowMoments returns the moments (m_t, Σ_t) at time t of N(m0, Σ0)
// transported by ẋ = b + A(x − m_t): m_t = m0 + t b and
// Σ_t = e^{tA} Σ0 e^{tAᵀ}, the solution of the moment ODE of
// MomentVelocity. Preconditions: as AffineFlowMap, Σ0 d×d symmetric.
func AffineFlowMoments(A mat.Matrix, b, m0 []float64, S0 *mat.SymDense, t float64) ([]float64, *mat.SymDense, error) {
	d, err := checkSym("Sigma0", S0, -1)
	if err != nil {
		return nil, nil, err
	}
	if _, err := checkSquare("A", A, d); err != nil {
		return nil, nil, err
	}
	E, mt, err := AffineFlowMap(A, b, m0, t)
	if err != nil {
		return nil, nil, err
	}
	St, err := finite("AffineFlowMoments", symPart(mul(mul(E, S0), E.T())))
	return mt, St, err
}
