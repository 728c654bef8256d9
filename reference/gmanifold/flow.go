package gmanifold

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/mat"
)

// VelocityFunc returns Ċ at the covariance C.
type VelocityFunc func(C *mat.SymDense) (*mat.SymDense, error)

// Trajectory is a solution of Ċ = f(C) recorded at the integrator's
// accepted steps.
type Trajectory struct {
	T []float64
	C []*mat.SymDense
}

// IntegrateCovariance integrates Ċ = f(C) from C(0) = C0 to time T with
// numerics.DormandPrince (adaptive 5(4), error control opt.RelTol,
// opt.AbsTol on the d² entries), recording the accepted steps. The state is
// the full matrix; every right-hand side sees the symmetrised state, so the
// trajectory stays symmetric. A state that leaves the positive definite cone
// makes f fail (f's error is returned, wrapped); a nil or wrongly sized
// velocity from f is an error wrapping numerics.ErrInvalid.
// Preconditions: f non-nil, C0 symmetric, T ≥ 0 finite.
func IntegrateCovariance(f VelocityFunc, C0 *mat.SymDense, T float64, opt numerics.Options) (*Trajectory, error) {
	d, err := checkSym("C0", C0, -1)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return nil, numerics.Invalidf("gmanifold: IntegrateCovariance: f is nil")
	}
	if !(T >= 0) || math.IsInf(T, 0) {
		return nil, numerics.Invalidf("gmanifold: IntegrateCovariance: T = %v, want finite ≥ 0", T)
	}
	toSym := func(y []float64) *mat.SymDense {
		S := mat.NewSymDense(d, nil)
		for i := 0; i < d; i++ {
			for j := i; j < d; j++ {
				S.SetSym(i, j, 0.5*(y[i*d+j]+y[j*d+i]))
			}
		}
		return S
	}
	y0 := make([]float64, d*d)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			y0[i*d+j] = C0.At(i, j)
		}
	}
	rhs := func(_ float64, y, dy []float64) error {
		V, err := f(toSym(y))
		if err != nil {
			return err
		}
		if V == nil {
			// A (nil, nil) answer of f dereferenced nil (regression test
			// TestMalformedFieldOrMatrixIsAnError).
			return numerics.Invalidf("gmanifold: velocity is nil")
		}
		if r := V.SymmetricDim(); r != d {
			return numerics.Invalidf("gmanifold: velocity is %d×%d, want %d×%d", r, r, d, d)
		}
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				dy[i*d+j] = V.At(i, j)
			}
		}
		return nil
	}
	opt.Record = true
	sol, err := numerics.DormandPrince(rhs, 0, T, y0, opt)
	if err != nil {
		return nil, fmt.Errorf("gmanifold: IntegrateCovariance: %w", err)
	}
	tr := &Trajectory{T: sol.T}
	for _, y := range sol.Ys {
		tr.C = append(tr.C, toSym(y))
	}
	return tr, nil
}

// Flow integrates the covariance gradient flow Ċ = CovarianceVelocity(e, C)
// of the energy e from C0 over [0, T] (IntegrateCovariance with relative
// and absolute tolerance rtol). Along it the energy decreases and C → I
// (each eigenvalue follows the scalar ODE λ̇ = g(λ) of the table, e.g.
// λ̇ = 2(1 − λ) for KL, so C_t = I + e^{−2t}(C0 − I)).
func Flow(e Energy, C0 *mat.SymDense, T, rtol float64) (*Trajectory, error) {
	if _, err := ParseEnergy(string(e)); err != nil {
		return nil, err
	}
	return IntegrateCovariance(func(C *mat.SymDense) (*mat.SymDense, error) {
		return CovarianceVelocity(e, C)
	}, C0, T, numerics.Options{RelTol: rtol, AbsTol: rtol})
}
