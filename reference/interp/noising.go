package interp

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/mixture"
	"github.com/otverify/otverify/reference/schedule"
)

// Noising is the path Z_t = a_t X + b_t Y with X ~ Data (an isotropic
// Gaussian mixture Σ_j w_j N(c_j, τ²_j I); τ_j = 0 gives Dirac data),
// Y ~ N(0, σ² I) independent of X, and (a_t, b_t) a scalar schedule
// ([C] § "Variations on the interpolant"). Immutable and safe for
// concurrent use.
type Noising struct {
	data  *mixture.Mixture
	sigma float64
	sched schedule.Schedule
}

// NewNoising returns the path of data under sched with noise level σ.
// Preconditions: data and sched non-nil (sched not a nil pointer either),
// σ finite and > 0 (else ErrInvalid). The methods of a nil *Noising or the
// zero Noising{} return an error wrapping ErrInvalid (Data, Sigma and
// Schedule: zero values).
func NewNoising(data *mixture.Mixture, sigma float64, sched schedule.Schedule) (*Noising, error) {
	if data == nil || isNilValue(sched) {
		return nil, numerics.Invalidf("interp: nil data or schedule")
	}
	if !(sigma > 0) || math.IsInf(sigma, 1) {
		return nil, numerics.Invalidf("interp: σ = %v must be finite and > 0", sigma)
	}
	return &Noising{data: data, sigma: sigma, sched: sched}, nil
}

// Data returns the data law (nil for a nil or zero Noising).
func (p *Noising) Data() *mixture.Mixture {
	if p == nil {
		return nil
	}
	return p.data
}

// Sigma returns σ (0 for a nil or zero Noising).
func (p *Noising) Sigma() float64 {
	if p == nil {
		return 0
	}
	return p.sigma
}

// Schedule returns the schedule (nil for a nil or zero Noising).
func (p *Noising) Schedule() schedule.Schedule {
	if p == nil {
		return nil
	}
	return p.sched
}

// check returns an error wrapping numerics.ErrInvalid unless p was built by
// NewNoising: the methods of a nil *Noising dereferenced nil, and Velocity
// of the zero Noising{} (its fields are unexported) the nil data
// (regression test TestMalformedCouplingOrInterpolantIsAnError).
func (p *Noising) check() error {
	if p == nil || p.data == nil || isNilValue(p.sched) || !(p.sigma > 0) {
		return numerics.Invalidf("interp: nil or empty noising path (build it with NewNoising)")
	}
	return nil
}

// coef returns the schedule at t after checking that t is inside the
// schedule's range and that the coefficients are finite with b_t > 0
// (ErrInvalid otherwise), and that (b_t σ)² is a positive float64 (else
// mixture.ErrOverflow: for b_t σ ≲ 1e-154 the posterior logits
// ‖z − a c‖²/(2 b_t² σ²) leave float64; the otv/1 server answers "failed").
func (p *Noising) coef(t float64) (schedule.Coefficients, error) {
	if err := p.check(); err != nil {
		return schedule.Coefficients{}, err
	}
	if err := schedule.Check(p.sched, t); err != nil {
		return schedule.Coefficients{}, err
	}
	c := p.sched.Coef(t)
	if !numerics.AllFinite([]float64{c.A, c.B, c.DA, c.DB}) || !(c.B > 0) {
		return c, numerics.Invalidf("interp: schedule %s at t = %g gives a = %v, b = %v, a' = %v, b' = %v (want finite, b > 0)",
			p.sched.Name(), t, c.A, c.B, c.DA, c.DB)
	}
	if nu := c.B * c.B * p.sigma * p.sigma; nu == 0 || math.IsInf(nu, 0) {
		return c, fmt.Errorf("%w: interp: the noise variance (b_t σ)² = (%g·%g)² at t = %g is not a positive float64",
			mixture.ErrOverflow, c.B, p.sigma, t)
	}
	return c, nil
}

// Marginal returns the exact law of Z_t:
// Σ_j w_j N(a_t c_j, (a_t² τ²_j + b_t² σ²) I) ([C] § "Connection with
// diffusion models": "the intermediate law has component centers a_t c_j
// and covariance (b_t σ)² I" for Dirac data).
func (p *Noising) Marginal(t float64) (*mixture.Mixture, error) {
	c, err := p.coef(t)
	if err != nil {
		return nil, err
	}
	return p.data.Affine(c.A, c.B*c.B*p.sigma*p.sigma)
}

// Sample draws n points of Z_t by its definition a_t X + b_t Y (X from the
// data, Y ~ N(0, σ² I)), using rng only.
func (p *Noising) Sample(rng *rand.Rand, t float64, n int) ([][]float64, error) {
	c, err := p.coef(t)
	if err != nil {
		return nil, err
	}
	x, _, err := p.data.Sample(rng, n)
	if err != nil {
		return nil, err
	}
	for _, row := range x {
		for i := range row {
			row[i] = c.A*row[i] + c.B*p.sigma*rng.NormFloat64()
		}
	}
	return x, nil
}

// LogDensity returns log p_t(z) of the law of Z_t (see Marginal).
func (p *Noising) LogDensity(t float64, z []float64) (float64, error) {
	m, err := p.Marginal(t)
	if err != nil {
		return 0, err
	}
	return m.LogDensity(z)
}

