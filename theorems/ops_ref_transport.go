package theorems

import (
	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/discrete"
	"github.com/otverify/otverify/reference/entropic"
	"github.com/otverify/otverify/reference/ot1d"
	"github.com/otverify/otverify/reference/sliced"
)

// Reference entries of the transport ops (ot.*, ot1d.*), with the argument
// checks of protocol.md.

func init() {
	registerReference(func(o *Ops) {
		o.EMD = refEMD
		o.EMD1D = refEMD1D
		o.Assignment = refAssignment
		o.Sinkhorn = refSinkhorn
		o.SinkhornDivergence = refDivergence
		o.Quantile = refQuantile
		o.SlicedW2 = refSliced
		o.Features = []string{FeaturePoints, FeatureSparsePlan}
	})
}

// costOf returns the cost matrix of a request: C, or the squared Euclidean
// costs of the point clouds x, y with "cost": "sqeuclidean" (feature
// "points" of protocol.md).
func costOf(C, x, y [][]float64, cost string, n, m int) ([]float64, error) {
	switch {
	case C != nil && (x != nil || y != nil):
		return nil, numerics.Invalidf("give either C or x, y with cost, not both")
	case C != nil:
		data, _, _, err := CheckMatrix("C", C, n, m)
		return data, err
	case cost == "sqeuclidean":
		// The points form carries n + m points and derives n·m entries:
		// bound it before allocating (limits.go).
		if err := CheckElements("cost matrix", len(x), len(y)); err != nil {
			return nil, err
		}
		data, r, c, err := SqEuclideanCost(x, y)
		if err != nil {
			return nil, err
		}
		if (n >= 0 && r != n) || (m >= 0 && c != m) {
			return nil, numerics.Invalidf("x, y have %d and %d points, weights have %d and %d entries", r, c, n, m)
		}
		return data, nil
	case cost != "":
		return nil, numerics.Invalidf("unknown cost %q (only \"sqeuclidean\")", cost)
	default:
		return nil, numerics.Invalidf("missing cost matrix C")
	}
}

func refEMD(a EMDArgs) (EMDResult, error) {
	if err := CheckWeights("a", a.A, false); err != nil {
		return EMDResult{}, err
	}
	if err := CheckWeights("b", a.B, false); err != nil {
		return EMDResult{}, err
	}
	n, m := len(a.A), len(a.B)
	C, err := costOf(a.C, a.X, a.Y, a.Cost, n, m)
	if err != nil {
		return EMDResult{}, err
	}
	sparse := false
	switch a.PlanFormat {
	case "", "dense":
	case "sparse":
		sparse = true
	default:
		return EMDResult{}, numerics.Invalidf("unknown plan_format %q", a.PlanFormat)
	}
	sol, err := discrete.EMDWithOptions(a.A, a.B, C, n, m, discrete.Options{SparseOnly: sparse})
	if err != nil {
		return EMDResult{}, err
	}
	r := EMDResult{Cost: sol.Cost, F: sol.F, G: sol.G}
	if sparse {
		for _, e := range sol.Sparse() {
			r.Plan = append(r.Plan, []float64{float64(e.I), float64(e.J), e.Mass})
		}
		if r.Plan == nil {
			r.Plan = [][]float64{}
		}
	} else {
		r.Plan = numerics.Unflatten(sol.Plan, n, m)
	}
	return r, nil
}

func refEMD1D(a EMD1DArgs) (CostResult, error) {
	if err := CheckVector("x", a.X, -1); err != nil {
		return CostResult{}, err
	}
	if err := CheckVector("y", a.Y, -1); err != nil {
		return CostResult{}, err
	}
	if len(a.A) != len(a.X) || len(a.B) != len(a.Y) {
		return CostResult{}, numerics.Invalidf("x has %d points and a %d weights; y has %d and b %d", len(a.X), len(a.A), len(a.Y), len(a.B))
	}
	if err := CheckWeights("a", a.A, false); err != nil {
		return CostResult{}, err
	}
	if err := CheckWeights("b", a.B, false); err != nil {
		return CostResult{}, err
	}
	if err := CheckScalar("p", a.P, 1, 1e6, false, false); err != nil {
		return CostResult{}, err
	}
	c, err := ot1d.Wpp(a.X, a.A, a.Y, a.B, a.P)
	return CostResult{Cost: c}, err
}

