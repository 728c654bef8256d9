package protocol

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/otverify/otverify/theorems"
)

// vecCase is a generated valid case before its expected value is computed.
type vecCase struct {
	comment    string
	flags      []string
	args       any
	acceptable bool
}

// vectorGenerators builds the valid cases of each op: named boundary cases
// first, then seeded random instances.
var vectorGenerators = map[string]func(*rand.Rand) []vecCase{
	theorems.OpEMD: func(r *rand.Rand) []vecCase {
		cs := []vecCase{
			{"[P]'s worked example, normalised by 3", nil, theorems.EMDArgs{A: []float64{2.0 / 3, 1.0 / 3}, B: []float64{1.0 / 3, 2.0 / 3}, C: [][]float64{{1, 3}, {4, 1}}}, false},
			{"all costs equal: every coupling is optimal", []string{"Ties"}, theorems.EMDArgs{A: []float64{0.5, 0.5}, B: []float64{0.5, 0.5}, C: [][]float64{{1, 1}, {1, 1}}}, true},
			{"a zero-mass source atom", []string{"ZeroWeight"}, theorems.EMDArgs{A: []float64{0.5, 0, 0.5}, B: []float64{0.25, 0.75}, C: [][]float64{{0, 2}, {1, 1}, {3, 0}}}, false},
			{"one source, three targets", []string{"OnePoint", "Unequal"}, theorems.EMDArgs{A: []float64{1}, B: []float64{0.25, 0.25, 0.5}, C: [][]float64{{1, 2, 3}}}, false},
		}
		for k := 0; k < 6; k++ {
			n, m := 2+r.IntN(5), 2+r.IntN(5)
			ties := k%2 == 1
			C := randMatrix(r, n, m, ties)
			cs = append(cs, vecCase{fmt.Sprintf("random %d×%d", n, m), flagsIf([]string{"Random"}, ties, "Ties", n != m, "Unequal"),
				theorems.EMDArgs{A: randWeights(r, n), B: randWeights(r, m), C: C}, ties})
		}
		return cs
	},
	theorems.OpEMD1D: func(r *rand.Rand) []vecCase {
		cs := []vecCase{
			{"two Diracs at distance 1, p = 2", nil, theorems.EMD1DArgs{X: []float64{0}, Y: []float64{1}, A: []float64{1}, B: []float64{1}, P: 2}, false},
			{"zero-mass atom far away", []string{"ZeroWeight"}, theorems.EMD1DArgs{X: []float64{0, 100}, Y: []float64{1, 2}, A: []float64{1, 0}, B: []float64{0.5, 0.5}, P: 1}, false},
		}
		for k := 0; k < 6; k++ {
			n, m := 1+r.IntN(8), 1+r.IntN(8)
			p := []float64{1, 1.5, 2, 3}[k%4]
			cs = append(cs, vecCase{fmt.Sprintf("random n=%d m=%d p=%g", n, m, p), []string{"Random"},
				theorems.EMD1DArgs{X: randVec(r, n, 10), Y: randVec(r, m, 10), A: randWeights(r, n), B: randWeights(r, m), P: p}, false})
		}
		return cs
	},
	theorems.OpAssignment: func(r *rand.Rand) []vecCase {
		cs := []vecCase{{"negative costs with ties", []string{"Ties"}, theorems.AssignmentArgs{C: [][]float64{{-1, -1, 0}, {-1, -1, 0}, {0, 0, -2}}}, true}}
		for k := 0; k < 5; k++ {
			n := 2 + r.IntN(7)
			cs = append(cs, vecCase{fmt.Sprintf("random %d×%d", n, n), []string{"Random"}, theorems.AssignmentArgs{C: randMatrix(r, n, n, k%2 == 1)}, k%2 == 1})
		}
		return cs
	},
	theorems.OpSinkhorn: func(r *rand.Rand) []vecCase {
		var cs []vecCase
		for k := 0; k < 6; k++ {
			n, m := 2+r.IntN(4), 2+r.IntN(4)
			C := randMatrix(r, n, m, false)
			eps := []float64{1, 0.1, 0.01, 0.003}[k%4] * maxAbs2(C)
			fl := []string{"Random"}
			if k%4 >= 2 {
				fl = append(fl, "SmallEps")
			}
			cs = append(cs, vecCase{fmt.Sprintf("random %d×%d, eps = %.3g", n, m, eps), fl, theorems.SinkhornArgs{A: randWeights(r, n), B: randWeights(r, m), C: C, Eps: eps}, false})
		}
		return cs
	},
	theorems.OpSinkhornDivergence: func(r *rand.Rand) []vecCase {
		x := randPoints(r, 3, 2)
		cs := []vecCase{{"identical measures: 0", nil, theorems.DivergenceArgs{X: x, Y: x, A: randWeights(r, 3), B: nil, Eps: 0.5}, false}}
		cs[0].args = theorems.DivergenceArgs{X: x, Y: x, A: []float64{0.25, 0.25, 0.5}, B: []float64{0.25, 0.25, 0.5}, Eps: 0.5}
		for k := 0; k < 4; k++ {
			n, m := 1+r.IntN(4), 1+r.IntN(4)
			cs = append(cs, vecCase{fmt.Sprintf("random n=%d m=%d", n, m), []string{"Random"},
				theorems.DivergenceArgs{X: randPoints(r, n, 2), Y: randPoints(r, m, 2), A: randWeights(r, n), B: randWeights(r, m), Eps: []float64{1, 0.3, 0.1, 3}[k]}, false})
		}
		return cs
	},
	theorems.OpSlicedW2: func(r *rand.Rand) []vecCase {
		var cs []vecCase
		for k := 0; k < 4; k++ {
			n, d, L := 1+r.IntN(6), 1+r.IntN(3), 1+r.IntN(5)
			cs = append(cs, vecCase{fmt.Sprintf("random n=%d d=%d L=%d", n, d, L), []string{"Random"},
				theorems.SlicedArgs{X: randPoints(r, n, d), Y: randPoints(r, n, d), Theta: randUnit(r, L, d)}, false})
		}
		return cs
	},
	theorems.OpQuantile: func(r *rand.Rand) []vecCase {
		return []vecCase{
			{"u at the CDF jumps of dyadic weights", []string{"CDFJump"}, theorems.QuantileArgs{X: []float64{3, 1, 2}, A: []float64{0.25, 0.5, 0.25}, U: []float64{0.5, 0.75, 0.5000001, 0.1}}, false},
			{"zero-weight atoms, including the largest", []string{"ZeroWeight", "CDFJump"}, theorems.QuantileArgs{X: []float64{0, 1, 2, 3}, A: []float64{0.5, 0, 0.5, 0}, U: []float64{0.5, 0.9999999, 0.25}}, false},
			{"random", []string{"Random"}, theorems.QuantileArgs{X: randVec(r, 6, 5), A: randWeights(r, 6), U: []float64{0.01, 0.3, 0.5, 0.77, 0.99}}, false},
		}
	},
	theorems.OpBures: func(r *rand.Rand) []vecCase {
		S := randSPD(r, 3, 10)
		return []vecCase{
			{"equal Gaussians: 0", nil, theorems.BuresArgs{M0: []float64{1, 2, 3}, S0: S, M1: []float64{1, 2, 3}, S1: S}, false},
			{"non-commuting 2×2", []string{"NonCommuting"}, theorems.BuresArgs{M0: []float64{0, 0}, S0: [][]float64{{2, 0.5}, {0.5, 1}}, M1: []float64{1, -1}, S1: [][]float64{{1, 0}, {0, 3}}}, false},
			{"singular S1 (PSD is allowed)", nil, theorems.BuresArgs{M0: []float64{0, 0}, S0: [][]float64{{1, 0}, {0, 1}}, M1: []float64{0, 0}, S1: [][]float64{{1, 1}, {1, 1}}}, false},
			{"ill-conditioned", []string{"IllConditioned"}, theorems.BuresArgs{M0: []float64{0, 0, 0}, S0: randSPD(r, 3, 1e6), M1: []float64{1, 0, 0}, S1: randSPD(r, 3, 100)}, false},
		}
	},
	theorems.OpGaussOTMap: gaussMapCases(nil),
	theorems.OpGaussKRMap: gaussMapCases(nil),
	theorems.OpGaussFMMap: gaussMapCases([]float64{0.3, 1}),
	theorems.OpGaussFlow: func(r *rand.Rand) []vecCase {
		var cs []vecCase
		for _, e := range []string{"kl", "fisher", "w2", "mmd_poly"} {
			cs = append(cs, vecCase{"energy " + e, []string{"Random"}, theorems.GaussFlowArgs{Energy: e, C: randSPD(r, 3, 20)}, false})
		}
		return cs
	},
	theorems.OpGMMScore: func(r *rand.Rand) []vecCase {
		mu := randPoints(r, 3, 2)
		return []vecCase{
			{"random", []string{"Random"}, theorems.GMMScoreArgs{W: randWeights(r, 3), Mu: mu, S2: []float64{0.5, 1, 2}, Z: randPoints(r, 4, 2)}, false},
			{"queries 1e6 away from every atom", []string{"FarAway"}, theorems.GMMScoreArgs{W: randWeights(r, 3), Mu: mu, S2: []float64{0.5, 1, 2}, Z: [][]float64{{1e6, 0}, {-1e6, 1e6}}}, false},
		}
	},
	theorems.OpGMMDenoise: func(r *rand.Rand) []vecCase {
		mu := randPoints(r, 3, 2)
		return []vecCase{
			{"random", []string{"Random"}, theorems.DenoiseArgs{W: randWeights(r, 3), Mu: mu, Sigma: 0.7, Z: randPoints(r, 4, 2)}, false},
			{"queries 1e6 away, small sigma", []string{"FarAway"}, theorems.DenoiseArgs{W: randWeights(r, 3), Mu: mu, Sigma: 0.01, Z: [][]float64{{1e6, 0}, {-3, 1e6}}}, false},
		}
	},
	theorems.OpFlowVelocity: func(r *rand.Rand) []vecCase {
		mu := randPoints(r, 3, 2)
		w := randWeights(r, 3)
		var cs []vecCase
		for _, s := range []struct {
			name string
			ts   []float64
		}{{"linear", []float64{0.5, 1e-3, 0.999}}, {"vp", []float64{0.5, 1e-3, 10}}, {"cosine", []float64{0.5, 1e-3, 0.999}}, {"overshoot", []float64{0.25, 0.75, 0.999}}} {
			for i, t := range s.ts {
				fl := []string{"Random"}
				if i > 0 {
					fl = []string{"EndOfRange"}
				}
				cs = append(cs, vecCase{fmt.Sprintf("%s at t = %g", s.name, t), fl,
					theorems.VelocityArgs{Schedule: s.name, W: w, Mu: mu, Sigma: 1, T: t, Z: randPoints(r, 3, 2)}, false})
			}
		}
		return cs
	},
	theorems.OpDriftField: func(r *rand.Rand) []vecCase {
		var cs []vecCase
		for _, k := range []string{"laplace", "gaussian"} {
			for _, tau := range []float64{1, 1e-3} {
				fl := []string{"Random"}
				if tau < 0.01 {
					fl = []string{"SmallTau"}
				}
				cs = append(cs, vecCase{fmt.Sprintf("%s kernel, tau = %g", k, tau), fl,
					theorems.DriftArgs{X: randPoints(r, 3, 2), YPos: randPoints(r, 4, 2), YNeg: randPoints(r, 2, 2), Tau: tau, Kernel: k}, false})
			}
		}
		return cs
	},
	theorems.OpAttnGamma: func(r *rand.Rand) []vecCase {
		Q, K, V := randMatrix(r, 2, 2, false), randMatrix(r, 2, 2, false), randMatrix(r, 2, 2, false)
		big := [][]float64{{30, 0}, {0, 30}}
		return []vecCase{
			{"random", []string{"Random"}, theorems.AttnArgs{Q: Q, K: K, V: V, X: randPoints(r, 4, 2)}, false},
			{"logits of magnitude 1e3", []string{"LargeLogits"}, theorems.AttnArgs{Q: big, K: big, V: V, X: [][]float64{{1, 0}, {0, 1}, {-1, 0.5}}}, false},
		}
	},
	theorems.OpARSample: func(r *rand.Rand) []vecCase {
		p := []float64{0.6, 0.3, 0.1}
		return []vecCase{
			{"[P]'s example: u = 0.75 picks index 1", nil, theorems.ARSampleArgs{P: p, U: 0.75}, false},
			{"u exactly at a CDF value", []string{"CDFJump"}, theorems.ARSampleArgs{P: []float64{0.25, 0.25, 0.5}, U: 0.5}, false},
			{"zero-probability last token", []string{"ZeroWeight"}, theorems.ARSampleArgs{P: []float64{0.5, 0.5, 0}, U: 0.9999999999}, false},
			{"zero-probability first token, u = 0", []string{"ZeroWeight", "CDFJump"}, theorems.ARSampleArgs{P: []float64{0, 0.5, 0.5}, U: 0}, false},
		}
	},
}

