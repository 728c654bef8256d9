package drift

import (
	"errors"
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
)

// ErrOverflow is wrapped by the errors of valid inputs whose result does not
// fit in float64 (for example coordinates near ±1.8e308 of opposite signs).
// It does not wrap numerics.ErrInvalid: the otv/1 server answers "failed".
var ErrOverflow = errors.New("drift: result overflows float64")

// Kernel selects the similarity kernel of a drifting field.
type Kernel int

const (
	// Laplace is k(x,y) = exp(−‖x−y‖/τ), the kernel of drifting models
	// ([P] § One-Step Maps).
	Laplace Kernel = iota + 1
	// Gaussian is K_ε(x,y) = exp(−‖x−y‖²/(2ε)), ε = τ ([C] § Self-corrected
	// drifting fields).
	Gaussian
)

// String returns the protocol name of the kernel ("laplace", "gaussian").
func (k Kernel) String() string {
	switch k {
	case Laplace:
		return "laplace"
	case Gaussian:
		return "gaussian"
	}
	return fmt.Sprintf("Kernel(%d)", int(k))
}

// ParseKernel returns the kernel named as in protocol.md's drift.field
// ("laplace" or "gaussian"); any other name is an error wrapping
// numerics.ErrInvalid.
func ParseKernel(name string) (Kernel, error) {
	switch name {
	case "laplace":
		return Laplace, nil
	case "gaussian":
		return Gaussian, nil
	}
	return 0, numerics.Invalidf("drift: kernel %q is not \"laplace\" or \"gaussian\"", name)
}

func (k Kernel) valid() bool { return k == Laplace || k == Gaussian }

// cloud is a validated row-major point cloud.
type cloud struct {
	data []float64
	n, d int
}

func (c cloud) row(i int) []float64 { return c.data[i*c.d : (i+1)*c.d] }

func checkCloud(name string, M [][]float64, d int) (cloud, error) {
	if len(M) == 0 || len(M[0]) == 0 {
		return cloud{}, numerics.Invalidf("drift: %s is empty", name)
	}
	data, n, c, err := numerics.Flatten(M)
	if err != nil {
		return cloud{}, numerics.Invalidf("drift: %s: %v", name, err)
	}
	if d >= 0 && c != d {
		return cloud{}, numerics.Invalidf("drift: %s has dimension %d, want %d", name, c, d)
	}
	return cloud{data: data, n: n, d: c}, nil
}

func checkTau(tau float64) error {
	if !(tau > 0) || math.IsInf(tau, 1) {
		return numerics.Invalidf("drift: tau = %v, want finite > 0", tau)
	}
	return nil
}

// logWeights validates optional weights (finite, ≥ 0, positive finite sum)
// and returns their logarithms (nil for uniform weights).
func logWeights(w []float64, m int) ([]float64, error) {
	if w == nil {
		return nil, nil
	}
	if len(w) != m {
		return nil, numerics.Invalidf("drift: %d weights for %d points", len(w), m)
	}
	s := 0.0
	lw := make([]float64, m)
	for j, v := range w {
		if !(v >= 0) || math.IsInf(v, 1) {
			return nil, numerics.Invalidf("drift: weight w[%d] = %v, want finite ≥ 0", j, v)
		}
		s += v
		lw[j] = numerics.Log(v)
	}
	if !(s > 0) || math.IsInf(s, 1) {
		return nil, numerics.Invalidf("drift: weights sum to %v, want positive and finite", s)
	}
	return lw, nil
}

// dist returns ‖x − y‖ without intermediate overflow or underflow: the
// plain sum of squares when it is safely inside the normal range, else the
// coordinate differences are rescaled by their largest magnitude first. It
// returns +Inf only if a coordinate difference itself overflows.
func dist(x, y []float64) float64 {
	q := 0.0
	for k := range x {
		t := x[k] - y[k]
		q += t * t
	}
	if q > 0x1p-900 && q < 0x1p900 {
		return math.Sqrt(q)
	}
	s := 0.0
	for k := range x {
		if a := math.Abs(x[k] - y[k]); a > s {
			s = a
		}
	}
	if s == 0 || math.IsInf(s, 1) {
		return s
	}
	q = 0
	for k := range x {
		t := (x[k] - y[k]) / s
		q += t * t
	}
	return s * math.Sqrt(q)
}

