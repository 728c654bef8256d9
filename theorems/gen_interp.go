package theorems

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"sort"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/interp"
	"pgregory.net/rapid"
)

// Generators and independent ground truths of the interp and tweedie
// families. Nothing here calls reference/mixture or the velocity code of
// reference/interp: scores are complex-step derivatives of log-densities
// written here, schedule derivatives are complex-step derivatives of the
// closed forms of protocol.md written here, and posterior means are
// complex-step derivatives of posterior cumulant generating functions.
//
// Complex-step differentiation: for f analytic and real on the real axis,
// f'(x) = Im f(x + ih)/h + O(h²) with no subtraction, so with h = 1e-30 the
// derivative is exact to rounding (a few ulps of the terms), at any
// distance from the atoms — unlike finite differences, whose rounding error
// eps·|f|/h explodes where log p ≈ −1e12.

// ipH is the complex step.
const ipH = 1e-30

// ipRtol is protocol.md's relative tolerance for mixture fields, applied to
// the size of the terms of the computation.
const ipRtol = 1e-7

// ---------------------------------------------------------------------------
// Schedules over the complex numbers (closed forms of protocol.md).

// ipExpm1C is e^u − 1 for complex u, accurate for small |u| (the real part
// is expm1(x)·cos y − 2 sin²(y/2)).
func ipExpm1C(u complex128) complex128 {
	x, y := real(u), imag(u)
	s, c := math.Sincos(y)
	h := math.Sin(y / 2)
	return complex(math.Expm1(x)*c-2*h*h, math.Exp(x)*s)
}

// ipSchedC returns (a_t, b_t) of a protocol.md schedule at complex t.
func ipSchedC(name string, t complex128) (complex128, complex128) {
	switch name {
	case "linear":
		return 1 - t, t
	case "vp":
		return cmplx.Exp(-t), cmplx.Sqrt(-ipExpm1C(-2 * t))
	case "cosine":
		if real(t) > 0.5 { // cos(πt/2) = sin(π(1−t)/2): 1 − t is exact, a_t keeps its relative accuracy
			return cmplx.Sin(math.Pi * (1 - t) / 2), cmplx.Cos(math.Pi * (1 - t) / 2)
		}
		return cmplx.Cos(math.Pi * t / 2), cmplx.Sin(math.Pi * t / 2)
	case "overshoot":
		return (1 - t) * (1 - 2*t), t
	}
	panic("theorems: unknown schedule " + name)
}

// ipCosineTau is the time change τ(t) = −log cos(πt/2) that makes the
// cosine schedule VP, and τ'(t) = (π/2) tan(πt/2), each evaluated in the
// form that keeps full relative accuracy near its end (log1p near 0, the
// reflection cos(πt/2) = sin(π(1 − t)/2) near 1).
func ipCosineTau(t float64) (float64, float64) {
	if t > 0.5 {
		u := math.Pi * (1 - t) / 2
		return -math.Log(math.Sin(u)), math.Pi / 2 / math.Tan(u)
	}
	s := math.Sin(math.Pi * t / 2)
	return -0.5 * math.Log1p(-s*s), math.Pi / 2 * math.Tan(math.Pi*t/2)
}

// ipCoef is a schedule's (a, b, a', b') at real t, derivatives by complex step.
type ipCoef struct{ a, b, da, db float64 }

func ipCoefOf(name string, t float64) ipCoef {
	a, b := ipSchedC(name, complex(t, ipH))
	return ipCoef{a: real(a), b: real(b), da: imag(a) / ipH, db: imag(b) / ipH}
}

// ipScheduleRange is protocol.md's query range of each schedule.
var ipScheduleRange = map[string][2]float64{
	"linear": {0, 1}, "vp": {0, math.Inf(1)}, "cosine": {0, 1}, "overshoot": {0, 1},
}

var ipSchedules = []string{"linear", "vp", "cosine", "overshoot"}

