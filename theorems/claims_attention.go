package theorems

import (
	"math"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/attention"
	"pgregory.net/rapid"
)

// The attention family: transformers as token-measure transport ([C] §
// Evolution in depth of transformers). The op is attn.gamma,
// gamma_i = Σ_j softmax_j(⟨Q x_i, K x_j⟩) V x_j.

func init() {
	Register(
		&Claim{
			ID:        "attention.permutation-equivariance",
			Title:     "permuting tokens permutes Γ",
			Source:    "[C] § Evolution in depth of transformers (attention is permutation-equivariant before positional encoding)",
			Statement: "attn.gamma(P x) = P attn.gamma(x) for every permutation P of the tokens (ties, repeated tokens and logits up to ~1e4 included)",
			Tolerance: "2 × atTol: 1e-9·S + 16·(2d+r+n)·eps·(1+Λ)·S, S = max(|coord|, |Vx_j|), Λ = max Σ|Qx_i||Kx_j| (rounding of the logits " +
				"and sums, whose order changes with P)",
			Ops:   []string{OpAttnGamma},
			Check: checkAttentionPermutationEquivariance,
		},
		&Claim{
			ID:        "attention.measure-dependence",
			Title:     "Γ depends on the tokens only through their empirical measure",
			Source:    "[C] § Evolution in depth of transformers (token measure α = (1/n)Σδ_{x_i})",
			Statement: "repeating every token k ∈ {2, 3} times (in any order) leaves Γ at each token unchanged",
			Tolerance: "2 × atTol of the repeated instance (rounding of logits and of k·n-term sums)",
			Ops:       []string{OpAttnGamma},
			Check:     checkAttentionMeasureDependence,
		},
		&Claim{
			ID:     "attention.gradient-when-v-is-qtk",
			Title:  "V = QᵀK makes Γ[α] the gradient of the log-partition",
			Source: "[C] § Evolution in depth of transformers, Gradient structure and limitations (U_α = log Φ_α, ∇U_α = Γ)",
			Statement: "with V = QᵀK, Γ_θ[α](q) = ∇_q log ∫exp⟨Qq,Ky⟩dα(y) at query points q off the tokens (context α frozen), and " +
				"the Jacobian ∂Γ/∂q is symmetric. Γ at arbitrary q is read from attn.gamma on a lifted instance in R^{2d} " +
				"(tokens (y_i, q_i), Q' = [0 Q], K' = [K 0], V' = diag(V, 0)), whose second half must be 0",
			Tolerance: "gradient: atTol + Richardson bound h⁴/288·11L⁵ + 3eps·M0/h on the log-partition (L the range of the " +
				"coordinates of QᵀKy_j, fifth cumulant ≤ 11L⁵); symmetry: 2 × (h⁴/288·56L⁶ + 3·atTol/h) per Jacobian entry " +
				"(Richardson differences of the op, sixth cumulant ≤ 56L⁶, the op's rounding amplified by 1/h)",
			Ops:   []string{OpAttnGamma},
			Check: checkAttentionGradientWhenVIsQtK,
		},
		&Claim{
			ID:     "attention.not-gradient-in-general",
			Title:  "for generic V the attention field is not a gradient",
			Source: "[C] § Evolution in depth of transformers, Gradient structure and limitations",
			Statement: "existence: parameters with V ≠ QᵀK for which the Jacobian ∂Γ_θ[α]/∂q (context frozen, read from attn.gamma " +
				"on the lifted instance) is not symmetric — J_01 ≠ J_10 by directional finite differences — so Γ_θ[α] is " +
				"not a gradient field",
			Tolerance: "witness when |J_01 − J_10| > 10 × its finite-difference error bound (as in attention.gradient-when-v-is-qtk) " +
				"and > 1e-6·S",
			Kind:  Existence,
			Ops:   []string{OpAttnGamma},
			Check: checkAttentionNotGradientInGeneral,
		},
		&Claim{
			ID:     "attention.not-wasserstein-gradient",
			Title:  "the attention flow is not a Wasserstein gradient flow",
			Source: "[C] § Evolution in depth of transformers, Gradient structure and limitations",
			Statement: "existence: with V = QᵀK, Γ = ∇U_α and the first-variation kernel k_α(x,y) = δU_α(x)/δα(y) = " +
				"exp⟨Qx,Ky⟩/Φ_α(x) = n·P_xy (P read from attn.gamma on a one-hot lifted instance) has an antisymmetric part " +
				"A = k − kᵀ that is not of the form c(x) − c(y) (a cycle sum A_ij + A_jl + A_li ≠ 0), so no functional F with " +
				"δF/δα = U_α + const has a symmetric second variation: no fixed functional generates the flow",
			Tolerance: "witness when |A_ij + A_jl + A_li| > 1e-6 (the weights are exact to ~n·eps relative)",
			Kind:      Existence,
			Ops:       []string{OpAttnGamma},
			Check:     checkAttentionNotWassersteinGradient,
		},
		&Claim{
			ID:     "attention.depth-limit",
			Title:  "T residual layers converge to the continuous-depth flow at first order",
			Source: "[C] § Evolution in depth of transformers (α_{t+τ} = (Id + τΓ[α_t])♯α_t → ∂_tα + div(αΓ[α]) = 0)",
			Statement: "x ← x + (1/T)·attn.gamma(x), T times, differs from the solution at depth 1 of ẋ_i = Γ[α_t](x_i) " +
				"(V = v0·I + 0.3·random with |v0| ≥ 1/2 and tokens at distance ≥ 0.13 from the origin, so that tokens move) " +
				"(Dormand–Prince at tolerance 1e-12, field evaluated independently of the op) by E(T) = C/T + O(1/T²): " +
				"the scaled errors T·E(T) for T = 16, 32, 64 converge (‖T·E(T) − 2T·E(2T)‖ ≤ ½‖T·E(T)‖ for both pairs), " +
				"and the errors halve (E(T)/E(2T) ∈ [1.6, 2.4])",
			Tolerance: "the C₂/(C₁T) term of the Euler error expansion at T ≥ 16 on instances with O(1) parameters: " +
				"|E(T)/E(2T) − 2| ≤ 0.4 allows |C₂/C₁| ≤ 6.4, the convergence test |C₂| ≤ 16|C₁|; the ODE error " +
				"(tolerance 1e-12) is negligible: E(64) ≥ 1e-8 is asserted (the instance moves)",
			Ops:   []string{OpAttnGamma},
			Check: checkAttentionDepthLimit,
		},
		&Claim{
			ID:     "attention.sinkhorn-doubly-stochastic",
			Title:  "Sinkhorn-normalised attention is doubly stochastic",
			Source: "[C] § Evolution in depth of transformers (Sinkformers, Sander et al. 2022)",
			Statement: "the reference Sinkhorn attention matrix P has unit row and column sums and the scaling form " +
				"log P_ij = ⟨Qx_i,Kx_j⟩ + f_i + g_j (a certificate that it is the unique doubly stochastic scaling of " +
				"exp⟨Qx_i,Kx_j⟩, by Sinkhorn's theorem); its first half-step is softmax attention",
			Tolerance: "row sums 1e-12 + n·eps (the reference is run to 1e-13), column sums 4n·eps (exact after the column " +
				"update); scaling-form residual 64·eps·(1 + max|L| + max|f| + max|g|)",
			Check: checkAttentionSinkhornDoublyStochastic,
		},
		&Claim{
			ID:     "attention.large-logits-stable",
			Title:  "attention is finite and exact for logits of magnitude 1e3 and more",
			Source: "[C] § Evolution in depth of transformers (softmax attention); protocol.md attn.gamma",
			Statement: "with integer Q, K, V and tokens (logits are then exact integers, up to ~1e5), attn.gamma equals the " +
				"definition evaluated with those exact logits (weights exp(l_j − max l)); ties share the weight",
			Tolerance: "atTol (1e-9·S plus the logits' rounding, here zero for an exact implementation)",
			Ops:       []string{OpAttnGamma},
			Check:     checkAttentionLargeLogitsStable,
		},
	)
}

