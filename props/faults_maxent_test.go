package props

import (
	"math"
	"testing"

	"github.com/otverify/otverify/reference/maxent"
	"github.com/otverify/otverify/theorems"
)

// TestFaultsMaxent plants wrong maximum-entropy solvers through the Go-only
// hooks (theorems.LocalOps): maxent has no otv/1 op. No size bound is
// asserted: these claims call no op, so a counterexample is the rapid draws.
func TestFaultsMaxent(t *testing.T) {
	faults := []fault{
		{name: "ascent along the unprojected gradient (constraints dropped)", family: "maxent",
			plant: func(o *theorems.Ops) {
				o.Local.MaxEntAscend = func(pr *maxent.Problem, p0 []float64, _ maxent.Options) (*maxent.Result, error) {
					h := pr.Grid.H()
					p := append([]float64(nil), p0...)
					res := &maxent.Result{Entropy: []float64{entropyOn(p, h)}}
					for it := 0; it < 2000; it++ {
						for k := range p {
							p[k] += 0.05 * p[k] * (-(math.Log(p[k]) + 1)) // ∇H, scaled for stability
						}
						res.Entropy = append(res.Entropy, entropyOn(p, h))
					}
					res.P, res.Iter = p, 2000
					return res, nil
				}
			},
			caughtBy: []string{"maxent.uniform", "maxent.gaussian"}},
		{name: "ascent stopped after 3 steps (not converged, no error)", family: "maxent",
			plant: func(o *theorems.Ops) {
				o.Local.MaxEntAscend = func(pr *maxent.Problem, p0 []float64, opts maxent.Options) (*maxent.Result, error) {
					opts.MaxIter = 3
					r, err := pr.Ascend(p0, opts)
					if err != nil && r != nil {
						return r, nil // swallow the not-converged error
					}
					return r, err
				}
			},
			caughtBy: []string{"maxent.uniform", "maxent.gaussian"}},
		{name: "direction of steepest descent (sign flipped)", family: "maxent",
			plant: func(o *theorems.Ops) {
				o.Local.MaxEntDirection = func(pr *maxent.Problem, p []float64, m maxent.Metric) ([]float64, float64, error) {
					d, s, err := pr.Direction(p, m)
					for k := range d {
						d[k] = -d[k]
					}
					return d, -s, err
				}
			},
			caughtBy: []string{"maxent.ascent-monotone"}},
		{name: "direction not projected onto the constraints (raw gradient)", family: "maxent",
			plant: func(o *theorems.Ops) {
				o.Local.MaxEntDirection = func(pr *maxent.Problem, p []float64, _ maxent.Metric) ([]float64, float64, error) {
					h := pr.Grid.H()
					d := make([]float64, len(p))
					s := 0.0
					for k := range p {
						d[k] = -h * (math.Log(p[k]) + 1)
						s += d[k] * d[k]
					}
					return d, s, nil
				}
			},
			caughtBy: []string{"maxent.ascent-monotone"}},
		{name: "I-projection that only normalises the mass (mean and variance ignored)", family: "maxent",
			plant: func(o *theorems.Ops) {
				o.Local.MaxEntIProject = func(pr *maxent.Problem, q []float64) ([]float64, error) {
					h := pr.Grid.H()
					s := 0.0
					for _, v := range q {
						s += v * h
					}
					p := make([]float64, len(q))
					for k := range q {
						p[k] = q[k] / s
					}
					return p, nil
				}
			},
			caughtBy: []string{"maxent.gaussian", "maxent.ascent-monotone"}},
	}
	for _, f := range faults {
		expectCaught(t, f)
	}
}

// entropyOn is −Σ p_k log(p_k)·h.
func entropyOn(p []float64, h float64) float64 {
	s := 0.0
	for _, v := range p {
		if v > 0 {
			s -= v * math.Log(v) * h
		}
	}
	return s
}

// TestCheckRunsLocalHooks: props.Check skips claims that call no op, except
// those whose Go-only hooks the implementation sets.
func TestCheckRunsLocalHooks(t *testing.T) {
	var ops theorems.Ops
	ops.Local.MaxEntAscend = func(pr *maxent.Problem, p0 []float64, o maxent.Options) (*maxent.Result, error) {
		return pr.Ascend(p0, o)
	}
	results, err := run(ops, Options{Families: []string{"maxent", "ot1d"}, Checks: 5}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		local := r.Family == "maxent"
		if local && r.Status != theorems.Pass {
			t.Errorf("%s: %s (%s), want pass with the hook set", r.ID, r.Status, r.Message)
		}
		if !local && r.Status != theorems.Skip {
			t.Errorf("%s: %s, want skip (no op offered)", r.ID, r.Status)
		}
	}
}