// ---------------------------------------------------------------------------
// Ground truths.

// ipLogDensC is log Σ_j w_j N(z; m_j, v_j I) at complex z (log-sum-exp with
// the real maximum subtracted).
func ipLogDensC(w []float64, m [][]float64, v []float64, z []complex128) complex128 {
	d := float64(len(z))
	l := make([]complex128, len(w))
	mx := math.Inf(-1)
	for j := range w {
		var s complex128
		for i, zi := range z {
			u := zi - complex(m[j][i], 0)
			s += u * u
		}
		l[j] = complex(numerics.Log(w[j])-d/2*numerics.Log(2*math.Pi*v[j]), 0) - s/complex(2*v[j], 0)
		if real(l[j]) > mx {
			mx = real(l[j])
		}
	}
	var s complex128
	for _, lj := range l {
		s += cmplx.Exp(lj - complex(mx, 0))
	}
	return complex(mx, 0) + cmplx.Log(s)
}

// ipScoreGT is ∇ log Σ_j w_j N(z; m_j, v_j I) by complex-step
// differentiation of ipLogDensC, one coordinate at a time.
//
// The problem is first rescaled by a power of two c (exact): s(z) =
// s_c(z/c)/c for the mixture with means m/c and variances v/c², c the
// largest of |z|, |m| and √v, so that the step's imaginary parts
// (z − m)·h/v stay normal numbers: with z ≈ 1e−287 and the fixed step
// 1e−30 they were subnormal and the ground truth lost 7 digits. The step
// is h = 1e−12·min v/c² in scaled units: the complex step has no
// cancellation, and its truncation is of relative order (h/v)² ≤ 1e−24.
func ipScoreGT(w []float64, m [][]float64, v []float64, z []float64) []float64 {
	S, vmin := 0.0, math.Inf(1)
	for _, zi := range z {
		S = math.Max(S, math.Abs(zi))
	}
	for j := range m {
		for _, mi := range m[j] {
			S = math.Max(S, math.Abs(mi))
		}
		S = math.Max(S, math.Sqrt(v[j]))
		vmin = math.Min(vmin, v[j])
	}
	c := 1.0
	if S > 0 && !math.IsInf(S, 0) && !math.IsNaN(S) {
		c = math.Ldexp(1, math.Ilogb(S))
	}
	zs, ms, vs := make([]float64, len(z)), make([][]float64, len(m)), make([]float64, len(v))
	ok := true
	for i := range z {
		zs[i] = z[i] / c
	}
	for j := range m {
		ms[j] = make([]float64, len(m[j]))
		for i := range m[j] {
			ms[j][i] = m[j][i] / c
		}
		vs[j] = v[j] / c / c
		ok = ok && vs[j] >= 0x1p-1022 && !math.IsInf(vs[j], 0)
	}
	h := ipH
	if ok {
		// In scaled units |z − m| ≤ 2, so the phases (z − m)·h/v of the
		// complex exponents stay below 1e−12 (the complex step needs
		// them small), and they are normal numbers down to |z − m| ≈ 1e−280.
		h = 1e-12 * vmin / c / c
	} else {
		zs, ms, vs, c = z, m, v, 1
	}
	zc := make([]complex128, len(z))
	out := make([]float64, len(z))
	for i := range z {
		for k := range z {
			zc[k] = complex(zs[k], 0)
		}
		zc[i] += complex(0, h)
		out[i] = imag(ipLogDensC(w, ms, vs, zc)) / h / c
	}
	return out
}