// atGenInstance draws (Q, K, V, x) with d ∈ [1, dmax], r ∈ [1, 3], n tokens
// and Q scaled by 10^U[lo, hi] (logits from O(1) to large).
func atGenInstance(t *rapid.T, nmin, nmax, dmax int, lo, hi float64) (Q, K, V, x [][]float64) {
	d := rapid.IntRange(1, dmax).Draw(t, "d")
	r := rapid.IntRange(1, 3).Draw(t, "r")
	n := rapid.IntRange(nmin, nmax).Draw(t, "n")
	sc := math.Pow(10, rapid.Float64Range(lo, hi).Draw(t, "log10 logit scale"))
	Q = atGenMat(t, r, d, sc, "Q")
	K = atGenMat(t, r, d, 1, "K")
	V = atGenMat(t, d, d, 1, "V")
	x = atGenTokens(t, n, d, "x")
	return
}

func atPerm(t *rapid.T, n int, label string) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return rapid.Permutation(idx).Draw(t, label)
}

func checkAttentionPermutationEquivariance(t *rapid.T, e *Env) {
	Q, K, V, x := atGenInstance(t, 1, 7, 4, -1, 2.5)
	p := atPerm(t, len(x), "permutation")
	px := make([][]float64, len(x))
	for i, j := range p {
		px[i] = x[j]
	}
	g := e.AttnGamma(t, AttnArgs{Q: Q, K: K, V: V, X: x})
	gp := e.AttnGamma(t, AttnArgs{Q: Q, K: K, V: V, X: px})
	tol := 2 * atTol(Q, K, V, x)
	for i, j := range p {
		e.ExpectVecClose(t, "Γ(Px)_i vs Γ(x)_{π(i)}", gp.Gamma[i], g.Gamma[j], tol)
	}
}

