package entropic_test

// Native Go fuzz targets for package entropic (issue 7): Sinkhorn (with
// OTEps) and Divergence. Property: no panic; no hang (every solve is
// capped at fzMaxIter iterations on at most 11×11 costs); no NaN or ±Inf
// without an error; errors wrap numerics.ErrInvalid, numerics.ErrNotConverged
// or ErrOverflow, and clearly valid input is never called invalid; and
// every answer given without an error satisfies the documented contract:
// L1 marginal error ≤ Tol against the normalised weights (≤ Tol + 2·MassTol
// against the given ones), the Gibbs form of the plan, the plan and
// NoPlan runs agreeing bit for bit, OTEps equal to the reported dual; for
// the divergence, exactly 0 for identical inputs, symmetric and ≥ 0
// within its accuracy.
//
// Seeds: testdata/fuzz/FuzzXxx/seed-*, written from fzSeeds by
//
//	go test ./reference/entropic -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run one target: go test ./reference/entropic -run '^$' -fuzz '^FuzzSinkhorn$' -fuzztime 60s -parallel 1

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/otverify/otverify/internal/fuzzseed"
	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/entropic"
)

// fzMaxIter caps every solve of the fuzz targets (no hang): enough for
// ε-scaling and Newton polishing down to eps = 1e-4·max C on these sizes.
const fzMaxIter = 3000

// Flags of the flags byte.
const (
	fzNoScaling = 1 << iota
	fzNoNewton
	fzNoPlan
	fzTwoWorkers
	fzEpsRaw    // eps = v as given (else relative to max|C|)
	fzEpsPow10  // eps = 10^−|v|·max|C| (else |v|·max|C|)
	fzScaleCost // every cost (or coordinate) times the value s
)

// weights returns v as given (mode 0), normalised |v|/Σ|v| (mode 1) or
// uniform (mode 2); ok reports whether the result is certainly a valid
// probability vector (modes 1 and 2 with positive finite entries).
func weights(v []float64, mode byte) (w []float64, ok bool) {
	switch mode {
	case 1:
		s := 0.0
		for _, x := range v {
			s += math.Abs(x)
		}
		w = make([]float64, len(v))
		ok = s > 0 && !math.IsInf(s, 0)
		for i, x := range v {
			w[i] = math.Abs(x) / s
			ok = ok && w[i] > 0
		}
		if !ok {
			return v, false
		}
		return w, true
	case 2:
		w = make([]float64, len(v))
		for i := range w {
			w[i] = 1 / float64(len(v))
		}
		return w, true
	}
	return v, false
}

// epsOf decodes eps from the flags and the value v against the cost scale.
func epsOf(flags byte, v, maxC float64) float64 {
	switch {
	case flags&fzEpsRaw != 0:
		return v
	case flags&fzEpsPow10 != 0:
		return math.Pow(10, -math.Abs(v)) * maxC
	}
	return math.Abs(v) * maxC
}

func okErr(t *testing.T, name string, err error, valid bool) {
	t.Helper()
	switch {
	case errors.Is(err, numerics.ErrInvalid):
		if valid {
			t.Fatalf("%s: valid input rejected: %v", name, err)
		}
	case errors.Is(err, numerics.ErrNotConverged), errors.Is(err, entropic.ErrOverflow):
	default:
		t.Fatalf("%s: error %v wraps none of ErrInvalid, ErrNotConverged, ErrOverflow", name, err)
	}
}

// sinkhornInput encodes the input of FuzzSinkhorn: sizes n, m, the weight
// modes (a: mode%3, b: mode/3%3), the flags, then C (n·m, row-major), a, b,
// the eps value v and the cost scale s.
func sinkhornInput(n, m int, mode, flags byte, C, a, b []float64, v, s float64) []byte {
	return fuzzseed.NewEnc().U8(byte(n), byte(m), mode, flags).F(pad(C, n*m)...).F(pad(a, n)...).F(pad(b, m)...).F(v, s).Bytes()
}

// pad returns v extended with ones to length k (the values that a weight
// mode other than 0 ignores or normalises).
func pad(v []float64, k int) []float64 {
	for len(v) < k {
		v = append(v, 1)
	}
	return v
}