// ipPostMeanGT is E[X | Z = z] for X ~ Σ_j w_j N(c_j, τ²_j I) (τ_j = 0:
// Dirac) and Z = aX + N, N ~ N(0, ν I): the gradient at u = 0 of the
// posterior cumulant generating function
// K(u) = log Σ_j w_j N(z; a c_j, v_j I) exp(⟨u, m_j(z)⟩), m_j(z) = c_j +
// (a τ²_j / v_j)(z − a c_j), v_j = a²τ²_j + ν, by complex step in u.
func ipPostMeanGT(w []float64, c [][]float64, tau2 []float64, a, nu float64, z []float64) []float64 {
	k, d := len(w), len(z)
	base := make([]float64, k)
	mj := make([][]float64, k)
	mx := math.Inf(-1)
	for j := range k {
		v := a*a*tau2[j] + nu
		s := 0.0
		mj[j] = make([]float64, d)
		for i := range z {
			r := z[i] - a*c[j][i]
			s += r * r
			mj[j][i] = c[j][i] + a*tau2[j]/v*r
		}
		base[j] = math.Log(w[j]) - float64(d)/2*math.Log(v) - s/(2*v)
		mx = math.Max(mx, base[j])
	}
	out := make([]float64, d)
	for i := range d {
		var s complex128
		for j := range k {
			s += cmplx.Exp(complex(base[j]-mx, ipH*mj[j][i]))
		}
		out[i] = imag(cmplx.Log(s)) / ipH
	}
	return out
}

// ipPostSens bounds how far a posterior average Σ_j r_j u_j can move when
// the logits ℓ_j = log w_j − (d/2) log v_j − ‖z − m_j‖²/(2 v_j) of its
// responsibilities r_j are perturbed by their rounding: every correct
// float64 implementation, and our ground truth, computes ℓ_j with an
// absolute error up to δ_j = 16·eps·‖z − m_j‖(‖z − m_j‖ + ‖m_j‖)/v_j (the
// squared distance, and the rounding of the means m_j = a·c_j it is
// measured from). To first order the average moves by at most
// 2δ·Σ_j r_j‖u_j − ū‖∞ (δ the largest δ_j among the components that
// matter); when δ > ¼ the bound is the spread of the u_j instead. This is
// the conditioning of the problem itself: it vanishes unless two
// components nearly tie, and it is large only at near-ties under tiny
// noise (e.g. z midway between two atoms with b_t σ = 1e-6, where a change
// of z by one ulp moves the posterior). The tolerances of the mixture
// claims add it to protocol.md's 1e-7 relative term.
func ipPostSens(w []float64, m [][]float64, v []float64, z []float64, u [][]float64) float64 {
	k := len(w)
	l := make([]float64, k)
	dj := make([]float64, k)
	mx := math.Inf(-1)
	for j := range k {
		dz := math.Sqrt(dist2(z, m[j]))
		l[j] = math.Log(w[j]) - float64(len(z))/2*math.Log(v[j]) - dz*dz/(2*v[j])
		dj[j] = 16 * ipEps * dz * (dz + ipNorm(m[j])) / v[j]
		mx = math.Max(mx, l[j])
	}
	delta := 0.0
	for j := range k {
		if l[j] >= mx-60 {
			delta = math.Max(delta, dj[j])
		}
	}
	r := make([]float64, k)
	tot := 0.0
	for j := range k {
		r[j] = math.Exp(l[j] - mx)
		tot += r[j]
	}
	d := len(u[0])
	ubar := make([]float64, d)
	for j := range k {
		r[j] /= tot
		for i := range ubar {
			ubar[i] += r[j] * u[j][i]
		}
	}
	if delta <= 0.25 {
		s := 0.0
		for j := range k {
			s += r[j] * numerics.MaxAbsDiff(u[j], ubar)
		}
		return 2 * delta * s
	}
	spread := 0.0
	for j := range k {
		if l[j] < mx-60-4*delta {
			continue
		}
		for q := range k {
			if l[q] >= mx-60-4*delta {
				spread = math.Max(spread, numerics.MaxAbsDiff(u[j], u[q]))
			}
		}
	}
	return spread
}