func checkAttentionMeasureDependence(t *rapid.T, e *Env) {
	Q, K, V, x := atGenInstance(t, 1, 6, 4, -1, 2.5)
	k := rapid.IntRange(2, 3).Draw(t, "repetitions k")
	var rep [][]float64
	var src []int
	for c := 0; c < k; c++ {
		for i := range x {
			rep = append(rep, x[i])
			src = append(src, i)
		}
	}
	p := atPerm(t, len(rep), "order of the repeated tokens")
	rx := make([][]float64, len(rep))
	rsrc := make([]int, len(rep))
	for i, j := range p {
		rx[i], rsrc[i] = rep[j], src[j]
	}
	g := e.AttnGamma(t, AttnArgs{Q: Q, K: K, V: V, X: x})
	gr := e.AttnGamma(t, AttnArgs{Q: Q, K: K, V: V, X: rx})
	tol := 2 * atTol(Q, K, V, rx)
	for i := range rx {
		e.ExpectVecClose(t, "Γ at a repeated token vs Γ at the original", gr.Gamma[i], g.Gamma[rsrc[i]], tol)
	}
}

// atGenGradientInstance draws a frozen context y (n tokens), Q, K with
// moderate logits, and query points q.
func atGenGradientInstance(t *rapid.T, nmin, dmin int, allQueries bool) (Q, K, y, q [][]float64) {
	d := rapid.IntRange(dmin, 4).Draw(t, "d")
	r := rapid.IntRange(1, 3).Draw(t, "r")
	n := rapid.IntRange(nmin, 5).Draw(t, "n context tokens")
	Q = atGenMat(t, r, d, 1, "Q")
	K = atGenMat(t, r, d, 1, "K")
	y = atGenTokens(t, n, d, "context y")
	nq := 1
	if allQueries {
		nq = n
	}
	q = drGenCloud(t, nq, d, 1.5, "query points q")
	return
}

