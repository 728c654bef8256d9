package maxent

import (
	"errors"
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/mat"
)

// MaxGridCells is the largest number of cells M of a Grid.
const MaxGridCells = 1_000_000

// ErrOverflow is wrapped by the errors of valid inputs whose result does not
// fit float64 (an entropy or gradient beyond MaxFloat64, for densities or
// cell widths near MaxFloat64). It does not wrap numerics.ErrInvalid.
var ErrOverflow = errors.New("maxent: result overflows float64")

// Grid is the uniform discretisation of [A, B] into M cells. Build it with
// NewGrid, or check a literal with Validate: every function and method that
// takes a Grid (or a Problem holding one) and returns an error validates it.
type Grid struct {
	A, B float64
	M    int
}

// NewGrid returns the grid of M cells on [a, b].
// Preconditions (else ErrInvalid): a < b finite with b − a finite, 2 ≤ M ≤
// MaxGridCells, the cell width h = (b − a)/M a normal float (h ≥ 2⁻¹⁰²² ≈
// 2.2e−308: a subnormal h has lost relative precision, and h = 0 makes
// every cell the same point), and the midpoints x_0 < x_1 < … < x_{M−1}
// strictly increasing as computed (h not below the spacing of floats near a
// and b, e.g. [1, 1 + 1e−15] with 100 cells is rejected).
func NewGrid(a, b float64, m int) (Grid, error) {
	g := Grid{A: a, B: b, M: m}
	if err := g.Validate(); err != nil {
		return Grid{}, err
	}
	return g, nil
}

// Validate returns nil if g satisfies the preconditions of NewGrid, and
// otherwise an error wrapping numerics.ErrInvalid. A Grid literal that
// fails it (the zero Grid{}, M < 2, a NaN end, …) made H NaN, X panic for
// M < 0 or M beyond what can be allocated, and MeanVariance index an empty
// slice (regression test TestMalformedGridOrProblemIsAnError).
func (g Grid) Validate() error {
	if err := g.checkShape(); err != nil {
		return err
	}
	x := g.X()
	for k := 1; k < g.M; k++ {
		if !(x[k] > x[k-1]) {
			return numerics.Invalidf("maxent: grid [%v, %v] with %d cells: midpoints %d and %d round to %v and %v (cells narrower than the float spacing)", g.A, g.B, g.M, k-1, k, x[k-1], x[k])
		}
	}
	return nil
}

// checkShape is Validate without the O(M) check of the midpoints.
func (g Grid) checkShape() error {
	a, b, m := g.A, g.B, g.M
	if !(a < b) || math.IsInf(a, 0) || math.IsInf(b, 0) || math.IsInf(b-a, 0) || m < 2 || m > MaxGridCells {
		return numerics.Invalidf("maxent: grid [%v, %v] with %d cells", a, b, m)
	}
	if h := g.H(); !(h >= 0x1p-1022) {
		return numerics.Invalidf("maxent: grid [%v, %v] with %d cells has cell width %v below the normal range", a, b, m, h)
	}
	return nil
}

// H returns the cell width (B − A)/M, the formula on the fields: for a
// Grid that fails Validate it may be NaN (the zero Grid{}), 0, negative or
// infinite.
func (g Grid) H() float64 { return (g.B - g.A) / float64(g.M) }

// X returns the midpoints x_k = A + (k + ½)h, or nil if the fields do not
// describe a grid (A < B finite, 2 ≤ M ≤ MaxGridCells, h normal: the
// checks of Validate but the one on the midpoints themselves).
func (g Grid) X() []float64 {
	if g.checkShape() != nil {
		return nil
	}
	x := make([]float64, g.M)
	h := g.H()
	for k := range x {
		x[k] = g.A + (float64(k)+0.5)*h
	}
	return x
}

// Entropy returns H(p) = −Σ_k p_k log(p_k)·h, the differential entropy of
// the piecewise-constant density p on cells of width h (0·log 0 = 0).
// Preconditions (else ErrInvalid): h finite > 0, p non-empty, entries
// finite ≥ 0. Accuracy: about M·eps·Σ_k|p_k log p_k|·h (subnormal p_k
// included: logarithms are taken by logPos, not math.Log). A value that
// does not fit float64 (p_k or h near MaxFloat64; it was returned as ±Inf
// or NaN, regression test TestMalformedGridOrProblemIsAnError) is an error
// wrapping ErrOverflow.
func Entropy(p []float64, h float64) (float64, error) {
	if !(h > 0) || math.IsInf(h, 1) || len(p) == 0 {
		return 0, numerics.Invalidf("maxent: entropy with h = %v and %d cells", h, len(p))
	}
	s := 0.0
	for k, v := range p {
		if !(v >= 0) || math.IsInf(v, 1) {
			return 0, numerics.Invalidf("maxent: p[%d] = %v, want finite ≥ 0", k, v)
		}
		if v > 0 {
			s -= v * numerics.Log(v)
		}
	}
	H := s * h
	if math.IsInf(H, 0) || math.IsNaN(H) {
		return 0, fmt.Errorf("%w: entropy of p (max p_k = %g) with h = %g", ErrOverflow, numerics.MaxAbs(p), h)
	}
	return H, nil
}

