package theorems

import (
	"math"
	"sync"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/maxent"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
	"pgregory.net/rapid"
)

// The maxent family: maximum-entropy base distributions ([P] § The Choice of
// Base Distribution, Uniform and Gaussian Maximum Entropy, Constrained
// Entropy Ascent). No protocol op: these are properties of the mathematics,
// checked on the reference (reference/maxent) against closed forms.

func init() {
	Register(
		&Claim{
			ID:     "maxent.uniform",
			Title:  "on [a, b] projected entropy ascent converges to the uniform density",
			Source: "[P] § Uniform Maximum Entropy, Constrained Entropy Ascent",
			Statement: "on a grid of [a, b], projected entropy ascent from a random positive density (the post's Euclidean " +
				"projected gradient, and the Fisher/Newton variant) converges to the constant 1/(b−a); every density on " +
				"the grid, the start and each iterate included, has H ≤ log(b−a) (Jensen), with equality at the limit",
			Tolerance: "density: 1e-10 relative (the ascent stops at a relative Newton step ≤ 64·eps·(1+|log p|) ≈ 1e-13); " +
				"entropies: 16·M·eps·(1+|log(b−a)|) (rounding of an M-term sum)",
			Local: []string{LocalMaxEnt},
			Check: checkMaxentUniform,
		},
		&Claim{
			ID:     "maxent.gaussian",
			Title:  "with fixed mean and variance the maximiser is the discretised Gaussian",
			Source: "[P] § Gaussian Maximum Entropy, Constrained Entropy Ascent",
			Statement: "on a grid of [μ − Lσ, μ + Lσ], L ∈ [8, 10], cell width ≤ σ/2, projected (Fisher) entropy ascent " +
				"with mass, mean μ and variance σ² constraints converges to the Gaussian density N(μ, σ²) at the " +
				"midpoints, with entropy ½log(2πeσ²); the closed-form entropies (gonum) of other laws — uniform, Laplace, " +
				"triangular, Beta, log-normal, Gumbel — stay ≤ ½log(2πe·Var), each closed form confirmed by quadrature; " +
				"feasible grid densities (I-projections of random ones) have entropy ≤ the maximiser's",
			Tolerance: "density 1e-10·max φ and entropy 1e-9: the midpoint rule is exact to e^{−2π²σ²/h²} ≤ e^{−8π²} for " +
				"Gaussian moments, the truncated tails carry ≤ 2Φ(−8) ≈ 1e-15, and the ascent stops at a relative step " +
				"≈ 1e-13; quadrature of −∫p log p: 1e-6·(1+|H|) (Gauss–Legendre with 2000 nodes per smooth piece; the " +
				"endpoint behaviour x^{a−1}log x of Beta and triangular laws limits it, measured ≤ 1e-8); entropy " +
				"comparisons 16·M·eps·(1+|H|)",
			Local: []string{LocalMaxEnt},
			Check: checkMaxentGaussian,
		},
		&Claim{
			ID:     "maxent.ascent-monotone",
			Title:  "each small projected step increases entropy and keeps the constraints",
			Source: "[P] § Constrained Entropy Ascent (\"each step increases entropy and then reapplies the active constraint\")",
			Statement: "for the interval and the mean–variance problems, the reference projected gradient δ = Direction(p) " +
				"is the orthogonal projection of ∇H onto {Cδ = 0} (Cδ = 0 and ∇H − δ ∈ range Cᵀ), the slope dH(p+ηδ)/dη at " +
				"0 equals ‖δ‖² ≥ 0 (finite differences), and a step p + ηδ (reference Step) with 0 < η ≤ " +
				"min(min p/(2max|δ|), min p/(2h)) increases H by at least η‖δ‖²/2 and keeps C p = c",
			Tolerance: "projection identities 64·M·eps·(scale of the terms); slope: Richardson bound with |φ⁽⁵⁾| ≤ 0.2 in " +
				"units of the largest admissible step, rounding 9e-13·M·(1+Σ|p log p|h); gain ≥ η‖δ‖²/2 − " +
				"32·M·eps·(1+Σ|p log p|h) (second-order term ≤ η²h‖δ‖²/p_min ≤ η‖δ‖²/2 since p + ηδ ≥ p/2); constraints " +
				"max|Cq − c| ≤ max|Cp − c| + 64·M·eps·max(1, (|μ|+Lσ)²) (the step's own rounding)",
			Local: []string{LocalMaxEnt},
			Check: checkMaxentAscentMonotone,
		},
	)
}