// atCumulantRange is L = max_a (max_j − min_j) of the coordinates of
// M y_j: the range of the variable whose cumulants are the derivatives of
// the log-partition along coordinate directions (M = QᵀK).
func atCumulantRange(M, y [][]float64) float64 {
	L := 0.0
	d := len(M)
	for a := 0; a < d; a++ {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, yj := range y {
			v := atMatVec(M, yj)[a]
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		L = math.Max(L, hi-lo)
	}
	return L
}

// atJacobian returns the Jacobian ∂Γ_θ[α](q)/∂q at q (context y frozen) by
// Richardson differences of attn.gamma on the lifted instance (one op call
// per abscissa), and its per-entry error bound.
func atJacobian(t *rapid.T, e *Env, Q, K, V, y [][]float64, q []float64) ([][]float64, float64) {
	d := len(q)
	opTol := 0.0
	f := func(p []float64) []float64 {
		qs := make([][]float64, len(y))
		for i := range qs {
			qs[i] = append([]float64(nil), p...)
		}
		a := atLiftQueries(Q, K, V, y, qs)
		opTol = math.Max(opTol, atTol(a.Q, a.K, a.V, a.X))
		return append([]float64(nil), e.AttnGamma(t, a).Gamma[0][:d]...)
	}
	J, err := numerics.Jacobian(f, q, numerics.Richardson)
	if err != nil {
		e.Fatalf(t, "finite differences of attn.gamma: %v", err)
	}
	// The fifth derivative of Γ_a along e_b is the joint cumulant
	// κ((Vy)_a, w, w, w, w, w), w = (QᵀKy)_b, under the softmax weights.
	// Joint cumulants of order 6 are shift-invariant and sum over set
	// partitions with weights (|π|−1)! (total 1082), each term bounded by the
	// product of half-ranges: |κ| ≤ 1082/64·R_f·L⁵ ≤ 56·R_f·L⁵, with
	// R_f ≤ 2 max|V y_j| and L the range of w.
	L := atCumulantRange(atQtK(Q, K), y)
	vmax := 0.0
	for _, yj := range y {
		vmax = math.Max(vmax, numerics.MaxAbs(atMatVec(V, yj)))
	}
	M5 := 56 * math.Pow(L, 5) * 2 * vmax
	bound := drRichardsonBound(numerics.MaxAbs(q), M5, opTol/drEps)
	out := make([][]float64, d)
	for a := range out {
		out[a] = make([]float64, d)
		for b := range out[a] {
			out[a][b] = J.At(a, b)
		}
	}
	return out, bound
}

func atAsym(J [][]float64) float64 {
	m := 0.0
	for a := range J {
		for b := range J {
			m = math.Max(m, math.Abs(J[a][b]-J[b][a]))
		}
	}
	return m
}

func checkAttentionGradientWhenVIsQtK(t *rapid.T, e *Env) {
	Q, K, y, q := atGenGradientInstance(t, 1, 1, true)
	V := atQtK(Q, K)
	d := len(y[0])
	a := atLiftQueries(Q, K, V, y, q)
	g := e.AttnGamma(t, a)
	opTol := atTol(a.Q, a.K, a.V, a.X)
	L := atCumulantRange(V, y)
	zero := make([]float64, d)
	for i := range q {
		U := func(p []float64) float64 { return atLogPartition(Q, K, y, p) }
		grad, err := numerics.Gradient(U, q[i], numerics.Richardson)
		if err != nil {
			e.Fatalf(t, "finite differences of the log-partition: %v", err)
		}
		lmax := 0.0
		for _, yj := range y {
			lmax = math.Max(lmax, math.Abs(dot(atMatVec(Q, q[i]), atMatVec(K, yj))))
		}
		M0 := float64(len(y)+2) * (lmax + 1 + math.Log(float64(len(y))))
		tol := opTol + drRichardsonBound(numerics.MaxAbs(q[i]), 11*math.Pow(L, 5), M0)
		e.ExpectVecClose(t, "Γ_θ[α](q_i) vs ∇_q log Φ_α(q_i)", g.Gamma[i][:d], grad, tol)
		e.ExpectVecClose(t, "second half of the lifted answer", g.Gamma[i][d:], zero, opTol)
	}
	J, bound := atJacobian(t, e, Q, K, V, y, q[0])
	e.ExpectLeq(t, "max |J − Jᵀ| (Jacobian of Γ in q)", atAsym(J), 0, 2*bound)
}

func checkAttentionNotGradientInGeneral(t *rapid.T, e *Env) {
	// d ≥ 2: a 1×1 Jacobian is symmetric.
	Q, K, y, q := atGenGradientInstance(t, 2, 2, false)
	d := len(y[0])
	V := atGenMat(t, d, d, 1, "V (generic)")
	// Directional derivatives of s ↦ ⟨e_a, Γ(q + s e_b)⟩ and the swapped
	// pair: J_ab and J_ba by Richardson differences of the lifted op.
	opTol := 0.0
	comp := func(a, b int) float64 {
		f := func(s float64) float64 {
			p := append([]float64(nil), q[0]...)
			p[b] += s
			qs := make([][]float64, len(y))
			for i := range qs {
				qs[i] = p
			}
			args := atLiftQueries(Q, K, V, y, qs)
			opTol = math.Max(opTol, atTol(args.Q, args.K, args.V, args.X))
			return e.AttnGamma(t, args).Gamma[0][a]
		}
		v, err := numerics.Derivative(f, 0, numerics.Richardson)
		if err != nil {
			e.Fatalf(t, "finite differences of attn.gamma: %v", err)
		}
		return v
	}
	j01, j10 := comp(0, 1), comp(1, 0)
	L := atCumulantRange(atQtK(Q, K), y)
	vmax := 0.0
	for _, yj := range y {
		vmax = math.Max(vmax, numerics.MaxAbs(atMatVec(V, yj)))
	}
	bound := drRichardsonBound(numerics.MaxAbs(q[0]), 56*math.Pow(L, 5)*2*vmax, opTol/drEps)
	S := atTol(Q, K, V, y) / 1e-9
	if as := math.Abs(j01 - j10); as > 10*2*bound && as > 1e-6*S {
		e.Witness(t, "the Jacobian of Γ_θ[α] is not symmetric: J_01 ≠ J_10", map[string]any{
			"Q": Q, "K": K, "V": V, "context": y, "query": q[0], "J_01": j01, "J_10": j10, "fd error bound": 2 * bound,
		})
	}
}

func checkAttentionNotWassersteinGradient(t *rapid.T, e *Env) {
	d := rapid.IntRange(1, 3).Draw(t, "d")
	r := rapid.IntRange(1, 3).Draw(t, "r")
	n := rapid.IntRange(3, 5).Draw(t, "n")
	Q := atGenMat(t, r, d, 1.5, "Q")
	K := atGenMat(t, r, d, 1.5, "K")
	x := atGenTokens(t, n, d, "x")
	P := e.AttnGamma(t, atLiftWeights(Q, K, x)).Gamma
	k := func(i, j int) float64 { return float64(n) * P[i][d+j] }
	A := func(i, j int) float64 { return k(i, j) - k(j, i) }
	best, bi, bj, bl := 0.0, 0, 0, 0
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			for l := 0; l < n; l++ {
				if c := math.Abs(A(i, j) + A(j, l) + A(l, i)); c > best {
					best, bi, bj, bl = c, i, j, l
				}
			}
		}
	}
	if best > 1e-6 {
		e.Witness(t, "the first-variation kernel's antisymmetric part has a nonzero cycle sum", map[string]any{
			"Q": Q, "K": K, "V": atQtK(Q, K), "tokens": x, "triple": []int{bi, bj, bl}, "cycle sum": best,
			"k(x_i,x_j) = n·P_ij": [][]float64{{k(bi, bj), k(bj, bi)}, {k(bj, bl), k(bl, bj)}, {k(bl, bi), k(bi, bl)}},
		})
	}
}

