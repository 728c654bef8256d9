package theorems

import (
	"fmt"
	"math"

	"pgregory.net/rapid"

	"github.com/otverify/otverify/numerics"
)

// The tweedie family: Tweedie's identity between the optimal Gaussian
// denoiser and the score, the noise posterior, and the decomposition of the
// flow-matching velocity into denoisers ([C] § "Connection with diffusion
// models"). Ground truths are in gen_interp.go: complex-step gradients of
// log-densities and of posterior cumulant generating functions, written
// independently of reference/mixture.

// twBoxCheck asserts that a posterior mean of Dirac data lies in the
// bounding box of the atoms (it is a convex combination of them), within
// tol: a cancellation-free check that stays sharp 1e6 away from the atoms.
func twBoxCheck(t *rapid.T, e *Env, what string, got []float64, atoms [][]float64, tol float64) {
	for i := range got {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, a := range atoms {
			lo, hi = math.Min(lo, a[i]), math.Max(hi, a[i])
		}
		e.ExpectLeq(t, fmt.Sprintf("%s: coordinate %d ≥ min of the atoms", what, i), lo, got[i], tol)
		e.ExpectLeq(t, fmt.Sprintf("%s: coordinate %d ≤ max of the atoms", what, i), got[i], hi, tol)
	}
}

