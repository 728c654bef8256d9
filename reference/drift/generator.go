package drift

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/mat"
)

// NumFeatures returns the length of Features(x, degree) for x ∈ R^d:
// 1 + d for degree 1, 1 + d + d(d+1)/2 for degree 2.
func NumFeatures(d, degree int) int {
	if degree == 2 {
		return 1 + d + d*(d+1)/2
	}
	return 1 + d
}

// Features returns the polynomial features ψ(x) of a residual field: degree
// 1 gives (1, x_1, …, x_d) (affine fields), degree 2 appends x_a·x_b for
// a ≤ b in lexicographic order (quadratic fields). Other degrees are
// treated as 1; callers validate (FitResidual does).
func Features(x []float64, degree int) []float64 {
	d := len(x)
	f := make([]float64, 0, NumFeatures(d, degree))
	f = append(f, 1)
	f = append(f, x...)
	if degree == 2 {
		for a := 0; a < d; a++ {
			for b := a; b < d; b++ {
				f = append(f, x[a]*x[b])
			}
		}
	}
	return f
}

// Residual is a fitted residual field U(x) = Cᵀψ(x), ψ = Features(·, Degree),
// C an F×d coefficient matrix (row-major, F = NumFeatures(d, Degree)).
type Residual struct {
	Degree int
	C      [][]float64
}

// Eval returns U(x) = Cᵀψ(x). Preconditions (else an error wrapping
// ErrInvalid): u is a residual of dimension d = len(x) ≥ 1 (Degree 1 or 2,
// C an F×d matrix, F = NumFeatures(d, Degree), as FitResidual returns) and
// x is finite; a value that does not fit float64 is an error wrapping
// ErrOverflow.
func (u *Residual) Eval(x []float64) ([]float64, error) {
	if err := u.check(len(x)); err != nil {
		return nil, err
	}
	if !numerics.AllFinite(x) {
		return nil, numerics.Invalidf("drift: residual evaluated at a non-finite point")
	}
	out := u.eval(x)
	if !numerics.AllFinite(out) {
		return nil, fmt.Errorf("%w: residual field value", ErrOverflow)
	}
	return out, nil
}

// eval is Eval without the checks (u checked against len(x)).
func (u *Residual) eval(x []float64) []float64 {
	f := Features(x, u.Degree)
	out := make([]float64, len(x))
	for k, fk := range f {
		for a := range out {
			out[a] += fk * u.C[k][a]
		}
	}
	return out
}

// check reports whether u is a residual of dimension d: Degree 1 or 2 and
// C an F×d matrix of finite coefficients, F = NumFeatures(d, Degree).
func (u *Residual) check(d int) error {
	if u == nil {
		return numerics.Invalidf("drift: nil residual")
	}
	if d < 1 {
		return numerics.Invalidf("drift: residual of dimension %d, want ≥ 1", d)
	}
	if u.Degree != 1 && u.Degree != 2 {
		return numerics.Invalidf("drift: residual of degree %d, want 1 or 2", u.Degree)
	}
	if F := NumFeatures(d, u.Degree); len(u.C) != F {
		return numerics.Invalidf("drift: residual has %d coefficient rows, want %d for dimension %d and degree %d", len(u.C), F, d, u.Degree)
	}
	for k, r := range u.C {
		if len(r) != d || !numerics.AllFinite(r) {
			return numerics.Invalidf("drift: residual coefficient row %d must have %d finite entries", k, d)
		}
	}
	return nil
}

