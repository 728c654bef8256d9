package theorems

import (
	"math"

	"github.com/otverify/otverify/numerics"
	"pgregory.net/rapid"
)

// Generators, liftings and independent ground truths of the attention
// family (claims_attention.go). Every helper is prefixed at.

// atGenMat draws an r×c matrix with entries in [−s, s].
func atGenMat(t *rapid.T, r, c int, s float64, label string) [][]float64 {
	return drGenCloud(t, r, c, s, label)
}

// atGenTokens draws n tokens in [−1, 1]^d; some tokens may repeat an
// earlier one (ties in the attention weights).
func atGenTokens(t *rapid.T, n, d int, label string) [][]float64 {
	x := drGenCloud(t, n, d, 1, label)
	for i := 1; i < n; i++ {
		if rapid.IntRange(0, 4).Draw(t, label+" repeat?") == 0 {
			j := rapid.IntRange(0, i-1).Draw(t, label+" repeats token")
			x[i] = append([]float64(nil), x[j]...)
		}
	}
	return x
}

func atMatVec(M [][]float64, v []float64) []float64 {
	out := make([]float64, len(M))
	for i := range M {
		s := 0.0
		for j, x := range v {
			s += M[i][j] * x
		}
		out[i] = s
	}
	return out
}

func atAbsMatVec(M [][]float64, v []float64) []float64 {
	out := make([]float64, len(M))
	for i := range M {
		for j, x := range v {
			out[i] += math.Abs(M[i][j] * x)
		}
	}
	return out
}

// atQtK returns QᵀK (d×d).
func atQtK(Q, K [][]float64) [][]float64 {
	d := len(Q[0])
	V := make([][]float64, d)
	for a := range V {
		V[a] = make([]float64, d)
		for b := range V[a] {
			for r := range Q {
				V[a][b] += Q[r][a] * K[r][b]
			}
		}
	}
	return V
}

// atTol is the tolerance on an attn.gamma answer for tokens x: protocol.md's
// rtol 1e-9 times S, S the larger of the largest input coordinate and the
// largest |V x_j| (the averaged terms), plus the rounding of the logits:
// each ⟨Qx_i, Kx_j⟩ carries an absolute error ≲ (2d + r)·eps·Λ, Λ =
// max_ij Σ_k |Qx_i|_k |Kx_j|_k, which perturbs the softmax weights by that
// relative amount, and the (n + d)-term sums' rounding; 16× margin.
func atTol(Q, K, V, x [][]float64) float64 {
	d, r, n := float64(len(x[0])), float64(len(Q)), float64(len(x))
	S := maxAbsMat(x, Q, K, V)
	Lam := 0.0
	qa := make([][]float64, len(x))
	ka := make([][]float64, len(x))
	for i := range x {
		S = math.Max(S, numerics.MaxAbs(atMatVec(V, x[i])))
		qa[i] = atAbsMatVec(Q, x[i])
		ka[i] = atAbsMatVec(K, x[i])
	}
	for i := range x {
		for j := range x {
			Lam = math.Max(Lam, dot(qa[i], ka[j]))
		}
	}
	return S * (1e-9 + 16*(2*d+r+n)*drEps*(1+Lam))
}

// atField evaluates Γ_θ[α](q) = Σ_j softmax_j(⟨Qq, Ky_j⟩) V y_j for the
// uniform context y directly from the definition (log-sum-exp of the
// logits), independently of reference/attention: the ground truth of the
// continuous-depth ODE and of exact-logit cases.
func atField(Q, K, V, y [][]float64, q []float64) []float64 {
	qq := atMatVec(Q, q)
	l := make([]float64, len(y))
	for j := range y {
		l[j] = dot(qq, atMatVec(K, y[j]))
	}
	lse := numerics.LogSumExp(l)
	out := make([]float64, len(V))
	for j := range y {
		w := math.Exp(l[j] - lse)
		vy := atMatVec(V, y[j])
		for a := range out {
			out[a] += w * vy[a]
		}
	}
	return out
}

// atLogPartition is U_α(q) = log (1/m) Σ_j exp⟨Qq, Ky_j⟩, by
// numerics.LogSumExp.
func atLogPartition(Q, K, y [][]float64, q []float64) float64 {
	qq := atMatVec(Q, q)
	l := make([]float64, len(y))
	for j := range y {
		l[j] = dot(qq, atMatVec(K, y[j]))
	}
	return numerics.LogSumExp(l) - math.Log(float64(len(y)))
}

// atLiftQueries builds an attn.gamma instance in R^{2d} whose answer at
// token i is (Γ_θ[α](q_i), 0), α = (1/n)Σ_j δ_{y_j} the frozen context and
// q_i any query point: tokens (y_i, q_i), Q' = [0 Q], K' = [K 0],
// V' = [[V 0],[0 0]], so that ⟨Q'x'_i, K'x'_j⟩ = ⟨Q q_i, K y_j⟩ and
// V'x'_j = (V y_j, 0). This evaluates the field at points that are not
// tokens with the context fixed — what a Jacobian in the token variable
// needs. len(q) = len(y).
func atLiftQueries(Q, K, V, y, q [][]float64) AttnArgs {
	d := len(y[0])
	r := len(Q)
	a := AttnArgs{Q: make([][]float64, r), K: make([][]float64, r), V: make([][]float64, 2*d), X: make([][]float64, len(y))}
	for k := 0; k < r; k++ {
		a.Q[k] = append(make([]float64, d), Q[k]...)
		a.K[k] = append(append([]float64(nil), K[k]...), make([]float64, d)...)
	}
	for i := 0; i < 2*d; i++ {
		a.V[i] = make([]float64, 2*d)
		if i < d {
			copy(a.V[i], V[i])
		}
	}
	for i := range y {
		a.X[i] = append(append([]float64(nil), y[i]...), q[i]...)
	}
	return a
}

// atLiftWeights builds an attn.gamma instance in R^{d+n} whose answer at
// token i is (0, P_i·), P the attention matrix softmax_j(⟨Qx_i, Kx_j⟩) of
// the tokens x: tokens (x_j, e_j), Q' = [Q 0], K' = [K 0],
// V' = [[0 0],[0 I_n]].
func atLiftWeights(Q, K, x [][]float64) AttnArgs {
	d, n, r := len(x[0]), len(x), len(Q)
	a := AttnArgs{Q: make([][]float64, r), K: make([][]float64, r), V: make([][]float64, d+n), X: make([][]float64, n)}
	for k := 0; k < r; k++ {
		a.Q[k] = append(append([]float64(nil), Q[k]...), make([]float64, n)...)
		a.K[k] = append(append([]float64(nil), K[k]...), make([]float64, n)...)
	}
	for i := range a.V {
		a.V[i] = make([]float64, d+n)
		if i >= d {
			a.V[i][i] = 1
		}
	}
	for j := range x {
		a.X[j] = append(append([]float64(nil), x[j]...), make([]float64, n)...)
		a.X[j][d+j] = 1
	}
	return a
}
