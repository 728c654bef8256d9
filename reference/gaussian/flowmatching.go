package gaussian

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/internal/robust"
	"gonum.org/v1/gonum/mat"
)

// Schedule is a scalar interpolation schedule Z_t = a_t X0 + b_t X1 between
// X0 ~ N(0, S0) and an independent X1 ~ N(0, S1), given through the squares
// P(t) = a_t² and Q(t) = b_t² and their derivatives DP = 2 a_t a'_t,
// DQ = 2 b_t b'_t (the only combinations the Gaussian velocity and flow map
// need; this keeps schedules such as a_t = √(1−t) finite at the ends).
// The endpoints must be P(0) = 1, Q(0) = 0 and P(1) = 0, Q(1) = 1 for the
// flow to go from N(0, S0) to N(0, S1) ([C] § When is the induced map
// optimal?: "the same terminal map (29) is obtained for any scalar schedule
// Z_t = a_t X0 + b_t X1 with the same endpoints").
type Schedule struct {
	Name   string
	P, Q   func(t float64) float64 // a_t², b_t²
	DP, DQ func(t float64) float64 // d/dt a_t², d/dt b_t²
}

// Linear is the schedule a_t = 1 − t, b_t = t of the linear interpolant.
var Linear = Schedule{
	Name: "linear",
	P:    func(t float64) float64 { return (1 - t) * (1 - t) },
	Q:    func(t float64) float64 { return t * t },
	DP:   func(t float64) float64 { return -2 * (1 - t) },
	DQ:   func(t float64) float64 { return 2 * t },
}

// Trigonometric is the schedule a_t = cos(πt/2), b_t = sin(πt/2).
var Trigonometric = Schedule{
	Name: "trigonometric",
	P:    func(t float64) float64 { c := math.Cos(math.Pi * t / 2); return c * c },
	Q:    func(t float64) float64 { s := math.Sin(math.Pi * t / 2); return s * s },
	DP:   func(t float64) float64 { return -math.Pi / 2 * math.Sin(math.Pi*t) },
	DQ:   func(t float64) float64 { return math.Pi / 2 * math.Sin(math.Pi*t) },
}

// VariancePreserving is the VP-like schedule a_t = √(1 − t), b_t = √t
// (a_t² + b_t² = 1, so unit-covariance endpoints keep unit covariance).
var VariancePreserving = Schedule{
	Name: "variance-preserving",
	P:    func(t float64) float64 { return 1 - t },
	Q:    func(t float64) float64 { return t },
	DP:   func(float64) float64 { return -1 },
	DQ:   func(float64) float64 { return 1 },
}

// checkSchedule validates s at t: four non-nil functions, t ∈ [0, 1], and
// values P(t), Q(t) finite and ≥ 0 (squares a_t², b_t²), DP(t), DQ(t)
// finite. A schedule with negative or NaN values was used as given: a
// negative P made InterpolantCovariance return a negative definite "S_t"
// without an error, and NaN values were reported as ErrOverflow rather
// than bad input (regression test TestScheduleValuesAndNilMatricesAreChecked).
func checkSchedule(s Schedule, t float64) error {
	if s.P == nil || s.Q == nil || s.DP == nil || s.DQ == nil {
		return numerics.Invalidf("gaussian: schedule %q has a nil function", s.Name)
	}
	if !(t >= 0 && t <= 1) {
		return numerics.Invalidf("gaussian: t = %v is outside [0, 1]", t)
	}
	p, q, dp, dq := s.P(t), s.Q(t), s.DP(t), s.DQ(t)
	if !(p >= 0) || !(q >= 0) || math.IsInf(p, 1) || math.IsInf(q, 1) || !numerics.AllFinite([]float64{dp, dq}) {
		return numerics.Invalidf("gaussian: schedule %q at t = %g has P = %v, Q = %v, DP = %v, DQ = %v; want P, Q finite ≥ 0 (squares) and DP, DQ finite", s.Name, t, p, q, dp, dq)
	}
	return nil
}

