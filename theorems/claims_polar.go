package theorems

import (
	"math"
	"math/rand/v2"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/gaussian"
	"github.com/otverify/otverify/reference/polar"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// Claims of the polar family: polar factorisation of generators and
// measure-preserving rearrangements ([P] § Optional Refinement: Polar
// Factorization, § Gaussian-Preserving Rearrangements, § Why
// Divergence-Free ODEs and Euler Regularization Appear).

// Statistical settings: every statistical assertion has false-alarm rate
// at most 1e-6 per check (Bonferroni over the assertions of the check).
const (
	gsPolarSamples = 1024 // > 1000: numerics.KSPValue is O(1) in the body and exact (Smirnov) in the tail where the test rejects
	gsPolarAlpha   = 1e-6
	// gsPolarZ is the one-sided normal quantile for the mean-cost
	// assertions: z = 6 has normal tail 1e-9; the summands are quadratic
	// forms of Gaussians (sub-exponential), whose standardised mean over
	// 1024 samples has a tail at 6σ within a factor 1e3 of the normal one
	// (Berry–Esseen-type skewness correction), so each such assertion
	// false-alarms with probability ≤ 1e-6.
	gsPolarZ = 6.0
)

// gsDrawCubeMap draws a measure-preserving map of the cube of dimension d:
// a composition of 1 to 3 permutations, reflections, shifts and shears.
// With fixFirst, the first coordinate is reflected (u_0 ↦ 1 − u_0) and every
// other map leaves coordinate 0 alone, so M(z)_0 = −z_0 exactly.
func gsDrawCubeMap(t *rapid.T, d int, fixFirst bool) polar.CubeMap {
	lo := 0
	var maps []polar.CubeMap
	if fixFirst {
		axes := make([]bool, d)
		axes[0] = true
		maps = append(maps, polar.Reflection{Axes: axes})
		lo = 1
	}
	free := d - lo
	k := rapid.IntRange(1, 3).Draw(t, "maps")
	for i := 0; i < k && free > 0; i++ {
		switch rapid.SampledFrom([]string{"shift", "reflection", "permutation", "shear"}).Draw(t, "map") {
		case "shift":
			s := make([]float64, d)
			for j := lo; j < d; j++ {
				s[j] = rapid.Float64Range(0, 1).Draw(t, "shift")
			}
			maps = append(maps, polar.Shift{S: s})
		case "reflection":
			axes := make([]bool, d)
			for j := lo; j < d; j++ {
				axes[j] = rapid.Bool().Draw(t, "reflect")
			}
			maps = append(maps, polar.Reflection{Axes: axes})
		case "permutation":
			p := rapid.Permutation(gsSeq(free)).Draw(t, "perm")
			perm := gsSeq(d)
			for j := range p {
				perm[lo+j] = lo + p[j]
			}
			maps = append(maps, polar.Permutation{Perm: perm})
		case "shear":
			// Both indices among the free coordinates, so coordinate 0 stays untouched with fixFirst.
			if free < 2 {
				continue
			}
			i0 := rapid.IntRange(lo, d-1).Draw(t, "shear_i")
			j0 := lo + (i0-lo+1+rapid.IntRange(0, free-2).Draw(t, "shear_j"))%free
			maps = append(maps, polar.Shear{D: d, I: i0, J: j0, C: rapid.Float64Range(-3, 3).Draw(t, "shear_c")})
		}
	}
	if len(maps) == 0 {
		maps = append(maps, polar.Shift{S: make([]float64, d)})
	}
	return polar.Compose{Maps: maps}
}

// gsProjections returns the unit directions e_i and (e_i ± e_j)/√2, i < j:
// N(0, I) ⇔ every projection is N(0, 1) given joint Gaussianity, and the
// (e_i ± e_j) projections detect correlation (variance 1 ± ρ_ij).
func gsProjections(d int) [][]float64 {
	var out [][]float64
	for i := 0; i < d; i++ {
		v := make([]float64, d)
		v[i] = 1
		out = append(out, v)
	}
	for i := 0; i < d; i++ {
		for j := i + 1; j < d; j++ {
			for _, s := range []float64{1, -1} {
				v := make([]float64, d)
				v[i], v[j] = 1/math.Sqrt2, s/math.Sqrt2
				out = append(out, v)
			}
		}
	}
	return out
}

// gsKSProjections runs a KS test of ⟨θ, w⟩/σ_θ against N(0, 1) for each
// projection θ, at per-test level gsPolarAlpha/(number of tests).
func gsKSProjections(t *rapid.T, e *Env, W [][]float64, sigma func(th []float64) float64, what string) {
	d := len(W[0])
	proj := gsProjections(d)
	alpha := gsPolarAlpha / float64(len(proj))
	v := make([]float64, len(W))
	for _, th := range proj {
		s := sigma(th)
		for k, w := range W {
			v[k] = dot(th, w) / s
		}
		r, err := numerics.KSOneSample(v, gaussian.NormalCDF)
		if err != nil {
			e.Fatalf(t, "KS test: %v", err)
		}
		e.Expect(t, r.PValue >= alpha, what, "projection %v: KS statistic %.4g, p-value %.3g < %.3g (family-wise false-alarm rate %g)", th, r.D, r.PValue, alpha, gsPolarAlpha)
	}
}

func init() {
	Register(
		&Claim{
			ID:     "polar.gaussian-preserving",
			Title:  "Rearrangements through uniform coordinates preserve N(0, I)",
			Source: "[P] § Gaussian-Preserving Rearrangements via Uniform Coordinates",
			Statement: "M = Φ^{-1}∘φ∘Φ with φ measure-preserving on the cube (permutations, reflections, shifts mod 1, shears mod 1, and " +
				"compositions) maps N(0, I) to N(0, I): KS tests of every coordinate and of every (e_i ± e_j)/√2 projection (which detect " +
				"correlation) on 1024 samples",
			Tolerance: "KS p-values (numerics.KSOneSample, n = 1024: exact Smirnov tail near the rejection level, so the decision is exact) at level 1e-6 divided among the projections: family-wise false-alarm " +
				"rate 1e-6 per check",
			Check: func(t *rapid.T, e *Env) {
				d := rapid.IntRange(1, 3).Draw(t, "d")
				phi := gsDrawCubeMap(t, d, false)
				seed := rapid.Uint64().Draw(t, "seed")
				e.Input("phi", phi)
				rng := rand.New(rand.NewPCG(seed, 0x9a055))
				Z, err := numerics.NormalRows(rng, gsPolarSamples, d)
				if err != nil {
					e.Fatalf(t, "sampling: %v", err)
				}
				M, err := polar.Rearranger(phi, d)
				if err != nil {
					e.Fatalf(t, "Rearranger: %v", err)
				}
				W := make([][]float64, len(Z))
				for k, z := range Z {
					if W[k], err = M(z); err != nil {
						e.Fatalf(t, "Rearrange: %v", err)
					}
				}
				gsKSProjections(t, e, W, func([]float64) float64 { return 1 }, "M(Z) ~ N(0, I)")
			},
		},
		&Claim{
			ID:     "polar.same-law-different-cost",
			Title:  "Same law, different cost; Brenier the least",
			Source: "[P] § Same Density, Different Pairing; § Immediate Consequence of Brenier's Theorem",
			Statement: "for a generator G with G♯N(0,I) = N(0,Σ) (G = Cholesky factor L, or Σ^{1/2}) and a Gaussian-preserving rearrangement M " +
				"(reflecting coordinate 0, then shifts, shears, reflections, permutations of the others), G∘M has the same law N(0,Σ), a different " +
				"cost — E‖Z − GM(Z)‖² − E‖Z − GZ‖² ≥ 4G_00 for G = Σ^{1/2} — and the Brenier map (gauss.ot_map from I to Σ) costs least: " +
				"cost(T) ≤ cost(L), cost(T) ≤ cost(Σ^{1/2}R) for rotations R, cost(T) ≤ E‖Z − GM(Z)‖²",
			Tolerance: "T Tᵀ = Σ within 2.5e-7·max(|T||T|ᵀ) and closed-form costs with the propagated map tolerance (protocol.md's 1e-7); " +
				"same law by KS tests at family-wise level 1e-6; Monte-Carlo costs (1024 samples) within 6 standard errors (≤ 1e-6 false alarms, " +
				"see gsPolarZ)",
			Ops: []string{OpGaussOTMap},
			Check: func(t *rapid.T, e *Env) {
				d := rapid.IntRange(1, 3).Draw(t, "d")
				c := gsDrawCov(t, d, "Sigma", gsCondsEasy)
				Id := gsEye(d)
				cI := gsCov{S: gsSymOf(Id), Q: Id, Lam: gsFill(d, 1)}
				T := gsDenseOf(e.GaussOTMap(t, gsMapArgs(gsEyeRows(d), c.rows())).A)
				e.ExpectMatClose(t, "T Tᵀ = Σ", numerics.ToRows(gsMmul(T, T.T())), c.rows(), gsRtolPush*gsTermScale(T, Id, T))
				costT := gsCostOf(T, Id)
				tolT := gsMapCostTol(T, cI)
				root := mat.DenseCopyOf(c.fn(math.Sqrt))
				L := mat.DenseCopyOf(gsCholFactor(c.S))
				R := gsDrawRotation(t, d, "R", 0)
				e.ExpectLeq(t, "cost(T) ≤ cost(L)", costT, gsCostOf(L, Id), tolT)
				e.ExpectLeq(t, "cost(T) ≤ cost(Σ^{1/2})", costT, gsCostOf(root, Id), tolT)
				e.ExpectLeq(t, "cost(T) ≤ cost(Σ^{1/2} R)", costT, gsCostOf(gsMmul(root, R), Id), tolT)
				// Nonlinear rearrangements, by Monte Carlo.
				phi := gsDrawCubeMap(t, d, true)
				e.Input("phi", phi)
				seed := rapid.Uint64().Draw(t, "seed")
				rng := rand.New(rand.NewPCG(seed, 0x9a056))
				Z, err := numerics.NormalRows(rng, gsPolarSamples, d)
				if err != nil {
					e.Fatalf(t, "sampling: %v", err)
				}
				M, err := polar.Rearranger(phi, d)
				if err != nil {
					e.Fatalf(t, "Rearranger: %v", err)
				}
				MZ := make([][]float64, len(Z))
				for k, z := range Z {
					if MZ[k], err = M(z); err != nil {
						e.Fatalf(t, "Rearrange: %v", err)
					}
				}
				for gi, G := range []*mat.Dense{root, L} {
					name := []string{"Σ^{1/2}", "L"}[gi]
					out := make([][]float64, len(Z))
					costs := make([]float64, len(Z))
					for k, z := range Z {
						out[k] = gsMatVec(G, MZ[k])
						costs[k] = dist2(z, out[k])
					}
					if gi == 0 {
						// G∘M ~ N(0, Σ) ⇔ M(Z) ~ N(0, I) for any invertible G: one generator suffices.
						gsKSProjections(t, e, out, func(th []float64) float64 {
							return math.Sqrt(dot(th, gsMatVec(c.S, th)))
						}, name+"∘M has the law N(0, Σ)")
					}
					mean, se := gsMeanSE(costs)
					e.ExpectLeq(t, "cost(T) ≤ E‖Z − "+name+"∘M(Z)‖² (Monte Carlo)", costT, mean+gsPolarZ*se, tolT)
					if gi == 0 {
						diff := mean - gsCostOf(root, Id)
						e.ExpectLeq(t, "E‖Z − Σ^{1/2}M(Z)‖² − E‖Z − Σ^{1/2}Z‖² ≥ 4(Σ^{1/2})_00 (different cost)", 4*root.At(0, 0), diff+gsPolarZ*se, 0)
					}
				}
			},
		},
		&Claim{
			ID:     "polar.divergence-free-volume",
			Title:  "Divergence-free flows on the torus preserve volume",
			Source: "[P] § Why Divergence-Free ODEs and Euler Regularization Appear (Liouville's formula)",
			Statement: "the time-T flow of a divergence-free field on the torus (stream-function modes) has det J = 1; more generally " +
				"det J = exp(∫_0^T ∇·v(x_t) dt) (Liouville), checked with J from the variational equation and from finite differences of the " +
				"flow map, also for compressible fields (gradient modes) as a control",
			Tolerance: "Dormand–Prince at RelTol = AbsTol = 1e-12: det of the variational J within 1e-8 of Liouville's value; the " +
				"Richardson finite-difference Jacobian of the flow map (step 7.4e-6; rotational modes of amplitude ≤ 0.05, gradient modes ≤ 0.01, |K_i| ≤ 2, T ≤ 1) within " +
				"1e-5·max(1, det): the integration error (≈ 1e-11, not smooth in x0 because the step sequence changes) divided by the step, ≈ 1e-6",
			Check: func(t *rapid.T, e *Env) {
				d := rapid.IntRange(2, 3).Draw(t, "d")
				nm := rapid.IntRange(1, 3).Draw(t, "modes")
				compressible := rapid.Bool().Draw(t, "compressible")
				f := polar.TorusField{D: d}
				for k := 0; k < nm; k++ {
					K := rapid.SliceOfN(rapid.IntRange(-2, 2), d, d).Draw(t, "K")
					if K[0] == 0 && K[1] == 0 {
						K[0] = 1
					}
					i := rapid.IntRange(0, d-1).Draw(t, "I")
					j := (i + 1 + rapid.IntRange(0, d-2).Draw(t, "J")) % d
					amp := rapid.Float64Range(-0.05, 0.05).Draw(t, "amp")
					grad := compressible && k == 0
					if grad {
						amp /= 5 // |∇·v| ≤ (2π)²·|K|²·0.01 ≈ 3.2, so det J stays within e^{±3.2}
					}
					f.Modes = append(f.Modes, polar.Mode{I: i, J: j, K: K, Amp: amp,
						Phase:    rapid.Float64Range(0, 2*math.Pi).Draw(t, "phase"),
						Gradient: grad})
				}
				x0 := rapid.SliceOfN(rapid.Float64Range(0, 1), d, d).Draw(t, "x0")
				T := rapid.Float64Range(0.1, 1).Draw(t, "T")
				e.Input("field", f)
				opt := numerics.Options{RelTol: 1e-12, AbsTol: 1e-12}
				res, err := polar.FlowMap(f, x0, T, opt)
				if err != nil {
					e.Fatalf(t, "FlowMap: %v", err)
				}
				want := 1.0
				if !f.DivergenceFree() {
					want = math.Exp(res.LogDetIntegral)
				} else {
					e.ExpectClose(t, "∫ ∇·v dt = 0 for a divergence-free field", res.LogDetIntegral, 0, 1e-10)
				}
				e.ExpectClose(t, "det J (variational equation) = exp(∫ ∇·v dt)", mat.Det(res.J), want, 1e-8*math.Max(1, want))
				// Differences in the scaled variable s, x = x0 + δ s (δ = 0.01): step 7.4e-6 in x, small against the
				// flow's length scale 1/(2π|K|) so that the Richardson truncation (∝ (k h)⁴) stays below 1e-8.
				const delta = 0.01
				J, err := numerics.Jacobian(func(s []float64) []float64 {
					x := make([]float64, d)
					for i := range x {
						x[i] = x0[i] + delta*s[i]
					}
					r, err := polar.FlowMap(f, x, T, opt)
					if err != nil {
						return []float64{math.NaN()}
					}
					return r.X
				}, make([]float64, d), numerics.Richardson)
				if err != nil {
					e.Fatalf(t, "finite-difference Jacobian: %v", err)
				}
				J.Scale(1/delta, J)
				e.ExpectClose(t, "det J (finite differences of the flow map) = exp(∫ ∇·v dt)", mat.Det(J), want, 1e-5*math.Max(1, want))
			},
		},
	)
}

// gsMatVec returns S θ.
func gsMatVec(S mat.Matrix, th []float64) []float64 {
	var v mat.VecDense
	v.MulVec(S, mat.NewVecDense(len(th), th))
	return append([]float64(nil), v.RawVector().Data...)
}

// gsMeanSE returns the sample mean and its standard error.
func gsMeanSE(x []float64) (float64, float64) {
	n := float64(len(x))
	m := sum(x) / n
	v := 0.0
	for _, y := range x {
		v += (y - m) * (y - m)
	}
	return m, math.Sqrt(v / (n - 1) / n)
}
