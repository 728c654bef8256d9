package theorems

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/otverify/otverify/numerics"
)

// Large-tier checks of the Gaussian and mixture families (issue 10): the
// Brenier map between Gaussians at the dimensions of latent spaces
// (d up to 256), and the score of a Gaussian-smoothed empirical measure
// with as many atoms as a small training set (up to 10⁵).

func init() {
	LargeChecks = append(LargeChecks,
		LargeCheck{
			Claim: "gaussian.brenier-pushforward", Ops: []string{OpGaussOTMap}, Sizes: []int{16, 64, 128, 256}, Growth: 3,
			Certificate: "S0, S1 random SPD with condition number 100 each: A symmetric within 2e-7·max|A|, positive definite " +
				"(Cholesky of ½(A + Aᵀ) succeeds), and A S0 Aᵀ = S1 within 2.5e-7·max(|A| |S0| |A|ᵀ) (gaussian.brenier-pushforward's " +
				"tolerance); the symmetric positive-definite solution of A S0 A = S1 is unique, so this certifies the Brenier map without " +
				"computing it",
			Check: largeBrenier,
		},
		LargeCheck{
			Claim: "tweedie.denoiser-score", Ops: []string{OpGMMScore}, Sizes: []int{1_000, 10_000, 100_000}, Growth: 1,
			Certificate: "the score of β_σ = Σ_j w_j N(μ_j, σ² I), n atoms in d = 8, σ = 0.1, at 48 queries (near the atoms, " +
				"from the noised law at unit noise, 1e3 away): z + σ²·gmm.score equals the posterior mean computed by complex-step " +
				"differentiation of the posterior cumulant generating function, within tweedie.denoiser-score's tolerance " +
				"(1e-7·max(|z|, |μ|, σ²|score|) plus the conditioning of the posterior weights)",
			Check: largeMixtureScore,
		},
	)
}

// largeBrenier is the large-tier gaussian.brenier-pushforward check at d = N.
func largeBrenier(c *LargeCase) error {
	d := c.N
	const cond = 100
	S0, err := numerics.RandomSPD(d, c.Rng, cond)
	if err != nil {
		return err
	}
	S1, err := numerics.RandomSPD(d, c.Rng, cond)
	if err != nil {
		return err
	}
	c.note("d", d)
	c.note("condition", cond)
	r, err := callChecked(OpGaussOTMap, c.Ops.GaussOTMap, GaussMapArgs{S0: numerics.ToRows(S0), S1: numerics.ToRows(S1)})
	if err != nil {
		return err
	}
	if len(r.A) != d {
		return fmt.Errorf("gauss.ot_map answered %d rows, want %d", len(r.A), d)
	}
	A := mat.NewDense(d, d, nil)
	mx := 0.0
	for i := range r.A {
		if len(r.A[i]) != d {
			return fmt.Errorf("gauss.ot_map answered row %d of length %d, want %d", i, len(r.A[i]), d)
		}
		A.SetRow(i, r.A[i])
		for _, v := range r.A[i] {
			mx = math.Max(mx, math.Abs(v))
		}
	}
	if err := expectLeq("max|A − Aᵀ|", gsAsym(A), 0, 2*gsRtolMap*mx); err != nil {
		return err
	}
	var ch mat.Cholesky
	if !ch.Factorize(gsSymOf(A)) {
		return &mismatchErr{Mismatch{What: "A positive definite (Cholesky of ½(A + Aᵀ))", Got: "not positive definite", Want: "positive definite"}}
	}
	P := gsMmul3(A, S0, A.T())
	tol := gsRtolPush * gsTermScale(A, S0, A)
	worst, wi, wj := 0.0, 0, 0
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			if e := math.Abs(P.At(i, j) - S1.At(i, j)); !(e <= worst) {
				worst, wi, wj = e, i, j
			}
		}
	}
	return expectClose(fmt.Sprintf("(A S0 Aᵀ)[%d][%d] vs S1[%d][%d]", wi, wj, wi, wj), P.At(wi, wj), S1.At(wi, wj), tol)
}

// largeMixtureScore is the large-tier tweedie.denoiser-score check with N
// atoms.
func largeMixtureScore(c *LargeCase) error {
	const (
		d     = 8
		sigma = 0.1
		nq    = 48
	)
	k := c.N
	mu := make([][]float64, k)
	for j := range mu {
		mu[j] = make([]float64, d)
		for i := range mu[j] {
			mu[j][i] = c.Rng.NormFloat64()
		}
	}
	w := randomSimplex(c.Rng, k)
	z := make([][]float64, nq)
	for p := range z {
		z[p] = make([]float64, d)
		j := c.Rng.IntN(k)
		switch p % 3 {
		case 0: // near an atom, at the noise level
			for i := range z[p] {
				z[p][i] = mu[j][i] + sigma*c.Rng.NormFloat64()
			}
		case 1: // from the law noised at unit noise: between atoms
			for i := range z[p] {
				z[p][i] = mu[j][i] + c.Rng.NormFloat64()
			}
		default: // far away: 1e3 in a random direction
			s := 0.0
			for i := range z[p] {
				z[p][i] = c.Rng.NormFloat64()
				s += z[p][i] * z[p][i]
			}
			for i := range z[p] {
				z[p][i] *= 1e3 / math.Sqrt(s)
			}
		}
	}
	s2 := sigma * sigma
	c.note("atoms", k)
	c.note("d", d)
	c.note("sigma", sigma)
	c.note("queries", nq)
	r, err := callChecked(OpGMMScore, c.Ops.GMMScore, GMMScoreArgs{W: w, Mu: mu, S2: ipConst(k, s2), Z: z})
	if err != nil {
		return err
	}
	cmax := maxAbsMat(mu)
	for p := range z {
		want := ipPostMeanGT(w, mu, ipDiracTau2(k), 1, s2, z[p])
		scale := math.Max(numerics.MaxAbs(z[p]), cmax)
		got := make([]float64, d)
		for i := range got {
			got[i] = z[p][i] + s2*r.Score[p][i]
			scale = math.Max(scale, s2*math.Abs(r.Score[p][i]))
		}
		tol := ipRtol*scale + 2*ipDiracSens(w, mu, 1, s2, z[p]) + ipTiny
		for i := range got {
			if err := expectClose(fmt.Sprintf("z + σ²·score vs the posterior mean at query %d, coordinate %d", p, i), got[i], want[i], tol); err != nil {
				return err
			}
		}
	}
	return nil
}
