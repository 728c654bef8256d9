package gaussian

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/internal/robust"
	"gonum.org/v1/gonum/mat"
)

// BrenierMap returns the Brenier (optimal transport) map x ↦ A x from
// N(0, S0) to N(0, S1) for the quadratic cost:
//
//	A = S0^{-1/2} (S0^{1/2} S1 S0^{1/2})^{1/2} S0^{-1/2},
//
// the unique symmetric positive definite matrix with A S0 A = S1, i.e. the
// gradient of the convex potential x ↦ ½ xᵀ A x ([P] § Global Optimality:
// Brenier's Theorem; [C] eq. 30; protocol.md op gauss.ot_map). Between
// N(m0, S0) and N(m1, S1) the map is x ↦ m1 + A (x − m0).
//
// Method: with R0 = S0^{1/2}, R1 = S1^{1/2} (symmetric eigendecompositions)
// and the SVD R1 R0 = U Σ Vᵀ, one has (R0 S1 R0)^{1/2} = V Σ Vᵀ, so
// A = W Σ Wᵀ with W = R0^{-1} V = Q0 diag(λ0^{-1/2}) Q0ᵀ V. The result is
// symmetric and positive semidefinite by construction (no symmetrisation
// of a rounded product, no explicit inverse of S0).
//
// Preconditions: S0 symmetric positive definite to working accuracy
// (λ_min > 16·d·eps·λ_max), S1 symmetric positive definite likewise, equal
// dimensions; otherwise an error wrapping numerics.ErrInvalid (and
// numerics.ErrNotSPD).
//
// Accuracy: the pushforward residual satisfies
// |A S0 A − S1|_ij ≤ c·d·eps·κ(S0)^{1/2}·(|A| S0 |A|)-scale with c of order
// 10 (TestBrenierIllConditioned checks ≤ 1e-9 relative to the size of the
// terms at κ(S0) = κ(S1) = 1e6, d = 8), well inside protocol.md's 1e-7.
func BrenierMap(S0, S1 *mat.SymDense) (*mat.SymDense, error) {
	d, err := checkSPD("S0", S0, -1)
	if err != nil {
		return nil, err
	}
	if _, err := checkSPD("S1", S1, d); err != nil {
		return nil, err
	}
	lam0, Q0, err := eigSym(S0)
	if err != nil {
		return nil, fmt.Errorf("gaussian: BrenierMap: eigendecomposition of S0: %w", err)
	}
	R1, err := robust.Sqrt(S1)
	if err != nil {
		return nil, wrapName("S1", err)
	}
	// R0 = Q0 diag(√λ0) Q0ᵀ.
	sq := make([]float64, d)
	isq := make([]float64, d)
	for i, l := range lam0 {
		sq[i] = math.Sqrt(l)
		isq[i] = 1 / sq[i]
	}
	R0 := scaleCols(Q0, sq)
	R0 = mul(R0, Q0.T())
	sv, _, V, err := robust.SVD(mul(R1, R0))
	if err != nil {
		return nil, fmt.Errorf("gaussian: BrenierMap: SVD: %w", err)
	}
	// W = Q0 diag(λ0^{-1/2}) Q0ᵀ V, then A = W diag(σ) Wᵀ.
	W := mul(scaleCols(Q0, isq), mul(Q0.T(), V))
	return finiteResult("BrenierMap", gram(W, sv))
}

// scaleCols returns M·diag(s).
func scaleCols(M *mat.Dense, s []float64) *mat.Dense {
	r, c := M.Dims()
	out := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out.Set(i, j, M.At(i, j)*s[j])
		}
	}
	return out
}

// gram returns W diag(s) Wᵀ as an exactly symmetric matrix (each entry
// computed once as Σ_k W_ik s_k W_jk).
func gram(W *mat.Dense, s []float64) *mat.SymDense {
	n, k := W.Dims()
	out := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := 0.0
			for l := 0; l < k; l++ {
				v += W.At(i, l) * s[l] * W.At(j, l)
			}
			out.SetSym(i, j, v)
		}
	}
	return out
}