type sinkhornCase struct {
	n, m       int
	a, b, C    []float64
	eps        float64
	opts       entropic.Options
	valid      bool // certainly valid input
	maxC       float64
	normalised bool
}

func decodeSinkhorn(data []byte) sinkhornCase {
	d := fuzzseed.NewDec(data)
	n, m, mode, flags := d.N(0, 11), d.N(0, 11), d.U8(), d.U8()
	C := d.Fs(n * m)
	a, okA := weights(d.Fs(n), mode%3)
	b, okB := weights(d.Fs(m), mode/3%3)
	v, s := d.F(), d.F()
	if flags&fzScaleCost != 0 {
		for k := range C {
			C[k] *= s
		}
	}
	maxC := numerics.MaxAbs(C)
	tc := sinkhornCase{n: n, m: m, a: a, b: b, C: C, maxC: maxC, normalised: okA && okB}
	tc.eps = epsOf(flags, v, max(maxC, 1e-300))
	tc.opts = entropic.Options{
		MaxIter:   fzMaxIter,
		NoScaling: flags&fzNoScaling != 0,
		NoNewton:  flags&fzNoNewton != 0,
		NoPlan:    flags&fzNoPlan != 0,
		Workers:   1,
	}
	if flags&fzTwoWorkers != 0 {
		tc.opts.Workers = 2
	}
	tc.valid = n >= 1 && m >= 1 && okA && okB && numerics.AllFinite(C) &&
		tc.eps > 0 && !math.IsInf(tc.eps, 0)
	return tc
}

var sinkhornSeeds = []fuzzseed.Seed{
	{Name: "empty", Args: []any{sinkhornInput(0, 0, 8, 0, nil, nil, nil, 1, 0)}},
	{Name: "one-point", Args: []any{sinkhornInput(1, 1, 8, 0, []float64{3}, []float64{1}, []float64{1}, 0.5, 0)}},
	{Name: "one-to-three", Args: []any{sinkhornInput(1, 3, 8, 0, []float64{0, 1, 2}, []float64{1}, []float64{1, 1, 1}, 0.125, 0)}},
	{Name: "duplicate-points", Args: []any{sinkhornInput(3, 2, 4, 0, []float64{0, 1, 0, 1, 0, 1}, []float64{1, 2, 3}, []float64{1, 1}, 0.01, 0)}},
	{Name: "zero-cost-ties", Args: []any{sinkhornInput(3, 3, 8, 0, make([]float64, 9), nil, nil, 1e-3, 0)}},
	{Name: "tied-anti-diagonal", Args: []any{sinkhornInput(2, 2, 8, fzEpsPow10, []float64{1, 0, 0, 1}, nil, nil, 3, 0)}},
	{Name: "eps-1e-4-maxC", Args: []any{sinkhornInput(4, 3, 4, fzEpsPow10, []float64{0, 1, 4, 1, 0, 1, 4, 1, 0, 9, 4, 1}, []float64{1, 2, 3, 4}, []float64{1, 1, 1}, 4, 0)}},
	{Name: "eps-1e-20-maxC", Args: []any{sinkhornInput(2, 2, 8, fzEpsPow10, []float64{0, 1, 2, 0.5}, nil, nil, 20, 0)}},
	{Name: "eps-1e-12-maxC-noplan", Args: []any{sinkhornInput(3, 2, 8, fzEpsPow10|fzNoPlan, []float64{0, 1, 2, 0.5, 1, 1}, nil, nil, 12, 0)}},
	{Name: "costs-1e300", Args: []any{sinkhornInput(2, 2, 8, fzScaleCost, []float64{1, 2, 3, 1}, nil, nil, 0.1, 1e300)}},
	{Name: "costs-overflow", Args: []any{sinkhornInput(2, 2, 8, fzScaleCost, []float64{1, 2, 3, 11}, nil, nil, 0.1, math.MaxFloat64)}},
	{Name: "costs-near-max", Args: []any{sinkhornInput(2, 2, 8, fzScaleCost, []float64{1, 2, 11, 0}, nil, nil, 0.01, 1.5e307)}},
	{Name: "costs-tiny", Args: []any{sinkhornInput(2, 3, 8, fzScaleCost, []float64{1, 2, 3, 0, 1, 2}, nil, nil, 0.01, 1e-300)}},
	{Name: "eps-huge", Args: []any{sinkhornInput(2, 2, 8, fzEpsRaw, []float64{0, 1, 1, 0}, nil, nil, math.MaxFloat64, 0)}},
	{Name: "eps-subnormal", Args: []any{sinkhornInput(2, 2, 8, fzEpsRaw, []float64{0, 1, 1, 0}, nil, nil, 5e-324, 0)}},
	{Name: "eps-negative", Args: []any{sinkhornInput(2, 2, 8, fzEpsRaw, []float64{0, 1, 1, 0}, nil, nil, -1, 0)}},
	{Name: "eps-nan", Args: []any{sinkhornInput(2, 2, 8, fzEpsRaw, []float64{0, 1, 1, 0}, nil, nil, math.NaN(), 0)}},
	{Name: "nan-cost", Args: []any{sinkhornInput(2, 2, 8, 0, []float64{0, math.NaN(), 1, 0}, nil, nil, 0.1, 0)}},
	{Name: "bad-mass", Args: []any{sinkhornInput(2, 2, 0, 0, []float64{0, 1, 1, 0}, []float64{0.5, 0.6}, []float64{0.5, 0.5}, 0.1, 0)}},
	{Name: "zero-weight", Args: []any{sinkhornInput(2, 2, 0, 0, []float64{0, 1, 1, 0}, []float64{1, 0}, []float64{0.5, 0.5}, 0.1, 0)}},
	{Name: "no-scaling-no-newton", Args: []any{sinkhornInput(3, 3, 8, fzNoScaling|fzNoNewton|fzEpsPow10, []float64{0, 1, 4, 1, 0, 1, 4, 1, 0}, nil, nil, 2, 0)}},
	{Name: "stage-cap-11x2", Args: []any{sinkhornInput(11, 2, 7, fzEpsPow10,
		[]float64{0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0},
		[]float64{0.5 + 1.0/256, 0.5 + 1.0/256, 0.5 + 1.0/256, 0.5 + 1.0/256, 0.5 + 1.0/256, 0.5 + 1.0/256,
			0.6 - 1.2/256, 0.6 - 1.2/256, 0.6 - 1.2/256, 0.6 - 1.2/256, 0.6 - 1.2/256},
		nil, 3, 0)}},
}

