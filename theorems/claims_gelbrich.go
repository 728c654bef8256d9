package theorems

import (
	"math"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/discrete"
	"github.com/otverify/otverify/reference/gaussian"
	"github.com/otverify/otverify/reference/ot1d"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// Claims of the gelbrich family: the moment-matched Gaussian projection
// R μ = N(m_μ, Σ_μ) and Gelbrich's inequality ([C] § Contractive Gaussian
// projection). Ground truth for W2 between non-Gaussian clouds is exact
// OT by reference/discrete (Jonker–Volgenant assignment for uniform clouds
// of equal size, network simplex otherwise) and reference/ot1d in 1-D; the
// operation under test is gauss.bures (the Gelbrich bound is W2² of the
// projections).

// gsCloudPair draws two non-Gaussian point clouds of n points in R^d:
// independent random clouds, or y = A x + c with A symmetric positive
// definite (Gelbrich is then tight: the identity coupling is optimal and
// attains the trace bound), optionally perturbed by a small noise. Points
// may repeat, so covariances may be singular (n ≤ d or duplicates).
func gsCloudPair(t *rapid.T, n, d int) (x, y [][]float64, kind string) {
	x = genPoints(t, n, d, "x")
	if rapid.Bool().Draw(t, "duplicate") && n >= 2 {
		x[n-1] = append([]float64(nil), x[0]...)
	}
	kind = rapid.SampledFrom([]string{"affine-spd", "affine-spd-perturbed", "independent"}).Draw(t, "kind")
	if kind == "independent" {
		return x, genPoints(t, n, d, "y"), kind
	}
	A := gsDrawCov(t, d, "A", []float64{4, 1, 100})
	c := gsDrawVec(t, d, 3, "c")
	noise := 0.0
	if kind == "affine-spd-perturbed" {
		noise = 1e-3
	}
	e := genPoints(t, n, d, "noise")
	y = make([][]float64, n)
	for i := range x {
		y[i] = make([]float64, d)
		for a := 0; a < d; a++ {
			y[i][a] = c[a] + noise*e[i][a]
			for b := 0; b < d; b++ {
				y[i][a] += A.S.At(a, b) * x[i][b]
			}
		}
	}
	// Shuffle the target so that the optimal assignment is not the identity order.
	perm := rapid.Permutation(gsSeq(n)).Draw(t, "perm")
	ys := make([][]float64, n)
	for i, p := range perm {
		ys[i] = y[p]
	}
	return x, ys, kind
}

// gsExactW2Uniform returns W2² between the uniform clouds x and y of equal
// size by the exact assignment (reference/discrete, Jonker–Volgenant).
func gsExactW2Uniform(x, y [][]float64) (float64, float64, error) {
	n := len(x)
	C := sqDist(x, y)
	flat := make([]float64, 0, n*n)
	for _, r := range C {
		flat = append(flat, r...)
	}
	_, cost, err := discrete.Assignment(flat, n)
	return cost / float64(n), maxAbsMat(C), err
}

// gsMomentsArgs returns the gauss.bures request for the projections.
func gsMomentsArgs(x [][]float64, a []float64, y [][]float64, b []float64) (BuresArgs, *mat.SymDense, *mat.SymDense, error) {
	m0, S0, err := gaussian.Moments(x, a)
	if err != nil {
		return BuresArgs{}, nil, nil, err
	}
	m1, S1, err := gaussian.Moments(y, b)
	if err != nil {
		return BuresArgs{}, nil, nil, err
	}
	return BuresArgs{M0: m0, S0: numerics.ToRows(S0), M1: m1, S1: numerics.ToRows(S1)}, S0, S1, nil
}

// gsBuresTol is the tolerance of a gauss.bures answer for the projections:
// protocol.md's 1e-9 relative to the terms, plus the conditioning term of
// gsBuresCondTol (singular covariances of small clouds).
func gsBuresTol(a BuresArgs, S0, S1 *mat.SymDense) float64 {
	return gsRtolBures*(mat.Trace(S0)+mat.Trace(S1)+dist2(a.M0, a.M1)) + gsBuresCondTol(S0, S1)
}

// ----- 1-D laws for the JKO claim -----------------------------------------

// gsExpect returns E f(Y), Y ~ N(0, 1), by composite 16-point
// Gauss–Legendre on the 24 unit panels of [−12, 12] (the mass outside is
// below 1e-32): panel boundaries at the integers, so integrands with a kink
// at 0 (the Laplace quantile) are integrated to ≈ 1e-15 relative.
func gsExpect(f func(float64) float64) float64 {
	x := make([]float64, 16)
	w := make([]float64, 16)
	quad.Legendre{}.FixedLocations(x, w, 0, 1)
	s := 0.0
	for p := -12; p < 12; p++ {
		for k := range x {
			y := float64(p) + x[k]
			s += w[k] * f(y) * math.Exp(-y*y/2)
		}
	}
	return s / math.Sqrt(2*math.Pi)
}

// gsShape is a standardised (mean 0, variance 1) law on ℝ: its entropy h
// and cross moment c = ∫_0^1 Q(u) Φ^{-1}(u) du = E[Q(Φ(Y)) Y], so that
// W2²(N(m', s'²), m + s Z) = (m − m')² + s² + s'² − 2 s s' c.
type gsShape struct {
	name string
	h, c float64
}

// gsShapeFromQuantile builds a shape from q(y) = Q(Φ(y)) (evaluated with
// the tails kept accurate by the caller) and its closed-form entropy.
func gsShapeFromQuantile(name string, q func(float64) float64, h float64) gsShape {
	return gsShape{name: name, h: h, c: gsExpect(func(y float64) float64 { return q(y) * y })}
}

var gsEulerGamma = 0.57721566490153286061

// gsShapes are the named non-Gaussian competitors of gelbrich.jko-preservation.
var gsShapes = func() []gsShape {
	lPhi := func(y float64) float64 { return math.Log(gaussian.NormalCDF(y)) } // log Φ(y), accurate in both tails
	b := 1 / math.Sqrt2
	s := math.Sqrt(3) / math.Pi
	beta := math.Sqrt(6) / math.Pi
	return []gsShape{
		{"gaussian", 0.5 * math.Log(2*math.Pi*math.E), 1},
		gsShapeFromQuantile("uniform", func(y float64) float64 { return math.Sqrt(3) * math.Erf(y/math.Sqrt2) }, math.Log(2*math.Sqrt(3))),
		gsShapeFromQuantile("laplace", func(y float64) float64 {
			if y < 0 {
				return b * (math.Ln2 + lPhi(y))
			}
			return -b * (math.Ln2 + lPhi(-y))
		}, 1+math.Log(2*b)),
		gsShapeFromQuantile("logistic", func(y float64) float64 { return s * (lPhi(y) - lPhi(-y)) }, math.Log(s)+2),
		gsShapeFromQuantile("gumbel", func(y float64) float64 {
			// Q(u) = −βγ − β log(−log u); −log Φ(y) = −log1p(−Φ(−y)) for y ≥ 0 keeps the upper tail accurate.
			nl := -lPhi(y)
			if y >= 0 {
				nl = -math.Log1p(-gaussian.NormalCDF(-y))
			}
			return -beta*gsEulerGamma - beta*math.Log(nl)
		}, math.Log(beta)+gsEulerGamma+1),
		gsShapeFromQuantile("exponential", func(y float64) float64 { return -lPhi(-y) - 1 }, 1),
	}
}()

// gsSinhArcsinh returns the standardised law of g(Y) = sinh(δ·asinh(Y) − ε)
// (Jones–Pewsey), all moments by gsExpect: h = h(Y) + E log g'(Y) − log σ_g.
func gsSinhArcsinh(eps, delta float64) gsShape {
	g := func(y float64) float64 { return math.Sinh(delta*math.Asinh(y) - eps) }
	mu := gsExpect(g)
	v := gsExpect(func(y float64) float64 { return (g(y) - mu) * (g(y) - mu) })
	sd := math.Sqrt(v)
	lg := gsExpect(func(y float64) float64 {
		return math.Log(delta*math.Cosh(delta*math.Asinh(y)-eps)) - 0.5*math.Log1p(y*y)
	})
	return gsShape{
		name: "sinh-arcsinh",
		h:    0.5*math.Log(2*math.Pi*math.E) + lg - math.Log(sd),
		c:    gsExpect(func(y float64) float64 { return (g(y) - mu) * y }) / sd,
	}
}

// gsJKO is the one-dimensional JKO objective J(η) = ∫V dη + KL(η | N(μg, σg²))
// + W2²(γ, η)/(2τ) with V(x) = ½p x² + q x and γ = N(mγ, sγ²).
type gsJKO struct{ p, q, mug, sg, mgam, sgam, tau float64 }

// value returns J(m + s Z) for the shape Z and its size of terms.
func (j gsJKO) value(m, s float64, z gsShape) (float64, float64) {
	ev := 0.5*j.p*(m*m+s*s) + j.q*m
	kl := -(z.h + math.Log(s)) + 0.5*math.Log(2*math.Pi*j.sg*j.sg) + ((m-j.mug)*(m-j.mug)+s*s)/(2*j.sg*j.sg)
	w2 := (m-j.mgam)*(m-j.mgam) + s*s + j.sgam*j.sgam - 2*s*j.sgam*z.c
	terms := math.Abs(ev) + math.Abs(z.h) + math.Abs(math.Log(s)) + math.Abs(math.Log(2*math.Pi*j.sg*j.sg)) +
		((m-j.mug)*(m-j.mug)+s*s)/(2*j.sg*j.sg) + ((m-j.mgam)*(m-j.mgam)+s*s+j.sgam*j.sgam+2*s*j.sgam)/(2*j.tau)
	return ev + kl + w2/(2*j.tau), terms
}

// gaussianStep returns the minimiser (m*, s*) of J over Gaussians
// N(m, s²): m* = (−q + μg/σg² + mγ/τ)/a and s* the positive root of
// a s² − (sγ/τ) s − 1 = 0, a = p + 1/σg² + 1/τ (first-order conditions of
// a strictly convex function of (m, s)).
func (j gsJKO) gaussianStep() (float64, float64) {
	a := j.p + 1/(j.sg*j.sg) + 1/j.tau
	m := (-j.q + j.mug/(j.sg*j.sg) + j.mgam/j.tau) / a
	bb := j.sgam / j.tau
	return m, (bb + math.Sqrt(bb*bb+4*a)) / (2 * a)
}

func init() {
	Register(
		&Claim{
			ID:     "gelbrich.inequality",
			Title:  "Gelbrich's inequality",
			Source: "[C] § Contractive Gaussian projection (Gelbrich's inequality and its proof)",
			Statement: "for arbitrary (non-Gaussian) uniform point clouds μ, ν: W2²(μ, ν) ≥ ‖m_μ − m_ν‖² + B²(Σ_μ, Σ_ν), the bound given by " +
				"gauss.bures on the clouds' moments and W2² by exact OT (Jonker–Volgenant assignment); clouds include y = Ax + c with A SPD, " +
				"where equality holds, slightly perturbed",
			Tolerance: "protocol.md's 1e-9·(tr Σ_μ + tr Σ_ν + ‖Δm‖²) for gauss.bures plus its conditioning term at singular covariances " +
				"(as gaussian.bures-metric; small clouds are often singular), plus 1e-12·max C_ij for the assignment's rounding",
			Ops: []string{OpBures},
			Check: func(t *rapid.T, e *Env) {
				d := rapid.IntRange(1, 4).Draw(t, "d")
				n := rapid.IntRange(2, 7).Draw(t, "n")
				x, y, _ := gsCloudPair(t, n, d)
				e.Input("x", x)
				e.Input("y", y)
				args, S0, S1, err := gsMomentsArgs(x, nil, y, nil)
				if err != nil {
					e.Fatalf(t, "moments: %v", err)
				}
				w2, maxC, err := gsExactW2Uniform(x, y)
				if err != nil {
					e.Fatalf(t, "exact OT: %v", err)
				}
				b := e.Bures(t, args).W2Sq
				e.ExpectLeq(t, "‖Δm‖² + B²(Σ_μ, Σ_ν) ≤ W2²(μ, ν)", b, w2, gsBuresTol(args, S0, S1)+1e-12*maxC)
			},
		},
		&Claim{
			ID:     "gelbrich.trace-bound",
			Title:  "The trace bound on cross-covariances",
			Source: "[C] § Contractive Gaussian projection (proof: operator/nuclear norm duality)",
			Statement: "for any coupling π of μ and ν, tr Cov_π(X, Y) ≤ tr((Σ_μ^{1/2} Σ_ν Σ_μ^{1/2})^{1/2}) = (tr Σ_μ + tr Σ_ν − B²(Σ_μ, Σ_ν))/2, B² " +
				"from gauss.bures; couplings: the product, an optimal plan (exact OT), a random plan (iterative proportional fitting of a random " +
				"kernel) and, for y = Ax + c with A SPD, the identity pairing, which attains the bound",
			Tolerance: "half of gelbrich.inequality's gauss.bures tolerance, plus 1e-12·Σ π_ij ‖x_i − m‖‖y_j − m'‖ for the cross-covariance's rounding",
			Ops:       []string{OpBures},
			Check: func(t *rapid.T, e *Env) {
				d := rapid.IntRange(1, 4).Draw(t, "d")
				n := rapid.IntRange(2, 7).Draw(t, "n")
				x, y, kind := gsCloudPair(t, n, d)
				var plans [][][]float64
				names := []string{}
				prod := make([][]float64, n)
				for i := range prod {
					prod[i] = gsFill(n, 1/float64(n)/float64(n))
				}
				plans, names = append(plans, prod), append(names, "product")
				C := sqDist(x, y)
				flat := make([]float64, 0, n*n)
				for _, r := range C {
					flat = append(flat, r...)
				}
				perm, _, err := discrete.Assignment(flat, n)
				if err != nil {
					e.Fatalf(t, "exact OT: %v", err)
				}
				opt := make([][]float64, n)
				for i := range opt {
					opt[i] = make([]float64, n)
					opt[i][perm[i]] = 1 / float64(n)
				}
				plans, names = append(plans, opt), append(names, "optimal")
				// A random coupling of the uniform marginals: Sinkhorn scaling of a random positive kernel.
				K := rapid.SliceOfN(rapid.Float64Range(0.01, 1), n*n, n*n).Draw(t, "kernel")
				rp := make([][]float64, n)
				for i := range rp {
					rp[i] = append([]float64(nil), K[i*n:(i+1)*n]...)
				}
				for it := 0; it < 500; it++ {
					for i := range rp {
						s := sum(rp[i]) * float64(n)
						for j := range rp[i] {
							rp[i][j] /= s
						}
					}
					for j := 0; j < n; j++ {
						s := 0.0
						for i := range rp {
							s += rp[i][j]
						}
						for i := range rp {
							rp[i][j] /= s * float64(n)
						}
					}
				}
				plans, names = append(plans, rp), append(names, "random")
				e.Input("x", x)
				e.Input("y", y)
				e.Input("kind", kind)
				for k, P := range plans {
					a := rowSums(P)
					b := colSums(P, n)
					// Renormalise rounding of the marginals to an exact unit total.
					ta, tb := sum(a), sum(b)
					for i := range a {
						a[i] /= ta
					}
					for j := range b {
						b[j] /= tb
					}
					args, S0, S1, err := gsMomentsArgs(x, a, y, b)
					if err != nil {
						e.Fatalf(t, "moments: %v", err)
					}
					args.M1 = append([]float64(nil), args.M0...) // equal means: the covariance part only
					lhs, err := gaussian.CrossCovarianceTrace(x, y, P)
					if err != nil {
						e.Fatalf(t, "cross-covariance: %v", err)
					}
					bb := e.Bures(t, args).W2Sq
					rhs := (mat.Trace(S0) + mat.Trace(S1) - bb) / 2
					sx, sy := math.Sqrt(mat.Trace(S0)), math.Sqrt(mat.Trace(S1))
					e.ExpectLeq(t, "tr Cov_π(X,Y) ≤ tr((Σ_μ^{1/2}Σ_νΣ_μ^{1/2})^{1/2}) ("+names[k]+" coupling)", lhs, rhs,
						gsBuresTol(args, S0, S1)/2+1e-12*sx*sy*float64(n))
				}
			},
		},
		&Claim{
			ID:     "gelbrich.gaussian-equality",
			Title:  "Equality in Gelbrich's inequality for Gaussians",
			Source: "[C] § Contractive Gaussian projection (\"equality for Gaussian laws is exactly the Gaussian Bures formula\")",
			Statement: "for Gaussian laws the bound is attained by the Brenier coupling Y = m1 + A(X − m0): E‖X − Y‖² = gauss.bures and " +
				"tr Cov(X, Y) = tr(S0 A) = tr((S0^{1/2}S1S0^{1/2})^{1/2}); and for clouds related by an SPD affine map (y = Ax + c, the discrete " +
				"analogue of a Brenier coupling) the exact W2² of the clouds equals gauss.bures on their moments",
			Tolerance: "Gaussian part: gauss.bures's 1e-9·scale plus the propagated map tolerance of gaussian.bures-equals-map-cost (also for the " +
				"trace, at half the size); cloud part: gelbrich.inequality's tolerance, as an equality",
			Ops: []string{OpBures, OpGaussOTMap},
			Check: func(t *rapid.T, e *Env) {
				d := rapid.IntRange(1, 4).Draw(t, "d")
				c0, c1 := gsDrawCovPair(t, d, gsDrawPairKind(t, d), gsCondsMid)
				m0 := gsDrawVec(t, d, 3, "m0")
				m1 := gsDrawVec(t, d, 3, "m1")
				A := gsDenseOf(e.GaussOTMap(t, gsMapArgs(c0.rows(), c1.rows())).A)
				w := e.Bures(t, BuresArgs{M0: m0, S0: c0.rows(), M1: m1, S1: c1.rows()}).W2Sq
				tolA := gsMapCostTol(A, c0)
				cost := dist2(m0, m1) + gsCostOf(A, c0.factor())
				e.ExpectClose(t, "E‖X − T(X)‖² = W2² (Brenier coupling attains Gelbrich)", cost, w, gsRtolBures*gsBuresScale(m0, c0, m1, c1)+tolA)
				trSA := mat.Trace(gsMmul(c0.S, A))
				e.ExpectClose(t, "tr Cov(X, TX) = tr(S0 A) = ‖F1ᵀF0‖_* (trace bound attained)", trSA, gsNuclear(gsMmul(c1.factor().T(), c0.factor())), tolA/2+1e-12*(c0.trace()+c1.trace()))
				// Clouds related by an SPD affine map.
				n := rapid.IntRange(2, 7).Draw(t, "n")
				x := genPoints(t, n, d, "x")
				B := gsDrawCov(t, d, "B", []float64{4, 1, 100})
				cv := gsDrawVec(t, d, 3, "c")
				y := make([][]float64, n)
				perm := rapid.Permutation(gsSeq(n)).Draw(t, "perm")
				for i := range x {
					p := perm[i]
					y[p] = make([]float64, d)
					for a := 0; a < d; a++ {
						y[p][a] = cv[a]
						for b := 0; b < d; b++ {
							y[p][a] += B.S.At(a, b) * x[i][b]
						}
					}
				}
				e.Input("x", x)
				e.Input("y", y)
				args, S0, S1, err := gsMomentsArgs(x, nil, y, nil)
				if err != nil {
					e.Fatalf(t, "moments: %v", err)
				}
				w2, maxC, err := gsExactW2Uniform(x, y)
				if err != nil {
					e.Fatalf(t, "exact OT: %v", err)
				}
				bb := e.Bures(t, args).W2Sq
				e.ExpectClose(t, "y = Bx + c, B SPD: W2²(μ, ν) = ‖Δm‖² + B²(Σ_μ, Σ_ν)", bb, w2, gsBuresTol(args, S0, S1)+1e-12*maxC)
			},
		},
		&Claim{
			ID:     "gelbrich.projection-contraction",
			Title:  "Moment-matched Gaussian projection is non-expansive",
			Source: "[C] § Contractive Gaussian projection",
			Statement: "W2(Rμ, Rν) ≤ W2(μ, ν) for the projections Rμ = N(m_μ, Σ_μ): weighted clouds of different sizes with W2 by exact OT " +
				"(network simplex), and weighted measures on the line with W2 by the quantile formula",
			Tolerance: "squared form, as gelbrich.inequality: gauss.bures's 1e-9·scale plus its conditioning term, plus 1e-12·max C_ij for the exact " +
				"OT cost (network simplex and the merged-quantile formula are exact up to rounding)",
			Ops: []string{OpBures},
			Check: func(t *rapid.T, e *Env) {
				oneD := rapid.Bool().Draw(t, "one_dimensional")
				d := 1
				if !oneD {
					d = rapid.IntRange(2, 4).Draw(t, "d")
				}
				n := rapid.IntRange(1, 8).Draw(t, "n")
				m := rapid.IntRange(1, 8).Draw(t, "m")
				x := genPoints(t, n, d, "x")
				y := genPoints(t, m, d, "y")
				a := genWeights(t, n, true, "a")
				b := genWeights(t, m, true, "b")
				e.Input("x", x)
				e.Input("y", y)
				e.Input("a", a)
				e.Input("b", b)
				args, S0, S1, err := gsMomentsArgs(x, a, y, b)
				if err != nil {
					e.Fatalf(t, "moments: %v", err)
				}
				C := sqDist(x, y)
				var w2 float64
				if oneD {
					xs, ys := make([]float64, n), make([]float64, m)
					for i := range xs {
						xs[i] = x[i][0]
					}
					for j := range ys {
						ys[j] = y[j][0]
					}
					w2, err = ot1d.Wpp(xs, a, ys, b, 2)
				} else {
					flat := make([]float64, 0, n*m)
					for _, r := range C {
						flat = append(flat, r...)
					}
					var sol *discrete.Solution
					sol, err = discrete.EMD(a, b, flat, n, m)
					if sol != nil {
						w2 = sol.Cost
					}
				}
				if err != nil {
					e.Fatalf(t, "exact OT: %v", err)
				}
				bb := e.Bures(t, args).W2Sq
				e.ExpectLeq(t, "W2²(Rμ, Rν) ≤ W2²(μ, ν)", bb, w2, gsBuresTol(args, S0, S1)+1e-12*maxAbsMat(C))
			},
		},
		&Claim{
			ID:     "gelbrich.jko-preservation",
			Title:  "Gaussian JKO steps for projection-decreasing functionals",
			Source: "[C] § Contractive Gaussian projection (preservation criterion, after H. Lavenant)",
			Statement: "F(η) = ∫V dη + KL(η | N(μg, σg²)) with V quadratic does not increase under R (entropy is maximal among laws with the same " +
				"variance, ∫V and the Gaussian log-density depend on two moments), so from Gaussian data γ the JKO objective " +
				"J(η) = F(η) + W2²(γ, η)/(2τ) satisfies J(Rη) ≤ J(η), and the Gaussian minimiser N(m*, s*²) (closed form) beats every competitor " +
				"m + sZ in a family of non-Gaussian shapes Z (uniform, Laplace, logistic, Gumbel, exponential, sinh-arcsinh) on the line",
			Tolerance: "1e-10·(size of J's terms): entropies are closed forms or composite Gauss–Legendre integrals (≈ 1e-15 relative), the " +
				"1-D W2² uses ∫Q_Z Φ^{-1} by the same rule",
			Check: func(t *rapid.T, e *Env) {
				j := gsJKO{
					p:    rapid.Float64Range(0, 2).Draw(t, "p"),
					q:    rapid.Float64Range(-1, 1).Draw(t, "q"),
					mug:  rapid.Float64Range(-2, 2).Draw(t, "mu_g"),
					sg:   math.Pow(10, rapid.Float64Range(-1, 1).Draw(t, "log10 sigma_g")),
					mgam: rapid.Float64Range(-2, 2).Draw(t, "m_gamma"),
					sgam: math.Pow(10, rapid.Float64Range(-1, 1).Draw(t, "log10 s_gamma")),
					tau:  math.Pow(10, rapid.Float64Range(-2, 1).Draw(t, "log10 tau")),
				}
				var z gsShape
				if rapid.Bool().Draw(t, "sinh_arcsinh") {
					z = gsSinhArcsinh(rapid.Float64Range(-1, 1).Draw(t, "epsilon"), rapid.Float64Range(0.5, 2).Draw(t, "delta"))
				} else {
					z = rapid.SampledFrom(gsShapes).Draw(t, "shape")
				}
				mstar, sstar := j.gaussianStep()
				m := mstar + rapid.Float64Range(-1, 1).Draw(t, "dm")*sstar
				s := sstar * math.Exp(rapid.Float64Range(-1, 1).Draw(t, "log ds"))
				e.Input("shape", z.name)
				e.Input("entropy, cross moment", []float64{z.h, z.c})
				Jeta, terms := j.value(m, s, z)
				gauss := gsShapes[0]
				JR, _ := j.value(m, s, gauss)
				Jstar, _ := j.value(mstar, sstar, gauss)
				tol := 1e-10 * terms
				e.ExpectLeq(t, "J(Rη) ≤ J(η)", JR, Jeta, tol)
				e.ExpectLeq(t, "Gaussian JKO step: J(N(m*, s*²)) ≤ J(η)", Jstar, Jeta, tol)
				e.ExpectLeq(t, "entropy of the shape ≤ ½log(2πe)", z.h, gauss.h, 1e-12)
			},
		},
	)
}