// InterpolantCovariance returns S_t = a_t² S0 + b_t² S1, the covariance of
// Z_t = a_t X0 + b_t X1 for independent X0 ~ N(0, S0), X1 ~ N(0, S1) ([C]
// eq. 27 with the linear schedule: S_t = (1−t)² S0 + t² S1).
// Preconditions (else ErrInvalid): S0, S1 symmetric of one dimension,
// schedule functions non-nil with P(t), Q(t) finite ≥ 0 and DP(t), DQ(t)
// finite, t ∈ [0, 1]. A result beyond float64 is an error wrapping
// ErrOverflow.
func InterpolantCovariance(S0, S1 *mat.SymDense, s Schedule, t float64) (*mat.SymDense, error) {
	d, err := checkSym("S0", S0, -1)
	if err != nil {
		return nil, err
	}
	if _, err := checkSym("S1", S1, d); err != nil {
		return nil, err
	}
	if err := checkSchedule(s, t); err != nil {
		return nil, err
	}
	p, q := s.P(t), s.Q(t)
	St := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			St.SetSym(i, j, p*S0.At(i, j)+q*S1.At(i, j))
		}
	}
	return finiteResult("InterpolantCovariance", St)
}

// FlowMatchingVelocity returns the matrix V_t of the exact flow-matching
// velocity v_t(z) = V_t z of the linear interpolant Z_t = (1−t) X0 + t X1
// with independent X0 ~ N(0, S0), X1 ~ N(0, S1):
//
//	v_t(z) = E[X1 − X0 | Z_t = z] = (t S1 − (1−t) S0) S_t^{-1} z,
//	S_t = (1−t)² S0 + t² S1
//
// ([C] eq. 27). See FlowMatchingVelocitySchedule for other schedules.
func FlowMatchingVelocity(S0, S1 *mat.SymDense, t float64) (*mat.Dense, error) {
	return FlowMatchingVelocitySchedule(S0, S1, Linear, t)
}

// FlowMatchingVelocitySchedule returns V_t with
//
//	v_t(z) = E[a'_t X0 + b'_t X1 | Z_t = z] = (a_t a'_t S0 + b_t b'_t S1) S_t^{-1} z,
//	S_t = a_t² S0 + b_t² S1,
//
// the conditional expectation of the interpolant's time derivative (jointly
// Gaussian variables: Cov(Ż_t, Z_t) Cov(Z_t)^{-1}; [C] proof of eq. 27).
// Method: V_t = N S_t^{-1} computed as the transpose of the Cholesky solve
// S_t X = N (N = ½(DP S0 + DQ S1) is symmetric); no inverse is formed.
//
// Preconditions: S0, S1 symmetric positive definite of one dimension (so
// S_t is positive definite for every t ∈ [0, 1] where P, Q ≥ 0 are not both
// 0), schedule functions non-nil, t ∈ [0, 1]; else ErrInvalid. Accuracy:
// about d·eps·κ(S_t) relative to max|N|·‖S_t^{-1}‖.
func FlowMatchingVelocitySchedule(S0, S1 *mat.SymDense, s Schedule, t float64) (*mat.Dense, error) {
	d, err := checkSPD("S0", S0, -1)
	if err != nil {
		return nil, err
	}
	if _, err := checkSPD("S1", S1, d); err != nil {
		return nil, err
	}
	St, err := InterpolantCovariance(S0, S1, s, t)
	if err != nil {
		return nil, err
	}
	dp, dq := s.DP(t), s.DQ(t)
	N := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			N.Set(i, j, 0.5*(dp*S0.At(i, j)+dq*S1.At(i, j)))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(St) {
		return nil, numerics.Invalidf("gaussian: S_t at t = %g is not positive definite", t)
	}
	var X mat.Dense
	if err := ch.SolveTo(&X, N); err != nil {
		return nil, fmt.Errorf("gaussian: FlowMatchingVelocity: S_t nearly singular at t = %g: %w", t, numerics.ErrInvalid)
	}
	V := mat.DenseCopyOf(X.T())
	return finiteResult("FlowMatchingVelocity", V)
}