// FuzzSinkhorn: Sinkhorn and OTEps on arbitrary costs, weights, eps and
// options.
func FuzzSinkhorn(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		tc := decodeSinkhorn(data)
		res, err := entropic.Sinkhorn(tc.a, tc.b, tc.C, tc.n, tc.m, tc.eps, tc.opts)
		// The same solve without (or with) the dense plan: the same
		// iterations, verdict and potentials.
		other := tc.opts
		other.NoPlan = !other.NoPlan
		res2, err2 := entropic.Sinkhorn(tc.a, tc.b, tc.C, tc.n, tc.m, tc.eps, other)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("NoPlan = %v: %v; NoPlan = %v: %v", tc.opts.NoPlan, err, other.NoPlan, err2)
		}
		if res != nil && res2 != nil && (!slices.Equal(res.F, res2.F) || !slices.Equal(res.G, res2.G) ||
			res.Iterations != res2.Iterations) {
			t.Fatalf("NoPlan changes the potentials or the iterations")
		}
		if res != nil && res.Iterations > fzMaxIter {
			t.Fatalf("%d iterations > MaxIter %d", res.Iterations, fzMaxIter)
		}
		if err != nil {
			okErr(t, "Sinkhorn", err, tc.valid)
			return
		}
		n, m := tc.n, tc.m
		if len(res.F) != n || len(res.G) != m || !numerics.AllFinite(res.F) || !numerics.AllFinite(res.G) ||
			math.IsNaN(res.Dual) || math.IsInf(res.Dual, 0) || res.Eps != tc.eps {
			t.Fatalf("bad result without error: %+v", res)
		}
		if !(res.MarginalError <= entropic.DefaultTol) {
			t.Fatalf("reported marginal error %.3g > Tol %g without error", res.MarginalError, entropic.DefaultTol)
		}
		withPlan, noPlan := res, res2
		if tc.opts.NoPlan {
			withPlan, noPlan = res2, res
		}
		if v, err := entropic.OTEps(tc.a, tc.b, tc.C, n, m, tc.eps, tc.opts); err != nil || v != noPlan.Dual {
			t.Fatalf("OTEps = %v (%v), the NoPlan dual is %v", v, err, noPlan.Dual)
		}
		plan := withPlan.Plan
		if len(plan) != n*m {
			t.Fatalf("plan of %d entries, want %d", len(plan), n*m)
		}
		rows, cols := make([]float64, n), make([]float64, m)
		for i := range n {
			for j := range m {
				p := plan[i*m+j]
				if !(p >= 0) || math.IsInf(p, 0) {
					t.Fatalf("plan[%d][%d] = %v", i, j, p)
				}
				rows[i] += p
				cols[j] += p
				// Gibbs form, in logs: the exponent is formed from numbers
				// of size max|C|/eps, so its rounding is a few ulps of
				// that; 1e-12·(1 + max|C|/eps) is the unit tests' bound.
				if p >= 0x1p-1022 {
					// numerics.Log: a weight may be subnormal, where Go's math.Log
					// is wrong (golang/go#56600).
					lhs := numerics.Log(p) - numerics.Log(tc.a[i]) - numerics.Log(tc.b[j]) + tc.C[i*m+j]/tc.eps
					rhs := res.F[i]/tc.eps + res.G[j]/tc.eps // F_i + G_j may overflow
					if math.Abs(lhs-rhs) > 1e-12*(1+tc.maxC/tc.eps) {
						t.Fatalf("Gibbs form at (%d,%d): %.17g vs %.17g", i, j, lhs, rhs)
					}
				}
			}
		}
		l1 := 0.0
		for i := range rows {
			l1 += math.Abs(rows[i] - tc.a[i])
		}
		for j := range cols {
			l1 += math.Abs(cols[j] - tc.b[j])
		}
		if !(l1 <= entropic.DefaultTol+2*entropic.MassTol) {
			t.Fatalf("marginal error %.3g against the given weights > Tol + 2·MassTol (reported %.3g)", l1, res.MarginalError)
		}
	})
}