// meEntropy is −Σ p_k log(p_k)·h, computed here independently of
// maxent.Entropy.
func meEntropy(p []float64, h float64) float64 {
	s := 0.0
	for _, v := range p {
		if v > 0 {
			s -= v * math.Log(v)
		}
	}
	return s * h
}

// meRoundH is the rounding allowance of an M-term entropy sum whose terms
// have absolute sum S (Σ|p_k log p_k|·h, or |H| when that is the scale).
func meRoundH(M int, S float64) float64 { return 16 * float64(M) * drEps * (1 + math.Abs(S)) }

// meAbsH is Σ_k |p_k log p_k|·h, the size of the terms of the entropy sum.
func meAbsH(p []float64, h float64) float64 {
	s := 0.0
	for _, v := range p {
		if v > 0 {
			s += math.Abs(v * math.Log(v))
		}
	}
	return s * h
}

// meGenPositive draws M positive values in [0.2, 4] (ratio ≤ 20).
func meGenPositive(t *rapid.T, M int, label string) []float64 {
	return rapid.SliceOfN(rapid.Float64Range(0.2, 4), M, M).Draw(t, label)
}

func checkMaxentUniform(t *rapid.T, e *Env) {
	a := rapid.Float64Range(-5, 5).Draw(t, "a")
	w := rapid.Float64Range(0.1, 10).Draw(t, "b − a")
	M := rapid.IntRange(4, 40).Draw(t, "M cells")
	g, err := maxent.NewGrid(a, a+w, M)
	if err != nil {
		e.Fatalf(t, "grid: %v", err)
	}
	h := g.H()
	q := meGenPositive(t, M, "initial density (unnormalised)")
	s := 0.0
	for _, v := range q {
		s += v * h
	}
	for k := range q {
		q[k] /= s
	}
	logw := math.Log(g.B - g.A)
	tolH := meRoundH(M, meAbsH(q, h)+math.Abs(logw))
	e.ExpectLeq(t, "H(p0) ≤ log(b−a) (Jensen)", meEntropy(q, h), logw, tolH)
	pr := maxent.Interval(g)
	want := make([]float64, M)
	for k := range want {
		want[k] = 1 / (g.B - g.A)
	}
	for _, metric := range []maxent.Metric{maxent.Euclidean, maxent.Fisher} {
		res, err := e.maxentAscend(pr, q, maxent.Options{Metric: metric, MaxIter: 5000})
		if err != nil {
			e.Fatalf(t, "ascent (metric %d): %v", metric, err)
		}
		e.ExpectVecClose(t, "converged density vs 1/(b−a)", res.P, want, 1e-10/(g.B-g.A))
		for i, H := range res.Entropy {
			e.ExpectLeq(t, "every iterate has H ≤ log(b−a)", H, logw, tolH)
			if i > 0 {
				e.ExpectLeq(t, "entropy nondecreasing along the ascent", res.Entropy[i-1], H, tolH)
			}
		}
		e.ExpectClose(t, "final entropy vs log(b−a)", meEntropy(res.P, h), logw, tolH+1e-10)
	}
}

// meLaw is a law of the entropy comparison with its name.
type meLaw struct {
	name    string
	entropy float64
	vari    float64
	logProb func(float64) float64
	pieces  []float64 // breakpoints of smooth pieces (support or its 1e-15 quantiles)
}

