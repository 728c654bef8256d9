package autoreg

import (
	"fmt"
	"math"
	"reflect"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/mat"
)

// Map is an invertible differentiable map g: R^d → R^d with its Jacobian,
// used to reparameterise coordinates before autoregression ([P] §
// Reparameterized Autoregression). The maps of this package (Affine,
// Permutation, Elementwise, Compose) have exported fields, so a literal
// may be malformed; their Apply and Jacobian then return nil instead of
// panicking (they indexed out of range or dereferenced nil; regression
// test TestMalformedMapOrJointIsAnError), as they do for an x of another
// length than Dim(), and LogDensity reports a nil result as ErrInvalid.
type Map interface {
	// Dim is d.
	Dim() int
	// Apply returns g(x) (len(x) = Dim()), or nil if the map is
	// malformed or len(x) ≠ Dim().
	Apply(x []float64) []float64
	// Jacobian returns J_g(x)_{ab} = ∂g_a/∂x_b as a d×d row-major matrix,
	// or nil if the map is malformed or len(x) ≠ Dim().
	Jacobian(x []float64) [][]float64
}

// Affine is g(x) = A x + b (A invertible for a change of variables). It is
// well formed when A is d×d, d = len(B) ≥ 1.
type Affine struct {
	A [][]float64
	B []float64
}

// valid reports whether A is a d×d matrix, d = len(B) ≥ 1.
func (g Affine) valid() bool { return len(g.B) > 0 && sameShape(g.A, len(g.B)) }

// Dim returns len(B).
func (g Affine) Dim() int { return len(g.B) }

// Apply returns A x + b (nil if A is not len(B)×len(B) or len(x) ≠ len(B)).
func (g Affine) Apply(x []float64) []float64 {
	if !g.valid() || len(x) != len(g.B) {
		return nil
	}
	y := append([]float64(nil), g.B...)
	for a := range y {
		for c, v := range x {
			y[a] += g.A[a][c] * v
		}
	}
	return y
}

// Jacobian returns A (a copy; nil if A is not len(B)×len(B) or
// len(x) ≠ len(B)).
func (g Affine) Jacobian(x []float64) [][]float64 {
	if !g.valid() || len(x) != len(g.B) {
		return nil
	}
	return numerics.Unflatten(flat(g.A), len(g.A), len(g.A))
}

// Permutation is y_i = x_{σ(i)}, σ a permutation of {0, …, d−1}: a change of
// generation order, with |det J| = 1 ([P] § Permuting Coordinates).
type Permutation []int

// Dim returns len(σ).
func (s Permutation) Dim() int { return len(s) }

// Apply returns (x_{σ(0)}, …, x_{σ(d−1)}) (nil if s is not Valid or
// len(x) ≠ len(s)).
func (s Permutation) Apply(x []float64) []float64 {
	if !s.Valid() || len(x) != len(s) {
		return nil
	}
	y := make([]float64, len(s))
	for i, j := range s {
		y[i] = x[j]
	}
	return y
}

// Jacobian returns the permutation matrix P_{i,σ(i)} = 1 (nil if s is not
// Valid or len(x) ≠ len(s)).
func (s Permutation) Jacobian(x []float64) [][]float64 {
	if !s.Valid() || len(x) != len(s) {
		return nil
	}
	J := make([][]float64, len(s))
	for i, j := range s {
		J[i] = make([]float64, len(s))
		J[i][j] = 1
	}
	return J
}

// Valid reports whether s is a permutation of {0, …, len(s)−1}.
func (s Permutation) Valid() bool {
	seen := make([]bool, len(s))
	for _, j := range s {
		if j < 0 || j >= len(s) || seen[j] {
			return false
		}
		seen[j] = true
	}
	return len(s) > 0
}

// Elementwise is y_a = x_a + C_a·tanh(x_a), strictly increasing in each
// coordinate when every C_a > −1; J = diag(1 + C_a·sech²(x_a)).
type Elementwise struct{ C []float64 }

// Dim returns len(C).
func (g Elementwise) Dim() int { return len(g.C) }

// Apply returns x + C ⊙ tanh(x) (nil if len(x) ≠ len(C)).
func (g Elementwise) Apply(x []float64) []float64 {
	if len(x) != len(g.C) {
		return nil
	}
	y := make([]float64, len(x))
	for a, v := range x {
		y[a] = v + g.C[a]*math.Tanh(v)
	}
	return y
}

