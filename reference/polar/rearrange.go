package polar

import (
	"math"
	"reflect"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/gaussian"
)

// CubeMap is a bijection φ of the unit cube (0, 1)^d (the torus ℝ^d/ℤ^d)
// that preserves Lebesgue measure, |det J_φ| = 1 ([P] § Gaussian-Preserving
// Rearrangements via Uniform Coordinates). The maps of this package have
// exported fields, so a literal may be malformed (ValidateCubeMap checks
// it); their Apply then returns nil rather than panicking (it indexed out
// of range or dereferenced a nil map; regression test
// TestMalformedCubeMapOrFieldIsAnError), as it does for a u of another
// length than Dim().
type CubeMap interface {
	// Dim is the dimension d the map acts on.
	Dim() int
	// Apply returns φ(u) for u ∈ [0, 1)^d (a new slice), or nil if the map
	// is malformed or len(u) ≠ Dim().
	Apply(u []float64) []float64
}

// frac returns x mod 1 in [0, 1).
func frac(x float64) float64 {
	f := x - math.Floor(x)
	if f >= 1 { // x slightly below an integer rounds up
		f = 0
	}
	return f
}

// Permutation is the coordinate permutation φ(u)_i = u_{Perm[i]}.
type Permutation struct{ Perm []int }

// Dim returns len(Perm).
func (p Permutation) Dim() int { return len(p.Perm) }

// Apply returns (u_{Perm[0]}, …, u_{Perm[d−1]}) (nil if Perm is not a
// permutation of 0..d−1 or len(u) ≠ d).
func (p Permutation) Apply(u []float64) []float64 {
	if len(u) != len(p.Perm) || !isPermutation(p.Perm) {
		return nil
	}
	v := make([]float64, len(u))
	for i, j := range p.Perm {
		v[i] = u[j]
	}
	return v
}

// isPermutation reports whether perm is a permutation of 0..len(perm)−1.
func isPermutation(perm []int) bool {
	seen := make([]bool, len(perm))
	for _, j := range perm {
		if j < 0 || j >= len(perm) || seen[j] {
			return false
		}
		seen[j] = true
	}
	return true
}

// Reflection is φ(u)_i = 1 − u_i for the coordinates with Axes[i] set and
// u_i otherwise.
type Reflection struct{ Axes []bool }

// Dim returns len(Axes).
func (r Reflection) Dim() int { return len(r.Axes) }

// Apply reflects the selected coordinates (nil if len(u) ≠ len(Axes)).
func (r Reflection) Apply(u []float64) []float64 {
	if len(u) != len(r.Axes) {
		return nil
	}
	v := append([]float64(nil), u...)
	for i, f := range r.Axes {
		if f {
			v[i] = 1 - u[i]
		}
	}
	return v
}

// Shift is the torus translation φ(u)_i = (u_i + S_i) mod 1.
type Shift struct{ S []float64 }

// Dim returns len(S).
func (s Shift) Dim() int { return len(s.S) }

// Apply translates modulo 1 (nil if len(u) ≠ len(S)).
func (s Shift) Apply(u []float64) []float64 {
	if len(u) != len(s.S) {
		return nil
	}
	v := make([]float64, len(u))
	for i := range u {
		v[i] = frac(u[i] + s.S[i])
	}
	return v
}

// Shear is the torus shear φ(u)_I = (u_I + C·u_J) mod 1, other coordinates
// unchanged (I ≠ J): for fixed u_J it is a translation of u_I, so it is a
// measure-preserving bijection of the torus for every real C (its Jacobian
// is unit triangular).
type Shear struct {
	D    int
	I, J int
	C    float64
}

// Dim returns D.
func (s Shear) Dim() int { return s.D }

// Apply shears coordinate I along J (nil unless I ≠ J are in [0, D) and
// len(u) = D).
func (s Shear) Apply(u []float64) []float64 {
	if len(u) != s.D || s.I < 0 || s.I >= s.D || s.J < 0 || s.J >= s.D || s.I == s.J {
		return nil
	}
	v := append([]float64(nil), u...)
	v[s.I] = frac(u[s.I] + s.C*u[s.J])
	return v
}

// Compose applies Maps[0] first, then Maps[1], and so on.
type Compose struct{ Maps []CubeMap }

// Dim returns the dimension of the first map (0 if empty or nil).
func (c Compose) Dim() int {
	if len(c.Maps) == 0 || isNilMap(c.Maps[0]) {
		return 0
	}
	return c.Maps[0].Dim()
}

// Apply applies the maps in order (nil if a map is nil or answers nil).
func (c Compose) Apply(u []float64) []float64 {
	v := append([]float64(nil), u...)
	for _, m := range c.Maps {
		if isNilMap(m) {
			return nil
		}
		if v = m.Apply(v); v == nil {
			return nil
		}
	}
	return v
}