// atDepthODE integrates ẋ_i = Γ[α_t](x_i) on [0, 1] with Dormand–Prince at
// tolerance 1e-12, the field evaluated by atField (independent of the op).
func atDepthODE(Q, K, V, x [][]float64) ([][]float64, error) {
	n, d := len(x), len(x[0])
	f := func(_ float64, yv, dy []float64) error {
		toks := make([][]float64, n)
		for i := range toks {
			toks[i] = yv[i*d : (i+1)*d]
		}
		for i := range toks {
			copy(dy[i*d:(i+1)*d], atField(Q, K, V, toks, toks[i]))
		}
		return nil
	}
	sol, err := numerics.DormandPrince(f, 0, 1, drFlat(x), numerics.Options{RelTol: 1e-12, AbsTol: 1e-12})
	if err != nil {
		return nil, err
	}
	return numerics.Unflatten(sol.Y, n, d), nil
}

func checkAttentionDepthLimit(t *rapid.T, e *Env) {
	// Non-degenerate dynamics: V = v0·I + 0.3·(random), |v0| ∈ [0.5, 1],
	// tokens around an offset of norm ≥ 0.5, so that the Euler error's
	// leading coefficient C₁ = ½∫Φ(1,s)·ẍ(s)ds is bounded away from 0 (with
	// V ≈ 0 or tokens at the origin, nothing moves and the errors are
	// rounding noise).
	Q, K, V, x := atGenInstance(t, 2, 5, 3, -0.5, 0.3)
	d := len(x[0])
	v0 := rapid.Float64Range(0.5, 1).Draw(t, "|v0|") * rapid.SampledFrom([]float64{-1, 1}).Draw(t, "sign v0")
	c := drGenUnit(t, d, "token offset direction")
	cn := rapid.Float64Range(1, 1.5).Draw(t, "token offset norm")
	for a := range V {
		for b := range V[a] {
			V[a][b] *= 0.3
		}
		V[a][a] += v0
	}
	for i := range x {
		for a := range x[i] {
			x[i][a] = cn*c[a] + 0.5*x[i][a] // |x_i| ≥ 1 − 0.5√3 > 0.13
		}
	}
	Xstar, err := atDepthODE(Q, K, V, x)
	if err != nil {
		e.Fatalf(t, "continuous-depth ODE: %v", err)
	}
	errAt := map[int][]float64{}
	norm := func(v []float64) float64 { return drNorm(v) }
	for _, T := range []int{16, 32, 64} {
		cur := drCopy(x)
		for l := 0; l < T; l++ {
			g := e.AttnGamma(t, AttnArgs{Q: Q, K: K, V: V, X: cur})
			cur = drAxpy(cur, g.Gamma, 1/float64(T))
		}
		ev := make([]float64, 0)
		for i := range cur {
			for a := range cur[i] {
				ev = append(ev, float64(T)*(cur[i][a]-Xstar[i][a]))
			}
		}
		errAt[T] = ev
	}
	e.Input("T·E(T) norms", []float64{norm(errAt[16]), norm(errAt[32]), norm(errAt[64])})
	e.ExpectLeq(t, "the instance is not degenerate: 1e-8 ≤ E(64)", 1e-8, norm(errAt[64])/64, 0)
	for _, T := range []int{16, 32} {
		a, b := errAt[T], errAt[2*T]
		diff := make([]float64, len(a))
		for i := range a {
			diff[i] = a[i] - b[i]
		}
		e.ExpectLeq(t, "‖T·E(T) − 2T·E(2T)‖ ≤ ½‖T·E(T)‖ (scaled Euler errors converge)", norm(diff), 0.5*norm(a), 0)
		ratio := 2 * norm(a) / norm(b) // E(T)/E(2T)
		e.ExpectClose(t, "E(T)/E(2T) (2 for first order)", ratio, 2, 0.4)
	}
}

