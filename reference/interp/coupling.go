package interp

import (
	"math"
	"reflect"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/discrete"
	"github.com/otverify/otverify/reference/schedule"
)

// MassTol is the tolerance on the total mass of a coupling, |Σ π_ij − 1|
// (protocol.md's rule for weights).
const MassTol = 1e-9

// Interpolant is a path P_t(x, y) between x (t = 0) and y (t = 1) in R^d
// with its time derivative ∂_t P_t(x, y) ([C] § "Stochastic interpolant",
// P_t : R^{2d} → R^d). Implementations write into dst, which has the length
// of x and y; they do not check shapes or fields (they have no error
// return): the functions of this package check both first, for the types
// of this package (checkInterpolant: a Curved Offset of length d, a Bridge
// schedule with finite coefficients at t, no nil pointer), and call the
// methods only with consistent lengths.
type Interpolant interface {
	Name() string
	At(dst []float64, t float64, x, y []float64)
	Deriv(dst []float64, t float64, x, y []float64)
}

// Linear is P_t(x, y) = (1 − t) x + t y, ∂_t P_t = y − x: the interpolant of
// flow matching and rectified flow ([C] § "Stochastic interpolant"; [P]
// § "Flow Matching & Rectified Flows"). Exact for dyadic t and
// representable x, y whose combination is representable.
type Linear struct{}

// Name returns "linear".
func (Linear) Name() string { return "linear" }

// At writes (1 − t) x + t y.
func (Linear) At(dst []float64, t float64, x, y []float64) {
	for i := range dst {
		dst[i] = (1-t)*x[i] + t*y[i]
	}
}

// Deriv writes y − x.
func (Linear) Deriv(dst []float64, t float64, x, y []float64) {
	for i := range dst {
		dst[i] = y[i] - x[i]
	}
}

// Curved is the curved bridge
//
//	P_t(x, y) = (1 − t) x + t y + sin(π t) (κ J(y − x) + e),
//	∂_t P_t   = y − x + π cos(π t) (κ J(y − x) + e),
//
// where J rotates each consecutive coordinate pair by a quarter turn,
// (u_0, u_1, u_2, u_3, …) ↦ (−u_1, u_0, −u_3, u_2, …) (a last odd
// coordinate maps to 0), κ = Kappa and e = Offset (nil means 0). It has
// the same endpoints as Linear (sin 0 = sin π = 0, up to the rounding of
// sin(π) ≈ 1.2e-16 times |κ J(y − x) + e|) and bends the paths ([C] figure
// "Flow matching interpolants": "a curved bridge changes the path geometry
// while keeping the same endpoints").
type Curved struct {
	Kappa  float64
	Offset []float64
}

// Name returns "curved".
func (Curved) Name() string { return "curved" }

func (c Curved) bend(dst []float64, x, y []float64) {
	d := len(dst)
	for i := 0; i+1 < d; i += 2 {
		u0, u1 := y[i]-x[i], y[i+1]-x[i+1]
		dst[i] = -c.Kappa * u1
		dst[i+1] = c.Kappa * u0
	}
	if d%2 == 1 {
		dst[d-1] = 0
	}
	if c.Offset != nil {
		for i := range dst {
			dst[i] += c.Offset[i]
		}
	}
}

// At writes (1 − t) x + t y + sin(π t)(κ J(y − x) + e). At t = 0 and t = 1
// it returns x and y exactly (the sine term is skipped there).
func (c Curved) At(dst []float64, t float64, x, y []float64) {
	c.bend(dst, x, y)
	s := math.Sin(math.Pi * t)
	if t == 0 || t == 1 {
		s = 0
	}
	for i := range dst {
		dst[i] = (1-t)*x[i] + t*y[i] + s*dst[i]
	}
}

// Deriv writes y − x + π cos(π t)(κ J(y − x) + e).
func (c Curved) Deriv(dst []float64, t float64, x, y []float64) {
	c.bend(dst, x, y)
	k := math.Pi * math.Cos(math.Pi*t)
	for i := range dst {
		dst[i] = y[i] - x[i] + k*dst[i]
	}
}