func meGenLaw(t *rapid.T) meLaw {
	kind := rapid.IntRange(0, 5).Draw(t, "law (uniform, laplace, triangle, beta, lognormal, gumbel)")
	switch kind {
	case 0:
		lo := rapid.Float64Range(-3, 3).Draw(t, "uniform a")
		d := distuv.Uniform{Min: lo, Max: lo + rapid.Float64Range(0.1, 5).Draw(t, "uniform width")}
		return meLaw{"uniform", d.Entropy(), d.Variance(), d.LogProb, []float64{d.Min, d.Max}}
	case 1:
		d := distuv.Laplace{Mu: rapid.Float64Range(-3, 3).Draw(t, "laplace μ"), Scale: rapid.Float64Range(0.1, 3).Draw(t, "laplace b")}
		return meLaw{"laplace", d.Entropy(), d.Variance(), d.LogProb, []float64{d.Quantile(1e-15), d.Mu, d.Quantile(1 - 1e-15)}}
	case 2:
		lo := rapid.Float64Range(-3, 3).Draw(t, "triangle a")
		wd := rapid.Float64Range(0.1, 5).Draw(t, "triangle width")
		c := lo + wd*rapid.Float64Range(0.05, 0.95).Draw(t, "triangle mode position")
		d := distuv.NewTriangle(lo, lo+wd, c, nil)
		return meLaw{"triangle", d.Entropy(), d.Variance(), d.LogProb, []float64{lo, c, lo + wd}}
	case 3:
		d := distuv.Beta{Alpha: rapid.Float64Range(2, 30).Draw(t, "beta α"), Beta: rapid.Float64Range(2, 30).Draw(t, "beta β")}
		return meLaw{"beta", d.Entropy(), d.Variance(), d.LogProb, []float64{0, 1}}
	case 4:
		d := distuv.LogNormal{Mu: rapid.Float64Range(-1, 1).Draw(t, "lognormal μ"), Sigma: math.Pow(10, rapid.Float64Range(-2, 0).Draw(t, "log10 lognormal σ"))}
		return meLaw{"lognormal", d.Entropy(), d.Variance(), d.LogProb, []float64{d.Quantile(1e-15), d.Quantile(1 - 1e-15)}}
	default:
		d := distuv.GumbelRight{Mu: rapid.Float64Range(-3, 3).Draw(t, "gumbel μ"), Beta: rapid.Float64Range(0.1, 3).Draw(t, "gumbel β")}
		return meLaw{"gumbel", d.Entropy(), d.Variance(), d.LogProb, []float64{d.Quantile(1e-15), d.Quantile(1 - 1e-15)}}
	}
}

// meLegendre holds the 2000-node Gauss–Legendre rule on [−1, 1], computed
// once (gonum's quad.Legendre).
var meLegendre struct {
	once sync.Once
	x, w []float64
}

// meQuadEntropy is −∫p log p by 2000-node Gauss–Legendre on each piece.
func meQuadEntropy(l meLaw) float64 {
	meLegendre.once.Do(func() {
		meLegendre.x = make([]float64, 2000)
		meLegendre.w = make([]float64, 2000)
		quad.Legendre{}.FixedLocations(meLegendre.x, meLegendre.w, -1, 1)
	})
	s := 0.0
	for i := 0; i+1 < len(l.pieces); i++ {
		a, b := l.pieces[i], l.pieces[i+1]
		c, r := (a+b)/2, (b-a)/2
		for j, xj := range meLegendre.x {
			lp := l.logProb(c + r*xj)
			if math.IsInf(lp, -1) {
				continue
			}
			s -= r * meLegendre.w[j] * math.Exp(lp) * lp
		}
	}
	return s
}

