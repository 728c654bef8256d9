package attention

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/mat"
)

// Residual applies T residual attention layers with step 1/T and constant
// parameters ([C] § Evolution in depth of transformers, the layer
// x_i ↦ x_i + (1/T) Γ_θ[α](x_i)), α the current token measure at each
// layer, and returns the final tokens (x is not modified). This is the
// explicit Euler scheme for ẋ_i = Γ_θ[α_t](x_i) on [0, 1], first-order
// accurate in 1/T.
// Preconditions: as Gamma, and T ≥ 1 (else ErrInvalid). A token that
// overflows float64 on the way (x + Γ/T near MaxFloat64) gives an error
// wrapping ErrOverflow, never ±Inf. Cost: T evaluations of Gamma,
// O(T·(n²r + n(r+d)d)); T is the caller's request and is not bounded.
func Residual(Q, K, V, x [][]float64, T int) ([][]float64, error) {
	if T < 1 {
		return nil, numerics.Invalidf("attention: T = %d layers, want ≥ 1", T)
	}
	cur := x
	h := 1 / float64(T)
	for l := 0; l < T; l++ {
		g, err := Gamma(Q, K, V, cur)
		if err != nil {
			return nil, err
		}
		next := make([][]float64, len(cur))
		for i := range cur {
			next[i] = make([]float64, len(cur[i]))
			for a := range cur[i] {
				next[i][a] = cur[i][a] + h*g[i][a]
				if math.IsInf(next[i][a], 0) || math.IsNaN(next[i][a]) {
					return nil, fmt.Errorf("%w: token %d, coordinate %d after layer %d of %d", ErrOverflow, i, a, l+1, T)
				}
			}
		}
		cur = next
	}
	return cur, nil
}

// ContinuousDepth returns the tokens at depth t = 1 of the continuous-depth
// limit ẋ_i = Γ_θ[α_t](x_i), α_t = (1/n)Σ_j δ_{x_j(t)}, x(0) = x ([C] §
// Evolution in depth of transformers: ∂_tα + div(α Γ_θ[α]) = 0 for
// empirical α), integrated with the adaptive Dormand–Prince 5(4) method of
// numerics at relative and absolute tolerance tol (0 means 1e-10).
// Accuracy: global error typically 1–100 × tol·max(1, |x|).
// Preconditions: as Gamma; tol in [1e-13, 1e-3] or 0 (else ErrInvalid);
// errors of the integrator are returned wrapped.
func ContinuousDepth(Q, K, V, x [][]float64, tol float64) ([][]float64, error) {
	if tol == 0 {
		tol = 1e-10
	}
	if !(tol >= 1e-13 && tol <= 1e-3) {
		return nil, numerics.Invalidf("attention: tol = %v, want in [1e-13, 1e-3]", tol)
	}
	X, err := dense("x", x, -1, -1)
	if err != nil {
		return nil, err
	}
	n, d := X.Dims()
	Qm, Km, Vm, err := params(Q, K, V, d, true)
	if err != nil {
		return nil, err
	}
	f := func(_ float64, y, dy []float64) error {
		Y := mat.NewDense(n, d, y)
		P, err := weights(Qm, Km, Y, Y, nil)
		if err != nil {
			return err
		}
		var vy mat.Dense
		vy.Mul(Y, Vm.T())
		G := mat.NewDense(n, d, dy)
		G.Mul(P, &vy)
		return nil
	}
	sol, err := numerics.DormandPrince(f, 0, 1, append([]float64(nil), X.RawMatrix().Data...),
		numerics.Options{RelTol: tol, AbsTol: tol})
	if err != nil {
		return nil, err
	}
	if !numerics.AllFinite(sol.Y) {
		return nil, ErrOverflow
	}
	return numerics.Unflatten(sol.Y, n, d), nil
}

// Sinkhorn returns the Sinkhorn-normalised attention matrix of the tokens
// x (Sinkformers, Sander et al. 2022; [C] § Evolution in depth of
// transformers): the unique doubly stochastic matrix of the form
//
//	P_ij = exp(⟨Qx_i, Kx_j⟩ + f_i + g_j),  Σ_j P_ij = 1,  Σ_i P_ij = 1,
//
// computed by log-domain Sinkhorn iterations (alternately
// f_i = −LSE_j(L_ij + g_j), g_j = −LSE_i(L_ij + f_i)) until every row sum
// is within tol of 1 after a column update (column sums are then exact to
// rounding). It also returns f and g. The first half-step from g = 0 is the
// softmax attention matrix (Weights).
// Preconditions: as Weights; tol in [1e-15, 1e-2] or 0 (means 1e-12);
// maxIter ≥ 1 or 0 (means 10000). Errors: ErrInvalid; ErrNotConverged
// (wrapped, with the residual reached) when maxIter sweeps do not reach tol.
func Sinkhorn(Q, K, x [][]float64, tol float64, maxIter int) (P [][]float64, f, g []float64, err error) {
	if tol == 0 {
		tol = 1e-12
	}
	if maxIter == 0 {
		maxIter = 10000
	}
	if !(tol >= 1e-15 && tol <= 1e-2) || maxIter < 1 {
		return nil, nil, nil, numerics.Invalidf("attention: tol = %v, maxIter = %d", tol, maxIter)
	}
	X, err := dense("x", x, -1, -1)
	if err != nil {
		return nil, nil, nil, err
	}
	_, d := X.Dims()
	Qm, Km, _, err := params(Q, K, nil, d, false)
	if err != nil {
		return nil, nil, nil, err
	}
	var qq, kx, Lm mat.Dense
	qq.Mul(X, Qm.T())
	kx.Mul(X, Km.T())
	Lm.Mul(&qq, kx.T())
	n, _ := Lm.Dims()
	L := Lm.RawMatrix().Data
	if !numerics.AllFinite(L) {
		return nil, nil, nil, ErrOverflow
	}
	f = make([]float64, n)
	g = make([]float64, n)
	buf := make([]float64, n)
	res := math.Inf(1)
	for it := 0; it < maxIter; it++ {
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				buf[j] = L[i*n+j] + g[j]
			}
			f[i] = -numerics.LogSumExp(buf)
		}
		for j := 0; j < n; j++ {
			for i := 0; i < n; i++ {
				buf[i] = L[i*n+j] + f[i]
			}
			g[j] = -numerics.LogSumExp(buf)
		}
		res = 0
		for i := 0; i < n; i++ {
			s := 0.0
			for j := 0; j < n; j++ {
				s += math.Exp(L[i*n+j] + f[i] + g[j])
			}
			res = math.Max(res, math.Abs(s-1))
		}
		if res <= tol {
			P = make([][]float64, n)
			for i := range P {
				P[i] = make([]float64, n)
				for j := range P[i] {
					P[i][j] = math.Exp(L[i*n+j] + f[i] + g[j])
				}
			}
			return P, f, g, nil
		}
	}
	return nil, nil, nil, fmt.Errorf("%w: attention: Sinkhorn row-sum error %.3g after %d sweeps (tol %g)", numerics.ErrNotConverged, res, maxIter, tol)
}