// ipDiracSens is ipPostSens for E[X | Z = z], Z = aX + N(0, ν I), X Dirac
// data at c: means a·c_j, variance ν, averaged vectors c_j.
func ipDiracSens(w []float64, c [][]float64, a, nu float64, z []float64) float64 {
	return ipPostSens(w, ipScaled(c, a), ipConst(len(w), nu), z, c)
}

// ipVelSens is the rounding conditioning of a velocity a'E[X|Z] +
// (b'/b)(z − aE[X|Z]): |a' − b'a/b| times that of E[X|Z].
func ipVelSens(m ipMix, k ipCoef, z []float64) float64 {
	return math.Abs(k.da-k.db*k.a/k.b) * ipDiracSens(m.w, m.c, k.a, k.b*k.b*m.sigma*m.sigma, z)
}

// ipTiny is an absolute floor for tolerances (below it float64 loses
// relative precision: subnormals).
const ipTiny = 1e-290

// ipDiracTau2 is a zero τ² vector (Dirac data).
func ipDiracTau2(k int) []float64 { return make([]float64, k) }

// ipVelTerms are the terms of the posterior form of the velocity,
// a'·E[X|Z] + (b'/b)·(z − a·E[X|Z]), with its value.
type ipVelTerms struct {
	v     []float64
	scale float64 // max |term|
	cond  float64 // rounding conditioning of the posterior weights (ipPostSens), absolute
}

// ipVelocityPosteriorGT is E[a'X + b'Y | Z_t = z] for Dirac data by the
// posterior cumulant generating function (ipPostMeanGT): Y = N/b.
func ipVelocityPosteriorGT(w []float64, c [][]float64, sigma float64, k ipCoef, z []float64) ipVelTerms {
	nu := k.b * k.b * sigma * sigma
	ex := ipPostMeanGT(w, c, ipDiracTau2(len(w)), k.a, nu, z)
	out := ipVelTerms{v: make([]float64, len(z))}
	// E[X|Z] is a convex combination of the atoms: the size of its terms is
	// max|c|, not |E[X|Z]| (which cancels to ~0 between atoms of opposite
	// sign, e.g. weights ⅗, ⅖ at 2 and −3).
	cm := maxAbsMat(c)
	for i := range z {
		res := z[i] - k.a*ex[i]
		out.v[i] = k.da*ex[i] + k.db/k.b*res
		out.scale = math.Max(out.scale, math.Max(math.Abs(k.da)*cm, math.Abs(k.db/k.b)*(math.Abs(z[i])+math.Abs(k.a)*cm)))
	}
	return out
}

// ipVelocityTweedieGT is the velocity by [C]'s formula
// v = (a'/a) z + (a' b²/a − b' b) σ² s_t(z) with s_t the score of the exact
// marginal Σ_j w_j N(a c_j, b²σ² I) by complex step (ipScoreGT), with the
// size of its terms. Undefined where a = 0.
func ipVelocityTweedieGT(w []float64, c [][]float64, sigma float64, k ipCoef, z []float64) ipVelTerms {
	mu := ipScaled(c, k.a)
	v := ipConst(len(w), k.b*k.b*sigma*sigma)
	s := ipScoreGT(w, mu, v, z)
	coef := (k.da*k.b*k.b/k.a - k.db*k.b) * sigma * sigma
	out := ipVelTerms{v: make([]float64, len(z))}
	for i := range z {
		t1, t2 := k.da/k.a*z[i], coef*s[i]
		out.v[i] = t1 + t2
		out.scale = math.Max(out.scale, math.Max(math.Abs(t1), math.Abs(t2)))
	}
	return out
}

// ---------------------------------------------------------------------------
// Small helpers (prefixed: the package namespace is shared).

func ipScaled(c [][]float64, a float64) [][]float64 {
	out := make([][]float64, len(c))
	for j := range c {
		out[j] = make([]float64, len(c[j]))
		for i, v := range c[j] {
			out[j][i] = a * v
		}
	}
	return out
}