// isNilMap reports whether m is nil or a nil pointer (whose value methods
// would panic).
func isNilMap(m CubeMap) bool {
	if m == nil {
		return true
	}
	r := reflect.ValueOf(m)
	return r.Kind() == reflect.Pointer && r.IsNil()
}

// ValidateCubeMap checks that phi is a well-formed measure-preserving cube
// map of dimension d: permutations are permutations of 0..d−1, reflections
// and shifts have d entries (shifts finite), shears have distinct indices in
// range and a finite coefficient; compositions are checked recursively.
// It returns an error wrapping numerics.ErrInvalid otherwise.
func ValidateCubeMap(phi CubeMap, d int) error {
	if isNilMap(phi) {
		return numerics.Invalidf("polar: cube map is nil")
	}
	// The type is checked before Dim is called: Dim of a Compose whose
	// first map is nil, or of a nil pointer, panicked here.
	switch phi.(type) {
	case Permutation, Reflection, Shift, Shear, Compose:
	default:
		return numerics.Invalidf("polar: unknown cube map type %T", phi)
	}
	if phi.Dim() != d {
		return numerics.Invalidf("polar: cube map of dimension %d, want %d", phi.Dim(), d)
	}
	switch m := phi.(type) {
	case Permutation:
		seen := make([]bool, d)
		for i, j := range m.Perm {
			if j < 0 || j >= d || seen[j] {
				return numerics.Invalidf("polar: Perm[%d] = %d: not a permutation of 0..%d", i, j, d-1)
			}
			seen[j] = true
		}
	case Reflection:
	case Shift:
		if !numerics.AllFinite(m.S) {
			return numerics.Invalidf("polar: shift is not finite")
		}
	case Shear:
		if m.I < 0 || m.I >= d || m.J < 0 || m.J >= d || m.I == m.J {
			return numerics.Invalidf("polar: shear indices (%d, %d) invalid for d = %d", m.I, m.J, d)
		}
		if math.IsNaN(m.C) || math.IsInf(m.C, 0) {
			return numerics.Invalidf("polar: shear coefficient is not finite")
		}
	case Compose:
		for _, s := range m.Maps {
			if err := ValidateCubeMap(s, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// Rearrange returns M(z) = Φ^{-1}(φ(Φ(z))), the Gaussian-preserving
// rearrangement of [P] § Gaussian-Preserving Rearrangements via Uniform
// Coordinates: if Z ~ N(0, I) then U = Φ(Z) is uniform on the cube, φ(U) is
// uniform because φ preserves volume, and M(Z) ~ N(0, I).
//
// Preconditions: phi valid of dimension len(z) (ValidateCubeMap), z finite;
// else ErrInvalid. Accuracy: Φ(z) is exact to a few ulps relative, and
// Φ^{-1} of a value u has absolute error about eps/φ_N(Φ^{-1}(u)) where
// u is near 1 (φ_N the normal density), e.g. 1e-10 at |M(z)| = 5. A
// coordinate whose cube value is exactly 0 (possible only after a shift or
// shear lands on an integer, or when Φ(z) underflows for z < −38) is
// returned as an error wrapping numerics.ErrInvalid rather than −Inf.
func Rearrange(phi CubeMap, z []float64) ([]float64, error) {
	if err := ValidateCubeMap(phi, len(z)); err != nil {
		return nil, err
	}
	return rearrange(phi, z)
}

// Rearranger validates phi once (ValidateCubeMap with dimension d) and
// returns M = Φ^{-1} ∘ φ ∘ Φ as a function of points of dimension d, for
// transforming many points (see Rearrange for accuracy and errors).
func Rearranger(phi CubeMap, d int) (func(z []float64) ([]float64, error), error) {
	if err := ValidateCubeMap(phi, d); err != nil {
		return nil, err
	}
	return func(z []float64) ([]float64, error) {
		if len(z) != d {
			return nil, numerics.Invalidf("polar: point of dimension %d, want %d", len(z), d)
		}
		return rearrange(phi, z)
	}, nil
}

func rearrange(phi CubeMap, z []float64) ([]float64, error) {
	if !numerics.AllFinite(z) {
		return nil, numerics.Invalidf("polar: z is not finite")
	}
	u := make([]float64, len(z))
	for i, v := range z {
		u[i] = gaussian.NormalCDF(v)
	}
	w := phi.Apply(u)
	if len(w) != len(z) {
		return nil, numerics.Invalidf("polar: cube map returned %d coordinates, want %d", len(w), len(z))
	}
	out := make([]float64, len(z))
	for i, v := range w {
		out[i] = gaussian.NormalQuantile(v)
		if math.IsInf(out[i], 0) || math.IsNaN(out[i]) {
			return nil, numerics.Invalidf("polar: rearranged coordinate %d lands on the cube boundary (u = %g)", i, v)
		}
	}
	return out, nil
}
