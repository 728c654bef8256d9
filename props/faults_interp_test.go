package props

import (
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/interp"
	"github.com/otverify/otverify/reference/mixture"
	"github.com/otverify/otverify/reference/schedule"
	"github.com/otverify/otverify/theorems"
)

// Planted bugs in the mixture ops (gmm.score, gmm.denoise, flow.velocity):
// each must be falsified by the interp or tweedie claims, with a small shrunk
// counterexample where the claim's instances are small.

// velocityWith is flow.velocity computed by the reference with the
// schedule replaced by sch (a deliberately wrong one).
func velocityWith(a theorems.VelocityArgs, sch schedule.Schedule) (theorems.FieldResult, error) {
	m, err := mixture.NewDiracs(a.W, a.Mu)
	if err != nil {
		return theorems.FieldResult{}, err
	}
	p, err := interp.NewNoising(m, a.Sigma, sch)
	if err != nil {
		return theorems.FieldResult{}, err
	}
	z, n, d, err := numerics.Flatten(a.Z)
	if err != nil {
		return theorems.FieldResult{}, err
	}
	out := make([]float64, len(z))
	if err := p.VelocityBatch(out, a.T, z); err != nil {
		return theorems.FieldResult{}, err
	}
	return theorems.FieldResult{V: numerics.Unflatten(out, n, d)}, nil
}

// replaceSchedule plants sch in place of the named schedule of flow.velocity.
func replaceSchedule(name string, sch schedule.Schedule) func(o *theorems.Ops) {
	return func(o *theorems.Ops) {
		ref := o.FlowVelocity
		o.FlowVelocity = func(a theorems.VelocityArgs) (theorems.FieldResult, error) {
			if a.Schedule == name {
				return velocityWith(a, sch)
			}
			return ref(a)
		}
	}
}

// vpWrongNoise is the VP schedule with b_τ = 1 − e^{−τ} (instead of
// sqrt(1 − e^{−2τ})): same endpoints, wrong noise level in between.
var vpWrongNoise = schedule.Func{Label: "vp with b = 1 − e^{−τ}",
	A:  func(t float64) float64 { return math.Exp(-t) },
	B:  func(t float64) float64 { return -math.Expm1(-t) },
	DA: func(t float64) float64 { return -math.Exp(-t) },
	DB: func(t float64) float64 { return math.Exp(-t) },
	Lo: 0, Hi: math.Inf(1)}

// overshootWrong is the overshoot with a_t = (1 − t)(1 + 2t).
var overshootWrong = schedule.Func{Label: "overshoot with a = (1 − t)(1 + 2t)",
	A:  func(t float64) float64 { return (1 - t) * (1 + 2*t) },
	B:  func(t float64) float64 { return t },
	DA: func(t float64) float64 { return 1 - 4*t },
	DB: func(t float64) float64 { return 1 },
	Lo: 0, Hi: 1}

// posteriorVelocity is E[a'X + b'Y | Z = z] for Dirac data with hand-rolled
// posterior weights: prior uses the prior weights w_j instead of the
// posterior ones; naive exponentiates the logits without subtracting
// their maximum (0/0 = NaN once every exp underflows, far from the atoms).
func posteriorVelocity(a theorems.VelocityArgs, prior, naive bool) (theorems.FieldResult, error) {
	sch, err := schedule.ByName(a.Schedule)
	if err != nil {
		return theorems.FieldResult{}, err
	}
	c := sch.Coef(a.T)
	nu := c.B * c.B * a.Sigma * a.Sigma
	out := make([][]float64, len(a.Z))
	for p, z := range a.Z {
		r := make([]float64, len(a.W))
		s := 0.0
		for j, w := range a.W {
			switch {
			case prior:
				r[j] = w
			case naive:
				d2 := 0.0
				for i := range z {
					u := z[i] - c.A*a.Mu[j][i]
					d2 += u * u
				}
				r[j] = w * math.Exp(-d2/(2*nu))
			}
			s += r[j]
		}
		out[p] = make([]float64, len(z))
		for i := range z {
			ex := 0.0
			for j := range r {
				ex += r[j] / s * a.Mu[j][i]
			}
			out[p][i] = c.DA*ex + c.DB/c.B*(z[i]-c.A*ex)
		}
	}
	return theorems.FieldResult{V: out}, nil
}