// FlowMatchingMap returns the time-t flow map z ↦ A_t z of the exact
// flow-matching velocity of the linear interpolant (FlowMatchingVelocity),
// started at time 0:
//
//	A_t = S0^{1/2} ((1−t)² I + t² C)^{1/2} S0^{-1/2},  C = S0^{-1/2} S1 S0^{-1/2}
//
// ([C] eq. 28; at t = 1 eq. 29, which equals the Brenier map (eq. 30) iff
// S0 S1 = S1 S0; protocol.md op gauss.fm_map). See FlowMatchingMapSchedule.
func FlowMatchingMap(S0, S1 *mat.SymDense, t float64) (*mat.Dense, error) {
	return FlowMatchingMapSchedule(S0, S1, Linear, t)
}

// FlowMatchingMapSchedule returns the time-t flow map of the exact velocity
// of the schedule s (FlowMatchingVelocitySchedule):
//
//	A_t = S0^{1/2} (a_t² I + b_t² C)^{1/2} S0^{-1/2} = S_t^{1/2} O_t S0^{-1/2},
//
// where, in whitened coordinates, the covariance path a_t² I + b_t² C
// commutes with itself at all times so the flow map is its square root ([C]
// proof of eq. 28). It satisfies A_t S0 A_tᵀ = S_t.
//
// Method: with R0 = S0^{1/2}, R_t = S_t^{1/2} and the SVD
// R_t R0^{-1} = U Σ Vᵀ, (R0^{-1} S_t R0^{-1})^{1/2} = V Σ Vᵀ and therefore
// A_t = R0 V Σ Vᵀ R0^{-1} = R_t (U Vᵀ) R0^{-1}: the product of two
// symmetric square roots and an orthogonal factor, which avoids forming C
// (whose rounding error grows like κ(S0)).
//
// Preconditions: S0, S1 symmetric positive definite of one dimension,
// schedule with P(0) = 1, Q(0) = 0 (not checked), t ∈ [0, 1]; else
// ErrInvalid. Accuracy: the pushforward residual A_t S0 A_tᵀ − S_t is about
// d·eps·κ(S0)^{1/2} relative to the size of the terms.
func FlowMatchingMapSchedule(S0, S1 *mat.SymDense, s Schedule, t float64) (*mat.Dense, error) {
	d, err := checkSPD("S0", S0, -1)
	if err != nil {
		return nil, err
	}
	if _, err := checkSPD("S1", S1, d); err != nil {
		return nil, err
	}
	St, err := InterpolantCovariance(S0, S1, s, t)
	if err != nil {
		return nil, err
	}
	lam0, Q0, err := eigSym(S0)
	if err != nil {
		return nil, fmt.Errorf("gaussian: FlowMatchingMap: eigendecomposition of S0: %w", err)
	}
	sq := make([]float64, d)
	isq := make([]float64, d)
	for i, l := range lam0 {
		sq[i] = math.Sqrt(l)
		isq[i] = 1 / sq[i]
	}
	R0inv := mul(scaleCols(Q0, isq), Q0.T())
	Rt, err := robust.Sqrt(St)
	if err != nil {
		return nil, fmt.Errorf("gaussian: FlowMatchingMap: S_t: %w", err)
	}
	_, U, V, err := robust.SVD(mul(Rt, R0inv))
	if err != nil {
		return nil, fmt.Errorf("gaussian: FlowMatchingMap: SVD: %w", err)
	}
	return finiteResult("FlowMatchingMap", mul3(Rt, mul(U, V.T()), R0inv))
}
