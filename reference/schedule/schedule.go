package schedule

import (
	"fmt"
	"math"
	"reflect"

	"github.com/otverify/otverify/numerics"
)

// Coefficients are the values of a schedule at one time t: Z_t = A·X + B·Y
// and its time derivative Ż_t = DA·X + DB·Y.
type Coefficients struct {
	A, B   float64 // a_t (data), b_t (noise)
	DA, DB float64 // a'_t, b'_t
}

// Schedule is a scalar noising schedule Z_t = a_t X + b_t Y ([C] §
// "Variations on the interpolant").
type Schedule interface {
	// Name is the protocol.md name of the schedule ("linear", "vp",
	// "cosine", "overshoot") or a descriptive label.
	Name() string
	// Coef returns a_t, b_t, a'_t, b'_t by their closed forms. It does not
	// check t against Domain (use Check); outside the closed range where the
	// formulas are defined it may return non-finite values, and so does a
	// malformed TimeChange or Func literal (Check reports both).
	Coef(t float64) Coefficients
	// Domain is the open interval (lo, hi) of times at which the schedule
	// is queried (hi may be +Inf).
	Domain() (lo, hi float64)
}

// Check returns nil if s is a well-formed schedule, t is finite and inside
// s's open Domain and the coefficients at t are finite, and otherwise an
// error wrapping numerics.ErrInvalid. Well formed: s is not nil (nor a nil
// pointer); a TimeChange has a well-formed Base and non-nil Tau and DTau,
// and τ(t) passes Check for Base (Tau maps into Base's Domain); a Func has
// its four functions. A zero TimeChange{} made Check itself panic, and a
// TimeChange or Func with a nil function passed it and then panicked in
// Coef (regression test TestMalformedScheduleIsAnError).
func Check(s Schedule, t float64) error {
	if isNilSchedule(s) {
		return numerics.Invalidf("schedule: nil schedule")
	}
	switch v := s.(type) {
	case TimeChange:
		if err := v.check(t); err != nil {
			return err
		}
	case *TimeChange:
		if err := v.check(t); err != nil {
			return err
		}
	case Func:
		if err := v.check(); err != nil {
			return err
		}
	case *Func:
		if err := v.check(); err != nil {
			return err
		}
	}
	lo, hi := s.Domain()
	if math.IsNaN(t) || math.IsInf(t, 0) || !(t > lo) || !(t < hi) {
		return numerics.Invalidf("schedule %s: t = %v is outside its range (%g, %g)", s.Name(), t, lo, hi)
	}
	if c := s.Coef(t); !numerics.AllFinite([]float64{c.A, c.B, c.DA, c.DB}) {
		return numerics.Invalidf("schedule %s: coefficients at t = %g are not finite (a = %v, b = %v, a' = %v, b' = %v)", s.Name(), t, c.A, c.B, c.DA, c.DB)
	}
	return nil
}