// Bridge is the interpolant of a scalar schedule, P_t(x, y) = a_t x + b_t y,
// ∂_t P_t = a'_t x + b'_t y (x the data, y the noise; [C] § "Variations on
// the interpolant"). Its endpoints are x and y when (a, b) = (1, 0) at t = 0
// and (0, 1) at t = 1 (linear, cosine, overshoot; VP only as τ → ∞).
type Bridge struct{ S schedule.Schedule }

// Name returns "bridge(<schedule>)" ("bridge(<nil>)" without a schedule).
func (b Bridge) Name() string {
	if isNilValue(b.S) {
		return "bridge(<nil>)"
	}
	return "bridge(" + b.S.Name() + ")"
}

// At writes a_t x + b_t y.
func (b Bridge) At(dst []float64, t float64, x, y []float64) {
	c := b.S.Coef(t)
	for i := range dst {
		dst[i] = c.A*x[i] + c.B*y[i]
	}
}

// Deriv writes a'_t x + b'_t y.
func (b Bridge) Deriv(dst []float64, t float64, x, y []float64) {
	c := b.S.Coef(t)
	for i := range dst {
		dst[i] = c.DA*x[i] + c.DB*y[i]
	}
}

// Pair is one atom (x_I, y_J) of a discrete coupling with its mass.
type Pair struct {
	I, J int
	Mass float64
}

// Coupling is a discrete coupling π = Σ_p Mass_p δ_(X[I_p], Y[J_p]) between
// point clouds X (n×d) and Y (m×d) ([C] § "Stochastic interpolant").
// Pairs with zero mass are dropped by the constructors. A literal is
// validated by the functions that take it (non-empty finite clouds of one
// dimension, pairs in range, finite masses ≥ 0; else ErrInvalid).
type Coupling struct {
	X, Y  [][]float64
	Pairs []Pair
}

func checkClouds(x, y [][]float64) (int, error) {
	_, n, d, err := numerics.Flatten(x)
	if err != nil {
		return 0, numerics.Invalidf("interp: x: %v", err)
	}
	_, m, dy, err := numerics.Flatten(y)
	if err != nil {
		return 0, numerics.Invalidf("interp: y: %v", err)
	}
	if n == 0 || m == 0 || d == 0 {
		return 0, numerics.Invalidf("interp: empty point cloud")
	}
	if d != dy {
		return 0, numerics.Invalidf("interp: x has dimension %d, y has %d", d, dy)
	}
	return d, nil
}

// isNilValue reports whether v is nil or a nil pointer (whose value
// methods would panic).
func isNilValue(v any) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	return r.Kind() == reflect.Pointer && r.IsNil()
}

// checkCoupling validates a Coupling, which may be a literal: non-nil,
// clouds as checkClouds, every pair in range with a finite mass ≥ 0. It
// returns the dimension. CFMLoss indexed out of range on a bad pair and
// dereferenced a nil coupling (regression test
// TestMalformedCouplingOrInterpolantIsAnError).
func checkCoupling(c *Coupling) (int, error) {
	if c == nil {
		return 0, numerics.Invalidf("interp: nil coupling")
	}
	d, err := checkClouds(c.X, c.Y)
	if err != nil {
		return 0, err
	}
	for _, p := range c.Pairs {
		if p.I < 0 || p.I >= len(c.X) || p.J < 0 || p.J >= len(c.Y) || !(p.Mass >= 0) || math.IsInf(p.Mass, 1) {
			return 0, numerics.Invalidf("interp: bad pair %+v (indices in [0, %d)×[0, %d), finite mass ≥ 0)", p, len(c.X), len(c.Y))
		}
	}
	return d, nil
}