func ipConst(n int, v float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func ipNorm(a []float64) float64 { return math.Sqrt(dot(a, a)) }

func ipCopy(M [][]float64) [][]float64 {
	out := make([][]float64, len(M))
	for i := range M {
		out[i] = append([]float64(nil), M[i]...)
	}
	return out
}

// ipNormalCDF is Φ(x) = ½ erfc(−x/√2) (accurate in both tails).
func ipNormalCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// ipMixCDF1 is the CDF of the 1-D mixture Σ_j w_j N(m_j, s_j²).
func ipMixCDF1(w, m, s []float64, x float64) float64 {
	f := 0.0
	for j := range w {
		f += w[j] * ipNormalCDF((x-m[j])/s[j])
	}
	return f
}

// ipMixQuantile1 inverts ipMixCDF1 by bisection to |Δx| ≤ 1e-13·(1 + |x|).
func ipMixQuantile1(w, m, s []float64, u float64) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for j := range m {
		lo = math.Min(lo, m[j]-40*s[j])
		hi = math.Max(hi, m[j]+40*s[j])
	}
	for it := 0; it < 200 && hi-lo > 1e-13*(1+math.Abs(lo)+math.Abs(hi)); it++ {
		mid := 0.5 * (lo + hi)
		if ipMixCDF1(w, m, s, mid) < u {
			lo = mid
		} else {
			hi = mid
		}
	}
	return 0.5 * (lo + hi)
}

// ipKS is the one-sample Kolmogorov–Smirnov statistic sup|F_n − F|.
func ipKS(x []float64, F func(float64) float64) float64 {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	n := float64(len(s))
	d := 0.0
	for i, v := range s {
		f := F(v)
		d = math.Max(d, math.Max(float64(i+1)/n-f, f-float64(i)/n))
	}
	return d
}

// ipDKW is the Dvoretzky–Kiefer–Wolfowitz bound with Massart's constant:
// P(sup|F_n − F| > ε) ≤ 2 exp(−2nε²) for every n, so ε = sqrt(ln(2/α)/(2n))
// has false-alarm rate ≤ α exactly (not asymptotically).
func ipDKW(n int, alpha float64) float64 { return math.Sqrt(math.Log(2/alpha) / (2 * float64(n))) }

// ipBernoulliKL is KL(Ber(q) ‖ Ber(p)).
func ipBernoulliKL(q, p float64) float64 {
	k := 0.0
	if q > 0 {
		k += q * math.Log(q/p)
	}
	if q < 1 {
		k += (1 - q) * math.Log((1-q)/(1-p))
	}
	return k
}

// ipRNG is a seeded generator from a rapid-drawn seed (bulk data only).
// The seed has 20 bits: enough distinct instances for any budget, and few
// bits for rapid to shrink (each attempt of a statistical check integrates
// a flow).
func ipRNG(t *rapid.T, label string) *rand.Rand {
	s := rapid.Uint64Range(0, 1<<20).Draw(t, label)
	return rand.New(rand.NewPCG(s, 0x9e3779b97f4a7c15))
}

// ---------------------------------------------------------------------------
// Instance generators.

// ipMix is Dirac-mixture data Σ_j w_j δ_{c_j} with a noise level σ.
type ipMix struct {
	w     []float64
	c     [][]float64
	sigma float64
}

// ipGenWeights draws k weights > 0 summing to 1: integers in [1, 16]
// normalised, optionally one of them made tiny (1e-6 relative), which
// creates large log-weight gaps. Shrinks to equal weights.
func ipGenWeights(t *rapid.T, k int) []float64 {
	raw := rapid.SliceOfN(rapid.IntRange(1, 16), k, k).Draw(t, "weights (integers, normalised)")
	tiny := rapid.IntRange(-1, k-1).Draw(t, "tiny weight index (−1: none)")
	w := make([]float64, k)
	s := 0.0
	for j, r := range raw {
		w[j] = float64(r)
		if j == tiny && k > 1 {
			w[j] = 1e-6
		}
		s += w[j]
	}
	for j := range w {
		w[j] /= s
	}
	return w
}