func gaussMapCases(ts []float64) func(*rand.Rand) []vecCase {
	return func(r *rand.Rand) []vecCase {
		tp := func(i int) *float64 {
			if ts == nil {
				return nil
			}
			v := ts[i%len(ts)]
			return &v
		}
		return []vecCase{
			{"non-commuting 2×2", []string{"NonCommuting"}, theorems.GaussMapArgs{S0: [][]float64{{2, 0.5}, {0.5, 1}}, S1: [][]float64{{1, 0}, {0, 3}}, T: tp(0)}, false},
			{"random 3×3", []string{"Random"}, theorems.GaussMapArgs{S0: randSPD(r, 3, 10), S1: randSPD(r, 3, 10), T: tp(1)}, false},
			{"ill-conditioned 4×4", []string{"IllConditioned"}, theorems.GaussMapArgs{S0: randSPD(r, 4, 1e6), S1: randSPD(r, 4, 100), T: tp(0)}, false},
		}
	}
}

func flagsIf(base []string, kv ...any) []string {
	out := append([]string(nil), base...)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i].(bool) {
			out = append(out, kv[i+1].(string))
		}
	}
	return out
}

// Numbers are rounded to 1/1024 so that the files are short and exact.
func q(x float64) float64 { return math.Round(x*1024) / 1024 }