func refAssignment(a AssignmentArgs) (AssignmentResult, error) {
	n := len(a.C)
	if a.C == nil {
		n = len(a.X)
		if len(a.Y) != n {
			return AssignmentResult{}, numerics.Invalidf("x has %d points, y has %d: assignment needs n = m", len(a.X), len(a.Y))
		}
	}
	if n == 0 {
		return AssignmentResult{}, numerics.Invalidf("empty assignment problem")
	}
	C, err := costOf(a.C, a.X, a.Y, a.Cost, n, n)
	if err != nil {
		return AssignmentResult{}, err
	}
	perm, _, err := discrete.Assignment(C, n)
	return AssignmentResult{Perm: perm}, err
}

func refSinkhorn(a SinkhornArgs) (SinkhornResult, error) {
	if err := CheckWeights("a", a.A, true); err != nil {
		return SinkhornResult{}, err
	}
	if err := CheckWeights("b", a.B, true); err != nil {
		return SinkhornResult{}, err
	}
	n, m := len(a.A), len(a.B)
	C, err := costOf(a.C, a.X, a.Y, a.Cost, n, m)
	if err != nil {
		return SinkhornResult{}, err
	}
	if err := CheckScalar("eps", a.Eps, 0, 1e300, true, false); err != nil {
		return SinkhornResult{}, err
	}
	noPlan := false
	switch a.PlanFormat {
	case "", "dense":
	case "none":
		noPlan = true
	default:
		return SinkhornResult{}, numerics.Invalidf("unknown plan_format %q", a.PlanFormat)
	}
	r, err := entropic.Sinkhorn(a.A, a.B, C, n, m, a.Eps, entropic.Options{NoPlan: noPlan})
	if err != nil {
		return SinkhornResult{}, err
	}
	out := SinkhornResult{F: r.F, G: r.G}
	if !noPlan {
		out.Plan = numerics.Unflatten(r.Plan, n, m)
	}
	return out, nil
}

func refDivergence(a DivergenceArgs) (ValueResult, error) {
	xd, n, d, err := CheckMatrix("x", a.X, -1, -1)
	if err != nil {
		return ValueResult{}, err
	}
	yd, m, _, err := CheckMatrix("y", a.Y, -1, d)
	if err != nil {
		return ValueResult{}, err
	}
	if len(a.A) != n || len(a.B) != m {
		return ValueResult{}, numerics.Invalidf("x has %d points and a %d weights; y has %d and b %d", n, len(a.A), m, len(a.B))
	}
	if err := CheckWeights("a", a.A, true); err != nil {
		return ValueResult{}, err
	}
	if err := CheckWeights("b", a.B, true); err != nil {
		return ValueResult{}, err
	}
	if err := CheckScalar("eps", a.Eps, 0, 1e300, true, false); err != nil {
		return ValueResult{}, err
	}
	// The divergence solves three problems whose cost matrices together
	// hold n² + m² + n·m ≤ (n + m)² entries (limits.go).
	if err := CheckElements("cost matrices", n+m, n+m); err != nil {
		return ValueResult{}, err
	}
	v, err := entropic.Divergence(xd, yd, d, a.A, a.B, a.Eps, entropic.Options{})
	return ValueResult{Value: v}, err
}

func refQuantile(a QuantileArgs) (QuantileResult, error) {
	if err := CheckVector("x", a.X, -1); err != nil {
		return QuantileResult{}, err
	}
	if len(a.A) != len(a.X) {
		return QuantileResult{}, numerics.Invalidf("x has %d points, a has %d weights", len(a.X), len(a.A))
	}
	if err := CheckWeights("a", a.A, false); err != nil {
		return QuantileResult{}, err
	}
	if len(a.U) == 0 {
		return QuantileResult{}, numerics.Invalidf("u is empty")
	}
	for i, u := range a.U {
		if err := CheckScalar("u", u, 0, 1, true, true); err != nil {
			return QuantileResult{}, numerics.Invalidf("u[%d]: %v", i, err)
		}
	}
	q, err := ot1d.Quantiles(a.X, a.A, a.U)
	return QuantileResult{Q: q}, err
}

func refSliced(a SlicedArgs) (ValueResult, error) {
	xd, n, d, err := CheckMatrix("x", a.X, -1, -1)
	if err != nil {
		return ValueResult{}, err
	}
	yd, _, _, err := CheckMatrix("y", a.Y, n, d)
	if err != nil {
		return ValueResult{}, err
	}
	th, L, _, err := CheckMatrix("theta", a.Theta, -1, d)
	if err != nil {
		return ValueResult{}, err
	}
	v, err := sliced.SlicedW2(xd, yd, n, d, th, L)
	return ValueResult{Value: v}, err
}