func checkMaxentGaussian(t *rapid.T, e *Env) {
	mu := rapid.Float64Range(-3, 3).Draw(t, "μ")
	sd := rapid.Float64Range(0.3, 3).Draw(t, "σ")
	L := rapid.Float64Range(8, 10).Draw(t, "L (box half-width in σ)")
	M := rapid.IntRange(int(math.Ceil(4*L)), int(math.Ceil(4*L))+40).Draw(t, "M cells")
	g, err := maxent.NewGrid(mu-L*sd, mu+L*sd, M)
	if err != nil {
		e.Fatalf(t, "grid: %v", err)
	}
	h := g.H()
	pr, err := maxent.MeanVariance(g, mu, sd*sd)
	if err != nil {
		e.Fatalf(t, "problem: %v", err)
	}
	p0, err := e.maxentIProject(pr, meGenPositive(t, M, "random density to project"))
	if err != nil {
		e.Fatalf(t, "I-projection: %v", err)
	}
	res, err := e.maxentAscend(pr, p0, maxent.Options{Metric: maxent.Fisher})
	if err != nil {
		e.Fatalf(t, "ascent: %v", err)
	}
	x := g.X()
	phi := make([]float64, M)
	pmax := 0.0
	for k := range phi {
		z := (x[k] - mu) / sd
		phi[k] = math.Exp(-z*z/2) / (sd * math.Sqrt(2*math.Pi))
		pmax = math.Max(pmax, phi[k])
	}
	e.ExpectVecClose(t, "maximiser vs N(μ, σ²) at the midpoints", res.P, phi, 1e-10*pmax)
	Hg := 0.5 * math.Log(2*math.Pi*math.E*sd*sd)
	Hstar := meEntropy(res.P, h)
	e.ExpectClose(t, "entropy of the maximiser vs ½log(2πeσ²)", Hstar, Hg, 1e-9)
	e.ExpectLeq(t, "H(p0) ≤ H(maximiser) (p0 feasible)", meEntropy(p0, h), Hstar, meRoundH(M, meAbsH(p0, h)+meAbsH(res.P, h)))
	// Other laws with the same variance.
	law := meGenLaw(t)
	Hq := meQuadEntropy(law)
	e.Input("law", law.name)
	e.ExpectClose(t, "closed-form entropy (gonum) vs quadrature of −∫p log p", law.entropy, Hq, 1e-6*(1+math.Abs(Hq)))
	Hmax := 0.5 * math.Log(2*math.Pi*math.E*law.vari)
	e.ExpectLeq(t, "H(law) ≤ ½log(2πe·Var(law))", law.entropy, Hmax, 16*drEps*(1+math.Abs(Hmax)))
}