func TestFaultsInterp(t *testing.T) {
	faults := []fault{
		{name: "vp schedule with b_t = 1 − e^{−t}", family: "interp",
			plant: replaceSchedule("vp", vpWrongNoise), caughtBy: []string{"interp.vp-velocity"}, maxSize: 6},
		{name: "vp schedule with b_t = 1 − e^{−t} (seen by the continuity equation)", family: "interp",
			plant: replaceSchedule("vp", vpWrongNoise), caughtBy: []string{"interp.continuity-weak-form"}},
		{name: "overshoot with a_t = (1 − t)(1 + 2t)", family: "interp",
			plant: replaceSchedule("overshoot", overshootWrong), caughtBy: []string{"interp.general-schedule-velocity"}, maxSize: 6},
		{name: "overshoot answered with the linear bridge (a time change of it)", family: "interp",
			plant: replaceSchedule("overshoot", schedule.Linear{}), caughtBy: []string{"interp.overshoot-not-reparametrization"}},
		{name: "cosine answered with the VP velocity at τ(t), missing the chain-rule factor τ'(t)", family: "interp",
			plant: replaceSchedule("cosine", schedule.TimeChange{Label: "vp∘τ without τ'", Base: schedule.VP{},
				Tau:  schedule.CosineAsVP().Tau,
				DTau: func(float64) float64 { return 1 }, Lo: 0, Hi: 1}),
			caughtBy: []string{"interp.cosine-is-time-changed-vp"}, maxSize: 6},
		{name: "velocity with the prior weights w_j instead of the posterior weights", family: "interp",
			plant: func(o *theorems.Ops) {
				o.FlowVelocity = func(a theorems.VelocityArgs) (theorems.FieldResult, error) { return posteriorVelocity(a, true, false) }
			},
			caughtBy: []string{"interp.general-schedule-velocity"}, maxSize: 6},
		{name: "velocity with the prior weights (seen by the reverse flow: wrong atom frequencies or positions)", family: "interp",
			plant: func(o *theorems.Ops) {
				o.FlowVelocity = func(a theorems.VelocityArgs) (theorems.FieldResult, error) { return posteriorVelocity(a, true, false) }
			},
			caughtBy: []string{"interp.reverse-flow-recovers-data"}},
		{name: "naive softmax in the velocity (NaN far from the atoms)", family: "interp",
			plant: func(o *theorems.Ops) {
				o.FlowVelocity = func(a theorems.VelocityArgs) (theorems.FieldResult, error) { return posteriorVelocity(a, false, true) }
			},
			caughtBy: []string{"interp.general-schedule-velocity"}, maxSize: 6},
		{name: "velocity of the sampling direction (sign flipped)", family: "interp",
			plant: func(o *theorems.Ops) {
				ref := o.FlowVelocity
				o.FlowVelocity = func(a theorems.VelocityArgs) (theorems.FieldResult, error) {
					r, err := ref(a)
					for _, row := range r.V {
						for i := range row {
							row[i] = -row[i]
						}
					}
					return r, err
				}
			},
			caughtBy: []string{"interp.flow-transports-marginals"}},
	}
	for _, f := range faults {
		expectCaught(t, f)
	}
}

// naiveDenoise is E[W | W + σY = z] with posterior weights exponentiated
// without subtracting the maximum logit.
func naiveDenoise(a theorems.DenoiseArgs) (theorems.MeanResult, error) {
	out := make([][]float64, len(a.Z))
	for p, z := range a.Z {
		r := make([]float64, len(a.W))
		s := 0.0
		for j, w := range a.W {
			d2 := 0.0
			for i := range z {
				u := z[i] - a.Mu[j][i]
				d2 += u * u
			}
			r[j] = w * math.Exp(-d2/(2*a.Sigma*a.Sigma))
			s += r[j]
		}
		out[p] = make([]float64, len(z))
		for i := range z {
			for j := range r {
				out[p][i] += r[j] / s * a.Mu[j][i]
			}
		}
	}
	return theorems.MeanResult{Mean: out}, nil
}