// Gradient returns ∇H(p)_k = −h(log p_k + 1) for p_k > 0 (subnormal p_k
// included); +Inf is returned where p_k = 0 (the entropy has an infinite
// slope at the boundary of the positive orthant). Preconditions (else
// ErrInvalid, where it used to return NaN entries): h finite > 0, p
// non-empty with entries finite ≥ 0. An entry −h(log p_k + 1) beyond
// MaxFloat64 (h near MaxFloat64) is an error wrapping ErrOverflow.
func Gradient(p []float64, h float64) ([]float64, error) {
	if !(h > 0) || math.IsInf(h, 1) || len(p) == 0 {
		return nil, numerics.Invalidf("maxent: gradient with h = %v and %d cells", h, len(p))
	}
	for k, v := range p {
		if !(v >= 0) || math.IsInf(v, 1) {
			return nil, numerics.Invalidf("maxent: p[%d] = %v, want finite ≥ 0", k, v)
		}
	}
	g := gradient(p, h)
	for k, v := range g {
		if p[k] > 0 && math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: gradient at cell %d (p = %g, h = %g)", ErrOverflow, k, p[k], h)
		}
	}
	return g, nil
}

// gradient is Gradient without the checks (p ≥ 0, h > 0).
func gradient(p []float64, h float64) []float64 {
	g := make([]float64, len(p))
	for k, v := range p {
		g[k] = -h * (numerics.Log(v) + 1)
	}
	return g
}

// Problem is a maximum-entropy problem on a grid: maximise H(p) subject to
// C p = c and p ≥ 0. Its methods validate it (a Problem literal may be
// malformed): Grid must pass Validate, every row of C must have M finite
// entries, and Rhs one finite entry per row; otherwise they return an error
// wrapping numerics.ErrInvalid (Residual: +Inf). A nil *Problem is an
// error too.
type Problem struct {
	Grid Grid
	C    [][]float64 // constraint rows (each of length M)
	Rhs  []float64   // right-hand sides c
}

// check validates pr (see Problem). Malformed problems made the methods
// index out of range or dereference nil (regression test
// TestMalformedGridOrProblemIsAnError).
func (pr *Problem) check() error {
	if pr == nil {
		return numerics.Invalidf("maxent: nil problem")
	}
	if err := pr.Grid.Validate(); err != nil {
		return err
	}
	if len(pr.Rhs) != len(pr.C) {
		return numerics.Invalidf("maxent: %d constraint rows but %d right-hand sides", len(pr.C), len(pr.Rhs))
	}
	for r, row := range pr.C {
		if len(row) != pr.Grid.M || !numerics.AllFinite(row) {
			return numerics.Invalidf("maxent: constraint row %d must have %d finite entries (has %d)", r, pr.Grid.M, len(row))
		}
	}
	if !numerics.AllFinite(pr.Rhs) {
		return numerics.Invalidf("maxent: a right-hand side is not finite")
	}
	return nil
}

// Interval returns the problem of [P] § Uniform Maximum Entropy: the only
// constraint is the mass Σ_k p_k h = 1; its solution is the uniform density
// 1/(B − A), with entropy log(B − A). For a g that fails Validate it
// returns a Problem without constraints holding g, whose methods report
// g's error (it used to panic for M < 0 or M beyond what can be
// allocated).
func Interval(g Grid) *Problem {
	if g.Validate() != nil {
		return &Problem{Grid: g}
	}
	h := g.H()
	row := make([]float64, g.M)
	for k := range row {
		row[k] = h
	}
	return &Problem{Grid: g, C: [][]float64{row}, Rhs: []float64{1}}
}

// MeanVariance returns the problem of [P] § Gaussian Maximum Entropy on the
// grid: mass 1, mean Σ x_k p_k h = mu and variance σ² (second moment
// Σ x_k² p_k h = sigma2 + mu²). Its solution is the discretised Gaussian
// p_k ∝ exp(λ_1 x_k + λ_2 x_k²) with matching grid moments (λ_2 < 0).
// Preconditions (else ErrInvalid): g valid (Validate), mu inside (A, B),
// sigma2 > 0, and the constraints strictly feasible on the grid (checked
// loosely: the variance must be below that of the two-point law on the end
// cells).
func MeanVariance(g Grid, mu, sigma2 float64) (*Problem, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	x := g.X()
	if !(mu > x[0] && mu < x[g.M-1]) || !(sigma2 > 0) || math.IsInf(sigma2, 1) {
		return nil, numerics.Invalidf("maxent: mean %v must lie inside the grid and variance %v be > 0", mu, sigma2)
	}
	if vmax := (mu - x[0]) * (x[g.M-1] - mu); sigma2 >= vmax {
		return nil, numerics.Invalidf("maxent: variance %v ≥ %v, infeasible on the grid", sigma2, vmax)
	}
	h := g.H()
	r0, r1, r2 := make([]float64, g.M), make([]float64, g.M), make([]float64, g.M)
	for k, xk := range x {
		r0[k], r1[k], r2[k] = h, h*xk, h*xk*xk
	}
	return &Problem{Grid: g, C: [][]float64{r0, r1, r2}, Rhs: []float64{1, mu, sigma2 + mu*mu}}, nil
}