// ipGenAtoms draws k atoms of R^d: small integers (duplicates, symmetric
// configurations and exact ties are common) or reals in [−5, 5].
func ipGenAtoms(t *rapid.T, k, d int) [][]float64 {
	if rapid.Bool().Draw(t, "integer atoms") {
		return genIntPointsIP(t, k, d, 3, "atoms (integers)")
	}
	v := rapid.SliceOfN(rapid.Float64Range(-5, 5), k*d, k*d).Draw(t, "atoms (reals)")
	c := make([][]float64, k)
	for j := range c {
		c[j] = append([]float64(nil), v[j*d:(j+1)*d]...)
	}
	return c
}

func genIntPointsIP(t *rapid.T, n, d, r int, label string) [][]float64 {
	v := rapid.SliceOfN(rapid.IntRange(-r, r), n*d, n*d).Draw(t, label)
	P := make([][]float64, n)
	for i := range P {
		P[i] = make([]float64, d)
		for k := range P[i] {
			P[i][k] = float64(v[i*d+k])
		}
	}
	return P
}

// ipGenSigma draws σ: 1 (the [C] convention), a moderate real, or with
// hard an extreme value (1e-3: huge logits; 30: nearly uninformative).
func ipGenSigma(t *rapid.T, hard bool) float64 {
	gens := []*rapid.Generator[float64]{rapid.Just(1.0), rapid.Float64Range(0.2, 3)}
	if hard {
		gens = append(gens, rapid.SampledFrom([]float64{1e-3, 0.05, 30}))
	}
	return rapid.OneOf(gens...).Draw(t, "sigma")
}

func ipGenMix(t *rapid.T, kmin, kmax, dmin, dmax int, hard bool) ipMix {
	d := rapid.IntRange(dmin, dmax).Draw(t, "d")
	k := rapid.IntRange(kmin, kmax).Draw(t, "k")
	return ipMix{w: ipGenWeights(t, k), c: ipGenAtoms(t, k, d), sigma: ipGenSigma(t, hard)}
}

// ipGenSchedule draws one of protocol.md's schedules.
func ipGenSchedule(t *rapid.T) string {
	return rapid.SampledFrom(ipSchedules).Draw(t, "schedule")
}

// ipGenTime draws t in the schedule's query range: moderate values, or with
// hard values hugging the ends (1e-6 from 0, 1e-6 from 1, τ = 30 for VP).
// Overshoot times avoid |t − ½| < 1e-3 (protocol.md never queries a_t = 0,
// and [C]'s score formula is singular there).
func ipGenTime(t *rapid.T, sched string, hard bool) float64 {
	var g *rapid.Generator[float64]
	switch {
	case sched == "vp" && hard:
		g = rapid.OneOf(rapid.Float64Range(0.02, 3), rapid.SampledFrom([]float64{1e-6, 1e-3, 8, 30}))
	case sched == "vp":
		g = rapid.Float64Range(0.05, 2.5)
	case hard:
		g = rapid.OneOf(rapid.Float64Range(0.02, 0.98), rapid.SampledFrom([]float64{1e-6, 1e-3, 1 - 1e-3, 1 - 1e-6}))
	default:
		g = rapid.Float64Range(0.05, 0.95)
	}
	tt := g.Draw(t, "t")
	if sched == "overshoot" && math.Abs(tt-0.5) < 1e-3 {
		tt = 0.5 + math.Copysign(1e-3, tt-0.5+1e-300)
	}
	return tt
}