// normalizedAt writes B[ν](x) = Σ_j w_j k(x,y_j)(y_j − x)/Σ_j w_j k(x,y_j)
// into dst, using r (len m) as scratch. lw are log-weights (nil: uniform).
func normalizedAt(dst, x []float64, y cloud, lw []float64, tau float64, k Kernel, r []float64) error {
	rmin := math.Inf(1)
	for j := 0; j < y.n; j++ {
		if lw != nil && math.IsInf(lw[j], -1) {
			r[j] = math.Inf(1)
			continue
		}
		r[j] = dist(x, y.row(j))
		if r[j] < rmin {
			rmin = r[j]
		}
	}
	if math.IsInf(rmin, 1) {
		return fmt.Errorf("%w: distances overflow", ErrOverflow)
	}
	// Logits relative to the nearest point, computed analytically so that
	// they are ≤ 0 up to the log-weights and never overflow.
	lmax := math.Inf(-1)
	for j := 0; j < y.n; j++ {
		var l float64
		switch {
		case math.IsInf(r[j], 1):
			l = math.Inf(-1)
		case k == Laplace:
			l = -(r[j] - rmin) / tau
		default:
			l = -((r[j] - rmin) / tau) * (0.5 * (r[j] + rmin))
		}
		if lw != nil {
			l += lw[j]
		}
		r[j] = l
		if l > lmax {
			lmax = l
		}
	}
	for a := range dst {
		dst[a] = 0
	}
	s := 0.0
	for j := 0; j < y.n; j++ {
		e := math.Exp(r[j] - lmax)
		if e == 0 {
			continue
		}
		s += e
		yj := y.row(j)
		for a := range dst {
			dst[a] += e * (yj[a] - x[a])
		}
	}
	for a := range dst {
		dst[a] /= s
		if math.IsNaN(dst[a]) || math.IsInf(dst[a], 0) {
			return fmt.Errorf("%w: y_j − x", ErrOverflow)
		}
	}
	return nil
}

// NormalizedField returns B[ν](x_i) for every row x_i of x, with
// ν = Σ_j w_j δ_{y_j} (w nil: uniform weights):
//
//	B[ν](x) = Σ_j w_j k(x,y_j)(y_j − x) / Σ_j w_j k(x,y_j),
//
// k the Laplace or Gaussian kernel of bandwidth tau ([C] eq. for B_ε in
// § Self-corrected drifting fields; for the Gaussian kernel B_ε[ν] =
// ε∇log(K_ε*ν)). The weights w_j k(x,y_j) are a softmax over j computed with
// the nearest point's cost subtracted, so the result is finite and accurate
// for any finite input (tiny tau, far-apart points).
//
// Preconditions (else an error wrapping numerics.ErrInvalid): x (n×d) and y
// (m×d) non-empty, non-ragged, finite, of equal dimension; tau finite > 0;
// k Laplace or Gaussian; w nil or m finite entries ≥ 0 with a positive sum.
// Accuracy: each output coordinate is within about (m + d)·eps·max_j‖y_j−x‖
// plus eps·(r_max/τ)·max_j‖y_j−x‖ (the rounding of the logits) of the exact
// value. Cost O(n·m·d).
func NormalizedField(x, y [][]float64, w []float64, tau float64, k Kernel) ([][]float64, error) {
	xc, err := checkCloud("x", x, -1)
	if err != nil {
		return nil, err
	}
	yc, err := checkCloud("y", y, xc.d)
	if err != nil {
		return nil, err
	}
	if err := checkTau(tau); err != nil {
		return nil, err
	}
	if !k.valid() {
		return nil, numerics.Invalidf("drift: unknown kernel %d", int(k))
	}
	lw, err := logWeights(w, yc.n)
	if err != nil {
		return nil, err
	}
	out := make([]float64, xc.n*xc.d)
	r := make([]float64, yc.n)
	for i := 0; i < xc.n; i++ {
		if err := normalizedAt(out[i*xc.d:(i+1)*xc.d], xc.row(i), yc, lw, tau, k, r); err != nil {
			return nil, err
		}
	}
	return numerics.Unflatten(out, xc.n, xc.d), nil
}

// Field returns the attraction–repulsion field of drifting models at every
// row x_i of x (protocol.md op drift.field; [P] § One-Step Maps):
//
//	V(x) = Σ_j k(x,y⁺_j)(y⁺_j − x)/Σ_j k(x,y⁺_j) − Σ_j k(x,y⁻_j)(y⁻_j − x)/Σ_j k(x,y⁻_j),
//
// that is B[ν⁺] − B[ν⁻] for the uniform empirical measures of ypos and yneg
// (see NormalizedField); no pair is masked. V is antisymmetric in
// (ypos, yneg) and vanishes when they are the same cloud.
//
// Preconditions and accuracy: as NormalizedField, for both clouds.
func Field(x, ypos, yneg [][]float64, tau float64, k Kernel) ([][]float64, error) {
	xc, err := checkCloud("x", x, -1)
	if err != nil {
		return nil, err
	}
	pc, err := checkCloud("ypos", ypos, xc.d)
	if err != nil {
		return nil, err
	}
	nc, err := checkCloud("yneg", yneg, xc.d)
	if err != nil {
		return nil, err
	}
	if err := checkTau(tau); err != nil {
		return nil, err
	}
	if !k.valid() {
		return nil, numerics.Invalidf("drift: unknown kernel %d", int(k))
	}
	return field(xc, pc, nc, tau, k)
}

