package gmanifold

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"
)

// unitTol is protocol.md's tolerance on ‖θ‖ − 1 for slicing directions.
const unitTol = 1e-12

// checkDirections validates a direction set: L ≥ 1 rows of length d and
// unit norm within 1e-12, weights ≥ 0 summing to 1 within 1e-9 (nil means
// uniform).
func checkDirections(theta [][]float64, w []float64, d int) ([]float64, error) {
	L := len(theta)
	if L == 0 {
		return nil, numerics.Invalidf("gmanifold: no directions")
	}
	for l, th := range theta {
		if len(th) != d || !numerics.AllFinite(th) {
			return nil, numerics.Invalidf("gmanifold: direction %d has %d finite entries, want %d", l, len(th), d)
		}
		s := 0.0
		for _, v := range th {
			s += v * v
		}
		if math.Abs(math.Sqrt(s)-1) > unitTol {
			return nil, numerics.Invalidf("gmanifold: direction %d has norm %.17g, want 1", l, math.Sqrt(s))
		}
	}
	if w == nil {
		w = make([]float64, L)
		for i := range w {
			w[i] = 1 / float64(L)
		}
		return w, nil
	}
	if len(w) != L {
		return nil, numerics.Invalidf("gmanifold: %d directions but %d weights", L, len(w))
	}
	s := 0.0
	for i, v := range w {
		if !(v >= 0) || math.IsInf(v, 0) {
			return nil, numerics.Invalidf("gmanifold: weight %d = %v must be finite and ≥ 0", i, v)
		}
		s += v
	}
	if math.Abs(s-1) > 1e-9 {
		return nil, numerics.Invalidf("gmanifold: direction weights sum to %.17g, not 1", s)
	}
	return w, nil
}

// quadForm returns θᵀ C θ.
func quadForm(C mat.Symmetric, th []float64) float64 {
	s := 0.0
	for i := range th {
		for j := range th {
			s += th[i] * C.At(i, j) * th[j]
		}
	}
	return s
}

// SlicedValue returns the sliced squared Wasserstein distance from
// N(m, C) to γ = N(0, I) over the direction set (θ_l, w_l):
//
//	SW2² = Σ_l w_l W2²(N(⟨θ_l, m⟩, θ_lᵀ C θ_l), N(0, 1))
//	     = Σ_l w_l [⟨θ_l, m⟩² + ((θ_lᵀ C θ_l)^{1/2} − 1)²]
//
// (each projection is a one-dimensional Gaussian; [C] § Gaussian-preserving
// gradient flows, sliced row). With the weights of SphereQuadrature it
// approximates the average over the uniform law on the sphere; with
// uniform weights over L given directions it is protocol.md's ot.sliced_w2
// value for the two Gaussians. m = nil means 0; w = nil means uniform.
// Preconditions: C symmetric positive definite, directions of unit norm
// within 1e-12, weights ≥ 0 summing to 1 (else ErrInvalid). Each term is
// formed as (√w_l·⟨θ_l, m⟩)² + w_l·s², so that w_l·⟨θ_l, m⟩² is answered
// when it fits although ⟨θ_l, m⟩² does not; a value that does not fit
// float64 (means or θᵀCθ near MaxFloat64) returns an error wrapping
// ErrOverflow, never +Inf.
func SlicedValue(m []float64, C *mat.SymDense, theta [][]float64, w []float64) (float64, error) {
	d, err := checkSPD("C", C, -1)
	if err != nil {
		return 0, err
	}
	if m != nil {
		if err := checkVec("m", m, d); err != nil {
			return 0, err
		}
	}
	w, err = checkDirections(theta, w, d)
	if err != nil {
		return 0, err
	}
	v := 0.0
	for l, th := range theta {
		pm := 0.0
		for i := range th {
			if m != nil {
				pm += th[i] * m[i]
			}
		}
		s := math.Sqrt(quadForm(C, th)) - 1
		a := math.Sqrt(w[l]) * pm
		v += a*a + w[l]*(s*s)
	}
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("gmanifold: SlicedValue: %w", ErrOverflow)
	}
	return v, nil
}