// FitResidual returns the least-squares fit of a drift u on the features of
// the current batch x ([C] § One-step generative models: the regression of
// w_t in L²(μ_t), restricted to the span of the features):
//
//	C = argmin_C Σ_i ‖Cᵀψ(x_i) − u_i‖²  (minimum-norm minimiser),
//
// so that the residual R_i = u_i − Cᵀψ(x_i) is orthogonal to every feature:
// Σ_i ψ_k(x_i) R_i = 0. It is computed by the SVD of the n×F feature matrix
// Ψ, singular values below max(n,F)·eps·σ_max treated as 0.
//
// Preconditions (else ErrInvalid): x, u valid n×d clouds (same n, d); degree
// 1 or 2. A feature that does not fit float64 (degree 2 with
// |x_a·x_b| > MaxFloat64, i.e. coordinates beyond about 1.3e154) returns an
// error wrapping ErrOverflow before the SVD is attempted (gonum's SVD does not
// terminate on non-finite input); so does a coefficient C that does not fit.
// Accuracy: backward stable; the orthogonality Ψᵀ R holds to about
// max(n,F)·eps·‖Ψ‖·‖u‖ per entry.
func FitResidual(x, u [][]float64, degree int) (*Residual, error) {
	xc, err := checkCloud("x", x, -1)
	if err != nil {
		return nil, err
	}
	uc, err := checkCloud("u", u, xc.d)
	if err != nil {
		return nil, err
	}
	if uc.n != xc.n {
		return nil, numerics.Invalidf("drift: u has %d rows, x has %d", uc.n, xc.n)
	}
	if degree != 1 && degree != 2 {
		return nil, numerics.Invalidf("drift: feature degree %d, want 1 or 2", degree)
	}
	n, d, F := xc.n, xc.d, NumFeatures(xc.d, degree)
	Psi := mat.NewDense(n, F, nil)
	for i := 0; i < n; i++ {
		f := Features(xc.row(i), degree)
		if !numerics.AllFinite(f) {
			// Checked before the SVD: gonum's Dbdsqr loops forever on ±Inf.
			return nil, fmt.Errorf("%w: a degree-%d feature of x[%d] does not fit float64", ErrOverflow, degree, i)
		}
		Psi.SetRow(i, f)
	}
	var svd mat.SVD
	if !svd.Factorize(Psi, mat.SVDThin) {
		return nil, numerics.Invalidf("drift: SVD of the feature matrix failed")
	}
	s := svd.Values(nil)
	rank := 0
	cut := float64(max(n, F)) * 0x1p-52 * s[0]
	for _, v := range s {
		if v > cut {
			rank++
		}
	}
	if rank == 0 {
		rank = 1 // Ψ has the constant column, so σ_max ≥ √n > 0
	}
	var C mat.Dense
	svd.SolveTo(&C, mat.NewDense(n, d, uc.data), rank)
	res := &Residual{Degree: degree, C: make([][]float64, F)}
	for k := 0; k < F; k++ {
		res.C[k] = mat.Row(nil, k, &C)
		if !numerics.AllFinite(res.C[k]) {
			return nil, fmt.Errorf("%w: fitted coefficients", ErrOverflow)
		}
	}
	return res, nil
}

// Layer is one residual update of a Generator: x ↦ x + Tau·U(x).
type Layer struct {
	Tau float64
	U   *Residual
}

// Generator is a one-step generator G: R^{d_z} → R^d built by residual
// updates ([C] § One-step generative models, eq. after (45)):
//
//	G = (Id + τ_K U_K) ∘ … ∘ (Id + τ_1 U_1) ∘ G_0,   G_0(z) = A z + b,
//
// so each update G⁺ = G + τ·U∘G pushes the model law forward:
// α⁺ = (Id + τU)♯α. Evaluation is one pass through the layers (no ODE).
// A Generator is immutable: Update returns a new one.
type Generator struct {
	A      [][]float64 // d×d_z
	B      []float64   // d
	Layers []Layer
}

// NewGenerator returns G_0(z) = A z + b. A is d×d_z, b has d entries, all
// finite (else ErrInvalid).
func NewGenerator(A [][]float64, b []float64) (*Generator, error) {
	ac, err := checkCloud("A", A, -1)
	if err != nil {
		return nil, err
	}
	if len(b) != ac.n || !numerics.AllFinite(b) {
		return nil, numerics.Invalidf("drift: b must have %d finite entries", ac.n)
	}
	return &Generator{A: numerics.Unflatten(ac.data, ac.n, ac.d), B: append([]float64(nil), b...)}, nil
}