// Residual returns max_r |(C p)_r − c_r|, the constraint violation. It
// returns +Inf — no p satisfies the constraints — when pr is malformed
// (see Problem) or p does not have M finite entries (it used to index out
// of range, or return NaN).
func (pr *Problem) Residual(p []float64) float64 {
	if pr.check() != nil || len(p) != pr.Grid.M || !numerics.AllFinite(p) {
		return math.Inf(1)
	}
	m := 0.0
	for r, row := range pr.C {
		s := 0.0
		for k, v := range row {
			s += v * p[k]
		}
		m = math.Max(m, math.Abs(s-pr.Rhs[r]))
	}
	return m
}

func (pr *Problem) checkP(p []float64, positive bool) error {
	if err := pr.check(); err != nil {
		return err
	}
	if len(p) != pr.Grid.M {
		return numerics.Invalidf("maxent: p has %d cells, grid has %d", len(p), pr.Grid.M)
	}
	for k, v := range p {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || (positive && v == 0) {
			return numerics.Invalidf("maxent: p[%d] = %v, want finite > 0", k, v)
		}
	}
	return nil
}

// Metric selects the inner product in which the entropy gradient is
// projected.
type Metric int

const (
	// Euclidean projects ∇H orthogonally onto {δ : Cδ = 0}: the plain
	// projected gradient of the post's interactive example.
	Euclidean Metric = iota
	// Fisher uses the metric diag(h/p) = −∇²H: the direction is the Newton
	// step D(∇H − Cᵀλ), D = diag(p/h), with λ chosen so that CD(∇H − Cᵀλ) = 0.
	Fisher
)

// Direction returns the projected ascent direction δ at p in the given
// metric — the projection of ∇H onto {δ : Cδ = 0}, orthogonal in the
// metric D (I or diag(p/h)), so Cδ = 0 up to rounding — and the
// directional derivative ∇H·δ = ‖D^{-1/2}δ‖² ≥ 0, zero exactly at the
// constrained maximiser. It is computed from an orthonormal basis of the
// scaled constraint rows (no normal equations), accurate to about
// eps·(|∇H_k| + |(Cᵀλ)_k|) per entry of δ/D.
//
// Cells with p_k = 0 (the underflowed tail of a density; see IProject) are
// held at 0: the projection is onto {δ : Cδ = 0, δ_k = 0 where p_k = 0}, so
// δ_k = 0 there (∇H_k = +Inf is not used).
// Preconditions (else ErrInvalid): pr well formed (see Problem), m
// Euclidean or Fisher, p has M finite entries ≥ 0, and the constraint rows
// restricted to the cells with p_k > 0 are linearly independent (for
// MeanVariance: at least three positive cells).
func (pr *Problem) Direction(p []float64, m Metric) (delta []float64, slope float64, err error) {
	if err := pr.checkP(p, false); err != nil {
		return nil, 0, err
	}
	if err := checkMetric(m); err != nil {
		return nil, 0, err
	}
	dir, err := pr.direction(p, m)
	if err != nil {
		return nil, 0, err
	}
	return dir.delta, dir.slope, nil
}

// checkMetric rejects a Metric other than Euclidean and Fisher (it was
// silently treated as Euclidean).
func checkMetric(m Metric) error {
	if m != Euclidean && m != Fisher {
		return numerics.Invalidf("maxent: unknown metric %d (want Euclidean or Fisher)", m)
	}
	return nil
}

// projected is the projected gradient at p and its by-products.
type projected struct {
	delta []float64 // the direction δ (0 on zero cells)
	slope float64   // ∇H·δ over the positive cells
	// terms[k] = |∇H_k| + |(Cᵀλ)_k| on positive cells (0 on zero cells):
	// the size of the terms that the projection cancels, so δ_k/D_k
	// carries a rounding error of about eps·terms[k].
	terms []float64
	// ctl[k] = (Cᵀλ)_k, λ the multipliers of the least-squares fit of ∇H by
	// the constraint rows in the metric D (on the positive cells): at the
	// maximiser ∇H_k = (Cᵀλ)_k, so a cell's stationary value is
	// exp(−1 − (Cᵀλ)_k/h). Defined on every cell, zero cells included.
	ctl []float64
}

