package entropic

import (
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/otverify/otverify/numerics"
)

// Newton polishing of the dual.
//
// At small ε Sinkhorn converges linearly with a rate 1 − γ, where the gap γ
// of the plan's bipartite graph can be 1e-6 or smaller: the marginal error
// stalls, and since the remaining error lies in the slowest direction, the
// plan error is about (marginal error)/γ. When the final stage has not
// converged after newtonPatience iterations and min(n, m) ≤ NewtonMaxDim,
// the solver switches to damped Newton steps on the dual (Sinkhorn–Newton),
// each followed by the usual column update, which converge quadratically to
// the rounding floor.
//
// In units u = f/ε, v = g/ε the dual is D/ε = Σa u + Σb v − Σ_ij P_ij + 1,
// P_ij = a_i b_j exp(u_i + v_j − C_ij/ε), with gradient (ρ, σ) = (a − r,
// b − c) (r, c the row and column sums of P) and Hessian −[[D_r, P], [Pᵀ, D_c]].
// Eliminating the larger side leaves a weighted graph Laplacian on the
// smaller one, e.g. L = D_r − P D_c⁻¹ Pᵀ with L·1 = 0, whose off-diagonal
// entries −Σ_j P_ij P_kj/c_j are all ≤ 0. It is regularised by
// newtonReg·D_r (so that rounding noise in the residual of a row that is
// linked to the rest only by entries of 1e-80 cannot produce a step of
// 1e60) and solved by Gaussian elimination in the Grassmann–Taksar–Heyman
// form: each pivot is the sum of the remaining off-diagonal entries of its
// row plus a nonnegative excess that is updated by additions only, so no
// step subtracts nearly equal numbers and the weak links that make
// Sinkhorn slow are resolved to high relative accuracy. The step is capped
// at newtonMaxStep in scaled units, and a backtracking line search on D
// keeps every step an ascent step (claim entropic.dual-ascent).

// NewtonMaxDim is the largest min(n, m) for which the solver uses Newton
// polishing: a step costs about min(n,m)²·max(n,m) + min(n,m)³/3 flops and
// min(n,m)² + n·m doubles of memory. Larger problems use Sinkhorn only.
const NewtonMaxDim = 1000

// A final stage that has not converged switches to Newton steps after
// newtonPatience iterations, or after newtonWindow iterations if the last
// newtonWindow iterations reduced the marginal error by less than
// newtonSlow (a linear rate slower than 0.93 per iteration: Sinkhorn would
// need hundreds more).
const (
	newtonPatience = 100
	newtonWindow   = 10
	newtonSlow     = 0.5
)

// newtonReg is the relative regularisation of the Newton system: the
// residual of a row is known to about 1e-15 of its mass, so the noise-driven
// part of a step is at most 1e-15/newtonReg = 1e-5 (scaled units), while
// the slow modes of Sinkhorn (relative gaps ≳ 1e-8) are still solved to
// 1 % or better per step.
const newtonReg = 1e-10

// newtonMaxStep caps the largest entry of a Newton step in units of ε
// (a change of the plan entries by at most e^20) before the line search.
const newtonMaxStep = 20

// polishFactor: once Newton steps are in use, the final stage continues
// past Tol down to polishFactor·Tol, or until a step gains less than 10 %
// (the rounding floor). Near a weak link of the plan, a Newton step on the
// exponential can only shift that link's log-mass by about 1, so the error
// may fall by a factor e per step for a while before the quadratic phase.
const polishFactor = 1e-3

// newton holds the buffers of the Newton steps, allocated on first use.
type newton struct {
	P, W   []float64 // n×m plan in scaled units, and the scaled copy for the Laplacian
	r, c   []float64
	du, dv []float64
	rhs, x []float64
	tmp    []float64
	L      *mat.SymDense
	excess []float64
}

