package gaussian

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/mat"
)

// massTol is protocol.md's tolerance on |Σ w − 1| for weight vectors.
const massTol = 1e-9

// checkCloud validates an n×d point cloud (rows) and its weights (nil means
// uniform 1/n); it returns n, d and the weights.
func checkCloud(name string, x [][]float64, w []float64) (int, int, []float64, error) {
	n := len(x)
	if n == 0 || len(x[0]) == 0 {
		return 0, 0, nil, numerics.Invalidf("gaussian: point cloud %s is empty", name)
	}
	d := len(x[0])
	for i, p := range x {
		if len(p) != d {
			return 0, 0, nil, numerics.Invalidf("gaussian: %s[%d] has %d coordinates, want %d", name, i, len(p), d)
		}
		if !numerics.AllFinite(p) {
			return 0, 0, nil, numerics.Invalidf("gaussian: %s[%d] is not finite", name, i)
		}
	}
	if w == nil {
		w = make([]float64, n)
		for i := range w {
			w[i] = 1 / float64(n)
		}
		return n, d, w, nil
	}
	if len(w) != n {
		return 0, 0, nil, numerics.Invalidf("gaussian: %s has %d points but %d weights", name, n, len(w))
	}
	s := 0.0
	for i, v := range w {
		if !(v >= 0) || math.IsInf(v, 0) {
			return 0, 0, nil, numerics.Invalidf("gaussian: weight %d of %s = %v must be finite and ≥ 0", i, name, v)
		}
		s += v
	}
	if math.Abs(s-1) > massTol {
		return 0, 0, nil, numerics.Invalidf("gaussian: weights of %s sum to %.17g, not 1", name, s)
	}
	return n, d, w, nil
}

// Moments returns the mean m = Σ_i w_i x_i and the covariance
// Σ = Σ_i w_i (x_i − m)(x_i − m)ᵀ (population normalisation, weights
// divided by their sum) of the discrete measure Σ_i w_i δ_{x_i}: the
// parameters of its moment-matched Gaussian projection R μ = N(m, Σ) ([C]
// § Contractive Gaussian projection). w = nil means uniform weights 1/n.
//
// Preconditions: x a non-empty n×d matrix of finite rows; w nil or of
// length n, entries ≥ 0 summing to 1 within 1e-9. Accuracy: two passes
// (mean, then centred products), so the covariance has relative error
// O(n·eps) in the size of the centred terms, not of ‖m‖².
func Moments(x [][]float64, w []float64) ([]float64, *mat.SymDense, error) {
	n, d, w, err := checkCloud("x", x, w)
	if err != nil {
		return nil, nil, err
	}
	tot := 0.0
	for _, v := range w {
		tot += v
	}
	m := make([]float64, d)
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			m[k] += w[i] * x[i][k]
		}
	}
	for k := range m {
		m[k] /= tot
	}
	S := mat.NewSymDense(d, nil)
	c := make([]float64, d)
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			c[k] = x[i][k] - m[k]
		}
		for a := 0; a < d; a++ {
			for b := a; b < d; b++ {
				S.SetSym(a, b, S.At(a, b)+w[i]*c[a]*c[b]/tot)
			}
		}
	}
	if !numerics.AllFinite(m) || !allFinite(S) {
		return nil, nil, fmt.Errorf("gaussian: Moments: %w", ErrOverflow)
	}
	return m, S, nil
}

// GelbrichBound returns the lower bound of Gelbrich's inequality for the
// discrete measures μ = Σ a_i δ_{x_i} and ν = Σ b_j δ_{y_j}:
//
//	W2²(μ, ν) ≥ ‖m_μ − m_ν‖² + B²(Σ_μ, Σ_ν) = W2²(R μ, R ν),
//
// the squared Wasserstein distance between their moment-matched Gaussian
// projections ([C] § Contractive Gaussian projection, Gelbrich 1990).
// a or b nil means uniform weights. Preconditions: as Moments for both
// clouds, equal dimensions. Accuracy: that of Moments and W2Sq.
func GelbrichBound(x [][]float64, a []float64, y [][]float64, b []float64) (float64, error) {
	m0, S0, err := Moments(x, a)
	if err != nil {
		return 0, err
	}
	m1, S1, err := Moments(y, b)
	if err != nil {
		return 0, err
	}
	if len(m0) != len(m1) {
		return 0, numerics.Invalidf("gaussian: GelbrichBound: dimensions %d and %d differ", len(m0), len(m1))
	}
	return W2Sq(m0, S0, m1, S1)
}

// CrossCovarianceTrace returns tr Cov_π(X, Y) = Σ_ij π_ij ⟨x_i − m_X, y_j − m_Y⟩
// for a coupling π (n×m, row-major rows) of μ = Σ a_i δ_{x_i} and
// ν = Σ b_j δ_{y_j}, with a, b its marginals and m_X, m_Y the means. By the
// proof of Gelbrich's inequality ([C] § Contractive Gaussian projection) it
// is at most CrossTrace(Σ_μ, Σ_ν) for every coupling.
//
// Preconditions: x n×d and y m×d finite; plan n×m with entries ≥ 0 whose
// total is 1 within 1e-9 (the marginals are taken from the plan itself).
// Accuracy: O((n·m)·eps) relative to Σ_ij π_ij ‖x_i − m_X‖ ‖y_j − m_Y‖.
func CrossCovarianceTrace(x, y [][]float64, plan [][]float64) (float64, error) {
	n, d, _, err := checkCloud("x", x, nil)
	if err != nil {
		return 0, err
	}
	m, d1, _, err := checkCloud("y", y, nil)
	if err != nil {
		return 0, err
	}
	if d1 != d {
		return 0, numerics.Invalidf("gaussian: CrossCovarianceTrace: dimensions %d and %d differ", d, d1)
	}
	if len(plan) != n {
		return 0, numerics.Invalidf("gaussian: plan has %d rows, want %d", len(plan), n)
	}
	a := make([]float64, n)
	b := make([]float64, m)
	for i, row := range plan {
		if len(row) != m {
			return 0, numerics.Invalidf("gaussian: plan row %d has %d entries, want %d", i, len(row), m)
		}
		for j, v := range row {
			if !(v >= 0) || math.IsInf(v, 0) {
				return 0, numerics.Invalidf("gaussian: plan[%d][%d] = %v must be finite and ≥ 0", i, j, v)
			}
			a[i] += v
			b[j] += v
		}
	}
	mx, _, err := Moments(x, a)
	if err != nil {
		return 0, fmt.Errorf("gaussian: plan marginal: %w", err)
	}
	my, _, err := Moments(y, b)
	if err != nil {
		return 0, fmt.Errorf("gaussian: plan marginal: %w", err)
	}
	s := 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			if plan[i][j] == 0 {
				continue
			}
			dot := 0.0
			for k := 0; k < d; k++ {
				dot += (x[i][k] - mx[k]) * (y[j][k] - my[k])
			}
			s += plan[i][j] * dot
		}
	}
	return s, nil
}