// direction computes the projection stably: the columns of D^{1/2}Cᵀ are
// orthonormalised (Gram–Schmidt with reorthogonalisation, nc ≤ 3 columns)
// and δ = D^{1/2}(I − QQᵀ)D^{1/2}∇H, so that the conditioning of C D Cᵀ
// (≈ (μ/σ)⁴ for raw moment rows) does not enter. The multipliers solve
// Rλ = Qᵀ D^{1/2}∇H (D^{1/2}Cᵀ = QR).
func (pr *Problem) direction(p []float64, m Metric) (*projected, error) {
	h := pr.Grid.H()
	g := gradient(p, h)
	sq := pr.sqrtMetric(p, m)
	Q, R, err := pr.orthonormalRows(sq)
	if err != nil {
		return nil, err
	}
	v := make([]float64, len(p))
	for k := range v {
		if sq[k] != 0 {
			v[k] = sq[k] * g[k]
		}
	}
	coef := make([]float64, len(Q))
	for pass := 0; pass < 2; pass++ {
		for j, q := range Q {
			c := 0.0
			for k := range v {
				c += q[k] * v[k]
			}
			coef[j] += c
			for k := range v {
				v[k] -= c * q[k]
			}
		}
	}
	nc := len(Q)
	lam := make([]float64, nc)
	for j := nc - 1; j >= 0; j-- {
		s := coef[j]
		for r := j + 1; r < nc; r++ {
			s -= R[j][r] * lam[r]
		}
		lam[j] = s / R[j][j]
	}
	out := &projected{delta: make([]float64, len(p)), terms: make([]float64, len(p)), ctl: make([]float64, len(p))}
	for k := range p {
		if sq[k] != 0 {
			out.delta[k] = sq[k] * v[k]
			out.ctl[k] = g[k] - v[k]/sq[k]
		} else {
			for r := range lam {
				out.ctl[k] += pr.C[r][k] * lam[r]
			}
		}
		if p[k] > 0 {
			out.slope += g[k] * out.delta[k]
			out.terms[k] = math.Abs(g[k]) + math.Abs(out.ctl[k])
		}
	}
	return out, nil
}

// sqrtMetric returns D^{1/2}: 1 (Euclidean) or sqrt(p_k/h) (Fisher) on the
// positive cells, 0 on the cells with p_k = 0 (held fixed).
func (pr *Problem) sqrtMetric(p []float64, m Metric) []float64 {
	h := pr.Grid.H()
	sq := make([]float64, len(p))
	for k, v := range p {
		switch {
		case !(v > 0):
			sq[k] = 0
		case m == Fisher:
			sq[k] = math.Sqrt(v / h)
		default:
			sq[k] = 1
		}
	}
	return sq
}

// orthonormalRows returns Q (nc orthonormal vectors spanning the rows of
// C scaled by sq, i.e. the columns of D^{1/2}Cᵀ) and the upper triangular R
// with D^{1/2}Cᵀ = Q R, by Gram–Schmidt with one reorthogonalisation. Rows
// that are linearly dependent on the cells where sq ≠ 0 are an error
// wrapping numerics.ErrInvalid.
func (pr *Problem) orthonormalRows(sq []float64) (Q [][]float64, R [][]float64, err error) {
	nc := len(pr.C)
	R = make([][]float64, nc)
	for r := range R {
		R[r] = make([]float64, nc)
	}
	for r := 0; r < nc; r++ {
		v := make([]float64, len(sq))
		for k := range v {
			v[k] = sq[k] * pr.C[r][k]
		}
		n0 := floatsNorm(v)
		for pass := 0; pass < 2; pass++ {
			for j, q := range Q {
				c := 0.0
				for k := range v {
					c += q[k] * v[k]
				}
				R[j][r] += c
				for k := range v {
					v[k] -= c * q[k]
				}
			}
		}
		n := floatsNorm(v)
		if !(n > 1e-13*n0) || math.IsInf(n, 0) {
			return nil, nil, numerics.Invalidf("maxent: constraint rows are linearly dependent (or not finite) on the cells with p > 0")
		}
		R[r][r] = n
		for k := range v {
			v[k] /= n
		}
		Q = append(Q, v)
	}
	return Q, R, nil
}

func floatsNorm(v []float64) float64 {
	s, m := 0.0, 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	if m == 0 {
		return 0
	}
	for _, x := range v {
		s += (x / m) * (x / m)
	}
	return m * math.Sqrt(s)
}