// checkInterpolant validates P for points of dimension d at time t: not
// nil (nor a nil pointer), t finite; a Curved has a finite Kappa and an
// Offset that is nil or d finite numbers; a Bridge has a schedule with
// finite coefficients at t. Other implementations are trusted. A short
// Offset, a Bridge without a schedule (or with a malformed TimeChange) and
// nil pointers panicked in the methods (regression test
// TestMalformedCouplingOrInterpolantIsAnError).
func checkInterpolant(P Interpolant, d int, t float64) error {
	if isNilValue(P) {
		return numerics.Invalidf("interp: nil interpolant")
	}
	if math.IsNaN(t) || math.IsInf(t, 0) {
		return numerics.Invalidf("interp: t = %v is not finite", t)
	}
	var cv *Curved
	var br *Bridge
	switch v := P.(type) {
	case Curved:
		cv = &v
	case *Curved:
		cv = v
	case Bridge:
		br = &v
	case *Bridge:
		br = v
	}
	if cv != nil {
		if math.IsNaN(cv.Kappa) || math.IsInf(cv.Kappa, 0) {
			return numerics.Invalidf("interp: curved bridge with κ = %v", cv.Kappa)
		}
		if cv.Offset != nil && (len(cv.Offset) != d || !numerics.AllFinite(cv.Offset)) {
			return numerics.Invalidf("interp: curved bridge offset has %d entries, want %d finite ones", len(cv.Offset), d)
		}
	}
	if br != nil {
		if isNilValue(br.S) {
			return numerics.Invalidf("interp: bridge without a schedule")
		}
		if c := br.S.Coef(t); !numerics.AllFinite([]float64{c.A, c.B, c.DA, c.DB}) {
			return numerics.Invalidf("interp: bridge schedule %s at t = %g has non-finite coefficients %+v", br.S.Name(), t, c)
		}
	}
	return nil
}

func checkMasses(name string, a []float64, n int) error {
	if len(a) != n {
		return numerics.Invalidf("interp: %s has %d entries, want %d", name, len(a), n)
	}
	s := 0.0
	for i, v := range a {
		if !(v >= 0) || math.IsInf(v, 1) {
			return numerics.Invalidf("interp: %s[%d] = %v must be finite and ≥ 0", name, i, v)
		}
		s += v
	}
	if math.Abs(s-1) > MassTol {
		return numerics.Invalidf("interp: %s sums to %.17g, not 1", name, s)
	}
	return nil
}

// Product returns the independent coupling α ⊗ β of α = Σ a_i δ_{x_i} and
// β = Σ b_j δ_{y_j}: masses a_i b_j, pairs in row-major order ([C]: "one can
// use π = α0 ⊗ α1, the trivial coupling"). Masses are validated as weights
// (≥ 0, sum 1 within MassTol).
func Product(x [][]float64, a []float64, y [][]float64, b []float64) (*Coupling, error) {
	if _, err := checkClouds(x, y); err != nil {
		return nil, err
	}
	if err := checkMasses("a", a, len(x)); err != nil {
		return nil, err
	}
	if err := checkMasses("b", b, len(y)); err != nil {
		return nil, err
	}
	c := &Coupling{X: x, Y: y}
	for i, ai := range a {
		for j, bj := range b {
			if m := ai * bj; m > 0 {
				c.Pairs = append(c.Pairs, Pair{I: i, J: j, Mass: m})
			}
		}
	}
	return c, nil
}

// FromPermutation returns the Monge coupling (1/n) Σ_i δ_(x_i, y_perm[i])
// of two uniform clouds of n points: with an optimal assignment for the
// cost ‖x − y‖² it is the Brenier (exact-OT) coupling of the empirical
// measures ([P] § "Uncrossing Paths: Mini-Batch OT"; Birkhoff).
func FromPermutation(x, y [][]float64, perm []int) (*Coupling, error) {
	if _, err := checkClouds(x, y); err != nil {
		return nil, err
	}
	n := len(x)
	if len(y) != n || len(perm) != n {
		return nil, numerics.Invalidf("interp: FromPermutation needs |x| = |y| = |perm|, got %d, %d, %d", n, len(y), len(perm))
	}
	seen := make([]bool, n)
	c := &Coupling{X: x, Y: y, Pairs: make([]Pair, n)}
	for i, j := range perm {
		if j < 0 || j >= n || seen[j] {
			return nil, numerics.Invalidf("interp: perm is not a permutation of 0..%d (entry %d is %d)", n-1, i, j)
		}
		seen[j] = true
		c.Pairs[i] = Pair{I: i, J: j, Mass: 1 / float64(n)}
	}
	return c, nil
}