func randVec(r *rand.Rand, n int, s float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = q((2*r.Float64() - 1) * s)
	}
	return v
}

func randPoints(r *rand.Rand, n, d int) [][]float64 {
	P := make([][]float64, n)
	for i := range P {
		P[i] = randVec(r, d, 3)
	}
	return P
}

func randMatrix(r *rand.Rand, n, m int, ties bool) [][]float64 {
	C := make([][]float64, n)
	for i := range C {
		C[i] = make([]float64, m)
		for j := range C[i] {
			if ties {
				C[i][j] = float64(r.IntN(3))
			} else {
				C[i][j] = q(10 * r.Float64())
			}
		}
	}
	return C
}

// randWeights returns n positive dyadic weights summing exactly to 1.
func randWeights(r *rand.Rand, n int) []float64 {
	k := make([]int, n)
	total := 0
	for i := range k {
		k[i] = 1 + r.IntN(7)
		total += k[i]
	}
	// Scale to a power-of-two denominator: floor, then give the rest to the last.
	const den = 1 << 10
	w := make([]float64, n)
	acc := 0
	for i := range w {
		v := k[i] * den / total
		if i == n-1 {
			v = den - acc
		}
		acc += v
		w[i] = float64(v) / den
	}
	return w
}

func randUnit(r *rand.Rand, L, d int) [][]float64 {
	out := make([][]float64, L)
	for l := range out {
		v := make([]float64, d)
		s := 0.0
		for k := range v {
			v[k] = r.NormFloat64()
			s += v[k] * v[k]
		}
		s = math.Sqrt(s)
		for k := range v {
			v[k] /= s
		}
		out[l] = v
	}
	return out
}

