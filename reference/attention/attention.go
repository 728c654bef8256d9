package attention

import (
	"errors"
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/mat"
)

// ErrOverflow is wrapped by errors for valid inputs whose logits or results
// do not fit in float64. It does not wrap numerics.ErrInvalid.
var ErrOverflow = errors.New("attention: result overflows float64")

func dense(name string, M [][]float64, rows, cols int) (*mat.Dense, error) {
	if len(M) == 0 || len(M[0]) == 0 {
		return nil, numerics.Invalidf("attention: %s is empty", name)
	}
	data, r, c, err := numerics.Flatten(M)
	if err != nil {
		return nil, numerics.Invalidf("attention: %s: %v", name, err)
	}
	if (rows >= 0 && r != rows) || (cols >= 0 && c != cols) {
		return nil, numerics.Invalidf("attention: %s is %d×%d, want %s×%s", name, r, c, dimStr(rows), dimStr(cols))
	}
	return mat.NewDense(r, c, data), nil
}

func dimStr(n int) string {
	if n < 0 {
		return "any"
	}
	return fmt.Sprint(n)
}

// params validates θ = (Q, K, V) for tokens of dimension d (V may be
// skipped with needV false) and returns them as dense matrices.
func params(Q, K, V [][]float64, d int, needV bool) (q, k, v *mat.Dense, err error) {
	if q, err = dense("Q", Q, -1, d); err != nil {
		return
	}
	r, _ := q.Dims()
	if k, err = dense("K", K, r, d); err != nil {
		return
	}
	if needV {
		v, err = dense("V", V, d, d)
	}
	return
}

func logWeights(a []float64, m int) ([]float64, error) {
	if a == nil {
		return nil, nil
	}
	if len(a) != m {
		return nil, numerics.Invalidf("attention: %d weights for %d context tokens", len(a), m)
	}
	s := 0.0
	lw := make([]float64, m)
	for j, v := range a {
		if !(v >= 0) || math.IsInf(v, 1) {
			return nil, numerics.Invalidf("attention: weight a[%d] = %v, want finite ≥ 0", j, v)
		}
		s += v
		lw[j] = numerics.Log(v)
	}
	if !(s > 0) || math.IsInf(s, 1) {
		return nil, numerics.Invalidf("attention: weights sum to %v, want positive and finite", s)
	}
	return lw, nil
}

// softmaxRows turns the logits L (n×m) plus optional log-weights into
// row-stochastic weights in place (largest entry subtracted per row).
func softmaxRows(L *mat.Dense, lw []float64) error {
	n, m := L.Dims()
	raw := L.RawMatrix()
	for i := 0; i < n; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+m]
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%w: logit (%d,%d) is %v", ErrOverflow, i, j, v)
			}
			if lw != nil {
				row[j] = v + lw[j]
			}
		}
		mx := math.Inf(-1)
		for _, v := range row {
			if v > mx {
				mx = v
			}
		}
		s := 0.0
		for j, v := range row {
			e := math.Exp(v - mx)
			row[j] = e
			s += e
		}
		for j := range row {
			row[j] /= s
		}
	}
	return nil
}

// weights returns the softmax weights of queries q against context y:
// P_ij ∝ a_j exp⟨Q q_i, K y_j⟩.
func weights(Qm, Km, q, y *mat.Dense, lw []float64) (*mat.Dense, error) {
	var qq, ky, L mat.Dense
	qq.Mul(q, Qm.T()) // n×r
	ky.Mul(y, Km.T()) // m×r
	L.Mul(&qq, ky.T())
	if err := softmaxRows(&L, lw); err != nil {
		return nil, err
	}
	return &L, nil
}

func toRows(M *mat.Dense) ([][]float64, error) {
	r, c := M.Dims()
	out := make([][]float64, r)
	for i := range out {
		out[i] = mat.Row(nil, i, M)
		if !numerics.AllFinite(out[i]) {
			return nil, fmt.Errorf("%w: row %d of %d×%d result", ErrOverflow, i, r, c)
		}
	}
	return out, nil
}

