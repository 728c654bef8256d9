package theorems

import (
	"math"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/interp"
	"github.com/otverify/otverify/reference/mixture"
	"github.com/otverify/otverify/reference/schedule"
)

// Reference entries of gmm.score, gmm.denoise and flow.velocity
// (protocol.md), backed by reference/mixture, reference/schedule and
// reference/interp.

func init() {
	registerReference(func(o *Ops) {
		o.GMMScore = refGMMScore
		o.GMMDenoise = refGMMDenoise
		o.FlowVelocity = refFlowVelocity
	})
}

// ipCheckSigma validates protocol.md's "sigma > 0" (finite).
func ipCheckSigma(s float64) error {
	if math.IsNaN(s) || math.IsInf(s, 0) || !(s > 0) {
		return numerics.Invalidf("sigma = %v must be finite and > 0", s)
	}
	return nil
}

// ipMixtureArgs validates w (k entries > 0 summing to 1 within 1e-9), mu
// (k×d) and z (n×d) and returns the flat z with n, d.
func ipMixtureArgs(w []float64, mu, z [][]float64) ([]float64, int, int, error) {
	if err := CheckWeights("w", w, true); err != nil {
		return nil, 0, 0, err
	}
	_, _, d, err := CheckMatrix("mu", mu, len(w), -1)
	if err != nil {
		return nil, 0, 0, err
	}
	zf, n, _, err := CheckMatrix("z", z, -1, d)
	if err != nil {
		return nil, 0, 0, err
	}
	return zf, n, d, nil
}

// refGMMScore: score = ∇_z log Σ_j w_j N(z; mu_j, s2_j I).
func refGMMScore(a GMMScoreArgs) (ScoreResult, error) {
	zf, n, d, err := ipMixtureArgs(a.W, a.Mu, a.Z)
	if err != nil {
		return ScoreResult{}, err
	}
	if err := CheckVector("s2", a.S2, len(a.W)); err != nil {
		return ScoreResult{}, err
	}
	for j, v := range a.S2 {
		if !(v > 0) {
			return ScoreResult{}, numerics.Invalidf("s2[%d] = %g must be > 0", j, v)
		}
	}
	m, err := mixture.New(a.W, a.Mu, a.S2)
	if err != nil {
		return ScoreResult{}, err
	}
	out := make([]float64, len(zf))
	if err := m.ScoreBatch(out, zf); err != nil {
		return ScoreResult{}, err
	}
	return ScoreResult{Score: numerics.Unflatten(out, n, d)}, nil
}

// refGMMDenoise: mean = E[W | W + σY = z], W ~ Σ_j w_j δ_{mu_j}, Y ~ N(0, I).
func refGMMDenoise(a DenoiseArgs) (MeanResult, error) {
	zf, n, d, err := ipMixtureArgs(a.W, a.Mu, a.Z)
	if err != nil {
		return MeanResult{}, err
	}
	if err := ipCheckSigma(a.Sigma); err != nil {
		return MeanResult{}, err
	}
	m, err := mixture.NewDiracs(a.W, a.Mu)
	if err != nil {
		return MeanResult{}, err
	}
	out := make([]float64, len(zf))
	if err := m.DenoiseBatch(out, a.Sigma, zf); err != nil {
		return MeanResult{}, err
	}
	return MeanResult{Mean: numerics.Unflatten(out, n, d)}, nil
}

// refFlowVelocity: v = E[a'_t X + b'_t Y | a_t X + b_t Y = z] with
// X ~ Σ_j w_j δ_{mu_j}, Y ~ N(0, σ² I), t inside the schedule's range.
func refFlowVelocity(a VelocityArgs) (FieldResult, error) {
	sch, err := schedule.ByName(a.Schedule)
	if err != nil {
		return FieldResult{}, err
	}
	zf, n, d, err := ipMixtureArgs(a.W, a.Mu, a.Z)
	if err != nil {
		return FieldResult{}, err
	}
	if err := ipCheckSigma(a.Sigma); err != nil {
		return FieldResult{}, err
	}
	if err := schedule.Check(sch, a.T); err != nil {
		return FieldResult{}, err
	}
	m, err := mixture.NewDiracs(a.W, a.Mu)
	if err != nil {
		return FieldResult{}, err
	}
	p, err := interp.NewNoising(m, a.Sigma, sch)
	if err != nil {
		return FieldResult{}, err
	}
	out := make([]float64, len(zf))
	if err := p.VelocityBatch(out, a.T, zf); err != nil {
		return FieldResult{}, err
	}
	return FieldResult{V: numerics.Unflatten(out, n, d)}, nil
}