func field(xc, pc, nc cloud, tau float64, k Kernel) ([][]float64, error) {
	d := xc.d
	out := make([][]float64, xc.n)
	r := make([]float64, max(pc.n, nc.n))
	neg := make([]float64, d)
	for i := 0; i < xc.n; i++ {
		v := make([]float64, d)
		if err := normalizedAt(v, xc.row(i), pc, nil, tau, k, r); err != nil {
			return nil, err
		}
		if err := normalizedAt(neg, xc.row(i), nc, nil, tau, k, r); err != nil {
			return nil, err
		}
		for a := range v {
			v[a] -= neg[a]
			if math.IsInf(v[a], 0) {
				return nil, fmt.Errorf("%w: B⁺ − B⁻", ErrOverflow)
			}
		}
		out[i] = v
	}
	return out, nil
}

// SelfCorrected returns the chapter's self-corrected drifting velocity
// u(x) = B_ε[β](x) − B_ε[μ](x) with the Gaussian kernel
// K_ε(x,y) = exp(−‖x−y‖²/(2ε)), at every row of x ([C] § Self-corrected
// drifting fields): u = ε∇log(K_ε*β / K_ε*μ) = ∇Potential. beta and mu are
// uniform empirical measures (repeat rows for other weights).
// Preconditions and accuracy: as Field with tau = eps.
func SelfCorrected(x, beta, mu [][]float64, eps float64) ([][]float64, error) {
	return Field(x, beta, mu, eps, Gaussian)
}

// LogSmoothedDensity returns log ∫K_ε(x_i,y)dν(y) = log Σ_j w_j exp(−‖x_i−y_j‖²/(2ε))
// for every row x_i of x (w nil: uniform weights 1/m), computed as a
// log-sum-exp (no overflow or underflow for any finite input). Its gradient
// times ε is B_ε[ν] ([C] § Self-corrected drifting fields).
// Preconditions: as NormalizedField with the Gaussian kernel; w, if given,
// is used as is (not normalised). Accuracy: a few ulps of the largest
// |log w_j − ‖x−y_j‖²/(2ε)|.
func LogSmoothedDensity(x, y [][]float64, w []float64, eps float64) ([]float64, error) {
	xc, err := checkCloud("x", x, -1)
	if err != nil {
		return nil, err
	}
	yc, err := checkCloud("y", y, xc.d)
	if err != nil {
		return nil, err
	}
	if err := checkTau(eps); err != nil {
		return nil, err
	}
	lw, err := logWeights(w, yc.n)
	if err != nil {
		return nil, err
	}
	out := make([]float64, xc.n)
	l := make([]float64, yc.n)
	lu := -math.Log(float64(yc.n))
	for i := range out {
		for j := range l {
			r := dist(xc.row(i), yc.row(j))
			l[j] = -(r / eps) * (0.5 * r)
			if lw != nil {
				l[j] += lw[j]
			} else {
				l[j] += lu
			}
		}
		out[i] = numerics.LogSumExp(l)
		if math.IsNaN(out[i]) || math.IsInf(out[i], 0) {
			return nil, fmt.Errorf("%w: log-density at x[%d] is %v", ErrOverflow, i, out[i])
		}
	}
	return out, nil
}

// Potential returns φ(x_i) = ε·log(K_ε*β(x_i) / K_ε*μ(x_i)) for every row x_i
// of x, β and μ uniform empirical measures: the potential whose gradient is
// the self-corrected velocity u = B_ε[β] − B_ε[μ], and whose negative
// integral R(α) = −∫φ dα has Wasserstein descent velocity u ([C] §
// Self-corrected drifting fields, proof of the proposition).
// Preconditions and accuracy: as LogSmoothedDensity. Both log-densities are
// ≤ 0 (uniform weights, kernel ≤ 1), so their difference never overflows;
// when the product with ε does (ε or ‖x − y‖² near MaxFloat64), the error
// wraps ErrOverflow rather than returning ±Inf.
func Potential(x, beta, mu [][]float64, eps float64) ([]float64, error) {
	lb, err := LogSmoothedDensity(x, beta, nil, eps)
	if err != nil {
		return nil, err
	}
	lm, err := LogSmoothedDensity(x, mu, nil, eps)
	if err != nil {
		return nil, err
	}
	for i := range lb {
		v := eps * (lb[i] - lm[i])
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, fmt.Errorf("%w: ε·log(K*β/K*μ) at x[%d] is %v", ErrOverflow, i, v)
		}
		lb[i] = v
	}
	return lb, nil
}