func checkAttentionSinkhornDoublyStochastic(t *rapid.T, e *Env) {
	Q, K, _, x := atGenInstance(t, 1, 7, 4, -1, 0.5)
	P, f, g, err := attention.Sinkhorn(Q, K, x, 1e-13, 0)
	if err != nil {
		e.Fatalf(t, "Sinkhorn attention: %v", err)
	}
	n := len(x)
	L := make([][]float64, n)
	lmax := 0.0
	for i := range L {
		L[i] = make([]float64, n)
		for j := range L[i] {
			L[i][j] = dot(atMatVec(Q, x[i]), atMatVec(K, x[j]))
			lmax = math.Max(lmax, math.Abs(L[i][j]))
		}
	}
	ones := make([]float64, n)
	rows, colsum := make([]float64, n), make([]float64, n)
	for i := range P {
		ones[i] = 1
		for j := range P[i] {
			rows[i] += P[i][j]
			colsum[j] += P[i][j]
		}
	}
	e.ExpectVecClose(t, "row sums of Sinkhorn attention", rows, ones, 1e-12+float64(n)*drEps)
	e.ExpectVecClose(t, "column sums of Sinkhorn attention", colsum, ones, 4*float64(n)*drEps)
	// Scaling form: M_ij = log P_ij − L_ij is additive, M_ij − M_i0 − M_0j + M_00 = 0.
	fg := numerics.MaxAbs(f) + numerics.MaxAbs(g)
	tol := 64 * drEps * (1 + lmax + fg)
	worst := 0.0
	for i := range P {
		for j := range P[i] {
			m := func(a, b int) float64 { return math.Log(P[a][b]) - L[a][b] }
			worst = math.Max(worst, math.Abs(m(i, j)-m(i, 0)-m(0, j)+m(0, 0)))
		}
	}
	e.ExpectLeq(t, "max |M_ij − M_i0 − M_0j + M_00|, M = log P − logits (scaling form)", worst, 0, 4*tol)
}