// Score writes s_t(z) = ∇ log p_t(z) into dst (allocated if its length is
// not d) and returns it.
func (p *Noising) Score(dst []float64, t float64, z []float64) ([]float64, error) {
	m, err := p.Marginal(t)
	if err != nil {
		return nil, err
	}
	return m.Score(dst, z)
}

// Denoise writes E[X | Z_t = z] into dst (allocated if its length is not d)
// and returns it: Tweedie's denoiser of the data, computed by Gaussian
// conditioning per component with log-sum-exp posterior weights.
func (p *Noising) Denoise(dst []float64, t float64, z []float64) ([]float64, error) {
	c, err := p.coef(t)
	if err != nil {
		return nil, err
	}
	if len(dst) != p.data.Dim() {
		dst = make([]float64, p.data.Dim())
	}
	if err := p.data.LinearPosterior(c.A, c.B*c.B*p.sigma*p.sigma, z, dst, nil); err != nil {
		return nil, err
	}
	return dst, nil
}

// NoisePosterior writes E[Y | Z_t = z] into dst and returns it. By Tweedie's
// identity it equals −b_t σ² ∇ log p_t(z) ([C] § "Connection with diffusion
// models"; −t ∇ log α_t for the linear bridge with σ = 1).
func (p *Noising) NoisePosterior(dst []float64, t float64, z []float64) ([]float64, error) {
	c, err := p.coef(t)
	if err != nil {
		return nil, err
	}
	if len(dst) != p.data.Dim() {
		dst = make([]float64, p.data.Dim())
	}
	if err := p.data.LinearPosterior(c.A, c.B*c.B*p.sigma*p.sigma, z, nil, dst); err != nil {
		return nil, err
	}
	for i := range dst {
		dst[i] /= c.B
	}
	return dst, nil
}

// Velocity writes the exact marginal velocity
//
//	v_t(z) = E[a'_t X + b'_t Y | Z_t = z] = a'_t E[X | Z_t = z] + (b'_t / b_t) E[b_t Y | Z_t = z]
//
// into dst (allocated if its length is not d) and returns it: the
// conditional expectation of ∂_t Z_t (eq. 4), by Gaussian conditioning per
// component with log-sum-exp posterior weights. Away from a_t = 0 it equals
// (a'_t/a_t) z + (a'_t b_t²/a_t − b'_t b_t) σ² s_t(z) ([C] § "Variations on
// the interpolant"); unlike that formula it stays finite where a_t = 0.
// Accuracy: a few ulps of the terms |a'_t|·max|c|, |b'_t/b_t|·(|z| + |a_t| max|c|).
func (p *Noising) Velocity(dst []float64, t float64, z []float64) ([]float64, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if len(dst) != p.data.Dim() {
		dst = make([]float64, p.data.Dim())
	}
	if err := p.VelocityBatch(dst, t, z); err != nil {
		return nil, err
	}
	return dst, nil
}

// VelocityBatch writes Velocity for every row of the flat n×d batch z into
// dst (same length as z).
func (p *Noising) VelocityBatch(dst []float64, t float64, z []float64) error {
	c, err := p.coef(t)
	if err != nil {
		return err
	}
	return p.data.PosteriorCombination(c.A, c.B*c.B*p.sigma*p.sigma, c.DA, c.DB/c.B, z, dst)
}

// Flow integrates the probability-flow ODE ż = v_t(z) from t0 to t1 (t1 < t0
// runs the sampling direction, from the Gaussian end towards the data) for
// every row of z jointly, with numerics.DormandPrince and options opt (zero
// value: RelTol = AbsTol = 1e-6), and returns the endpoints. Both times must
// lie in the schedule's open range: for Dirac data the score is singular at
// the data end, so sampling stops at a small t > 0 ([C] § "Variations on
// the interpolant"). Accuracy: DormandPrince's (local error control; global
// error typically within 1–100 times the tolerance scale).
func (p *Noising) Flow(t0, t1 float64, z [][]float64, opt numerics.Options) ([][]float64, error) {
	if _, err := p.coef(t0); err != nil {
		return nil, err
	}
	if _, err := p.coef(t1); err != nil {
		return nil, err
	}
	return IntegrateField(p.VelocityBatch, t0, t1, z, opt)
}

// Field is a time-dependent vector field evaluated on a flat n×d batch:
// it writes v_t(z_p) for every row p of z into dst (same length).
type Field func(dst []float64, t float64, z []float64) error

// IntegrateField integrates ż = f_t(z) from t0 to t1 for every row of z
// jointly (one ODE of dimension n·d, so f is called once per stage on the
// whole batch) with numerics.DormandPrince and options opt, and returns the
// endpoints as a new n×d matrix. Errors: ErrInvalid for an empty, ragged or
// non-finite z; f's errors and the integrator's (ErrNotConverged), wrapped.
func IntegrateField(f Field, t0, t1 float64, z [][]float64, opt numerics.Options) ([][]float64, error) {
	if f == nil {
		return nil, numerics.Invalidf("interp: nil field")
	}
	y0, n, d, err := numerics.Flatten(z)
	if err != nil {
		return nil, err
	}
	if n == 0 || d == 0 {
		return nil, numerics.Invalidf("interp: no points to integrate")
	}
	rhs := func(t float64, y, dydt []float64) error { return f(dydt, t, y) }
	sol, err := numerics.DormandPrince(rhs, t0, t1, y0, opt)
	if err != nil {
		return nil, err
	}
	return numerics.Unflatten(sol.Y, n, d), nil
}