func init() {
	Register(
		&Claim{
			ID:     "tweedie.denoiser-score",
			Title:  "Tweedie's identity: E[W | Z] = z + σ² ∇ log β_σ(z)",
			Source: "[C] § Connection with diffusion models (Tweedie's identity and its proof)",
			Statement: "for Z = W + σY, Y ~ N(0, I): (i) Dirac data W ~ Σ_j w_j δ_{μ_j}: gmm.denoise (the posterior average) equals z + σ² ∇ log β_σ(z) " +
				"with the gradient of the log-density of β_σ = Σ_j w_j N(μ_j, σ² I) computed independently (complex step), and equals the " +
				"posterior mean by the cumulant generating function; it lies in the atoms' bounding box; (ii) Gaussian-mixture data " +
				"W ~ Σ_j w_j N(μ_j, τ_j² I): z + σ²·gmm.score(w, μ, τ² + σ², z) equals the posterior average computed by Bayes' rule; " +
				"σ from 1e-3 to 30, points near the atoms, at ties and 1e6 away",
			Tolerance: "1e-7 (protocol.md, mixture fields) times the size of the terms: max(|z|, |μ|, σ²|∇ log β_σ|) for the identity, " +
				"max(|z|, |μ|) (protocol.md: the largest input coordinate) for the posterior mean and the bounding box; plus, everywhere, the conditioning of the posterior weights to the " +
				"rounding of their logits (2δ·Σ r_j|u_j − ū|, δ = 16·eps·|z − μ_j|(|z − μ_j| + |μ_j|)/σ²: zero unless two atoms nearly tie " +
				"under tiny noise, where one ulp of z moves the posterior)",
			Ops: []string{OpGMMDenoise, OpGMMScore},
			Check: func(t *rapid.T, e *Env) {
				m := ipGenMix(t, 1, 5, 1, 4, true)
				n := rapid.IntRange(1, 4).Draw(t, "n")
				z := ipGenQueries(t, m, 1, 1, n, true)
				r := e.GMMDenoise(t, DenoiseArgs{W: m.w, Mu: m.c, Sigma: m.sigma, Z: z})
				s2 := m.sigma * m.sigma
				cmax := maxAbsMat(m.c)
				for p := range z {
					s := ipScoreGT(m.w, m.c, ipConst(len(m.w), s2), z[p])
					want := make([]float64, len(z[p]))
					scale := math.Max(numerics.MaxAbs(z[p]), cmax)
					for i := range want {
						want[i] = z[p][i] + s2*s[i]
						scale = math.Max(scale, s2*math.Abs(s[i]))
					}
					cond := 2*ipDiracSens(m.w, m.c, 1, s2, z[p]) + ipTiny
					e.ExpectVecClose(t, fmt.Sprintf("gmm.denoise vs z + σ²∇log β_σ at z[%d]", p), r.Mean[p], want, ipRtol*scale+cond)
					post := ipPostMeanGT(m.w, m.c, ipDiracTau2(len(m.w)), 1, s2, z[p])
					// protocol.md: the scale of a field is its largest input
					// coordinate, z included: a denoiser evaluated in
					// Tweedie's form z + σ²∇log β rounds at eps·|z| even
					// when the mean is small (atoms at 0, z far away).
					fscale := math.Max(numerics.MaxAbs(z[p]), cmax)
					tol := ipRtol*fscale + cond
					e.ExpectVecClose(t, fmt.Sprintf("gmm.denoise vs the posterior mean at z[%d]", p), r.Mean[p], post, tol)
					twBoxCheck(t, e, fmt.Sprintf("gmm.denoise at z[%d]", p), r.Mean[p], m.c, ipRtol*fscale+ipTiny)
				}
				// Gaussian-mixture data through gmm.score.
				tau2 := make([]float64, len(m.w))
				for j := range tau2 {
					tau2[j] = rapid.Float64Range(0, 4).Draw(t, "τ_j²")
				}
				sa := GMMScoreArgs{W: m.w, Mu: m.c, S2: make([]float64, len(m.w)), Z: z}
				for j := range tau2 {
					sa.S2[j] = tau2[j] + s2
				}
				sc := e.GMMScore(t, sa)
				for p := range z {
					post := ipPostMeanGT(m.w, m.c, tau2, 1, s2, z[p])
					got := make([]float64, len(z[p]))
					scale := math.Max(numerics.MaxAbs(z[p]), cmax)
					for i := range got {
						got[i] = z[p][i] + s2*sc.Score[p][i]
						scale = math.Max(scale, s2*math.Abs(sc.Score[p][i]))
					}
					e.ExpectVecClose(t, fmt.Sprintf("z + σ²·gmm.score vs the posterior average of Gaussian-mixture data at z[%d]", p), got, post,
						ipRtol*scale+2*s2*ipScoreSens(sa, z[p])+ipTiny)
				}
			},
		},
		&Claim{
			ID:     "tweedie.noise-posterior",
			Title:  "the noise posterior: E[Y | Z_t = z] = −b_t σ² ∇ log p_t(z)",
			Source: "[C] § Connection with diffusion models (E[Y | Z_t = z] = −t ∇log α_t(z) for the linear bridge, σ = 1) and § Variations on the interpolant",
			Statement: "for Dirac-mixture data and every schedule, E[Y | Z_t = z] obtained from gmm.denoise ((z − E[a_t X | Z_t])/b_t, noise level b_t σ) " +
				"and from flow.velocity ((a_t v − a'_t z)/(a_t b'_t − a'_t b_t)) equals −b_t σ² s_t(z), s_t the complex-step gradient of the " +
				"log-density of Σ_j w_j N(a_t c_j, b_t²σ² I); σ = 1 and the linear bridge give [C]'s −t ∇ log α_t",
			Tolerance: "1e-7 (protocol.md) times the size of the terms: (|z| + |a_t|·max|c|)/b_t (E[a_t X|Z] is a convex combination of the a_t c_j) and b_t σ²|s| for the denoiser route, " +
				"(|a_t|·max(|v|, terms of v) + |a'_t||z|)/|a_t b'_t − a'_t b_t| for the velocity route (skipped where that determinant is below 0.05: " +
				"the overshoot near t = 1/√2); plus the conditioning of the posterior weights to the rounding of their logits (see tweedie.denoiser-score)",
			Ops: []string{OpGMMDenoise, OpFlowVelocity},
			Check: func(t *rapid.T, e *Env) {
				m := ipGenMix(t, 1, 5, 1, 4, true)
				sched := ipGenSchedule(t)
				tt := ipGenTime(t, sched, true)
				k := ipCoefOf(sched, tt)
				z := ipGenQueries(t, m, k.a, k.b, rapid.IntRange(1, 4).Draw(t, "n"), true)
				den := e.GMMDenoise(t, DenoiseArgs{W: m.w, Mu: ipScaled(m.c, k.a), Sigma: k.b * m.sigma, Z: z})
				vel := e.FlowVelocity(t, ipVelArgs(sched, m, tt, z))
				det := k.a*k.db - k.da*k.b
				s2 := m.sigma * m.sigma
				for p := range z {
					s := ipScoreGT(m.w, ipScaled(m.c, k.a), ipConst(len(m.w), k.b*k.b*s2), z[p])
					want := make([]float64, len(z[p]))
					sw := 0.0
					for i := range want {
						want[i] = -k.b * s2 * s[i]
						sw = math.Max(sw, math.Abs(want[i]))
					}
					got := make([]float64, len(z[p]))
					scale := sw
					// E[a X | Z] is a convex combination of the atoms a·c_j:
					// its terms are max|a·c|, whatever its value (it cancels
					// to ~0 between atoms of opposite sign).
					acm := math.Abs(k.a) * maxAbsMat(m.c)
					for i := range got {
						got[i] = (z[p][i] - den.Mean[p][i]) / k.b
						scale = math.Max(scale, (math.Abs(z[p][i])+acm)/k.b)
					}
					// E[a_t X | Z] is the posterior average of a_t c_j.
					condD := 2*ipPostSens(m.w, ipScaled(m.c, k.a), ipConst(len(m.w), k.b*k.b*s2), z[p], ipScaled(m.c, k.a))/k.b + ipTiny
					e.ExpectVecClose(t, fmt.Sprintf("E[Y|Z] from gmm.denoise vs −bσ²∇log p_t at z[%d]", p), got, want, ipRtol*scale+condD)
					if math.Abs(det) < 0.05 {
						continue
					}
					scale = sw
					// v = a'E X + b'E Y: its terms are |a'|·max|c| and
					// |b'/b|(|z| + |a|·max|c|), whatever its value.
					vterms := math.Abs(k.da)*maxAbsMat(m.c) + math.Abs(k.db/k.b)*acm
					for i := range got {
						got[i] = (k.a*vel.V[p][i] - k.da*z[p][i]) / det
						vt := math.Max(math.Abs(vel.V[p][i]), vterms+math.Abs(k.db/k.b*z[p][i]))
						scale = math.Max(scale, (math.Abs(k.a)*vt+math.Abs(k.da*z[p][i]))/math.Abs(det))
					}
					condV := 2*math.Abs(k.a)*ipVelSens(m, k, z[p])/math.Abs(det) + condD
					e.ExpectVecClose(t, fmt.Sprintf("E[Y|Z] from flow.velocity vs −bσ²∇log p_t at z[%d]", p), got, want, ipRtol*scale+condV)
				}
			},
		},
		&Claim{
			ID:     "tweedie.velocity-decomposition",
			Title:  "the linear-bridge velocity from two denoisers",
			Source: "[C] § Connection with diffusion models (proof of the Gaussian-endpoint formula)",
			Statement: "for the linear bridge Z_t = (1−t)X + tY, Y ~ N(0, σ²I), W = (1−t)X: flow.velocity = (1/t)(z − E[W | Z_t]) − (1/(1−t)) E[W | Z_t] " +
				"with E[W | Z_t = z] = gmm.denoise(w, (1−t)c, tσ, z), t from 1e-6 to 1 − 1e-6, points near, at ties and far",
			Tolerance: "1e-7 (protocol.md) times the size of the terms max(|v|, (|z| + max|μ_W|)/t, max|μ_W|/(1−t)) (E W is a convex combination of the atoms μ_W = (1−t)c, whose size bounds its rounding), plus the conditioning of the " +
				"posterior weights to the rounding of their logits (see tweedie.denoiser-score) times 1/t + 1/(1−t)",
			Ops: []string{OpFlowVelocity, OpGMMDenoise},
			Check: func(t *rapid.T, e *Env) {
				m := ipGenMix(t, 1, 5, 1, 4, true)
				tt := ipGenTime(t, "linear", true)
				z := ipGenQueries(t, m, 1-tt, tt, rapid.IntRange(1, 4).Draw(t, "n"), true)
				v := e.FlowVelocity(t, ipVelArgs("linear", m, tt, z))
				D := e.GMMDenoise(t, DenoiseArgs{W: m.w, Mu: ipScaled(m.c, 1-tt), Sigma: tt * m.sigma, Z: z})
				for p := range z {
					want := make([]float64, len(z[p]))
					scale := numerics.MaxAbs(v.V[p])
					aw := ipScaled(m.c, 1-tt)
					wm := maxAbsMat(aw) // E W is a convex combination of the atoms: the size of its terms
					for i := range want {
						w := D.Mean[p][i]
						want[i] = (z[p][i]-w)/tt - w/(1-tt)
						scale = math.Max(scale, math.Max((math.Abs(z[p][i])+wm)/tt, wm/(1-tt)))
					}
					cond := 2*(1/tt+1/(1-tt))*ipPostSens(m.w, aw, ipConst(len(m.w), tt*tt*m.sigma*m.sigma), z[p], aw) + ipTiny
					e.ExpectVecClose(t, fmt.Sprintf("flow.velocity(linear) vs (z − E W)/t − E W/(1−t) at z[%d]", p), v.V[p], want, ipRtol*scale+cond)
				}
			},
		},
	)
}