func checkAttentionLargeLogitsStable(t *rapid.T, e *Env) {
	d := rapid.IntRange(1, 3).Draw(t, "d")
	r := rapid.IntRange(1, 2).Draw(t, "r")
	n := rapid.IntRange(1, 6).Draw(t, "n")
	sh := rapid.IntRange(0, 6).Draw(t, "Q scale 2^s")
	ints := func(rows, cols, lim int, label string) [][]float64 {
		v := rapid.SliceOfN(rapid.IntRange(-lim, lim), rows*cols, rows*cols).Draw(t, label)
		M := make([][]float64, rows)
		for i := range M {
			M[i] = make([]float64, cols)
			for j := range M[i] {
				M[i][j] = float64(v[i*cols+j])
			}
		}
		return M
	}
	Q := ints(r, d, 8, "Q (integers)")
	for i := range Q {
		for j := range Q[i] {
			Q[i][j] = math.Ldexp(Q[i][j], sh)
		}
	}
	K := ints(r, d, 8, "K (integers)")
	V := ints(d, d, 4, "V (integers)")
	x := ints(n, d, 8, "x (integer tokens)")
	g := e.AttnGamma(t, AttnArgs{Q: Q, K: K, V: V, X: x})
	tol := atTol(Q, K, V, x)
	lmax := 0.0
	for i := range x {
		// Exact integer logits l_j; weights exp(l_j − max_j l_j).
		l := make([]float64, n)
		m := math.Inf(-1)
		for j := range x {
			l[j] = dot(atMatVec(Q, x[i]), atMatVec(K, x[j]))
			m = math.Max(m, l[j])
			lmax = math.Max(lmax, math.Abs(l[j]))
		}
		want := make([]float64, d)
		s := 0.0
		for j := range x {
			w := math.Exp(l[j] - m)
			s += w
			vx := atMatVec(V, x[j])
			for a := range want {
				want[a] += w * vx[a]
			}
		}
		for a := range want {
			want[a] /= s
		}
		e.ExpectVecClose(t, "Γ_i vs the definition at exact integer logits", g.Gamma[i], want, tol)
	}
	e.Input("max |logit|", lmax)
}
