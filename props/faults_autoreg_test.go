package props

import (
	"testing"

	"github.com/otverify/otverify/theorems"
)

// Planted bugs in ar.sample: each must be falsified by the autoreg family,
// with a small shrunk counterexample.

// arfSample is a next-token sampler with one planted bug.
func arfSample(bug string) func(theorems.ARSampleArgs) (theorems.IndexResult, error) {
	return func(a theorems.ARSampleArgs) (theorems.IndexResult, error) {
		p, u := a.P, a.U
		switch bug {
		case "reversed":
			u = 1 - u
		case "compacted":
			// Zero tokens dropped, the index returned into the compacted list.
			var q []float64
			for _, v := range p {
				if v > 0 {
					q = append(q, v)
				}
			}
			p = q
		}
		s := 0.0
		for i, v := range p {
			s += v
			if (bug == "geq" && s >= u) || (bug != "geq" && s > u) {
				return theorems.IndexResult{Index: i}, nil
			}
		}
		if bug == "last-index" {
			return theorems.IndexResult{Index: len(p) - 1}, nil
		}
		for i := len(p) - 1; i >= 0; i-- {
			if p[i] > 0 {
				return theorems.IndexResult{Index: i}, nil
			}
		}
		return theorems.IndexResult{Index: len(p) - 1}, nil
	}
}

func TestFaultsAutoreg(t *testing.T) {
	faults := []fault{
		{name: "F_i ≥ u instead of F_i > u (the token ending exactly at u)", family: "autoreg",
			plant:    func(o *theorems.Ops) { o.ARSample = arfSample("geq") },
			caughtBy: []string{"autoreg.never-zero-probability", "autoreg.next-token-worked-example"}, maxSize: 2},
		{name: "rounding fallback returns the last index even if p_last = 0", family: "autoreg",
			plant:    func(o *theorems.Ops) { o.ARSample = arfSample("last-index") },
			caughtBy: []string{"autoreg.never-zero-probability"}, maxSize: 12},
		{name: "zero tokens dropped, index into the compacted vocabulary", family: "autoreg",
			plant:    func(o *theorems.Ops) { o.ARSample = arfSample("compacted") },
			caughtBy: []string{"autoreg.never-zero-probability", "autoreg.grid-frequencies"}, maxSize: 2},
		{name: "inverse CDF at 1 − u", family: "autoreg",
			plant:    func(o *theorems.Ops) { o.ARSample = arfSample("reversed") },
			caughtBy: []string{"autoreg.next-token-worked-example", "autoreg.grid-frequencies"}, maxSize: 3},
	}
	for _, f := range faults {
		expectCaught(t, f)
	}
}