// divergenceInput encodes the input of FuzzDivergence: sizes n, m, the
// dimension d, the weight modes, the flags, then x (n·d), y (m·d), a, b,
// the eps value v and the coordinate scale s.
func divergenceInput(n, m, d int, mode, flags byte, x, y, a, b []float64, v, s float64) []byte {
	return fuzzseed.NewEnc().U8(byte(n), byte(m), byte(d), mode, flags).F(pad(x, n*d)...).F(pad(y, m*d)...).F(pad(a, n)...).F(pad(b, m)...).F(v, s).Bytes()
}

var divergenceSeeds = []fuzzseed.Seed{
	{Name: "empty", Args: []any{divergenceInput(0, 0, 1, 8, 0, nil, nil, nil, nil, 1, 0)}},
	{Name: "dim-0", Args: []any{divergenceInput(1, 1, 0, 8, 0, nil, nil, nil, nil, 1, 0)}},
	{Name: "one-point", Args: []any{divergenceInput(1, 1, 2, 8, 0, []float64{0, 0}, []float64{3, 4}, nil, nil, 0.125, 0)}},
	{Name: "duplicate-points", Args: []any{divergenceInput(3, 2, 1, 4, 0, []float64{1, 1, 1}, []float64{1, 1}, []float64{1, 2, 3}, []float64{1, 1}, 0.01, 0)}},
	{Name: "identical", Args: []any{divergenceInput(3, 3, 2, 8, 0, []float64{0, 1, 2, 3, 4, 5}, []float64{0, 1, 2, 3, 4, 5}, nil, nil, 0.01, 0)}},
	{Name: "eps-1e-4-maxC", Args: []any{divergenceInput(4, 3, 2, 4, fzEpsPow10, []float64{0, 0, 1, 0, 0, 1, 1, 1}, []float64{0.5, 0.5, 2, 0, 0, 2}, []float64{1, 2, 3, 4}, []float64{1, 1, 1}, 4, 0)}},
	{Name: "eps-1e-20-maxC", Args: []any{divergenceInput(2, 2, 1, 8, fzEpsPow10, []float64{0, 1}, []float64{0.5, 2}, nil, nil, 20, 0)}},
	{Name: "coords-1e150", Args: []any{divergenceInput(2, 2, 1, 8, fzScaleCost, []float64{1, 2}, []float64{3, 1}, nil, nil, 0.1, 1e150)}},
	{Name: "coords-overflow", Args: []any{divergenceInput(2, 2, 1, 8, fzScaleCost, []float64{1, 2}, []float64{3, -11}, nil, nil, 0.1, 1e300)}},
	{Name: "nan-coord", Args: []any{divergenceInput(2, 1, 1, 8, 0, []float64{0, math.NaN()}, []float64{1}, nil, nil, 0.1, 0)}},
	{Name: "eps-negative", Args: []any{divergenceInput(1, 1, 1, 8, fzEpsRaw, []float64{0}, []float64{1}, nil, nil, -1, 0)}},
}