// SlicedV returns V(C) = Σ_l w_l 2((θ_lᵀ C θ_l)^{-1/2} − 1) θ_l θ_lᵀ, the
// matrix of the descent velocity v(x) = V(C) x of the sliced energy at
// N(0, C): each projection moves by the one-dimensional Gaussian transport
// velocity 2((θᵀCθ)^{-1/2} − 1)⟨θ, x⟩θ ([C] § Gaussian-preserving gradient
// flows, sliced row). V(C) = −2 ∇_Σ SlicedValue. Preconditions as
// SlicedValue.
func SlicedV(C *mat.SymDense, theta [][]float64, w []float64) (*mat.SymDense, error) {
	d, err := checkSPD("C", C, -1)
	if err != nil {
		return nil, err
	}
	w, err = checkDirections(theta, w, d)
	if err != nil {
		return nil, err
	}
	V := mat.NewSymDense(d, nil)
	for l, th := range theta {
		c := w[l] * 2 * (1/math.Sqrt(quadForm(C, th)) - 1)
		for i := 0; i < d; i++ {
			for j := i; j < d; j++ {
				V.SetSym(i, j, V.At(i, j)+c*th[i]*th[j])
			}
		}
	}
	return finite("SlicedV", V)
}

// SlicedCovarianceVelocity returns Ċ = V(C) C + C V(C) for the sliced
// energy (SlicedV), the covariance equation of the affine descent velocity
// ([C] § Gaussian-preserving gradient flows). Exactly symmetric.
// Preconditions as SlicedValue.
func SlicedCovarianceVelocity(C *mat.SymDense, theta [][]float64, w []float64) (*mat.SymDense, error) {
	V, err := SlicedV(C, theta, w)
	if err != nil {
		return nil, err
	}
	return finite("SlicedCovarianceVelocity", anticommutator(V, C))
}

// SphereQuadrature returns directions θ_l and weights w_l (summing to 1)
// of a quadrature rule for the uniform law on the unit sphere S^{d−1}:
//
//   - d = 1: θ = ±1, weights ½ (exact);
//   - d = 2: n equally spaced angles 2πk/n, weights 1/n (exact for
//     trigonometric polynomials of degree < n);
//   - d = 3: n Gauss–Legendre nodes in z = cos ϑ times 2n equally spaced
//     azimuths (exact for spherical polynomials of degree < 2n).
//
// Preconditions: 1 ≤ d ≤ 3, 1 ≤ n ≤ 1000; else ErrInvalid.
func SphereQuadrature(d, n int) ([][]float64, []float64, error) {
	if n < 1 || n > 1000 {
		return nil, nil, numerics.Invalidf("gmanifold: SphereQuadrature: n = %d not in [1, 1000]", n)
	}
	switch d {
	case 1:
		return [][]float64{{1}, {-1}}, []float64{0.5, 0.5}, nil
	case 2:
		th := make([][]float64, n)
		w := make([]float64, n)
		for k := range th {
			a := 2 * math.Pi * float64(k) / float64(n)
			th[k] = []float64{math.Cos(a), math.Sin(a)}
			w[k] = 1 / float64(n)
		}
		return th, w, nil
	case 3:
		z := make([]float64, n)
		wz := make([]float64, n)
		quad.Legendre{}.FixedLocations(z, wz, -1, 1)
		var th [][]float64
		var w []float64
		for i := range z {
			r := math.Sqrt(math.Max(0, 1-z[i]*z[i]))
			for k := 0; k < 2*n; k++ {
				a := math.Pi * float64(k) / float64(n)
				v := []float64{r * math.Cos(a), r * math.Sin(a), z[i]}
				nv := math.Sqrt(v[0]*v[0] + v[1]*v[1] + v[2]*v[2])
				for j := range v {
					v[j] /= nv
				}
				th = append(th, v)
				w = append(w, wz[i]/2/float64(2*n))
			}
		}
		return th, w, nil
	}
	return nil, nil, fmt.Errorf("gmanifold: SphereQuadrature: d = %d not in [1, 3]: %w", d, numerics.ErrInvalid)
}