// isNilSchedule reports whether s is nil or a nil pointer (whose value
// methods would panic).
func isNilSchedule(s Schedule) bool {
	if s == nil {
		return true
	}
	v := reflect.ValueOf(s)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// Linear is the linear bridge a_t = 1 − t, b_t = t on (0, 1)
// ([C] § "Connection with diffusion models"); a' = −1, b' = 1. Exact.
type Linear struct{}

// Name returns "linear".
func (Linear) Name() string { return "linear" }

// Coef returns (1 − t, t, −1, 1).
func (Linear) Coef(t float64) Coefficients { return Coefficients{A: 1 - t, B: t, DA: -1, DB: 1} }

// Domain returns (0, 1).
func (Linear) Domain() (float64, float64) { return 0, 1 }

// VP is the variance-preserving Ornstein–Uhlenbeck schedule
// a_τ = e^{−τ}, b_τ = sqrt(1 − e^{−2τ}) on (0, ∞) ([C] § "Variations on the
// interpolant"); a' = −e^{−τ}, b' = e^{−2τ}/b_τ. b is evaluated as
// sqrt(−expm1(−2τ)), so it keeps full relative accuracy as τ → 0; every
// coefficient is within a few ulps of the exact value.
type VP struct{}

// Name returns "vp".
func (VP) Name() string { return "vp" }

// Coef returns (e^{−τ}, sqrt(1 − e^{−2τ}), −e^{−τ}, e^{−2τ}/sqrt(1 − e^{−2τ})).
func (VP) Coef(t float64) Coefficients {
	a := math.Exp(-t)
	b := math.Sqrt(-math.Expm1(-2 * t))
	return Coefficients{A: a, B: b, DA: -a, DB: a * a / b}
}

// Domain returns (0, +Inf).
func (VP) Domain() (float64, float64) { return 0, math.Inf(1) }

// Cosine is the trigonometric schedule a_t = cos(πt/2), b_t = sin(πt/2) on
// (0, 1) ([C] § "Variations on the interpolant"); it is VP after the time
// change τ = −log cos(πt/2) (see CosineAsVP). a' = −(π/2) sin(πt/2),
// b' = (π/2) cos(πt/2). Accurate to a few ulps (math.Sincos).
type Cosine struct{}

// Name returns "cosine".
func (Cosine) Name() string { return "cosine" }

// Coef returns (cos(πt/2), sin(πt/2), −(π/2) sin(πt/2), (π/2) cos(πt/2)).
// For t > ½ it evaluates cos(πt/2) = sin(π(1 − t)/2) (1 − t is exact
// there), so a_t keeps full relative accuracy as t → 1.
func (Cosine) Coef(t float64) Coefficients {
	s, c := math.Sincos(math.Pi * t / 2)
	if t > 0.5 {
		c, s = math.Sincos(math.Pi * (1 - t) / 2)
	}
	return Coefficients{A: c, B: s, DA: -math.Pi / 2 * s, DB: math.Pi / 2 * c}
}

// Domain returns (0, 1).
func (Cosine) Domain() (float64, float64) { return 0, 1 }

// Overshoot is the overshooting bridge a_t = (1 − t)(1 − 2t), b_t = t on
// (0, 1) ([C] § "Variations on the interpolant"): the data coefficient
// changes sign at t = 1/2 before vanishing at t = 1, so the intermediate
// mixture reflects through the origin. a' = 4t − 3, b' = 1. protocol.md
// never queries t = 1/2 (a_t = 0); the conditional expectations of this
// package's users stay defined there (the posterior equals the prior).
type Overshoot struct{}

// Name returns "overshoot".
func (Overshoot) Name() string { return "overshoot" }

// Coef returns ((1 − t)(1 − 2t), t, 4t − 3, 1).
func (Overshoot) Coef(t float64) Coefficients {
	return Coefficients{A: (1 - t) * (1 - 2*t), B: t, DA: 4*t - 3, DB: 1}
}

// Domain returns (0, 1).
func (Overshoot) Domain() (float64, float64) { return 0, 1 }

// Names lists the schedule names of protocol.md in a fixed order.
var Names = []string{"linear", "vp", "cosine", "overshoot"}

// ByName returns the schedule of a protocol.md name ("linear", "vp",
// "cosine", "overshoot"), or an error wrapping numerics.ErrInvalid.
func ByName(name string) (Schedule, error) {
	switch name {
	case "linear":
		return Linear{}, nil
	case "vp":
		return VP{}, nil
	case "cosine":
		return Cosine{}, nil
	case "overshoot":
		return Overshoot{}, nil
	}
	return nil, numerics.Invalidf("schedule: unknown schedule %q (want one of linear, vp, cosine, overshoot)", name)
}

// TimeChange is the schedule Base read at time τ(t):
// a_t = a^Base_{τ(t)}, b_t = b^Base_{τ(t)}, a'_t = τ'(t)·a'^Base_{τ(t)},
// b'_t = τ'(t)·b'^Base_{τ(t)} (chain rule). For τ monotone increasing, the
// path Z_t visits the same laws as Base's, at other times, and its
// probability-flow velocity is τ'(t) times Base's velocity at τ(t)
// ([C] § "Variations on the interpolant"). Tau must map (Lo, Hi) into
// Base's Domain; DTau is its derivative.
type TimeChange struct {
	Label     string
	Base      Schedule
	Tau, DTau func(float64) float64
	Lo, Hi    float64
}

// check reports a TimeChange with a nil Base, Tau or DTau, or whose τ(t)
// fails Check for Base.
func (s TimeChange) check(t float64) error {
	if isNilSchedule(s.Base) || s.Tau == nil || s.DTau == nil {
		return numerics.Invalidf("schedule %s: time change needs Base, Tau and DTau", s.Name())
	}
	if err := Check(s.Base, s.Tau(t)); err != nil {
		return fmt.Errorf("schedule %s: τ(%g): %w", s.Name(), t, err)
	}
	return nil
}

// Name returns Label, or "<base>∘τ" when Label is empty ("<nil>∘τ" without
// a Base).
func (s TimeChange) Name() string {
	if s.Label != "" {
		return s.Label
	}
	if isNilSchedule(s.Base) {
		return "<nil>∘τ"
	}
	return s.Base.Name() + "∘τ"
}

// Coef applies the chain rule to Base at τ(t). A TimeChange with a nil
// Base, Tau or DTau has NaN coefficients (Check reports it).
func (s TimeChange) Coef(t float64) Coefficients {
	if isNilSchedule(s.Base) || s.Tau == nil || s.DTau == nil {
		nan := math.NaN()
		return Coefficients{A: nan, B: nan, DA: nan, DB: nan}
	}
	c := s.Base.Coef(s.Tau(t))
	d := s.DTau(t)
	return Coefficients{A: c.A, B: c.B, DA: d * c.DA, DB: d * c.DB}
}

// Domain returns (Lo, Hi).
func (s TimeChange) Domain() (float64, float64) { return s.Lo, s.Hi }

// CosineAsVP returns the VP schedule after the time change
// τ(t) = −log cos(πt/2), τ'(t) = (π/2) tan(πt/2), on (0, 1): its
// coefficients equal Cosine's (e^{−τ} = cos(πt/2), sqrt(1 − e^{−2τ}) =
// sin(πt/2)) up to rounding ([C] § "Variations on the interpolant"). τ is
// evaluated as −½ log1p(−sin²(πt/2)) for t ≤ ½ and −log sin(π(1 − t)/2)
// above, accurate to a few ulps at both ends.
func CosineAsVP() TimeChange {
	return TimeChange{
		Label: "vp∘(−log cos(πt/2))",
		Base:  VP{},
		Tau: func(t float64) float64 {
			if t > 0.5 { // cos(πt/2) = sin(π(1 − t)/2), 1 − t exact
				return -math.Log(math.Sin(math.Pi * (1 - t) / 2))
			}
			s := math.Sin(math.Pi * t / 2)
			return -0.5 * math.Log1p(-s*s) // = −log cos(πt/2), accurate as t → 0
		},
		DTau: func(t float64) float64 {
			if t > 0.5 {
				return math.Pi / 2 / math.Tan(math.Pi*(1-t)/2)
			}
			return math.Pi / 2 * math.Tan(math.Pi*t/2)
		},
		Lo: 0, Hi: 1,
	}
}

// Reparametrized returns the linear bridge Z_t = (1 − λ(t))X + λ(t)Y for a
// monotone increasing λ from (lo, hi) into (0, 1) with derivative dlambda:
// a_t = 1 − λ(t), b_t = λ(t), a'_t = −λ'(t), b'_t = λ'(t)
// ([C] § "Variations on the interpolant").
func Reparametrized(label string, lambda, dlambda func(float64) float64, lo, hi float64) TimeChange {
	return TimeChange{Label: label, Base: Linear{}, Tau: lambda, DTau: dlambda, Lo: lo, Hi: hi}
}

// Func is a schedule given by four functions of t (A, B, DA, DB) on the open
// range (Lo, Hi). It does not check that DA, DB are the derivatives of A, B:
// it exists to build experimental schedules and deliberately wrong ones
// for self-tests.
type Func struct {
	Label        string
	A, B, DA, DB func(float64) float64
	Lo, Hi       float64
}

// check reports a Func with a nil function.
func (s Func) check() error {
	if s.A == nil || s.B == nil || s.DA == nil || s.DB == nil {
		return numerics.Invalidf("schedule %s: Func needs A, B, DA and DB", s.Name())
	}
	return nil
}

// Name returns Label.
func (s Func) Name() string { return s.Label }

// Coef evaluates the four functions at t; a nil function gives NaN (Check
// reports it).
func (s Func) Coef(t float64) Coefficients {
	at := func(f func(float64) float64) float64 {
		if f == nil {
			return math.NaN()
		}
		return f(t)
	}
	return Coefficients{A: at(s.A), B: at(s.B), DA: at(s.DA), DB: at(s.DB)}
}

// Domain returns (Lo, Hi).
func (s Func) Domain() (float64, float64) { return s.Lo, s.Hi }