// Dim returns (d, d_z): the output and latent dimensions ((0, 0) for a
// Generator without A).
func (g *Generator) Dim() (int, int) {
	if len(g.A) == 0 {
		return 0, 0
	}
	return len(g.A), len(g.A[0])
}

// check validates a Generator that may have been built as a literal rather
// than by NewGenerator and Update: A a finite d×d_z matrix (d, d_z ≥ 1), B
// of d finite entries, every layer a finite Tau and a residual of dimension
// d. Else an error wrapping ErrInvalid.
func (g *Generator) check() error {
	if g == nil {
		return numerics.Invalidf("drift: nil generator")
	}
	if _, err := checkCloud("A", g.A, -1); err != nil {
		return err
	}
	d, _ := g.Dim()
	if len(g.B) != d || !numerics.AllFinite(g.B) {
		return numerics.Invalidf("drift: generator B must have %d finite entries", d)
	}
	for i, l := range g.Layers {
		if math.IsNaN(l.Tau) || math.IsInf(l.Tau, 0) {
			return numerics.Invalidf("drift: layer %d has tau = %v, want finite", i, l.Tau)
		}
		if err := l.U.check(d); err != nil {
			return fmt.Errorf("drift: layer %d: %w", i, err)
		}
	}
	return nil
}

// Eval returns G(z) for every row z of Z (n×d_z).
// Preconditions: Z a valid cloud of dimension d_z (else ErrInvalid).
func (g *Generator) Eval(Z [][]float64) ([][]float64, error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	d, dz := g.Dim()
	zc, err := checkCloud("z", Z, dz)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, zc.n)
	for i := range out {
		z := zc.row(i)
		x := append([]float64(nil), g.B...)
		for a := 0; a < d; a++ {
			for c := 0; c < dz; c++ {
				x[a] += g.A[a][c] * z[c]
			}
		}
		for _, l := range g.Layers {
			u := l.U.eval(x)
			for a := range x {
				x[a] += l.Tau * u[a]
			}
		}
		if !numerics.AllFinite(x) {
			return nil, ErrOverflow
		}
		out[i] = x
	}
	return out, nil
}

// Update returns G⁺ = (Id + τU)∘G. tau must be finite (else ErrInvalid) and
// U of G's output dimension.
func (g *Generator) Update(U *Residual, tau float64) (*Generator, error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	d, _ := g.Dim()
	if math.IsNaN(tau) || math.IsInf(tau, 0) {
		return nil, numerics.Invalidf("drift: tau = %v, want finite", tau)
	}
	if err := U.check(d); err != nil {
		return nil, fmt.Errorf("drift: residual does not match the generator (dimension %d): %w", d, err)
	}
	h := &Generator{A: g.A, B: g.B, Layers: append(append([]Layer(nil), g.Layers...), Layer{Tau: tau, U: U})}
	return h, nil
}

// TrainOptions configure TrainStep.
type TrainOptions struct {
	Kernel Kernel  // kernel of the drift (Laplace or Gaussian)
	Eps    float64 // its bandwidth τ > 0
	Tau    float64 // the update step τ of G⁺ = G + τU
	Degree int     // feature degree of U (1 or 2)
}

// TrainStep performs one drifting update of the generator on a latent batch
// Z and data batch Y ([C] § One-step generative models; [P] § One-Step
// Maps): x = G(Z); u = V(x) = B[Y](x) − B[x](x) (the generated batch reused
// as negatives); U = FitResidual(x, u); G⁺ = (Id + τU)∘G. It returns G⁺ and
// U. Preconditions: as Eval, Field, FitResidual and Update.
func (g *Generator) TrainStep(Z, Y [][]float64, o TrainOptions) (*Generator, *Residual, error) {
	x, err := g.Eval(Z)
	if err != nil {
		return nil, nil, err
	}
	u, err := Field(x, Y, x, o.Eps, o.Kernel)
	if err != nil {
		return nil, nil, err
	}
	U, err := FitResidual(x, u, o.Degree)
	if err != nil {
		return nil, nil, err
	}
	h, err := g.Update(U, o.Tau)
	if err != nil {
		return nil, nil, err
	}
	return h, U, nil
}