// newtonStep makes one damped Newton step on the dual at the current ε from
// the current (f, g). It returns false if no ascent step was found (the
// state is then unchanged).
func (s *solver) newtonStep() bool {
	n, m := s.n, s.m
	nt := s.nt
	if nt == nil {
		k := min(n, m)
		nt = &newton{
			P: make([]float64, n*m), W: make([]float64, n*m),
			r: make([]float64, n), c: make([]float64, m),
			du: make([]float64, n), dv: make([]float64, m),
			rhs: make([]float64, k), x: make([]float64, k),
			tmp:    make([]float64, max(n, m)),
			L:      mat.NewSymDense(k, nil),
			excess: make([]float64, k),
		}
		s.nt = nt
	}
	// P_ij = exp(fa_i + gb_j − C_ij/ε), with its row and column sums.
	s.planInto(nt.P)
	P := nt.P
	for i := range n {
		nt.r[i] = sum(P[i*m : (i+1)*m])
	}
	for j := range m {
		nt.c[j] = 0
	}
	for i := range n {
		floats.Add(nt.c, P[i*m:(i+1)*m])
	}
	for i := range n {
		if !(nt.r[i] > 0) {
			return false
		}
	}
	for j := range m {
		if !(nt.c[j] > 0) {
			return false
		}
	}
	// Gradient (ρ, σ) in scaled units.
	rho, sig := nt.du, nt.dv // reused: overwritten by the direction below
	for i := range n {
		rho[i] = s.a[i] - nt.r[i]
	}
	for j := range m {
		sig[j] = s.b[j] - nt.c[j]
	}
	if n <= m {
		// L = D_r − P D_c⁻¹ Pᵀ on the rows; W = P D_c^{-1/2}.
		for i := range n {
			for j := range m {
				nt.W[i*m+j] = P[i*m+j] / math.Sqrt(nt.c[j])
			}
		}
		nt.L.SymOuterK(1, mat.NewDense(n, m, nt.W))
		// rhs = ρ − P D_c⁻¹ σ
		for j := range m {
			nt.tmp[j] = sig[j] / nt.c[j]
		}
		for i := range n {
			nt.rhs[i] = rho[i] - floats.Dot(P[i*m:(i+1)*m], nt.tmp[:m])
		}
		if !nt.solveLaplacian(n, nt.r) {
			return false
		}
		// du = x; dv = D_c⁻¹ (σ − Pᵀ du)
		for j := range m {
			nt.tmp[j] = 0
		}
		for i := range n {
			floats.AddScaled(nt.tmp[:m], nt.x[i], P[i*m:(i+1)*m])
		}
		for j := range m {
			sig[j] = (sig[j] - nt.tmp[j]) / nt.c[j]
		}
		copy(rho, nt.x[:n])
	} else {
		// L' = D_c − Pᵀ D_r⁻¹ P on the columns; W = (D_r^{-1/2} P)ᵀ, m×n.
		for i := range n {
			si := 1 / math.Sqrt(nt.r[i])
			for j := range m {
				nt.W[j*n+i] = P[i*m+j] * si
			}
		}
		nt.L.SymOuterK(1, mat.NewDense(m, n, nt.W))
		// rhs = σ − Pᵀ D_r⁻¹ ρ
		for j := range m {
			nt.tmp[j] = 0
		}
		for i := range n {
			floats.AddScaled(nt.tmp[:m], rho[i]/nt.r[i], P[i*m:(i+1)*m])
		}
		for j := range m {
			nt.rhs[j] = sig[j] - nt.tmp[j]
		}
		if !nt.solveLaplacian(m, nt.c) {
			return false
		}
		// dv = x; du = D_r⁻¹ (ρ − P dv)
		for i := range n {
			rho[i] = (rho[i] - floats.Dot(P[i*m:(i+1)*m], nt.x[:m])) / nt.r[i]
		}
		copy(sig, nt.x[:m])
	}
	// The slope of D/ε along (du, dv) is ρ·du + σ·dv = (ρ, σ)ᵀ H⁻¹ (ρ, σ);
	// recompute it from the gradient, which is cheap and exact enough.
	du, dv := nt.du, nt.dv
	slope := 0.0
	for i := range n {
		slope += (s.a[i] - nt.r[i]) * du[i]
	}
	for j := range m {
		slope += (s.b[j] - nt.c[j]) * dv[j]
	}
	if !(slope > 0) || !allFinite(du) || !allFinite(dv) {
		return false
	}
	if big := max(numerics.MaxAbs(du), numerics.MaxAbs(dv)); big > newtonMaxStep {
		scale := newtonMaxStep / big
		floats.Scale(scale, du)
		floats.Scale(scale, dv)
		slope *= scale
	}
	// Backtracking line search on D/ε(t) = Σa(u + t du) + Σb(v + t dv) − M(t) + 1,
	// M(t) = Σ_ij P_ij exp(t(du_i + dv_j)).
	lin0 := dot(s.a, s.f)/s.eps + dot(s.b, s.g)/s.eps
	d0 := lin0 - sum(P) + 1
	linDir := dot(s.a, du) + dot(s.b, dv)
	noise := 1e-15 * (math.Abs(lin0) + 1)
	for t := 1.0; t > 1.0/(1<<20); t /= 2 {
		M := s.massAlong(P, du, dv, t)
		dt := lin0 + t*linDir - M + 1
		need := 1e-4 * t * slope
		if need < noise {
			need = 0
		}
		if dt-d0 >= need && !math.IsInf(M, 0) {
			for i := range n {
				s.f[i] += t * s.eps * du[i]
				s.fa[i] = s.f[i]*s.inv + s.loga[i]
			}
			for j := range m {
				s.g[j] += t * s.eps * dv[j]
				s.gb[j] = s.g[j]*s.inv + s.logb[j]
			}
			return true
		}
	}
	return false
}

