package polar

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/mat"
)

// Mode is one Fourier mode of a velocity field on the torus ℝ^d/ℤ^d with
// phase θ(x) = 2π⟨K, x⟩ + Phase and potential ψ(x) = Amp·sin θ(x).
//
//   - A rotational mode (Gradient = false) is the divergence-free field of
//     the stream function ψ in the coordinate plane (I, J):
//     v_I = ∂_J ψ, v_J = −∂_I ψ, so ∇·v = ∂_I∂_J ψ − ∂_J∂_I ψ = 0.
//   - A gradient mode (Gradient = true) is v = ∇ψ, with ∇·v = Δψ =
//     −(2π)²‖K‖² ψ ≠ 0 (a compressible control; I and J are unused).
type Mode struct {
	I, J     int
	K        []int
	Amp      float64
	Phase    float64
	Gradient bool
}

// TorusField is the sum of its modes, a smooth 1-periodic velocity field
// on ℝ^d. It is divergence-free when every mode is rotational ([P] § Why
// Divergence-Free ODEs and Euler Regularization Appear).
type TorusField struct {
	D     int
	Modes []Mode
}

// Validate checks the field's dimension (1 ≤ d, d² ≤ numerics.MaxDraws),
// indices, wave vectors and coefficients; it returns an error wrapping
// numerics.ErrInvalid.
func (f TorusField) Validate() error {
	if f.D < 1 {
		return numerics.Invalidf("polar: torus field dimension %d < 1", f.D)
	}
	if err := numerics.CheckDraws("polar: torus field (d×d Jacobian)", f.D, f.D); err != nil {
		// Jacobian, Divergence and FlowMap store d² numbers: a d whose d²
		// overflows or cannot be allocated panicked there.
		return err
	}
	for n, m := range f.Modes {
		if len(m.K) != f.D {
			return numerics.Invalidf("polar: mode %d has a wave vector of length %d, want %d", n, len(m.K), f.D)
		}
		if math.IsNaN(m.Amp) || math.IsInf(m.Amp, 0) || math.IsNaN(m.Phase) || math.IsInf(m.Phase, 0) {
			return numerics.Invalidf("polar: mode %d has a non-finite coefficient", n)
		}
		if !m.Gradient && (m.I < 0 || m.I >= f.D || m.J < 0 || m.J >= f.D || m.I == m.J) {
			return numerics.Invalidf("polar: rotational mode %d has plane (%d, %d), invalid for d = %d", n, m.I, m.J, f.D)
		}
	}
	return nil
}

// DivergenceFree reports whether every mode is rotational.
func (f TorusField) DivergenceFree() bool {
	for _, m := range f.Modes {
		if m.Gradient {
			return false
		}
	}
	return true
}

// phase returns θ(x) = 2π⟨K, x⟩ + Phase with x reduced modulo 1 first:
// K is an integer vector, so θ(x) ≡ 2π⟨K, x − round(x)⟩ + Phase (mod 2π),
// and x − round(x) ∈ [−½, ½] is exact in floating point (it keeps the bits
// of x below 1; it is 0 for |x| ≥ 2⁵², where every float is an integer).
// Without the reduction the phase lost every digit beyond |x| ≈ 1e15 and
// 2π·K·x overflowed to ±Inf (a NaN field) near MaxFloat64.
func (m Mode) phase(x []float64) float64 {
	s := m.Phase
	for k, kk := range m.K {
		if kk != 0 {
			s += 2 * math.Pi * float64(kk) * (x[k] - math.Round(x[k]))
		}
	}
	return s
}

// checkPoint validates the field and the lengths of the point x and of an
// output of length want, for At, Jacobian and Divergence.
func (f TorusField) checkPoint(name string, x []float64, out, want int) error {
	if err := f.Validate(); err != nil {
		return err
	}
	if len(x) != f.D || !numerics.AllFinite(x) {
		return numerics.Invalidf("polar: TorusField.%s: x must be %d finite numbers (has %d)", name, f.D, len(x))
	}
	if out != want {
		return numerics.Invalidf("polar: TorusField.%s: output has %d entries, want %d", name, out, want)
	}
	return nil
}

// At writes v(x) into v (len d). The field is 1-periodic and x is reduced
// modulo 1 exactly (see Mode), so v is accurate to a few ulps of
// Σ|Amp|·2π‖K‖ for every finite x, however large.
// Errors (wrapping numerics.ErrInvalid): f not valid (Validate), x not d
// finite numbers, len(v) ≠ d, or a value beyond float64 (|Amp|·2π‖K‖ near
// MaxFloat64). At, Jacobian and Divergence had no error return: a
// malformed field literal or a short v, x or J made them index out of
// range, and a non-finite x or an overflowing field gave NaN or ±Inf
// silently (regression test TestMalformedCubeMapOrFieldIsAnError).
func (f TorusField) At(x, v []float64) error {
	if err := f.checkPoint("At", x, len(v), f.D); err != nil {
		return err
	}
	f.at(x, v)
	if !numerics.AllFinite(v) {
		return numerics.Invalidf("polar: TorusField.At: the field value overflows float64 (amplitudes too large)")
	}
	return nil
}

// at is At without the checks.
func (f TorusField) at(x, v []float64) {
	for i := range v {
		v[i] = 0
	}
	for _, m := range f.Modes {
		c := m.Amp * math.Cos(m.phase(x)) * 2 * math.Pi
		if m.Gradient {
			for k := range v {
				v[k] += c * float64(m.K[k])
			}
			continue
		}
		v[m.I] += c * float64(m.K[m.J])
		v[m.J] -= c * float64(m.K[m.I])
	}
}