// Step returns p + eta·δ for the Euclidean projected direction δ of
// Direction: one step of the post's projected entropy ascent. The step
// keeps C p = c (δ is in the null space of C); it increases H when eta is
// small enough (0 < eta ≤ min(min_k p_k/(2 max_k |δ_k|), min_k p_k/(2h))
// over the positive cells suffices: then p + eta·δ ≥ p/2 and the
// second-order loss is at most half the first-order gain). Cells with
// p_k = 0 stay 0 (see Direction). Preconditions (else ErrInvalid): p as for
// Direction, eta finite > 0, and p_k + eta·δ_k > 0 on every positive cell.
func (pr *Problem) Step(p []float64, eta float64) ([]float64, error) {
	if !(eta > 0) || math.IsInf(eta, 1) {
		return nil, numerics.Invalidf("maxent: step eta = %v, want finite > 0", eta)
	}
	d, _, err := pr.Direction(p, Euclidean)
	if err != nil {
		return nil, err
	}
	q := make([]float64, len(p))
	for k := range q {
		if p[k] == 0 {
			continue
		}
		q[k] = p[k] + eta*d[k]
		if !(q[k] > 0) || math.IsInf(q[k], 0) {
			return nil, numerics.Invalidf("maxent: step leaves the positive orthant at cell %d", k)
		}
	}
	return q, nil
}

// Options configure Ascend. Out-of-range values are an error wrapping
// numerics.ErrInvalid (they used to be accepted: an unknown Metric ran as
// Euclidean, a negative MaxIter reported non-convergence after "−5 steps",
// a NaN Tol disabled the stopping rule).
type Options struct {
	Metric  Metric  // Euclidean (the post's method) or Fisher (Newton)
	MaxIter int     // iterations (0 means 1000); must be ≥ 0
	Tol     float64 // stop when Result.Gap ≤ Tol (0: at its rounding floor); finite ≥ 0
}

// Result is the outcome of Ascend.
type Result struct {
	P       []float64 // the final density
	Entropy []float64 // H at the start and after each step (ascent step or revival)
	Iter    int       // steps taken
	Slope   float64   // final ∇H·δ (the squared projected-gradient norm in the metric)
	// Gap is the final relative Newton step max_k |δ^F_k|/p_k over the
	// positive cells, δ^F the Fisher-metric direction: to first order, the
	// relative distance of p to the maximiser.
	Gap float64
	// HTol is the resolution of H on the constraint set (see Ascend), the
	// largest over the iterates: Entropy[i−1] − Entropy[i] ≤ HTol for every
	// i, the difference computed in float64.
	HTol float64
}

// gap returns the relative Newton step max_k |δ^F_k|/p_k over the positive
// cells, its rounding floor 64·eps·max_k(1 + |log p_k| + T_k/h), T_k the
// size of the terms cancelled in cell k (δ^F_k/p_k = (∇H_k − (Cᵀλ)_k)/h,
// ∇H_k = −h(log p_k + 1)), and the Fisher-metric (Cᵀλ)_k of every cell.
// A positive cell whose p_k/h underflows (the Fisher metric cannot move it)
// contributes |∇H_k − (Cᵀλ)_k|/h directly.
func (pr *Problem) gap(p []float64, dir *projected, m Metric) (gap, floor float64, ctl []float64, err error) {
	if m != Fisher {
		if dir, err = pr.direction(p, Fisher); err != nil {
			return 0, 0, nil, err
		}
	}
	h := pr.Grid.H()
	for k, v := range p {
		if !(v > 0) {
			continue
		}
		lv := numerics.Log(v)
		gk := dir.delta[k] / v
		if dir.delta[k] == 0 {
			gk = (-h*(lv+1) - dir.ctl[k]) / h
		}
		gap = math.Max(gap, math.Abs(gk))
		floor = math.Max(floor, 1+math.Abs(lv)+dir.terms[k]/h)
	}
	return gap, 64 * 0x1p-52 * floor, dir.ctl, nil
}

// hResolution is the resolution of H on the constraint set at p:
// 16·M·eps·max(1, Σ_k p_k(h + T_k)), T_k = |∇H_k| + |(Cᵀλ)_k|. Two
// contributions: the rounding of evaluating H, about M·eps·Σ_k p_k h|log p_k|
// ≤ M·eps·Σ_k p_k(|∇H_k| + h); and the constraint drift of a step. Forming
// p + ηδ (and restoring C p = c afterwards) perturbs each cell by about eps·p_k,
// i.e. the constraints by r = C ε, |ε_k| ≤ eps·p_k, and the restoration that
// removes r changes H by −λᵀr = −Σ_k ε_k(Cᵀλ)_k to first order (λ the
// multipliers: the sensitivity of H to the constraint values), at most
// eps·Σ_k p_k|(Cᵀλ)_k|. The second is not bounded by eps·|H|: H can be
// near 0 while Σ_k p_k|(Cᵀλ)_k| is large (a narrow density far from 0).
func (pr *Problem) hResolution(p []float64, dir *projected) float64 {
	h := pr.Grid.H()
	s := 0.0
	for k, v := range p {
		if v > 0 {
			s += v * (h + dir.terms[k])
		}
	}
	return 16 * float64(len(p)) * 0x1p-52 * math.Max(1, s)
}