// Jacobian returns diag(1 + C_a (1 − tanh²(x_a))) (nil if len(x) ≠
// len(C)).
func (g Elementwise) Jacobian(x []float64) [][]float64 {
	if len(x) != len(g.C) {
		return nil
	}
	J := make([][]float64, len(x))
	for a, v := range x {
		J[a] = make([]float64, len(x))
		t := math.Tanh(v)
		J[a][a] = 1 + g.C[a]*(1-t*t)
	}
	return J
}

// Compose is g = g_{m−1} ∘ … ∘ g_0 (applied first to last), with the chain
// rule J = J_{m−1}(…)·…·J_0(x). Every map must be non-nil and act on the
// dimension of x.
type Compose []Map

// Dim returns the dimension of the first map (0 if empty or nil).
func (c Compose) Dim() int {
	if len(c) == 0 || isNilMap(c[0]) {
		return 0
	}
	return c[0].Dim()
}

// Apply returns g(x), or nil if a map is nil or returns nil (malformed, or
// of another dimension).
func (c Compose) Apply(x []float64) []float64 {
	for _, g := range c {
		if isNilMap(g) {
			return nil
		}
		if x = g.Apply(x); x == nil {
			return nil
		}
	}
	return x
}

// Jacobian returns the product of the Jacobians along the composition, or
// nil if x is empty or a map is nil, malformed or not of dimension len(x)
// (a map of another dimension made the product panic in gonum).
func (c Compose) Jacobian(x []float64) [][]float64 {
	d := len(x)
	if d == 0 {
		return nil
	}
	J := mat.NewDense(d, d, nil)
	for a := 0; a < d; a++ {
		J.Set(a, a, 1)
	}
	for _, g := range c {
		if isNilMap(g) {
			return nil
		}
		Jm := g.Jacobian(x)
		if !sameShape(Jm, d) {
			return nil
		}
		Jg := mat.NewDense(d, d, flat(Jm))
		var T mat.Dense
		T.Mul(Jg, J)
		J = &T
		if x = g.Apply(x); len(x) != d {
			return nil
		}
	}
	out := make([][]float64, d)
	for a := range out {
		out[a] = mat.Row(nil, a, J)
	}
	return out
}

// sameShape reports whether M is d×d.
func sameShape(M [][]float64, d int) bool {
	if len(M) != d {
		return false
	}
	for _, r := range M {
		if len(r) != d {
			return false
		}
	}
	return true
}