// randSPD returns Q diag(λ) Qᵀ with λ log-spaced in [1, cond] and Q a
// product of Householder reflections, symmetrised exactly.
func randSPD(r *rand.Rand, d int, cond float64) [][]float64 {
	Q := make([][]float64, d)
	for i := range Q {
		Q[i] = make([]float64, d)
		Q[i][i] = 1
	}
	for _, v := range randUnit(r, d, d) {
		for i := 0; i < d; i++ {
			s := 0.0
			for k := 0; k < d; k++ {
				s += Q[i][k] * v[k]
			}
			for k := 0; k < d; k++ {
				Q[i][k] -= 2 * s * v[k]
			}
		}
	}
	lam := make([]float64, d)
	for i := range lam {
		f := 0.0
		if d > 1 {
			f = float64(i) / float64(d-1)
		}
		lam[i] = math.Pow(cond, f)
	}
	S := make([][]float64, d)
	for i := range S {
		S[i] = make([]float64, d)
	}
	for i := 0; i < d; i++ {
		for j := 0; j <= i; j++ {
			s := 0.0
			for k := 0; k < d; k++ {
				s += Q[i][k] * lam[k] * Q[j][k]
			}
			S[i][j], S[j][i] = s, s
		}
	}
	return S
}

func maxAbs2(C [][]float64) float64 {
	m := 0.0
	for _, r := range C {
		for _, v := range r {
			m = math.Max(m, math.Abs(v))
		}
	}
	return math.Max(m, 1e-3)
}

