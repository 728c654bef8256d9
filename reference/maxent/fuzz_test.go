package maxent_test

// Native Go fuzz target for package maxent (issue 9): NewGrid, Entropy,
// Gradient, Interval, MeanVariance, Residual, Direction, Step, IProject and
// Ascend. Property: no panic, no hang (Ascend bounded by MaxIter), no NaN
// or ±Inf without an error (ErrInvalid or ErrNotConverged); for valid input
// Direction keeps C·p = c (Residual of p + δ unchanged to rounding) with a
// slope ≥ 0, IProject returns a positive feasible density, and Ascend's
// entropy never decreases beyond its documented rounding.
//
// Seeds: testdata/fuzz/FuzzMaxEnt/seed-*, written by
//
//	go test ./reference/maxent -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run: go test ./reference/maxent -run '^$' -fuzz '^FuzzMaxEnt$' -fuzztime 60s -parallel 1

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/internal/fuzzseed"
	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/maxent"
)

var fzSeeds = map[string][]fuzzseed.Seed{
	"FuzzMaxEnt": {
		{Name: "interval", Args: []any{fuzzseed.NewEnc().U8(8, 0, 0).F(0, 1, 0, 0).Bytes()}},
		{Name: "gaussian", Args: []any{fuzzseed.NewEnc().U8(16, 1, 1).F(-4, 4, 0.5, 1).Bytes()}},
		{Name: "narrow", Args: []any{fuzzseed.NewEnc().U8(16, 1, 1).F(-4, 4, 0, 1e-8).Bytes()}},
		{Name: "infeasible", Args: []any{fuzzseed.NewEnc().U8(8, 1, 0).F(0, 1, 0.5, 10).Bytes()}},
		{Name: "huge-range", Args: []any{fuzzseed.NewEnc().U8(8, 0, 1).F(-1e300, 1e300, 0, 1).Bytes()}},
		{Name: "tiny-cells", Args: []any{fuzzseed.NewEnc().U8(4, 1, 1).F(0, 1e-300, 5e-301, 1e-603).Bytes()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fuzzseed.Check(t, fzSeeds) }

func FuzzMaxEnt(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		M, kind, metric := d.N(0, 40), d.U8()%2, maxent.Metric(d.U8()%2)
		a, b, mu, s2 := d.F(), d.F(), d.F(), d.F()
		okErr := func(name string, err error) {
			t.Helper()
			if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, numerics.ErrNotConverged) {
				t.Fatalf("%s: %v", name, err)
			}
		}
		g, err := maxent.NewGrid(a, b, M)
		if err != nil {
			okErr("NewGrid", err)
			return
		}
		if h := g.H(); !(h > 0) || math.IsInf(h, 0) || len(g.X()) != M {
			t.Fatalf("grid h = %v, %d points", h, len(g.X()))
		}
		pr := maxent.Interval(g)
		if kind == 1 {
			pr, err = maxent.MeanVariance(g, mu, s2)
			if err != nil {
				okErr("MeanVariance", err)
				return
			}
		}
		// A positive density from the data, then its information projection.
		q := make([]float64, M)
		for i := range q {
			q[i] = 1 + math.Abs(math.Mod(d.F(), 4))
			if math.IsNaN(q[i]) {
				q[i] = 1
			}
		}
		p, err := pr.IProject(q)
		if err != nil {
			okErr("IProject", err)
			return
		}
		// Cells are ≥ 0: 0 only where the projection underflows (IProject's
		// doc); some cell carries the mass.
		positive := true
		for _, v := range p {
			if !(v >= 0) || math.IsInf(v, 0) {
				t.Fatalf("IProject returned %v", p)
			}
			positive = positive && v > 0
		}
		H, err := maxent.Entropy(p, g.H())
		if err != nil || math.IsNaN(H) || math.IsInf(H, 0) {
			t.Fatalf("Entropy(IProject) = %v, %v", H, err)
		}
		if gr, err := maxent.Gradient(p, g.H()); positive && (err != nil || !numerics.AllFinite(gr)) {
			t.Fatalf("Gradient of a positive density = %v, %v", gr, err)
		}
		if r := pr.Residual(p); !(r >= 0) || r > 1e-6 {
			t.Fatalf("IProject result has constraint residual %v", r)
		}
		delta, slope, err := pr.Direction(p, metric)
		if err != nil {
			okErr("Direction", err)
			return
		}
		// slope = ∇H·δ ≥ 0 up to rounding: δ has an absolute error of
		// about eps·|∇H_k| per entry (Direction's doc), so the slope one
		// of about eps·Σ ∇H_k² (at the maximiser it comes out as −1e-35).
		gr, err := maxent.Gradient(p, g.H())
		if err != nil {
			if !errors.Is(err, maxent.ErrOverflow) {
				t.Fatalf("Gradient: %v", err)
			}
			return
		}
		dot := 0.0
		for k := range delta {
			if p[k] > 0 { // zero cells are held (δ_k = 0, ∇H_k = +Inf unused)
				dot += gr[k] * gr[k]
			} else if delta[k] != 0 {
				t.Fatalf("Direction moves the zero cell %d: %v", k, delta)
			}
		}
		if !numerics.AllFinite(delta) || !(slope >= -16*float64(M)*0x1p-52*dot) || math.IsInf(slope, 0) {
			t.Fatalf("Direction = %v, slope %v", delta, slope)
		}
		if s, err := pr.Step(p, 1e-3); err != nil {
			okErr("Step", err)
		} else if !numerics.AllFinite(s) {
			t.Fatalf("Step = %v without an error", s)
		}
		r, err := pr.Ascend(p, maxent.Options{Metric: metric, MaxIter: 30})
		if err != nil {
			okErr("Ascend", err)
			if r == nil {
				return
			}
		}
		if !numerics.AllFinite(r.P) || !numerics.AllFinite(r.Entropy) {
			t.Fatalf("Ascend = %+v", r)
		}
		for i := 1; i < len(r.Entropy); i++ {
			drop := r.Entropy[i-1] - r.Entropy[i]
			if drop > 1e-9*math.Max(1, math.Abs(r.Entropy[i-1])) {
				t.Fatalf("Ascend lowered the entropy: %v", r.Entropy)
			}
			if drop > r.HTol {
				t.Fatalf("Ascend lowered H by %g > HTol %g: %v", drop, r.HTol, r.Entropy)
			}
		}
	})
}
