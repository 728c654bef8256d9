package maxent_test

// Regression tests for the fuzz findings of docs/reliability.md, each named
// after its defect.

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/maxent"
)

// TestNewGridZeroWidthRejected: NewGrid(0, 5e−324, 7) accepted a grid whose
// cell width (b − a)/M underflows to 0 (every midpoint the same), and later
// calls failed with misleading errors ("relative residual NaN"). Also
// rejected: a subnormal width and midpoints that round together.
func TestNewGridZeroWidthRejected(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b float64
		m    int
	}{
		{"h-underflows-to-0", 0, 5e-324, 7},
		{"h-subnormal", 0, 1e-310, 4},
		{"midpoints-collide", 1, 1 + 1e-15, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if g, err := maxent.NewGrid(tc.a, tc.b, tc.m); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("NewGrid = %+v, %v, want ErrInvalid", g, err)
			}
		})
	}
	// Tiny but normal cells with distinct midpoints are still a grid.
	if _, err := maxent.NewGrid(0, 1e-300, 4); err != nil {
		t.Fatalf("NewGrid(0, 1e-300, 4): %v", err)
	}
}

func ones(m int) []float64 {
	q := make([]float64, m)
	for k := range q {
		q[k] = 1
	}
	return q
}

// TestIProjectUnderflowedCells: for a narrow MeanVariance problem on a wide
// grid the I-projection's far cells are below e^{−745}; IProject returned
// them as 0 although its doc promised a positive result, and Ascend then
// rejected its output. The zeros are the float64 values of the projection
// (documented); Ascend accepts them, holds them at 0 and confirms at
// convergence that their stationary values underflow.
func TestIProjectUnderflowedCells(t *testing.T) {
	g, err := maxent.NewGrid(-6, 10.75, 24)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := maxent.MeanVariance(g, -5.125, 0.125)
	if err != nil {
		t.Fatal(err)
	}
	p, err := pr.IProject(ones(24))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range p {
		if (k >= 21) != (v == 0) || !(v >= 0) {
			t.Fatalf("p[%d] = %v: want 0 exactly in cells 21..23, positive before (p = %v)", k, v, p)
		}
	}
	if r := pr.Residual(p); r > 1e-13 {
		t.Fatalf("IProject residual %g", r)
	}
	// IProject of the uniform density is the maximiser: Ascend stops at
	// once, in both metrics, and keeps the zeros.
	for _, m := range []maxent.Metric{maxent.Fisher, maxent.Euclidean} {
		res, err := pr.Ascend(p, maxent.Options{Metric: m, MaxIter: 30})
		if err != nil {
			t.Fatalf("metric %d: Ascend: %v", m, err)
		}
		for k, v := range res.P {
			if math.Abs(v-p[k]) > 1e-9*p[k] {
				t.Fatalf("metric %d: P[%d] = %v, want %v (Gap %g)", m, k, v, p[k], res.Gap)
			}
		}
	}
	// Direction and Step hold the zero cells.
	d, slope, err := pr.Direction(p, maxent.Euclidean)
	if err != nil || !numerics.AllFinite(d) || math.IsNaN(slope) || d[21] != 0 || d[23] != 0 {
		t.Fatalf("Direction = %v, %v, %v", d, slope, err)
	}
}

// TestGradientSubnormalLog: Go's math.Log is wrong on subnormals on amd64
// (golang/go#56600: math.Log(5e−324) = −709.09, not −744.44); the cell
// p = 1.0e−310 of TestIProjectUnderflowedCells had ∇H off by 4.7h, so the
// Fisher gap could never reach its floor there.
func TestGradientSubnormalLog(t *testing.T) {
	want := -(-1074*math.Ln2 + 1) // p = 2^−1074, h = 1
	if g, err := maxent.Gradient([]float64{5e-324}, 1); err != nil || math.Abs(g[0]-want) > 1e-13*want {
		t.Fatalf("Gradient(5e−324) = %v, %v, want [%v]", g, err, want)
	}
	H, err := maxent.Entropy([]float64{5e-324}, 1)
	tiny := math.SmallestNonzeroFloat64
	if wantH := tiny * (1074 * math.Ln2); err != nil || H != wantH { // 744·2^−1074
		t.Fatalf("Entropy(5e−324) = %v, %v, want %v", H, err, wantH)
	}
}