// compareVector applies the group's comparison rule to an answer.
func compareVector(op string, tc VectorCase, got json.RawMessage) error {
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		return fmt.Errorf("answer is not JSON: %v", err)
	}
	_ = json.Unmarshal(tc.Expected, &w)
	gm, _ := g.(map[string]any)
	wm, _ := w.(map[string]any)
	if gm == nil {
		return fmt.Errorf("answer is not an object: %s", clip(got))
	}
	var args map[string]any
	_ = json.Unmarshal(tc.Args, &args)
	switch op {
	case theorems.OpEMD:
		if err := within("cost", gm["cost"], wm["cost"], tc.Tol); err != nil {
			return err
		}
		return checkPlan(args, gm["plan"], wm["cost"], tc.Tol)
	case theorems.OpAssignment:
		C := toMatrix(args["C"])
		gp, wp := toInts(gm["perm"]), toInts(wm["perm"])
		if len(gp) != len(C) {
			return fmt.Errorf("perm has %d entries, want %d", len(gp), len(C))
		}
		seen := map[int]bool{}
		gc, wc := 0.0, 0.0
		for i := range C {
			if gp[i] < 0 || gp[i] >= len(C) || seen[gp[i]] {
				return fmt.Errorf("perm %v is not a permutation", gp)
			}
			seen[gp[i]] = true
			gc += C[i][gp[i]]
			wc += C[i][wp[i]]
		}
		if math.Abs(gc-wc) > tc.Tol {
			return fmt.Errorf("cost of perm %g, expected %g (tol %g)", gc, wc, tc.Tol)
		}
		return nil
	case theorems.OpSinkhorn:
		gp, wp := toMatrix(gm["plan"]), toMatrix(wm["plan"])
		if len(gp) != len(wp) {
			return fmt.Errorf("plan has %d rows, want %d", len(gp), len(wp))
		}
		d := 0.0
		for i := range wp {
			if len(gp[i]) != len(wp[i]) {
				return fmt.Errorf("plan row %d has %d entries, want %d", i, len(gp[i]), len(wp[i]))
			}
			for j := range wp[i] {
				d += math.Abs(gp[i][j] - wp[i][j])
			}
		}
		if d > tc.Tol {
			return fmt.Errorf("plan is %.3g from the expected one in L1 (tol %g)", d, tc.Tol)
		}
		return nil
	}
	for k, wv := range wm {
		if op == theorems.OpEMD || k == "f" || k == "g" {
			continue
		}
		if err := within(k, gm[k], wv, tc.Tol); err != nil {
			return err
		}
	}
	return nil
}

// within compares two JSON values elementwise.
func within(name string, g, w any, tol float64) error {
	switch wv := w.(type) {
	case float64:
		gv, ok := g.(float64)
		if !ok {
			return fmt.Errorf("%s: got %v, want a number", name, g)
		}
		if !(math.Abs(gv-wv) <= tol) {
			return fmt.Errorf("%s: got %.17g, want %.17g (|error| %.3g > tol %.3g)", name, gv, wv, math.Abs(gv-wv), tol)
		}
	case []any:
		gv, ok := g.([]any)
		if !ok || len(gv) != len(wv) {
			return fmt.Errorf("%s: wrong shape", name)
		}
		for i := range wv {
			if err := within(fmt.Sprintf("%s[%d]", name, i), gv[i], wv[i], tol); err != nil {
				return err
			}
		}
	default:
		if fmt.Sprint(g) != fmt.Sprint(w) {
			return fmt.Errorf("%s: got %v, want %v", name, g, w)
		}
	}
	return nil
}

func checkPlan(args map[string]any, plan, wantCost any, tol float64) error {
	C, P := toMatrix(args["C"]), toMatrix(plan)
	a, b := toVec(args["a"]), toVec(args["b"])
	if len(P) != len(a) {
		return fmt.Errorf("plan has %d rows, want %d", len(P), len(a))
	}
	cost, ra := 0.0, 0.0
	cols := make([]float64, len(b))
	for i := range P {
		if len(P[i]) != len(b) {
			return fmt.Errorf("plan row %d has %d entries, want %d", i, len(P[i]), len(b))
		}
		s := 0.0
		for j, v := range P[i] {
			if v < -1e-12 {
				return fmt.Errorf("plan[%d][%d] = %g < 0", i, j, v)
			}
			s += v
			cols[j] += v
			cost += v * C[i][j]
		}
		ra += math.Abs(s - a[i])
	}
	cb := 0.0
	for j := range b {
		cb += math.Abs(cols[j] - b[j])
	}
	if ra > 1e-9 || cb > 1e-9 {
		return fmt.Errorf("plan marginals off by %.3g (rows) and %.3g (columns) in L1", ra, cb)
	}
	return within("Σ C·plan", cost, wantCost, tol)
}

func toVec(v any) []float64 {
	x, _ := v.([]any)
	out := make([]float64, len(x))
	for i := range x {
		out[i], _ = x[i].(float64)
	}
	return out
}

func toMatrix(v any) [][]float64 {
	x, _ := v.([]any)
	out := make([][]float64, len(x))
	for i := range x {
		out[i] = toVec(x[i])
	}
	return out
}

func toInts(v any) []int {
	f := toVec(v)
	out := make([]int, len(f))
	for i := range f {
		out[i] = int(f[i])
	}
	return out
}