// Gamma returns the attention field at the tokens themselves ([C] §
// Evolution in depth of transformers; protocol.md op attn.gamma):
//
//	gamma_i = Γ_θ[α](x_i) = Σ_j softmax_j(⟨Q x_i, K x_j⟩) V x_j,  α = (1/n) Σ_j δ_{x_j}.
//
// Preconditions (else ErrInvalid): x n×d, Q and K r×d, V d×d, all
// non-empty, non-ragged and finite. Accuracy: the logits carry the rounding
// of two matrix products (≈ r·d·eps·|Q||K||x|²); each softmax weight has
// that absolute error in its exponent, the result ≈ that times max|Vx_j|.
// Logits of any finite magnitude are handled (the row maximum is
// subtracted). Cost O(n²r + n(r+d)d).
func Gamma(Q, K, V, x [][]float64) ([][]float64, error) {
	X, err := dense("x", x, -1, -1)
	if err != nil {
		return nil, err
	}
	_, d := X.Dims()
	Qm, Km, Vm, err := params(Q, K, V, d, true)
	if err != nil {
		return nil, err
	}
	P, err := weights(Qm, Km, X, X, nil)
	if err != nil {
		return nil, err
	}
	var vx, G mat.Dense
	vx.Mul(X, Vm.T())
	G.Mul(P, &vx)
	return toRows(&G)
}

// Field returns Γ_θ[α](q_i) at every query point q_i (rows of q) for the
// context α = Σ_j a_j δ_{y_j} (a nil: uniform), the queries not being part
// of the context:
//
//	Γ_θ[α](x) = Σ_j a_j e^{⟨Qx,Ky_j⟩} V y_j / Σ_j a_j e^{⟨Qx,Ky_j⟩}.
//
// Preconditions: as Gamma for y and q (same dimension d), a nil or m
// finite entries ≥ 0 with a positive sum. Accuracy: as Gamma.
func Field(Q, K, V, y [][]float64, a []float64, q [][]float64) ([][]float64, error) {
	Y, err := dense("y", y, -1, -1)
	if err != nil {
		return nil, err
	}
	m, d := Y.Dims()
	Xq, err := dense("q", q, -1, d)
	if err != nil {
		return nil, err
	}
	Qm, Km, Vm, err := params(Q, K, V, d, true)
	if err != nil {
		return nil, err
	}
	lw, err := logWeights(a, m)
	if err != nil {
		return nil, err
	}
	P, err := weights(Qm, Km, Xq, Y, lw)
	if err != nil {
		return nil, err
	}
	var vy, G mat.Dense
	vy.Mul(Y, Vm.T())
	G.Mul(P, &vy)
	return toRows(&G)
}

// Weights returns the attention matrix P_ij = softmax_j(⟨Qx_i, Kx_j⟩) of the
// tokens x (row-stochastic, n×n), so that Gamma = P·(x Vᵀ).
// Preconditions and accuracy: as Gamma (V not needed).
func Weights(Q, K, x [][]float64) ([][]float64, error) {
	X, err := dense("x", x, -1, -1)
	if err != nil {
		return nil, err
	}
	_, d := X.Dims()
	Qm, Km, _, err := params(Q, K, nil, d, false)
	if err != nil {
		return nil, err
	}
	P, err := weights(Qm, Km, X, X, nil)
	if err != nil {
		return nil, err
	}
	return toRows(P)
}

// LogPartition returns the log-partition potential U_α(q_i) =
// log Φ_α(q_i), Φ_α(x) = ∫ exp⟨Qx,Ky⟩ dα(y), α = Σ_j a_j δ_{y_j} (a nil:
// uniform 1/m), at every query q_i ([C] § Evolution in depth of
// transformers, "Gradient structure"). When V = QᵀK, ∇U_α = Γ_θ[α].
// Computed as a log-sum-exp (no overflow for finite logits).
// Preconditions: as Field (V not needed). Accuracy: a few ulps of the
// largest |logit| plus the logits' own rounding.
func LogPartition(Q, K, y [][]float64, a []float64, q [][]float64) ([]float64, error) {
	Y, err := dense("y", y, -1, -1)
	if err != nil {
		return nil, err
	}
	m, d := Y.Dims()
	Xq, err := dense("q", q, -1, d)
	if err != nil {
		return nil, err
	}
	Qm, Km, _, err := params(Q, K, nil, d, false)
	if err != nil {
		return nil, err
	}
	lw, err := logWeights(a, m)
	if err != nil {
		return nil, err
	}
	var qq, ky, L mat.Dense
	qq.Mul(Xq, Qm.T())
	ky.Mul(Y, Km.T())
	L.Mul(&qq, ky.T())
	n, _ := L.Dims()
	out := make([]float64, n)
	row := make([]float64, m)
	for i := range out {
		for j := range row {
			row[j] = L.At(i, j)
			if lw != nil {
				row[j] += lw[j]
			} else {
				row[j] -= math.Log(float64(m))
			}
		}
		out[i] = numerics.LogSumExp(row)
		if math.IsNaN(out[i]) || math.IsInf(out[i], 0) {
			return nil, fmt.Errorf("%w: log-partition at query %d is %v", ErrOverflow, i, out[i])
		}
	}
	return out, nil
}