// TestAscendEntropyDropFromStartResidual: Ascend lowered the entropy by
// 5.3e−13 on its first step, beyond its rounding allowance 16·M·eps·max(1,
// |H|) ≈ 3.9e−14. Cause: Entropy[0] was H(p0) for p0 off the constraints by
// 8.1e−13 (IProject's tolerance; Ascend accepts 1e−9), and the first
// restoration moved H by λᵀ(C p0 − c). Ascend now restores p0 first; every
// later drop is within HTol.
func TestAscendEntropyDropFromStartResidual(t *testing.T) {
	g, err := maxent.NewGrid(-6, 6.625, 11)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := maxent.MeanVariance(g, -5.125, 0.375)
	if err != nil {
		t.Fatal(err)
	}
	p0, err := pr.IProject([]float64{4.875, 4, 4.75, 4.875, 2, 4.75, 3, 1, 1, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := pr.Ascend(p0, maxent.Options{Metric: maxent.Euclidean, MaxIter: 30})
	if err != nil {
		t.Fatal(err)
	}
	old := 16 * 11 * 0x1p-52 * math.Max(1, math.Abs(res.Entropy[0]))
	if !(res.HTol >= old) {
		t.Fatalf("HTol = %g below the evaluation rounding %g", res.HTol, old)
	}
	for i := 1; i < len(res.Entropy); i++ {
		if drop := res.Entropy[i-1] - res.Entropy[i]; drop > old {
			t.Fatalf("step %d lowered H by %g > %g (HTol %g): %v", i, drop, old, res.HTol, res.Entropy)
		}
	}
}

// TestAscendRevivesZeroCell: a feasible p0 with a zero cell where the
// maximiser is not negligible (uniform on 7 of 8 cells). Steps cannot move
// a zero cell; at convergence on the other cells its stationary value
// exp(−1 − (Cᵀλ)_k/h) is representable, so Ascend sets it and goes on to
// the uniform density.
func TestAscendRevivesZeroCell(t *testing.T) {
	g, err := maxent.NewGrid(0, 1, 8)
	if err != nil {
		t.Fatal(err)
	}
	pr := maxent.Interval(g)
	p0 := make([]float64, 8)
	for k := 0; k < 7; k++ {
		p0[k] = 8.0 / 7
	}
	for _, m := range []maxent.Metric{maxent.Fisher, maxent.Euclidean} {
		res, err := pr.Ascend(p0, maxent.Options{Metric: m, MaxIter: 1000})
		if err != nil {
			t.Fatalf("metric %d: %v", m, err)
		}
		for k, v := range res.P {
			if math.Abs(v-1) > 1e-9 {
				t.Fatalf("metric %d: P[%d] = %v, want 1 (P = %v)", m, k, v, res.P)
			}
		}
		for i := 1; i < len(res.Entropy); i++ {
			if res.Entropy[i-1]-res.Entropy[i] > res.HTol {
				t.Fatalf("metric %d: entropy dropped at step %d: %v", m, i, res.Entropy)
			}
		}
	}
}

// TestAscendHTolComparisonRounding (FuzzMaxEnt,
// ascend-htol-comparison-rounding): at the fixed point Ascend accepted a
// step lowering H by 1.12577e−13 > Result.HTol = 1.12484e−13. The bound was
// right; the test of it was not: Hq ≥ H − roundH rounds H − roundH (half an
// ulp of H ≈ 1.1e−16 here), letting a drop of roundH + ulp(H)/2 through.
// Ascend now compares the computed difference H − Hq with roundH, the
// quantity its doc (and every caller) checks.
func TestAscendHTolComparisonRounding(t *testing.T) {
	g, err := maxent.NewGrid(-6, -4.75, 6)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := maxent.MeanVariance(g, -5.75, 0.125)
	if err != nil {
		t.Fatal(err)
	}
	p0, err := pr.IProject([]float64{1, 1, 1, 1, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := pr.Ascend(p0, maxent.Options{Metric: maxent.Euclidean, MaxIter: 30})
	if err != nil && !errors.Is(err, numerics.ErrNotConverged) {
		t.Fatal(err)
	}
	if res == nil || len(res.Entropy) < 2 {
		t.Fatalf("Ascend = %+v, %v: want the ascent the fuzzer found (≥ 2 entropies)", res, err)
	}
	for i := 1; i < len(res.Entropy); i++ {
		if drop := res.Entropy[i-1] - res.Entropy[i]; drop > res.HTol {
			t.Fatalf("step %d lowered H by %g > HTol %g: %v", i, drop, res.HTol, res.Entropy)
		}
	}
}

// TestMalformedGridOrProblemIsAnError: Grid and Problem literals (not built
// by NewGrid, Interval or MeanVariance) were trusted. X, Interval and
// MeanVariance panicked for M < 0, for M beyond what can be allocated and
// (MeanVariance) for the zero Grid{}; Residual, Direction, Step, Ascend and
// IProject indexed out of range or dereferenced nil for a nil *Problem, a
// constraint row shorter than M or Rhs shorter than C; Residual returned NaN
// for a NaN p; Gradient returned NaN entries for h ≤ 0, NaN h or p_k < 0;
// Entropy returned −Inf for p_k near MaxFloat64; an unknown Metric ran as
// Euclidean and a NaN Options.Tol disabled the stopping rule. All are now
// errors (ErrInvalid, or ErrOverflow for the entropy); Residual of a
// malformed problem or p is +Inf and X of a malformed grid is nil.
func TestMalformedGridOrProblemIsAnError(t *testing.T) {
	nan := math.NaN()
	g, err := maxent.NewGrid(0, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	good := maxent.Interval(g)
	row := []float64{0.25, 0.25, 0.25, 0.25}
	p := []float64{1, 1, 1, 1}
	grids := []struct {
		name string
		g    maxent.Grid
	}{
		{"zero", maxent.Grid{}},
		{"M < 0", maxent.Grid{A: 0, B: 1, M: -1}},
		{"M = 1", maxent.Grid{A: 0, B: 1, M: 1}},
		{"M = MaxInt", maxent.Grid{A: 0, B: 1, M: math.MaxInt}},
		{"NaN end", maxent.Grid{A: nan, B: 1, M: 4}},
		{"B < A", maxent.Grid{A: 1, B: 0, M: 4}},
	}
	problems := []struct {
		name string
		pr   *maxent.Problem
	}{
		{"nil", nil},
		{"zero", &maxent.Problem{}},
		{"short row", &maxent.Problem{Grid: g, C: [][]float64{{1, 1}}, Rhs: []float64{1}}},
		{"missing rhs", &maxent.Problem{Grid: g, C: [][]float64{row}}},
		{"NaN row", &maxent.Problem{Grid: g, C: [][]float64{{nan, 0.25, 0.25, 0.25}}, Rhs: []float64{1}}},
		{"NaN rhs", &maxent.Problem{Grid: g, C: [][]float64{row}, Rhs: []float64{nan}}},
	}
	type call struct {
		name string
		f    func() error
	}
	var cases []call
	for _, gc := range grids {
		gg := gc.g
		problems = append(problems, struct {
			name string
			pr   *maxent.Problem
		}{"Interval of grid " + gc.name, maxent.Interval(gg)})
		cases = append(cases,
			call{"Validate grid " + gc.name, func() error { return gg.Validate() }},
			call{"MeanVariance on grid " + gc.name, func() error { _, err := maxent.MeanVariance(gg, 0.5, 0.01); return err }})
		if x := gg.X(); x != nil {
			t.Errorf("X of grid %s = %d midpoints, want nil", gc.name, len(x))
		}
	}
	for _, pc := range problems {
		pr := pc.pr
		if r := pr.Residual(p); !math.IsInf(r, 1) {
			t.Errorf("Residual of problem %s = %v, want +Inf", pc.name, r)
		}
		cases = append(cases,
			call{"Direction of " + pc.name, func() error { _, _, err := pr.Direction(p, maxent.Euclidean); return err }},
			call{"Step of " + pc.name, func() error { _, err := pr.Step(p, 0.1); return err }},
			call{"Ascend of " + pc.name, func() error { _, err := pr.Ascend(p, maxent.Options{}); return err }},
			call{"IProject of " + pc.name, func() error { _, err := pr.IProject(p); return err }})
	}
	cases = append(cases,
		call{"Direction metric 7", func() error { _, _, err := good.Direction(p, 7); return err }},
		call{"Ascend metric 9", func() error { _, err := good.Ascend(p, maxent.Options{Metric: 9}); return err }},
		call{"Ascend NaN Tol", func() error { _, err := good.Ascend(p, maxent.Options{Tol: nan}); return err }},
		call{"Ascend MaxIter < 0", func() error { _, err := good.Ascend(p, maxent.Options{MaxIter: -5}); return err }},
		call{"Gradient NaN h", func() error { _, err := maxent.Gradient([]float64{1}, nan); return err }},
		call{"Gradient h = 0", func() error { _, err := maxent.Gradient([]float64{0}, 0); return err }},
		call{"Gradient p < 0", func() error { _, err := maxent.Gradient([]float64{-1}, 1); return err }},
	)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.f(); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
	for _, r := range []struct {
		name string
		p    []float64
	}{{"short p", []float64{1}}, {"NaN p", []float64{nan, 1, 1, 1}}} {
		if v := good.Residual(r.p); !math.IsInf(v, 1) {
			t.Errorf("Residual(%s) = %v, want +Inf", r.name, v)
		}
	}
	if H, err := maxent.Entropy([]float64{math.MaxFloat64}, 1); !errors.Is(err, maxent.ErrOverflow) {
		t.Errorf("Entropy([MaxFloat64]) = %v, %v; want ErrOverflow", H, err)
	}
	if _, err := maxent.Gradient([]float64{1e-300}, math.MaxFloat64/2); !errors.Is(err, maxent.ErrOverflow) {
		t.Errorf("Gradient with h near MaxFloat64: err = %v, want ErrOverflow", err)
	}
	// The problems built by the constructors are unaffected.
	if r := good.Residual(p); r != 0 {
		t.Errorf("Residual of the uniform density = %v, want 0", r)
	}
}