// ipGenQueries draws n query points for data c under coefficients (a, b)
// and noise σ: near a component a c_j + bσ ξ, in a box, far away (1e3 or
// 1e6 along a small integer direction: the posterior then concentrates on
// one atom or ties exactly by symmetry), at a midpoint of two scaled atoms
// (a tie), or at the origin.
func ipGenQueries(t *rapid.T, m ipMix, a, b float64, n int, far bool) [][]float64 {
	d := len(m.c[0])
	maxKind := 3
	if far {
		maxKind = 4
	}
	z := make([][]float64, n)
	for p := range z {
		kind := rapid.IntRange(0, maxKind).Draw(t, "query kind (0 near, 1 box, 2 midpoint, 3 origin, 4 far)")
		z[p] = make([]float64, d)
		switch kind {
		case 0:
			j := rapid.IntRange(0, len(m.c)-1).Draw(t, "near atom")
			xi := rapid.SliceOfN(rapid.Float64Range(-3, 3), d, d).Draw(t, "xi")
			for i := range z[p] {
				z[p][i] = a*m.c[j][i] + b*m.sigma*xi[i]
			}
		case 1:
			v := rapid.SliceOfN(rapid.Float64Range(-6, 6), d, d).Draw(t, "box point")
			copy(z[p], v)
		case 2:
			i1 := rapid.IntRange(0, len(m.c)-1).Draw(t, "midpoint atom 1")
			i2 := rapid.IntRange(0, len(m.c)-1).Draw(t, "midpoint atom 2")
			for i := range z[p] {
				z[p][i] = a * (m.c[i1][i] + m.c[i2][i]) / 2
			}
		case 3:
		case 4:
			R := rapid.SampledFrom([]float64{1e3, 1e6}).Draw(t, "far radius")
			u := rapid.SliceOfN(rapid.IntRange(-2, 2), d, d).Draw(t, "far direction")
			nz := false
			for i := range z[p] {
				z[p][i] = R * float64(u[i])
				nz = nz || u[i] != 0
			}
			if !nz {
				z[p][0] = R
			}
		}
	}
	return z
}

// ---------------------------------------------------------------------------
// Integration of an implementation's velocity field.

// ipOpField wraps flow.velocity (through the Env, so every call is recorded
// and checked) as an interp.Field at the given schedule and data.
func ipOpField(t *rapid.T, e *Env, sched string, m ipMix, d int) interp.Field {
	return func(dst []float64, tt float64, z []float64) error {
		r := e.FlowVelocity(t, VelocityArgs{Schedule: sched, W: m.w, Mu: m.c, Sigma: m.sigma, T: tt, Z: numerics.Unflatten(z, len(z)/d, d)})
		for p, row := range r.V {
			copy(dst[p*d:(p+1)*d], row)
		}
		return nil
	}
}

// ipMaxSteps bounds the Dormand–Prince attempts of one integration: the
// exact fields of the claims' regimes need a few hundred; a field that
// needs more is not smooth (an implementation's failure).
const ipMaxSteps = 4000

// ipIntegrate integrates the implementation's flow.velocity from t0 to t1
// with Dormand–Prince at relative and absolute tolerance tol (absolute
// scaled by the size of the points), failing the case if the integrator
// does not converge.
func ipIntegrate(t *rapid.T, e *Env, sched string, m ipMix, t0, t1 float64, z [][]float64, tol float64) [][]float64 {
	d := len(z[0])
	scale := math.Max(1, maxAbsMat(z, m.c))
	out, err := interp.IntegrateField(ipOpField(t, e, sched, m, d), t0, t1, z, numerics.Options{RelTol: tol, AbsTol: tol * scale, MaxSteps: ipMaxSteps})
	if err != nil {
		e.Fatalf(t, "integrating the flow.velocity field of %s from t=%g to t=%g: %v", sched, t0, t1, err)
	}
	return out
}

// ---------------------------------------------------------------------------
// Discrete couplings and brute-force OT.