// ExactOT returns an optimal coupling of α = Σ a_i δ_{x_i} and
// β = Σ b_j δ_{y_j} for the cost ‖x − y‖² (no ½), computed exactly by
// reference/discrete (network simplex): the mini-batch OT coupling of
// [P] § "Uncrossing Paths: Mini-Batch OT", and for uniform clouds of equal
// size a permutation (Birkhoff), the Brenier coupling (Id, T)♯α of the
// empirical measures ([C] § Stochastic interpolant). Masses are validated
// as weights (≥ 0, sum 1 within MassTol); the plan is a vertex of the
// transport polytope (at most n + m − 1 pairs), optimal within
// 1e-12·max‖x − y‖² (discrete.EMD).
func ExactOT(x [][]float64, a []float64, y [][]float64, b []float64) (*Coupling, error) {
	d, err := checkClouds(x, y)
	if err != nil {
		return nil, err
	}
	if err := checkMasses("a", a, len(x)); err != nil {
		return nil, err
	}
	if err := checkMasses("b", b, len(y)); err != nil {
		return nil, err
	}
	xf, _, _, _ := numerics.Flatten(x)
	yf, _, _, _ := numerics.Flatten(y)
	C, err := discrete.SqEuclideanCost(xf, yf, len(x), len(y), d)
	if err != nil {
		return nil, err
	}
	sol, err := discrete.EMDWithOptions(a, b, C, len(x), len(y), discrete.Options{SparseOnly: true})
	if err != nil {
		return nil, err
	}
	c := &Coupling{X: x, Y: y}
	for _, e := range sol.Sparse() {
		if e.Mass > 0 {
			c.Pairs = append(c.Pairs, Pair{I: e.I, J: e.J, Mass: e.Mass})
		}
	}
	return c, nil
}

// FromPlan returns the coupling Σ_ij plan[i][j] δ_(x_i, y_j) of an n×m plan
// (entries finite and ≥ 0, total mass 1 within MassTol; zero entries are
// dropped). The marginals are not checked: any plan defines a coupling of
// its own marginals.
func FromPlan(x, y [][]float64, plan [][]float64) (*Coupling, error) {
	if _, err := checkClouds(x, y); err != nil {
		return nil, err
	}
	flat, n, m, err := numerics.Flatten(plan)
	if err != nil {
		return nil, numerics.Invalidf("interp: plan: %v", err)
	}
	if n != len(x) || m != len(y) {
		return nil, numerics.Invalidf("interp: plan is %d×%d, want %d×%d", n, m, len(x), len(y))
	}
	if err := checkMasses("plan", flat, n*m); err != nil {
		return nil, err
	}
	c := &Coupling{X: x, Y: y}
	for i := range n {
		for j := range m {
			if v := flat[i*m+j]; v > 0 {
				c.Pairs = append(c.Pairs, Pair{I: i, J: j, Mass: v})
			}
		}
	}
	return c, nil
}

// Atom is one distinct point Z of α_t = (P_t)♯π, its mass, and the
// conditional expectation V = E_π[∂_t P_t | P_t = Z] (eq. 4).
type Atom struct {
	Z    []float64
	Mass float64
	V    []float64
}