// revive sets every zero cell whose stationary value exp(−1 − (Cᵀλ)_k/h)
// is a positive float to that value and reports whether it set any.
func (pr *Problem) revive(p, ctl []float64) bool {
	h := pr.Grid.H()
	any := false
	for k, v := range p {
		if v != 0 {
			continue
		}
		if pk := math.Exp(-1 - ctl[k]/h); pk > 0 && !math.IsInf(pk, 0) {
			p[k] = pk
			any = true
		}
	}
	return any
}

// Ascend runs projected entropy ascent from a feasible p0 ([P] §
// Constrained Entropy Ascent): δ = Direction(p, metric), then p ← p + η δ
// with η = 1 (Fisher) or the largest of η₀·2^{−j} (Euclidean; η₀ =
// min_k p_k/h over the positive cells) that keeps every cell above half
// its value and satisfies the Armijo condition H(p + ηδ) ≥ H(p) +
// 10⁻⁴·η·∇H·δ, where p + ηδ is first mapped back onto C p = c (the metric
// projection removing the rounding drift of C p; the post reapplies the
// constraints after each step), so that every entropy compared or recorded
// is that of a point on the constraint set. p0 itself is first projected
// onto C p = c in the Fisher metric (the correction of its residual, up to
// 1e-9, moves H by λᵀ(C p0 − c), far more than rounding: Entropy[0] is the
// entropy of that feasible point, not of p0).
//
// Every step increases H up to its resolution on the constraint set,
// HTol = 16·M·eps·max(1, Σ_k p_k(h + |∇H_k| + |(Cᵀλ)_k|)) (λ the
// multipliers; the rounding of H plus the effect −λᵀr of restoring the
// constraint drift r of a step; see hResolution): once ∇H·δ ≤ HTol, steps
// that do not lower H by more than HTol are accepted (entropy values can
// no longer resolve the gain), so Entropy is nondecreasing up to HTol
// (Result.HTol, the largest over the iterates).
//
// Zero cells (the underflowed tail returned by IProject) are held at 0 by
// the steps. At convergence each is compared with its stationary value
// p̂_k = exp(−1 − (Cᵀλ)_k/h) (∇H_k = (Cᵀλ)_k at the maximiser): if p̂_k
// underflows to 0, the zero is the maximiser's float64 value; otherwise
// the cell is set to p̂_k, the constraints are restored and the ascent
// goes on (a revival step: to first order it raises H by p̂_k·h, the
// restoration taking back λᵀC_k p̂_k = −p̂_k h(log p̂_k + 1); a revival that
// breaks the constraints or lowers H by more than HTol ends the ascent
// with ErrNotConverged).
//
// It stops when the relative Newton step Gap = max_k |δ^F_k|/p_k (δ^F the
// Fisher direction, positive cells) is ≤ max(Tol, 64·eps·max_k(1 +
// |log p_k| + T_k/h)), T_k the size of the terms of ∇H_k − (Cᵀλ)_k, and no
// zero cell is revived — converged: p is then within about Gap relative of
// the maximiser —, when no η ≥ 1e-30 passes (stagnation at rounding), or
// after MaxIter steps (ErrNotConverged, wrapped, with the partial Result).
// Fisher steps converge quadratically (≈ 10 steps); Euclidean steps
// linearly, at a rate 1 − min p/max p.
// Preconditions (else ErrInvalid): pr well formed (see Problem), valid
// Options, p0 has M finite entries ≥ 0 with Residual(p0) ≤ 1e-9, and the
// constraint rows are independent on its positive cells.
func (pr *Problem) Ascend(p0 []float64, o Options) (*Result, error) {
	if err := pr.checkP(p0, false); err != nil {
		return nil, err
	}
	if err := checkMetric(o.Metric); err != nil {
		return nil, err
	}
	if o.MaxIter < 0 || !(o.Tol >= 0) || math.IsInf(o.Tol, 1) {
		return nil, numerics.Invalidf("maxent: Options.MaxIter = %d, Tol = %v; want MaxIter ≥ 0 and Tol finite ≥ 0", o.MaxIter, o.Tol)
	}
	if r := pr.Residual(p0); !(r <= 1e-9) {
		return nil, numerics.Invalidf("maxent: p0 violates the constraints by %g", r)
	}
	if o.MaxIter == 0 {
		o.MaxIter = 1000
	}
	h := pr.Grid.H()
	p := append([]float64(nil), p0...)
	// Start from a point feasible to rounding: the entropies recorded are
	// then comparable (p0's residual would move the first one by λᵀr₀).
	pr.restore(p, Fisher)
	H, _ := Entropy(p, h)
	res := &Result{Entropy: []float64{H}}
	q := make([]float64, len(p))
	for it := 0; it < o.MaxIter; it++ {
		dir, err := pr.direction(p, o.Metric)
		if err != nil {
			return nil, err
		}
		d, slope := dir.delta, dir.slope
		res.Slope = slope
		roundH := pr.hResolution(p, dir)
		res.HTol = math.Max(res.HTol, roundH)
		gap, floor, ctl, err := pr.gap(p, dir, o.Metric)
		if err != nil {
			return nil, err
		}
		res.Gap = gap
		if gap <= max(o.Tol, floor) {
			copy(q, p)
			if !pr.revive(q, ctl) {
				res.P = p
				return res, nil
			}
			pr.restore(q, Fisher)
			Hq, _ := Entropy(q, h)
			if r := pr.Residual(q); !(r <= 1e-9) || !(H-Hq <= roundH) {
				res.P = p
				return res, fmt.Errorf("%w: maxent: reviving the zero cells of p, whose stationary values are not negligible, failed (constraint residual %.3g, ΔH = %.3g); start from a positive p0", numerics.ErrNotConverged, r, Hq-H)
			}
			p, q = q, p
			H = Hq
			res.Iter++
			res.Entropy = append(res.Entropy, H)
			continue
		}
		eta := 1.0
		if o.Metric == Euclidean {
			eta = math.Inf(1)
			for _, v := range p {
				if v > 0 {
					eta = math.Min(eta, v/h)
				}
			}
		}
		// Fraction to the boundary: keep p + ηδ ≥ p/2.
		for k, v := range d {
			if v < 0 {
				eta = math.Min(eta, -0.5*p[k]/v)
			}
		}
		accepted := false
		for ; eta >= 1e-30; eta /= 2 {
			for k := range q {
				q[k] = p[k] + eta*d[k]
			}
			// Reapply the constraints ([P]: "each step increases entropy
			// and then reapplies the active constraint"): remove the
			// rounding drift of C q by the metric projection onto
			// {C p = c}, before H is compared, so that every entropy
			// compared is that of a point on the constraint set.
			pr.restore(q, o.Metric)
			Hq, err := Entropy(q, h)
			// Once the predicted gain η·slope is below the resolution of
			// H, entropy values cannot confirm progress: accept a step that
			// does not lose more than that resolution. The loss is
			// compared as the computed difference H − Hq (exact when the
			// two are within a factor 2, Sterbenz), the quantity callers
			// check: the form Hq ≥ H − roundH rounds H − roundH and let a
			// drop of roundH + ulp(H)/2 through (FuzzMaxEnt,
			// ascend-htol-comparison-rounding).
			inNoise := slope <= roundH && H-Hq <= roundH
			if err == nil && ((Hq >= H+1e-4*eta*slope && Hq > H) || inNoise) {
				p, q = q, p
				H = Hq
				accepted = true
				break
			}
		}
		if !accepted {
			res.P = p
			return res, nil
		}
		res.Iter++
		res.Entropy = append(res.Entropy, H)
	}
	res.P = p
	return res, fmt.Errorf("%w: maxent: relative Newton step %.3g above its floor after %d steps", numerics.ErrNotConverged, res.Gap, o.MaxIter)
}