// ipBruteOT returns the minimal Σ_i ‖x_i − y_π(i)‖² over permutations π and
// a minimiser (n ≤ 8), by enumeration.
func ipBruteOT(x, y [][]float64) (float64, []int) {
	n := len(x)
	C := make([][]float64, n)
	for i := range C {
		C[i] = make([]float64, n)
		for j := range C[i] {
			C[i][j] = dist2(x[i], y[j])
		}
	}
	best, bestPerm := math.Inf(1), make([]int, n)
	perm := make([]int, n)
	used := make([]bool, n)
	var rec func(i int, cost float64)
	rec = func(i int, cost float64) {
		if cost >= best {
			return
		}
		if i == n {
			best = cost
			copy(bestPerm, perm)
			return
		}
		for j := range n {
			if !used[j] {
				used[j] = true
				perm[i] = j
				rec(i+1, cost+C[i][j])
				used[j] = false
			}
		}
	}
	rec(0, 0)
	return best, bestPerm
}

// ipCoupling is a drawn discrete coupling with an interpolant and a time.
type ipCoupling struct {
	c    *interp.Coupling
	P    interp.Interpolant
	t    float64
	kind string
}

// ipGenCoupling draws integer point clouds in [−2, 2]^d, a coupling
// (product with integer weights; exact OT: the optimal assignment found by
// brute force, or the exact plan between unequal masses, which splits mass;
// or a random plan with integer entries normalised), an interpolant (linear or
// curved with dyadic κ and integer offset) and a time; dyadic times make
// P_t exact, so paths that meet at time t meet exactly and the conditional
// expectation averages several latent velocities.
func ipGenCoupling(t *rapid.T) ipCoupling {
	d := rapid.IntRange(1, 3).Draw(t, "d")
	kind := rapid.SampledFrom([]string{"product", "ot", "plan"}).Draw(t, "coupling")
	n := rapid.IntRange(1, 5).Draw(t, "n")
	m := n
	if kind != "ot" {
		m = rapid.IntRange(1, 5).Draw(t, "m")
	}
	x := genIntPointsIP(t, n, d, 2, "x")
	y := genIntPointsIP(t, m, d, 2, "y")
	var c *interp.Coupling
	var err error
	switch kind {
	case "product":
		c, err = interp.Product(x, ipGenWeights(t, n), y, ipGenWeights(t, m))
	case "ot":
		if rapid.Bool().Draw(t, "uniform weights (Brenier coupling by brute force)") {
			_, perm := ipBruteOT(x, y)
			c, err = interp.FromPermutation(x, y, perm)
		} else { // mini-batch OT with unequal masses: the exact plan splits mass
			c, err = interp.ExactOT(x, ipGenWeights(t, n), y, ipGenWeights(t, m))
		}
	default:
		raw := rapid.SliceOfN(rapid.IntRange(0, 4), n*m, n*m).Draw(t, "plan (integers)")
		tot := 0
		for _, r := range raw {
			tot += r
		}
		if tot == 0 {
			raw[0], tot = 1, 1
		}
		plan := make([][]float64, n)
		for i := range plan {
			plan[i] = make([]float64, m)
			for j := range plan[i] {
				plan[i][j] = float64(raw[i*m+j]) / float64(tot)
			}
		}
		c, err = interp.FromPlan(x, y, plan)
	}
	if err != nil {
		panic("theorems: generated coupling rejected: " + err.Error())
	}
	var P interp.Interpolant = interp.Linear{}
	if rapid.Bool().Draw(t, "curved") {
		off := genIntPointsIP(t, 1, d, 1, "curve offset")[0]
		P = interp.Curved{Kappa: float64(rapid.IntRange(-2, 2).Draw(t, "curve kappa (×½)")) / 2, Offset: off}
	}
	tt := rapid.OneOf(rapid.SampledFrom([]float64{0.25, 0.5, 0.75}), rapid.Float64Range(0.01, 0.99)).Draw(t, "t")
	return ipCoupling{c: c, P: P, t: tt, kind: kind}
}
