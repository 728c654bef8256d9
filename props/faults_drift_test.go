package props

import (
	"math"
	"testing"

	"github.com/otverify/otverify/theorems"
)

// Planted bugs in drift.field: each must be falsified by the drift family,
// with a small shrunk counterexample.

// drfB is B[ν](x) = Σ_j w_j (y_j − x)/Σ_j w_j with w_j = exp(−c_j/τ) (if
// naive) or exp(−(c_j − c_min)/τ), c the kernel cost (halved squared
// distance unless noHalf), skipping y_j equal to x if maskSelf.
func drfB(x []float64, ys [][]float64, tau float64, kernel string, naive, noHalf, maskSelf bool) []float64 {
	c := make([]float64, len(ys))
	cmin := math.Inf(1)
	for j, y := range ys {
		s := 0.0
		for a := range x {
			s += (y[a] - x[a]) * (y[a] - x[a])
		}
		switch {
		case kernel == "laplace":
			c[j] = math.Sqrt(s)
		case noHalf:
			c[j] = s
		default:
			c[j] = s / 2
		}
		if maskSelf && s == 0 {
			c[j] = math.Inf(1)
		}
		cmin = math.Min(cmin, c[j])
	}
	out := make([]float64, len(x))
	tot := 0.0
	for j, y := range ys {
		l := -c[j] / tau
		if !naive {
			l = -(c[j] - cmin) / tau
		}
		w := math.Exp(l)
		tot += w
		for a := range out {
			out[a] += w * (y[a] - x[a])
		}
	}
	for a := range out {
		out[a] /= tot
	}
	return out
}

type drfOpts struct{ naive, noHalf, maskSelf, noRepulsion, flip bool }

func drfField(o drfOpts) func(theorems.DriftArgs) (theorems.FieldResult, error) {
	return func(a theorems.DriftArgs) (theorems.FieldResult, error) {
		v := make([][]float64, len(a.X))
		for i, x := range a.X {
			bp := drfB(x, a.YPos, a.Tau, a.Kernel, o.naive, o.noHalf, o.maskSelf)
			bn := drfB(x, a.YNeg, a.Tau, a.Kernel, o.naive, o.noHalf, o.maskSelf)
			v[i] = make([]float64, len(x))
			for k := range x {
				switch {
				case o.noRepulsion:
					v[i][k] = bp[k]
				case o.flip:
					v[i][k] = bn[k] - bp[k]
				default:
					v[i][k] = bp[k] - bn[k]
				}
			}
		}
		return theorems.FieldResult{V: v}, nil
	}
}

func TestFaultsDrift(t *testing.T) {
	faults := []fault{
		{name: "drift without the repulsion term (V = B[ypos] only)", family: "drift",
			plant:    func(o *theorems.Ops) { o.DriftField = drfField(drfOpts{noRepulsion: true}) },
			caughtBy: []string{"drift.antisymmetry"}, maxSize: 1},
		{name: "softmax without max-subtraction (exp(−‖x−y‖/τ) underflows, 0/0)", family: "drift",
			plant:    func(o *theorems.Ops) { o.DriftField = drfField(drfOpts{naive: true}) },
			caughtBy: []string{"drift.stable-softmax"}, maxSize: 2},
		{name: "Gaussian kernel exp(−‖x−y‖²/τ) (the ½ missing)", family: "drift",
			plant:    func(o *theorems.Ops) { o.DriftField = drfField(drfOpts{noHalf: true}) },
			caughtBy: []string{"drift.normalized-field-is-score", "drift.log-ratio"}, maxSize: 2},
		{name: "self pair masked (a query ignores a sample at distance 0)", family: "drift",
			plant:    func(o *theorems.Ops) { o.DriftField = drfField(drfOpts{maskSelf: true}) },
			caughtBy: []string{"drift.log-ratio", "drift.normalized-field-is-score"}, maxSize: 3},
		{name: "attraction and repulsion swapped (V = B[yneg] − B[ypos])", family: "drift",
			plant:    func(o *theorems.Ops) { o.DriftField = drfField(drfOpts{flip: true}) },
			caughtBy: []string{"drift.normalized-field-is-score", "drift.particles-converge"}, maxSize: 2},
	}
	for _, f := range faults {
		expectCaught(t, f)
	}
}
