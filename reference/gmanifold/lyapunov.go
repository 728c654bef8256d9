package gmanifold

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/reference/internal/robust"
	"gonum.org/v1/gonum/mat"
)

// Lyapunov returns the unique symmetric A with
//
//	A Σ + Σ A = S
//
// for Σ symmetric positive definite and S symmetric ([C] § Gaussianity
// preservation: "the Lyapunov map A ↦ AΣ + ΣA is invertible on symmetric
// matrices"). In the eigenbasis Σ = Q diag(λ) Qᵀ the map acts entrywise,
// (Qᵀ A Q)_ij (λ_i + λ_j) = (Qᵀ S Q)_ij, so its eigenvalues on symmetric
// matrices are λ_i + λ_j ≥ 2 λ_min > 0 and the solution is
// A = Q [(Qᵀ S Q)_ij / (λ_i + λ_j)] Qᵀ.
//
// Preconditions: Σ positive definite to working accuracy, S symmetric of
// the same dimension, finite; otherwise an error wrapping
// numerics.ErrInvalid. λ_i + λ_j is not formed where it overflows (λ near
// MaxFloat64: the quotient was 0; see lyapQuot). Accuracy: residual ‖A Σ + Σ A − S‖ of order
// d·eps·(‖S‖ + ‖A‖‖Σ‖); forward error up to κ(Σ) times larger.
func Lyapunov(Sigma, S *mat.SymDense) (*mat.SymDense, error) {
	d, err := checkSPD("Sigma", Sigma, -1)
	if err != nil {
		return nil, err
	}
	if _, err := checkSym("S", S, d); err != nil {
		return nil, err
	}
	lam, Q, err := robust.Decompose(Sigma)
	if err != nil {
		return nil, fmt.Errorf("gmanifold: Lyapunov: %w", err)
	}
	T := mul(mul(Q.T(), S), Q)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			T.Set(i, j, lyapQuot(T.At(i, j), lam[i], lam[j]))
		}
	}
	return finite("Lyapunov", symPart(mul(mul(Q, T), Q.T())))
}

// lyapQuot returns t/(λi + λj) without forming an overflowing λi + λj: then
// (t/2)/(λi/2 + λj/2), exact halvings unless t is subnormal, where the
// quotient underflows to 0 anyway. (Σ = [1.7e308], S = [−12] gave A = 0
// instead of −3.5e−308: FuzzGaussianManifold soak,
// TestLyapunovEigenvalueSumOverflow.)
func lyapQuot(t, li, lj float64) float64 {
	if s := li + lj; !math.IsInf(s, 0) {
		return t / s
	}
	return (t / 2) / (li/2 + lj/2)
}