// FuzzDivergence: Divergence on arbitrary point clouds, weights and eps.
func FuzzDivergence(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		dd := fuzzseed.NewDec(data)
		n, m, d, mode, flags := dd.N(0, 6), dd.N(0, 6), dd.N(0, 3), dd.U8(), dd.U8()
		x, y := dd.Fs(n*d), dd.Fs(m*d)
		a, okA := weights(dd.Fs(n), mode%3)
		b, okB := weights(dd.Fs(m), mode/3%3)
		v, s := dd.F(), dd.F()
		if flags&fzScaleCost != 0 {
			for k := range x {
				x[k] *= s
			}
			for k := range y {
				y[k] *= s
			}
		}
		// The scale of the costs: the largest of the three cost matrices.
		maxC := 0.0
		costsOK := true
		for _, pq := range [][2][]float64{{x, y}, {x, x}, {y, y}} {
			if d < 1 {
				costsOK = false
				break
			}
			C, err := entropic.SqEuclidean(pq[0], pq[1], d)
			if err != nil {
				costsOK = false
				break
			}
			maxC = max(maxC, numerics.MaxAbs(C))
		}
		eps := epsOf(flags, v, max(maxC, 1e-300))
		valid := n >= 1 && m >= 1 && d >= 1 && okA && okB && costsOK && eps > 0 && !math.IsInf(eps, 0)
		opts := entropic.Options{MaxIter: fzMaxIter}
		sxy, err := entropic.Divergence(x, y, d, a, b, eps, opts)
		if err != nil {
			okErr(t, "Divergence", err, valid)
			return
		}
		if math.IsNaN(sxy) || math.IsInf(sxy, 0) {
			t.Fatalf("Divergence = %v without an error", sxy)
		}
		// Accuracy (Divergence's doc): 2·Tol·max C plus a few ulps of
		// max C + eps; the unit tests' 1e-8·max C for the first part.
		tol := 1e-8*maxC + 16*0x1p-52*(maxC+eps)
		if sxy < -tol {
			t.Fatalf("S(α,β) = %.17g < 0 beyond the accuracy %.3g", sxy, tol)
		}
		// S(α,α) was one of the three terms: it succeeds, and is exactly 0.
		if sxx, err := entropic.Divergence(x, x, d, a, a, eps, opts); err != nil || sxx != 0 {
			t.Fatalf("S(α,α) = %v (%v), want exactly 0", sxx, err)
		}
		// The transposed problem is solved by other arithmetic and may
		// stop on ErrNotConverged; if it answers, it agrees.
		syx, err := entropic.Divergence(y, x, d, b, a, eps, opts)
		if err != nil {
			okErr(t, "Divergence(β,α)", err, valid)
			return
		}
		if math.Abs(sxy-syx) > tol {
			t.Fatalf("S(α,β) = %.17g, S(β,α) = %.17g (accuracy %.3g)", sxy, syx, tol)
		}
	})
}

var fzSeeds = map[string][]fuzzseed.Seed{
	"FuzzSinkhorn":   sinkhornSeeds,
	"FuzzDivergence": divergenceSeeds,
}

func TestFuzzSeedCorpus(t *testing.T) { fuzzseed.Check(t, fzSeeds) }