// ConditionalVelocity returns the atoms of α_t = (P_t)♯π with the
// flow-matching velocity v_t(z) = E_π[∂_t P_t(u) | P_t(u) = z]: pairs whose
// points P_t(x_i, y_j) are equal (coordinate by coordinate, as float64
// values) form one atom, whose mass is the sum of theirs and whose velocity
// is their mass-weighted mean latent velocity ([C] § "Flow matching
// formula", eq. 4: the average velocity of all trajectories through z).
// Atoms come in the order of the first pair that reaches them
// (deterministic). v_t minimises the regression (3) among all fields on the
// support of α_t; with exact inputs (integer points, dyadic t) the grouping
// is exact. Preconditions (else ErrInvalid): c a well-formed coupling
// (non-nil, clouds of one dimension d, pairs in range with finite masses
// ≥ 0), P a well-formed interpolant (see checkInterpolant), t finite.
func ConditionalVelocity(c *Coupling, P Interpolant, t float64) ([]Atom, error) {
	d, err := checkCoupling(c)
	if err != nil {
		return nil, err
	}
	if err := checkInterpolant(P, d, t); err != nil {
		return nil, err
	}
	index := map[string]int{}
	var atoms []Atom
	z := make([]float64, d)
	v := make([]float64, d)
	key := make([]byte, 8*d)
	for _, p := range c.Pairs {
		P.At(z, t, c.X[p.I], c.Y[p.J])
		P.Deriv(v, t, c.X[p.I], c.Y[p.J])
		for i, zi := range z {
			b := math.Float64bits(zi + 0) // +0 merges −0 and +0
			for k := range 8 {
				key[8*i+k] = byte(b >> (8 * k))
			}
		}
		a, ok := index[string(key)]
		if !ok {
			a = len(atoms)
			index[string(key)] = a
			atoms = append(atoms, Atom{Z: append([]float64(nil), z...), V: make([]float64, d)})
		}
		atoms[a].Mass += p.Mass
		for i := range v {
			atoms[a].V[i] += p.Mass * v[i]
		}
	}
	for a := range atoms {
		if atoms[a].Mass > 0 {
			for i := range atoms[a].V {
				atoms[a].V[i] /= atoms[a].Mass
			}
		}
		if !numerics.AllFinite(atoms[a].Z) || !numerics.AllFinite(atoms[a].V) {
			return nil, numerics.Invalidf("interp: P_t or ∂_t P_t is not finite")
		}
	}
	return atoms, nil
}

// VectorField is a candidate velocity field z ↦ v(z) ∈ R^d for the losses.
type VectorField func(z []float64) []float64

// CFMLoss returns the conditional flow-matching loss at time t,
// L_CFM(v) = Σ_p π_p ‖v(P_t(u_p)) − ∂_t P_t(u_p)‖² ([P] § "Conditional Flow
// Matching (CFM) Objective", at a fixed t; [C] eq. 3). Preconditions
// (else ErrInvalid): c, P and t as ConditionalVelocity (a nil coupling or
// interpolant, a pair out of range or a curved offset of the wrong length
// panicked, and a negative mass or a NaN t gave a value without an error),
// v non-nil returning d finite numbers, a finite loss.
func CFMLoss(c *Coupling, P Interpolant, t float64, v VectorField) (float64, error) {
	d, err := checkCoupling(c)
	if err != nil {
		return 0, err
	}
	if err := checkInterpolant(P, d, t); err != nil {
		return 0, err
	}
	if v == nil {
		return 0, numerics.Invalidf("interp: nil field")
	}
	z, dz := make([]float64, d), make([]float64, d)
	s := 0.0
	for _, p := range c.Pairs {
		P.At(z, t, c.X[p.I], c.Y[p.J])
		P.Deriv(dz, t, c.X[p.I], c.Y[p.J])
		f := v(z)
		if len(f) != d {
			return 0, numerics.Invalidf("interp: field returned %d entries, want %d", len(f), d)
		}
		for i := range f {
			e := f[i] - dz[i]
			s += p.Mass * e * e
		}
	}
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return 0, numerics.Invalidf("interp: CFM loss is not finite")
	}
	return s, nil
}

// FMLoss returns the flow-matching loss at time t against the exact field,
// L_FM(v) = Σ_atoms mass·‖v(z) − v_t(z)‖² = E_{α_t}‖v − v_t‖², with v_t from
// ConditionalVelocity. L_CFM(v) − L_FM(v) is the conditional variance
// E_π‖∂_t P_t − v_t(P_t)‖², independent of v ([P] § "Conditional Flow
// Matching"; [C] proof of the flow matching formula).
func FMLoss(c *Coupling, P Interpolant, t float64, v VectorField) (float64, error) {
	atoms, err := ConditionalVelocity(c, P, t)
	if err != nil {
		return 0, err
	}
	if v == nil {
		return 0, numerics.Invalidf("interp: nil field")
	}
	s := 0.0
	for _, a := range atoms {
		f := v(a.Z)
		if len(f) != len(a.Z) {
			return 0, numerics.Invalidf("interp: field returned %d entries, want %d", len(f), len(a.Z))
		}
		for i := range f {
			e := f[i] - a.V[i]
			s += a.Mass * e * e
		}
	}
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return 0, numerics.Invalidf("interp: FM loss is not finite")
	}
	return s, nil
}