// Jacobian writes Dv(x) (row-major d×d, J[a*d+b] = ∂v_a/∂x_b) into J
// (len d²). x is reduced modulo 1 as in At. Errors as At (len(J) ≠ d²
// instead of len(v) ≠ d).
func (f TorusField) Jacobian(x, J []float64) error {
	if err := f.checkPoint("Jacobian", x, len(J), f.D*f.D); err != nil {
		return err
	}
	f.jacobian(x, J)
	if !numerics.AllFinite(J) {
		return numerics.Invalidf("polar: TorusField.Jacobian: the field derivative overflows float64 (amplitudes too large)")
	}
	return nil
}

// jacobian is Jacobian without the checks.
func (f TorusField) jacobian(x, J []float64) {
	d := f.D
	for i := range J {
		J[i] = 0
	}
	for _, m := range f.Modes {
		s := -m.Amp * math.Sin(m.phase(x)) * 4 * math.Pi * math.Pi
		for b := 0; b < d; b++ {
			kb := float64(m.K[b])
			if m.Gradient {
				for a := 0; a < d; a++ {
					J[a*d+b] += s * float64(m.K[a]) * kb
				}
				continue
			}
			J[m.I*d+b] += s * float64(m.K[m.J]) * kb
			J[m.J*d+b] -= s * float64(m.K[m.I]) * kb
		}
	}
}

// Divergence returns ∇·v(x) = tr Dv(x) (0 for a divergence-free field up to
// rounding). Errors as Jacobian.
func (f TorusField) Divergence(x []float64) (float64, error) {
	if err := f.checkPoint("Divergence", x, f.D, f.D); err != nil {
		return 0, err
	}
	J := make([]float64, f.D*f.D)
	f.jacobian(x, J) // f, x checked above: Jacobian's checks once, not twice
	if !numerics.AllFinite(J) {
		return 0, numerics.Invalidf("polar: TorusField.Divergence: the field derivative overflows float64 (amplitudes too large)")
	}
	s := 0.0
	for i := 0; i < f.D; i++ {
		s += J[i*f.D+i]
	}
	if math.IsInf(s, 0) || math.IsNaN(s) {
		return 0, numerics.Invalidf("polar: TorusField.Divergence overflows float64 (amplitudes too large)")
	}
	return s, nil
}

// FlowResult is the time-T flow of a torus field from one point.
type FlowResult struct {
	X []float64  // x(T) (not reduced modulo 1)
	J *mat.Dense // ∂x(T)/∂x(0), from the variational equation
	// LogDetIntegral is ∫_0^T ∇·v(x(t)) dt, integrated alongside, so that
	// Liouville's formula reads det J = exp(LogDetIntegral).
	LogDetIntegral float64
	Steps          int
}

// FlowMap integrates ẋ = v(x) from x(0) = x0 to time T together with the
// variational equation J̇ = Dv(x) J, J(0) = I, and with ∫ ∇·v(x(t)) dt,
// by numerics.DormandPrince with the given options (RelTol, AbsTol). For
// a divergence-free field det J(T) = 1 (Liouville: d/dt det J =
// (∇·v) det J), so every time-T map preserves volume ([P] § Why
// Divergence-Free ODEs ...).
//
// Preconditions: f valid, x0 finite of length d, T ≥ 0 finite; else
// ErrInvalid. Accuracy: that of the integrator (global error typically
// 1–100 times the tolerance scale).
func FlowMap(f TorusField, x0 []float64, T float64, opt numerics.Options) (*FlowResult, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	d := f.D
	if len(x0) != d || !numerics.AllFinite(x0) {
		return nil, numerics.Invalidf("polar: FlowMap: x0 must be %d finite numbers", d)
	}
	if !(T >= 0) || math.IsInf(T, 0) {
		return nil, numerics.Invalidf("polar: FlowMap: T = %v, want finite ≥ 0", T)
	}
	y0 := make([]float64, d+d*d+1)
	copy(y0, x0)
	for i := 0; i < d; i++ {
		y0[d+i*d+i] = 1
	}
	Dv := make([]float64, d*d)
	rhs := func(_ float64, y, dy []float64) error {
		x := y[:d]
		f.at(x, dy[:d])
		f.jacobian(x, Dv)
		J := y[d : d+d*d]
		dJ := dy[d : d+d*d]
		tr := 0.0
		for a := 0; a < d; a++ {
			tr += Dv[a*d+a]
			for b := 0; b < d; b++ {
				s := 0.0
				for k := 0; k < d; k++ {
					s += Dv[a*d+k] * J[k*d+b]
				}
				dJ[a*d+b] = s
			}
		}
		dy[d+d*d] = tr
		return nil
	}
	sol, err := numerics.DormandPrince(rhs, 0, T, y0, opt)
	if err != nil {
		return nil, fmt.Errorf("polar: FlowMap: %w", err)
	}
	y := sol.Y
	return &FlowResult{
		X:              append([]float64(nil), y[:d]...),
		J:              mat.NewDense(d, d, append([]float64(nil), y[d:d+d*d]...)),
		LogDetIntegral: y[d+d*d],
		Steps:          sol.Steps,
	}, nil
}