// MapCost returns the quadratic cost of the linear map x ↦ A x on
// X ~ N(0, S0):
//
//	cost(A) = E‖X − A X‖² = tr((I − A) S0 (I − A)ᵀ) = ‖(I − A) S0^{1/2}‖_F²,
//
// not halved ([P] § Immediate Consequence of Brenier's Theorem). For the
// Brenier map it equals B²(S0, A S0 Aᵀ). Preconditions: A d×d finite, S0 d×d
// positive semidefinite. Accuracy: computed as a sum of squares of
// (I − A)·S0^{1/2}, so the relative error is a few d·eps even when A ≈ I
// (no cancellation between tr S0, tr(A S0) and tr(A S0 Aᵀ)).
func MapCost(A mat.Matrix, S0 *mat.SymDense) (float64, error) {
	d, err := checkSym("S0", S0, -1)
	if err != nil {
		return 0, err
	}
	if _, err := checkSquare("A", A, d); err != nil {
		return 0, err
	}
	R0, err := robust.Sqrt(S0)
	if err != nil {
		return 0, wrapName("S0", err)
	}
	D := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			v := -A.At(i, j)
			if i == j {
				v++
			}
			D.Set(i, j, v)
		}
	}
	P := mul(D, R0)
	s := 0.0
	for _, v := range P.RawMatrix().Data {
		s += v * v
	}
	if math.IsInf(s, 0) || math.IsNaN(s) {
		return 0, fmt.Errorf("gaussian: MapCost: %w", ErrOverflow)
	}
	return s, nil
}

// McCannMap returns A_t = (1 − t) I + t A, the time-t map of McCann's
// displacement interpolation along the linear map A: if A is the Brenier
// map from N(0, S0) to N(0, S1), then μ_t = N(0, A_t S0 A_tᵀ) is the W2
// geodesic, W2(μ_s, μ_t) = |t − s| W2(μ_0, μ_1) ([C] § Stochastic
// interpolant: McCann interpolation; [P] § Dynamic Optimal Transport).
// Preconditions: A square and finite, t finite (any real t is accepted;
// the geodesic is the segment t ∈ [0, 1]; else ErrInvalid). A diagonal entry
// whose terms (1 − t) and t·A_ii overflow although their sum does not (A_ii
// near 1, |t| near MaxFloat64) is formed as 1 + t(A_ii − 1); an entry of A_t
// that does not fit float64 returns an error wrapping ErrOverflow (never
// ±Inf).
func McCannMap(A mat.Matrix, t float64) (*mat.Dense, error) {
	d, err := checkSquare("A", A, -1)
	if err != nil {
		return nil, err
	}
	if math.IsNaN(t) || math.IsInf(t, 0) {
		return nil, numerics.Invalidf("gaussian: McCannMap: t = %v is not finite", t)
	}
	At := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			a := A.At(i, j)
			v := t * a
			if i == j {
				v += 1 - t
				if math.IsInf(v, 0) || math.IsNaN(v) {
					v = 1 + t*(a-1)
				}
			}
			if math.IsInf(v, 0) || math.IsNaN(v) {
				return nil, fmt.Errorf("gaussian: McCannMap: entry (%d, %d) of (1 − t)I + tA at t = %g: %w", i, j, t, ErrOverflow)
			}
			At.Set(i, j, v)
		}
	}
	return At, nil
}

// McCannCovariance returns the covariance A_t S0 A_tᵀ of McCann's
// interpolation at time t (see McCannMap), symmetrised. For the Brenier map
// A it is ((1−t) I + t A) S0 ((1−t) I + t A). Preconditions: as McCannMap,
// and S0 of A's dimension. A_t or the product that does not fit float64
// returns an error wrapping ErrOverflow.
func McCannCovariance(S0 *mat.SymDense, A mat.Matrix, t float64) (*mat.SymDense, error) {
	d, err := checkSym("S0", S0, -1)
	if err != nil {
		return nil, err
	}
	if _, err := checkSquare("A", A, d); err != nil {
		return nil, err
	}
	At, err := McCannMap(A, t)
	if err != nil {
		return nil, err
	}
	return finiteResult("McCannCovariance", symPart(mul3(At, S0, At.T())))
}