// isNilMap reports whether g is nil or a nil pointer (whose value methods
// would panic).
func isNilMap(g Map) bool {
	if g == nil {
		return true
	}
	v := reflect.ValueOf(g)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

func flat(M [][]float64) []float64 {
	var out []float64
	for _, r := range M {
		out = append(out, r...)
	}
	return out
}

// LogDensity returns log p_X(x) = log p_Y(g(x)) + log|det J_g(x)| for
// X = g^{-1}(Y), Y with log-density logpY ([P] § Change of Variables,
// p_X(x) = p_Y(g(x))|det J_g(x)|). The log-determinant is computed by LU
// factorisation (gonum mat.LU.LogDet) of J scaled exactly by powers of two
// (rows and columns, entries at most 1; see logAbsDet), the scales added back
// as logarithms: accurate to about d·eps·cond(J) + eps·|log|det J||
// (cond(J) of the equilibrated J; a J whose condition number exceeds
// 1/(64·d·eps) ≈ 1.4e14/d is singular to working accuracy and an error,
// since its computed determinant could be off by any factor), and
// finite whenever |det J| is a positive real (for J with entries near
// MaxFloat64, whose unscaled LU factors overflow, or near the subnormal
// range). −Inf is returned only where logpY(g(x)) is −Inf (p_Y = 0).
// Preconditions (else ErrInvalid): g and logpY non-nil, len(x) = g.Dim()
// ≥ 1, x finite, J_g(x) finite and non-singular, g(x) finite (an Affine
// map with a non-finite B, or A·x overflowing, fails it), logpY(g(x)) not
// NaN or +Inf. A sum that overflows returns an error wrapping ErrOverflow.
func LogDensity(x []float64, g Map, logpY func(y []float64) float64) (float64, error) {
	if isNilMap(g) || logpY == nil {
		return 0, numerics.Invalidf("autoreg: nil map or density")
	}
	d := g.Dim()
	if d < 1 || len(x) != d || !numerics.AllFinite(x) {
		return 0, numerics.Invalidf("autoreg: x must have %d finite entries", d)
	}
	J := g.Jacobian(x)
	data, r, c, err := numerics.Flatten(J)
	if err != nil || r != d || c != d {
		return 0, numerics.Invalidf("autoreg: Jacobian is not a finite %d×%d matrix", d, d)
	}
	ld, cond := logAbsDet(data, d)
	if math.IsInf(ld, -1) || math.IsNaN(ld) {
		return 0, numerics.Invalidf("autoreg: Jacobian is singular at x")
	}
	if !(64*float64(d)*eps*cond <= 1) {
		// The LU determinant is then off by a relative d·eps·cond > 1/64,
		// without bound as cond passes 1/eps: a Jacobian that is singular
		// to working accuracy has no float64 log-determinant.
		return 0, numerics.Invalidf("autoreg: Jacobian is singular to working accuracy at x (condition number ≈ %.3g after equilibration, above 1/(64·d·eps))", cond)
	}
	y := g.Apply(x)
	if len(y) != d || !numerics.AllFinite(y) {
		return 0, numerics.Invalidf("autoreg: g(x) is not %d finite numbers", d)
	}
	lp := logpY(y)
	if math.IsNaN(lp) || math.IsInf(lp, 1) {
		return 0, numerics.Invalidf("autoreg: log p_Y(g(x)) = %v", lp)
	}
	out := lp + ld
	if math.IsInf(out, 1) || (math.IsInf(out, -1) && !math.IsInf(lp, -1)) {
		return 0, fmt.Errorf("%w: log p_Y(g(x)) + log|det J| = %v + %v", ErrOverflow, lp, ld)
	}
	return out, nil
}

// logAbsDet returns log|det A| for the d×d row-major matrix a (which it
// overwrites), −Inf if A is singular. A is equilibrated first by exact
// power-of-two scalings D_r A D_c, so that the LU factors neither overflow
// nor lose the determinant to underflow: with e_ij the binary exponent of
// a_ij (|a_ij| = f·2^{e_ij}, f ∈ [½, 1)), the row scale is 2^{−R_i}, R_i =
// max_j e_ij, and the column scale 2^{−C_j}, C_j = max_i (e_ij − R_i), both
// applied to each entry in one step (no intermediate underflow: a column of
// subnormals next to rows of size 1 keeps its digits), so every entry is
// below 1 in magnitude and each column has one in [½, 1). Then log|det A|
// = log|det(D_r A D_c)| + (Σ R_i + Σ C_j)·ln 2, the exponent sum an exact
// integer. The second result is the 1-norm condition estimate of the
// equilibrated matrix (LAPACK dgecon through gonum's LU; +Inf if singular).
func logAbsDet(a []float64, d int) (float64, float64) {
	exp := make([]int, len(a))
	R := make([]int, d)
	C := make([]int, d)
	for r := 0; r < d; r++ {
		R[r] = math.MinInt
		for c := 0; c < d; c++ {
			if v := a[r*d+c]; v != 0 {
				_, exp[r*d+c] = math.Frexp(v)
				R[r] = max(R[r], exp[r*d+c])
			}
		}
		if R[r] == math.MinInt {
			return math.Inf(-1), math.Inf(1) // a zero row
		}
	}
	for c := 0; c < d; c++ {
		C[c] = math.MinInt
		for r := 0; r < d; r++ {
			if a[r*d+c] != 0 {
				C[c] = max(C[c], exp[r*d+c]-R[r])
			}
		}
		if C[c] == math.MinInt {
			return math.Inf(-1), math.Inf(1) // a zero column
		}
	}
	shift := 0
	for r := 0; r < d; r++ {
		shift += R[r] + C[r]
		for c := 0; c < d; c++ {
			a[r*d+c] = math.Ldexp(a[r*d+c], -R[r]-C[c])
		}
	}
	var lu mat.LU
	lu.Factorize(mat.NewDense(d, d, a))
	ld, _ := lu.LogDet()
	return ld + float64(shift)*math.Ln2, lu.Cond()
}

// eps is the unit roundoff of float64.
const eps = 0x1p-53