// restore moves p (in place) by the smallest correction in the metric that
// makes C p = c exactly up to rounding: p ← p − D Cᵀ(C D Cᵀ)⁻¹(C p − c),
// D = I or diag(p/h) on the positive cells (zero cells stay 0), computed as
// p − D^{1/2} Q R^{-ᵀ}(C p − c) with D^{1/2}Cᵀ = QR. The correction is of
// the size of the rounding drift; it is skipped if it would leave the
// positive orthant.
func (pr *Problem) restore(p []float64, m Metric) {
	sq := pr.sqrtMetric(p, m)
	Q, R, err := pr.orthonormalRows(sq)
	if err != nil {
		return
	}
	nc := len(pr.C)
	y := make([]float64, nc)
	for r := 0; r < nc; r++ {
		s := -pr.Rhs[r]
		for k, v := range pr.C[r] {
			s += v * p[k]
		}
		// Forward substitution with Rᵀ (lower triangular).
		for j := 0; j < r; j++ {
			s -= R[j][r] * y[j]
		}
		y[r] = s / R[r][r]
	}
	q := make([]float64, len(p))
	for k := range q {
		if p[k] == 0 {
			continue
		}
		s := 0.0
		for r := 0; r < nc; r++ {
			s += Q[r][k] * y[r]
		}
		q[k] = p[k] - sq[k]*s
		if !(q[k] > 0) || math.IsInf(q[k], 0) {
			return
		}
	}
	copy(p, q)
}

