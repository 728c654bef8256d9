package gaussian

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/reference/internal/robust"
	"gonum.org/v1/gonum/mat"
)

// CrossTrace returns the fidelity term of the Bures distance,
//
//	tr((S0^{1/2} S1 S0^{1/2})^{1/2}) = ‖S1^{1/2} S0^{1/2}‖_*,
//
// the nuclear norm (sum of singular values) of S1^{1/2}·S0^{1/2}: the
// singular values of R1·R0 are the square roots of the eigenvalues of
// (R1 R0)ᵀ(R1 R0) = R0 S1 R0. It is also the largest value of tr Cov(X, Y)
// over couplings of N(·, S0) and N(·, S1) ([C] § Contractive Gaussian
// projection, proof of Gelbrich's inequality).
//
// Preconditions: S0, S1 symmetric positive semidefinite of one dimension
// (eigenvalues below −16·d·eps·‖S‖₂ are an error wrapping numerics.ErrNotSPD
// and numerics.ErrInvalid; smaller negative ones are rounding and are set to
// 0).
//
// Accuracy: the singular values of R1 R0 are exact to d·eps·‖R1 R0‖₂
// absolutely (no square root of rounded eigenvalues of R0 S1 R0, which would
// lose half the digits of the small ones). The square roots R0, R1 are
// backward stable: they are exact roots of matrices within 16·d·eps·‖S‖₂ of
// S0, S1. For positive definite inputs the result is therefore within about
// d·eps·(‖T01‖₂ + ‖T10‖₂)·max‖S‖₂ of the exact value, T01 the Brenier map
// ((λ_max(S1)/λ_min(S0))^{1/2} bounds ‖T01‖₂). At singular inputs the
// fidelity is only Hölder-½ in S (‖(S+E)^{1/2} − S^{1/2}‖₂ ≤ ‖E‖₂^{1/2}),
// so a perturbation of size ε — including the rounding of the input
// entries themselves — can move it by d·(ε·‖S‖₂)^{1/2}: about 1e-8
// relative. No algorithm can do better from float64 inputs.
func CrossTrace(S0, S1 *mat.SymDense) (float64, error) {
	d, err := checkSym("S0", S0, -1)
	if err != nil {
		return 0, err
	}
	if _, err := checkSym("S1", S1, d); err != nil {
		return 0, err
	}
	R0, err := robust.Sqrt(S0)
	if err != nil {
		return 0, wrapName("S0", err)
	}
	R1, err := robust.Sqrt(S1)
	if err != nil {
		return 0, wrapName("S1", err)
	}
	sv, err := svdValues(mul(R1, R0))
	if err != nil {
		return 0, fmt.Errorf("gaussian: CrossTrace: SVD failed: %w", err)
	}
	s := 0.0
	for _, v := range sv {
		s += v
	}
	if math.IsInf(s, 0) || math.IsNaN(s) {
		return 0, fmt.Errorf("gaussian: CrossTrace: %w", ErrOverflow)
	}
	return s, nil
}

// BuresSq returns the squared Bures distance
//
//	B²(S0, S1) = tr S0 + tr S1 − 2 tr((S0^{1/2} S1 S0^{1/2})^{1/2}),
//
// which is W2²(N(m, S0), N(m, S1)) for any common mean m ([C] § Contractive
// Gaussian projection; protocol.md op gauss.bures). Rounding can make the
// computed difference slightly negative when S0 ≈ S1; it is then returned
// as 0 (the exact value is ≥ 0).
//
// Preconditions: as CrossTrace (positive semidefinite, equal dimensions).
// Accuracy: twice CrossTrace's; for positive definite inputs with
// condition numbers up to 1e6 this is far below protocol.md's 1e-9
// relative to tr S0 + tr S1, while for singular inputs the problem itself
// is conditioned at about (eps)^{1/2} (see CrossTrace).
func BuresSq(S0, S1 *mat.SymDense) (float64, error) {
	c, err := CrossTrace(S0, S1)
	if err != nil {
		return 0, err
	}
	b := mat.Trace(S0) + mat.Trace(S1) - 2*c
	if math.IsInf(b, 0) || math.IsNaN(b) {
		return 0, fmt.Errorf("gaussian: BuresSq: %w", ErrOverflow)
	}
	return math.Max(b, 0), nil
}

// W2Sq returns the squared 2-Wasserstein distance between Gaussians,
//
//	W2²(N(m0, S0), N(m1, S1)) = ‖m0 − m1‖² + B²(S0, S1)
//
// (protocol.md op gauss.bures; [C] § Contractive Gaussian projection: the
// equality case of Gelbrich's inequality). Preconditions: m0, m1 finite of
// length d; S0, S1 d×d positive semidefinite (see BuresSq). Accuracy: that
// of BuresSq plus a few ulps of ‖m0 − m1‖².
func W2Sq(m0 []float64, S0 *mat.SymDense, m1 []float64, S1 *mat.SymDense) (float64, error) {
	d, err := checkSym("S0", S0, -1)
	if err != nil {
		return 0, err
	}
	if err := checkVec("m0", m0, d); err != nil {
		return 0, err
	}
	if err := checkVec("m1", m1, d); err != nil {
		return 0, err
	}
	b, err := BuresSq(S0, S1)
	if err != nil {
		return 0, err
	}
	s := 0.0
	for i := range m0 {
		t := m0[i] - m1[i]
		s += t * t
	}
	w := s + b
	if math.IsInf(w, 0) {
		return 0, fmt.Errorf("gaussian: W2Sq: %w", ErrOverflow)
	}
	return w, nil
}
