package main

import (
	"math"
	"time"

	"github.com/otverify/otverify/internal/kernel"
)

// stabilised runs iters Sinkhorn iterations from U = V = 0 in POT's
// variables (π = diag(e^U) e^{−C/ε} diag(e^V); each iteration
// V = log b − LSE_i(U_i − C_ij/ε), then U = log a − LSE_j(V_j − C_ij/ε)) in
// the kernel domain with absorption (Schmitzer's stabilisation, POT's
// sinkhorn_stabilized): U = α + log u, V = β + log v with the Gibbs kernel
// K̃_ij = e^{α_i + β_j − C_ij/ε} stored, so that an iteration is two
// matrix–vector products, v = b/(K̃ᵀu) and u = a/(K̃v). When a scaling
// leaves [e^−τ, e^τ] (or is 0, +Inf or NaN: K̃ underflowed) the update is
// redone exactly in the log domain with the kernels' log-sum-exps, the
// potentials absorb the scalings and K̃ is recomputed — so the iteration
// stays finite at any ε. The first iteration is a log-domain one. It
// records the time per iteration and returns U and V.
func stabilised(C, a, b []float64, eps float64, iters int, resp *response) (U, V []float64) {
	const tau = 30.0
	lo, hi := math.Exp(-tau), math.Exp(tau)
	n, m := len(a), len(b)
	inv := 1 / eps
	la, lb := make([]float64, n), make([]float64, m)
	for i := range a {
		la[i] = math.Log(a[i])
	}
	for j := range b {
		lb[j] = math.Log(b[j])
	}
	alpha, beta := make([]float64, n), make([]float64, m)
	u, v := make([]float64, n), make([]float64, m)
	r, c := make([]float64, n), make([]float64, m)
	K := make([]float64, n*m)
	absorbs := 0
	inRange := func(x []float64) bool {
		for _, t := range x {
			if !(t >= lo && t <= hi) {
				return false
			}
		}
		return true
	}
	start := time.Now()
	for it := range iters {
		if it == 0 {
			// Log domain from U = 0: V, then U, exactly.
			kernel.ColLSEPar(c, C, alpha, inv, 0)
			for j := range beta {
				beta[j] = lb[j] - c[j]
			}
			kernel.RowLSEPar(r, C, beta, inv, 0)
			for i := range alpha {
				alpha[i] = la[i] - r[i]
				u[i] = 1
			}
			for j := range v {
				v[j] = 1
			}
			kernel.GibbsPar(K, C, alpha, beta, inv, 0)
			continue
		}
		kernel.MatTVecPar(c, K, u, 0)
		for j := range v {
			v[j] = b[j] / c[j]
		}
		if !inRange(v) {
			// Exactly: V = log b − LSE_i(α_i + log u_i − C_ij/ε).
			for i := range u {
				alpha[i] += math.Log(u[i])
				u[i] = 1
			}
			kernel.ColLSEPar(c, C, alpha, inv, 0)
			for j := range beta {
				beta[j], v[j] = lb[j]-c[j], 1
			}
			kernel.GibbsPar(K, C, alpha, beta, inv, 0)
			absorbs++
		}
		kernel.MatVecPar(r, K, v, 0)
		for i := range u {
			u[i] = a[i] / r[i]
		}
		if !inRange(u) {
			for j := range v {
				beta[j] += math.Log(v[j])
				v[j] = 1
			}
			kernel.RowLSEPar(r, C, beta, inv, 0)
			for i := range alpha {
				alpha[i], u[i] = la[i]-r[i], 1
			}
			kernel.GibbsPar(K, C, alpha, beta, inv, 0)
			absorbs++
		}
	}
	resp.Seconds = time.Since(start).Seconds() / float64(iters)
	U, V = make([]float64, n), make([]float64, m)
	for i := range U {
		U[i] = alpha[i] + math.Log(u[i])
	}
	for j := range V {
		V[j] = beta[j] + math.Log(v[j])
	}
	resp.Info = "absorptions=" + itoa(absorbs)
	return U, V
}

func itoa(k int) string {
	if k == 0 {
		return "0"
	}
	var b []byte
	for ; k > 0; k /= 10 {
		b = append([]byte{byte('0' + k%10)}, b...)
	}
	return string(b)
}