func TestFaultsTweedie(t *testing.T) {
	faults := []fault{
		{name: "Tweedie with the wrong sign: denoiser z − σ²∇log p", family: "tweedie",
			plant: func(o *theorems.Ops) {
				score := o.GMMScore
				o.GMMDenoise = func(a theorems.DenoiseArgs) (theorems.MeanResult, error) {
					s2 := make([]float64, len(a.W))
					for j := range s2 {
						s2[j] = a.Sigma * a.Sigma
					}
					r, err := score(theorems.GMMScoreArgs{W: a.W, Mu: a.Mu, S2: s2, Z: a.Z})
					out := make([][]float64, len(a.Z))
					for p := range out {
						out[p] = make([]float64, len(a.Z[p]))
						for i := range out[p] {
							out[p][i] = a.Z[p][i] - a.Sigma*a.Sigma*r.Score[p][i]
						}
					}
					return theorems.MeanResult{Mean: out}, err
				}
			},
			caughtBy: []string{"tweedie.denoiser-score"}, maxSize: 6},
		{name: "denoiser with noise level σ in place of σ² in the posterior weights", family: "tweedie",
			plant: func(o *theorems.Ops) {
				ref := o.GMMDenoise
				o.GMMDenoise = func(a theorems.DenoiseArgs) (theorems.MeanResult, error) {
					a.Sigma = math.Sqrt(a.Sigma)
					return ref(a)
				}
			},
			caughtBy: []string{"tweedie.denoiser-score"}, maxSize: 6},
		{name: "score with the wrong sign", family: "tweedie",
			plant: func(o *theorems.Ops) {
				ref := o.GMMScore
				o.GMMScore = func(a theorems.GMMScoreArgs) (theorems.ScoreResult, error) {
					r, err := ref(a)
					for _, row := range r.Score {
						for i := range row {
							row[i] = -row[i]
						}
					}
					return r, err
				}
			},
			caughtBy: []string{"tweedie.denoiser-score"}, maxSize: 6},
		{name: "score using the first component's variance for every component", family: "tweedie",
			plant: func(o *theorems.Ops) {
				ref := o.GMMScore
				o.GMMScore = func(a theorems.GMMScoreArgs) (theorems.ScoreResult, error) {
					s2 := make([]float64, len(a.S2))
					for j := range s2 {
						s2[j] = a.S2[0]
					}
					a.S2 = s2
					return ref(a)
				}
			},
			caughtBy: []string{"tweedie.denoiser-score"}, maxSize: 6},
		{name: "naive softmax in the denoiser (NaN far from the atoms)", family: "tweedie",
			plant:    func(o *theorems.Ops) { o.GMMDenoise = naiveDenoise },
			caughtBy: []string{"tweedie.denoiser-score"}, maxSize: 6},
		{name: "denoiser that returns the prior mean Σ w_j μ_j", family: "tweedie",
			plant: func(o *theorems.Ops) {
				o.GMMDenoise = func(a theorems.DenoiseArgs) (theorems.MeanResult, error) {
					out := make([][]float64, len(a.Z))
					for p := range out {
						out[p] = make([]float64, len(a.Mu[0]))
						for j, w := range a.W {
							for i := range out[p] {
								out[p][i] += w * a.Mu[j][i]
							}
						}
					}
					return theorems.MeanResult{Mean: out}, nil
				}
			},
			caughtBy: []string{"tweedie.velocity-decomposition", "tweedie.noise-posterior"}, maxSize: 6},
	}
	for _, f := range faults {
		expectCaught(t, f)
	}
}