// IProject returns the information projection of a positive density q onto
// the constraint set: the minimiser of KL(p | q) = Σ_k p_k log(p_k/q_k) h
// subject to C p = c, which has the form p_k = q_k exp(Σ_r λ_r C_rk/h)
// (computed by Newton's method on the concave dual in λ, with
// backtracking). The result is feasible: each constraint holds to
// 64·M·eps relative to Σ_k |C_rk| p_k + |c_r| (1e3 times that if rounding
// stalls the Newton iteration). Every p_k is mathematically positive, and
// is returned as the float64 value of q_k exp(…): positive wherever that
// is at least the smallest subnormal 2⁻¹⁰⁷⁴ ≈ 4.9e−324, and 0 where it
// underflows (a narrow MeanVariance problem on a wide grid: p_k ≈
// exp(−(x_k − μ)²/(2σ²)) is below e^{−745} in the far cells). Such a result
// is a valid start for Ascend, which holds its zero cells at 0 and checks
// them at convergence; IProject of the uniform density is the
// maximum-entropy solution itself.
// Preconditions (else ErrInvalid): pr well formed (see Problem), q has M
// positive finite entries.
// Errors: ErrNotConverged (wrapped) after 200 Newton steps.
func (pr *Problem) IProject(q []float64) ([]float64, error) {
	if err := pr.checkP(q, true); err != nil {
		return nil, err
	}
	h := pr.Grid.H()
	nc := len(pr.C)
	// Features φ_r(k) = C_rk/h, scaled to O(1) for conditioning.
	scale := make([]float64, nc)
	for r := range scale {
		for _, v := range pr.C[r] {
			scale[r] = math.Max(scale[r], math.Abs(v/h))
		}
	}
	phi := func(r, k int) float64 { return pr.C[r][k] / h / scale[r] }
	rhs := func(r int) float64 { return pr.Rhs[r] }
	lam := make([]float64, nc)
	p := make([]float64, len(q))
	eval := func(l []float64) float64 {
		// p = q·exp(Σλφ); dual G(λ) = Σλ_r c_r/scale... we use the
		// Lagrangian form L(λ) = Σ_k p_k h − Σ_r λ_r c_r/scale_r (convex).
		for k := range p {
			s := 0.0
			for r := 0; r < nc; r++ {
				s += l[r] * phi(r, k)
			}
			p[k] = q[k] * math.Exp(s)
		}
		L := 0.0
		for k := range p {
			L += p[k] * h
		}
		for r := 0; r < nc; r++ {
			L -= l[r] * rhs(r) / scale[r]
		}
		return L
	}
	L := eval(lam)
	// relRes is the constraint residual relative to the size of the terms
	// of each sum, Σ_k |C_rk| p_k + |c_r|: rounding makes it ≈ M·eps at best.
	relRes := func() float64 {
		m := 0.0
		for r, row := range pr.C {
			s, a := 0.0, math.Abs(pr.Rhs[r])
			for k, v := range row {
				s += v * p[k]
				a += math.Abs(v * p[k])
			}
			m = math.Max(m, math.Abs(s-pr.Rhs[r])/a)
		}
		return m
	}
	floor := 64 * float64(len(q)) * 0x1p-52
	for it := 0; it < 200; it++ {
		if relRes() <= floor {
			return append([]float64(nil), p...), nil
		}
		grad := mat.NewVecDense(nc, nil)
		Hs := mat.NewSymDense(nc, nil)
		for r := 0; r < nc; r++ {
			s := 0.0
			for k := range p {
				s += p[k] * h * phi(r, k)
			}
			grad.SetVec(r, s-rhs(r)/scale[r])
			for t := r; t < nc; t++ {
				s := 0.0
				for k := range p {
					s += p[k] * h * phi(r, k) * phi(t, k)
				}
				Hs.SetSym(r, t, s)
			}
		}
		var step mat.VecDense
		if err := step.SolveVec(Hs, grad); err != nil {
			return nil, fmt.Errorf("%w: maxent: I-projection Hessian is singular", numerics.ErrNotConverged)
		}
		t := 1.0
		trial := make([]float64, nc)
		res0 := relRes()
		for ; t > 1e-12; t /= 2 {
			for r := range trial {
				trial[r] = lam[r] - t*step.AtVec(r)
			}
			// Accept a decrease of the dual objective, or — once that
			// decrease is below the objective's rounding — a decrease of
			// the residual (the gradient of the dual).
			if Lt := eval(trial); Lt < L || (Lt <= L*(1+1e-12) && relRes() < res0) {
				L = Lt
				copy(lam, trial)
				break
			}
		}
		eval(lam)
		if t <= 1e-12 {
			// No representable decrease: converged to rounding if the
			// residual is within 1e3 of its floor.
			eval(lam)
			if relRes() <= 1e3*floor {
				return append([]float64(nil), p...), nil
			}
			return nil, fmt.Errorf("%w: maxent: I-projection line search failed (relative residual %.3g)", numerics.ErrNotConverged, relRes())
		}
	}
	eval(lam)
	if relRes() <= 1e3*floor {
		return append([]float64(nil), p...), nil
	}
	return nil, fmt.Errorf("%w: maxent: I-projection after 200 Newton steps (residual %.3g)", numerics.ErrNotConverged, pr.Residual(p))
}