func checkMaxentAscentMonotone(t *rapid.T, e *Env) {
	M := rapid.IntRange(16, 40).Draw(t, "M cells")
	var pr *maxent.Problem
	var p []float64
	var cscale float64
	if rapid.Bool().Draw(t, "mean–variance constraints") {
		mu := rapid.Float64Range(-3, 3).Draw(t, "μ")
		sd := rapid.Float64Range(0.3, 3).Draw(t, "σ")
		// Cells no wider than σ (M ≥ 2L): the constraints are then well
		// inside the feasible set of the grid.
		L := rapid.Float64Range(3, 8).Draw(t, "L (box half-width in σ)")
		g, err := maxent.NewGrid(mu-L*sd, mu+L*sd, M)
		if err != nil {
			e.Fatalf(t, "grid: %v", err)
		}
		if pr, err = maxent.MeanVariance(g, mu, sd*sd); err != nil {
			e.Fatalf(t, "problem: %v", err)
		}
		if p, err = e.maxentIProject(pr, meGenPositive(t, M, "random density to project")); err != nil {
			e.Fatalf(t, "I-projection: %v", err)
		}
		cscale = math.Max(1, mu*mu+sd*sd+math.Pow(math.Abs(mu)+L*sd, 2))
	} else {
		a := rapid.Float64Range(-5, 5).Draw(t, "a")
		g, err := maxent.NewGrid(a, a+rapid.Float64Range(0.1, 10).Draw(t, "b − a"), M)
		if err != nil {
			e.Fatalf(t, "grid: %v", err)
		}
		pr = maxent.Interval(g)
		p = meGenPositive(t, M, "initial density")
		s := 0.0
		for _, v := range p {
			s += v * g.H()
		}
		for k := range p {
			p[k] /= s
		}
		cscale = 1
	}
	h := pr.Grid.H()
	steps := rapid.IntRange(1, 6).Draw(t, "steps")
	fr := rapid.SliceOfN(rapid.Float64Range(0.01, 1), steps, steps).Draw(t, "step fractions of the admissible bound")
	for it := 0; it < steps; it++ {
		d, _, err := e.maxentDirection(pr, p, maxent.Euclidean)
		if err != nil {
			e.Fatalf(t, "direction: %v", err)
		}
		grad := make([]float64, M)
		gmax, dn2, dmax, pmin := 0.0, 0.0, 0.0, math.Inf(1)
		for k := range p {
			grad[k] = -h * (math.Log(p[k]) + 1)
			gmax = math.Max(gmax, math.Abs(grad[k]))
			dn2 += d[k] * d[k]
			dmax = math.Max(dmax, math.Abs(d[k]))
			pmin = math.Min(pmin, p[k])
		}
		// (i) Cδ = 0 and (ii) ∇H − δ ∈ range(Cᵀ): least-squares fit of ∇H − δ
		// by the constraint rows leaves no residual.
		nc := len(pr.C)
		Ct := mat.NewDense(M, nc, nil)
		for r := 0; r < nc; r++ {
			cd, cmax := 0.0, 0.0
			for k := range d {
				Ct.Set(k, r, pr.C[r][k])
				cd += pr.C[r][k] * d[k]
				cmax = math.Max(cmax, math.Abs(pr.C[r][k]))
			}
			e.ExpectClose(t, "(Cδ)_r (δ in the null space of the constraints)", cd, 0, 64*float64(M)*drEps*cmax*gmax)
		}
		rhs := make([]float64, M)
		for k := range rhs {
			rhs[k] = grad[k] - d[k]
		}
		var qr mat.QR
		qr.Factorize(Ct)
		var lam mat.VecDense
		if err := qr.SolveVecTo(&lam, false, mat.NewVecDense(M, rhs)); err != nil {
			e.Fatalf(t, "least squares: %v", err)
		}
		var fit mat.VecDense
		fit.MulVec(Ct, &lam)
		worst := 0.0
		for k := range rhs {
			worst = math.Max(worst, math.Abs(rhs[k]-fit.AtVec(k)))
		}
		e.ExpectLeq(t, "∇H − δ ∈ range(Cᵀ) (δ is the orthogonal projection)", worst, 0, 64*float64(M)*drEps*gmax*math.Max(1, qr.Cond()))
		// (iii) slope along δ by finite differences, in units of the
		// largest admissible step η_max.
		etaMax := math.Min(pmin/(2*dmax), pmin/(2*h))
		if dmax == 0 {
			break // at the maximiser already
		}
		H0 := meEntropy(p, h)
		S0 := meAbsH(p, h)
		phi := func(s float64) float64 {
			q := make([]float64, M)
			for k := range q {
				q[k] = p[k] + s*etaMax*d[k]
			}
			return meEntropy(q, h)
		}
		slope, err := numerics.Derivative(phi, 0, numerics.Richardson)
		if err != nil {
			e.Fatalf(t, "finite differences of H along δ: %v", err)
		}
		fdTol := 1.1e-15*0.2 + 9e-13*float64(M)*(1+S0)
		e.ExpectClose(t, "dH(p+sη_maxδ)/ds at 0 vs η_max‖δ‖²", slope, etaMax*dn2, fdTol)
		// (iv) a step of size η = f·η_max.
		eta := fr[it] * etaMax
		q, err := e.maxentStep(pr, p, eta)
		if err != nil {
			e.Fatalf(t, "step: %v", err)
		}
		want := make([]float64, M)
		for k := range want {
			want[k] = p[k] + eta*d[k]
		}
		e.ExpectVecClose(t, "Step(p, η) vs p + ηδ", q, want, 4*drEps*numerics.MaxAbs(p))
		H1 := meEntropy(q, h)
		e.ExpectLeq(t, "H(p + ηδ) − H(p) ≥ η‖δ‖²/2", H0+eta*dn2/2, H1, 2*meRoundH(M, S0))
		e.ExpectLeq(t, "constraints kept: max|Cq − c| ≤ max|Cp − c| + rounding", pr.Residual(q), pr.Residual(p), 64*float64(M)*drEps*cscale)
		p = q
	}
}