// massAlong returns Σ_ij P_ij exp(t(du_i + dv_j)) with compensated row sums.
func (s *solver) massAlong(P, du, dv []float64, t float64) float64 {
	m := s.m
	tmp := s.nt.tmp[:m]
	for j := range m {
		tmp[j] = t * dv[j]
	}
	var tot, comp float64
	for i := range s.n {
		row := P[i*m : (i+1)*m]
		ti := t * du[i]
		rs := 0.0
		for j, p := range row {
			if p != 0 {
				rs += p * math.Exp(ti+tmp[j])
			}
		}
		u := tot + rs
		if math.Abs(tot) >= math.Abs(rs) {
			comp += (tot - u) + rs
		} else {
			comp += (rs - u) + tot
		}
		tot = u
	}
	return tot + comp
}

// solveLaplacian solves (L + newtonReg·diag(mass)) x = rhs for the k×k
// Laplacian L whose off-diagonal entries are −(W Wᵀ)_ik (held in nt.L,
// upper triangle; the diagonal of L is minus the sum of its off-diagonal
// row, so it is not stored). Elimination in GTH form: with a_ij ≥ 0 the
// negated off-diagonal entries and e_i ≥ 0 the excess of the diagonal over
// Σ_j a_ij (initially newtonReg·mass_i), eliminating node p with pivot
// π_p = Σ_{j>p} a_pj + e_p updates a_ij += a_pi a_pj/π_p and
// e_i += a_pi e_p/π_p: additions of nonnegative terms only. It returns
// false if the solution is not finite.
func (nt *newton) solveLaplacian(k int, mass []float64) bool {
	raw := nt.L.RawSymmetric()
	A, st := raw.Data, raw.Stride
	rhs, x := nt.rhs[:k], nt.x[:k]
	piv, e := nt.tmp[:k], nt.excess[:k]
	for i := range k {
		e[i] = newtonReg * mass[i]
	}
	for p := range k {
		row := A[p*st+p+1 : p*st+k]
		pv := e[p]
		for _, v := range row {
			pv += v
		}
		piv[p] = pv
		if !(pv > 0) {
			continue // an isolated node without mass: x_p = 0 below
		}
		// For i > p: equation i gains (a_pi/π_p)·equation p.
		for ii, api := range row {
			if api == 0 {
				continue
			}
			i := p + 1 + ii
			f := api / pv
			rhs[i] += f * rhs[p]
			e[i] += f * e[p]
			if i+1 < k {
				floats.AddScaled(A[i*st+i+1:i*st+k], f, row[ii+1:])
			}
		}
	}
	for p := k - 1; p >= 0; p-- {
		if !(piv[p] > 0) {
			x[p] = 0
			continue
		}
		// π_p x_p − Σ_{j>p} a_pj x_j = rhs_p.
		x[p] = (rhs[p] + floats.Dot(A[p*st+p+1:p*st+k], x[p+1:k])) / piv[p]
	}
	return allFinite(x)
}
