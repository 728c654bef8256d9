package discrete_test

// Native Go fuzz targets for the exported functions of package discrete
// (issue 9): EMD/EMDWithOptions, Assignment/AssignmentWithDuals and
// SqEuclideanCost. Property: no panic, no hang, no NaN or ±Inf without an
// error (errors wrap numerics.ErrInvalid, numerics.ErrNotConverged or
// ErrOverflow), and for valid input an answer that an independent
// certificate proves optimal (feasible plan, feasible duals, zero duality
// gap), that brute force or the other solver confirms, and that does not
// change between two calls.
//
// Seeds: testdata/fuzz/FuzzXxx/seed-*, written from fzSeeds by
//
//	go test ./reference/discrete -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run one target: go test ./reference/discrete -run '^$' -fuzz '^FuzzEMD$' -fuzztime 60s -parallel 1

import (
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/otverify/otverify/internal/fuzzseed"
	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/discrete"
)

const ulp = 0x1p-52

var nan, inf = math.NaN(), math.Inf(1)

// weights returns v as given (mode 0), normalised |v|/Σ|v| (mode 1) or
// uniform (mode 2).
func weights(v []float64, mode byte) []float64 {
	switch mode {
	case 1:
		s := 0.0
		for _, x := range v {
			s += math.Abs(x)
		}
		if !(s > 0) || math.IsInf(s, 0) {
			return v
		}
		w := make([]float64, len(v))
		for i, x := range v {
			w[i] = math.Abs(x) / s
		}
		return w
	case 2:
		w := make([]float64, len(v))
		for i := range w {
			w[i] = 1 / float64(len(v))
		}
		return w
	}
	return v
}

func okErr(t *testing.T, name string, err error) {
	t.Helper()
	if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, numerics.ErrNotConverged) && !errors.Is(err, discrete.ErrOverflow) {
		t.Fatalf("%s: error %v wraps none of ErrInvalid, ErrNotConverged, ErrOverflow", name, err)
	}
}

// emdInput encodes an FuzzEMD input: sizes, the weight modes (a: mode%3,
// b: mode/3%3, plus flags 0x10 MaxIter, 0x20 Unnormalized, 0x40
// SparseOnly, 0x80 a wrong n), a, b and C.
func emdInput(n, m int, mode byte, a, b []float64, C ...[]float64) []byte {
	e := fuzzseed.NewEnc().U8(byte(n), byte(m), mode)
	e.F(a...).F(b...).Rows(C...)
	return e.Bytes()
}

var fzSeeds = map[string][]fuzzseed.Seed{
	"FuzzEMD": {
		{Name: "empty", Args: []any{emdInput(0, 0, 0, nil, nil)}},
		{Name: "one-point", Args: []any{emdInput(1, 1, 0, []float64{1}, []float64{1}, []float64{3})}},
		{Name: "ties", Args: []any{emdInput(2, 2, 8, []float64{1, 1}, []float64{1, 1}, []float64{1, 1}, []float64{1, 1})}},
		{Name: "zero-weights", Args: []any{emdInput(3, 2, 4, []float64{0, 1, 0}, []float64{1, 0}, []float64{1, 2}, []float64{3, 4}, []float64{5, 6})}},
		{Name: "huge-costs", Args: []any{emdInput(2, 2, 8, nil, nil, []float64{1e300, -1e300}, []float64{-1e300, 1e300})}},
		{Name: "max-costs", Args: []any{emdInput(2, 2, 8, nil, nil, []float64{math.MaxFloat64, -math.MaxFloat64}, []float64{-math.MaxFloat64, math.MaxFloat64})}},
		{Name: "tiny-costs", Args: []any{emdInput(2, 2, 8, nil, nil, []float64{1e-300, 5e-324}, []float64{0, 1e-300})}},
		{Name: "tiny-weights", Args: []any{emdInput(2, 2, 4, []float64{1e-300, 1}, []float64{1, 5e-324}, []float64{1, 2}, []float64{3, 4})}},
		{Name: "nan-cost", Args: []any{emdInput(1, 2, 8, nil, nil, []float64{nan, 1})}},
		{Name: "negative-weight", Args: []any{emdInput(2, 1, 0, []float64{1.5, -0.5}, []float64{1}, []float64{1}, []float64{2})}},
		{Name: "wrong-shape", Args: []any{emdInput(2, 2, 0x88, nil, nil, []float64{1, 2}, []float64{3, 4})}},
		{Name: "unnormalized", Args: []any{emdInput(2, 2, 0x20, []float64{2, 1}, []float64{1, 2}, []float64{0, 1}, []float64{1, 0})}},
		{Name: "sparse-maxiter", Args: []any{emdInput(3, 3, 0x58, nil, nil, []float64{3, 2, 1}, []float64{2, 1, 3}, []float64{1, 3, 2})}},
	},
	"FuzzAssignment": {
		{Name: "empty", Args: []any{fuzzseed.NewEnc().U8(0, 0).Bytes()}},
		{Name: "one", Args: []any{fuzzseed.NewEnc().U8(1, 0).F(5).Bytes()}},
		{Name: "ties", Args: []any{fuzzseed.NewEnc().U8(3, 0).F(1, 1, 1, 1, 1, 1, 1, 1, 1).Bytes()}},
		{Name: "huge", Args: []any{fuzzseed.NewEnc().U8(2, 0).F(1e300, -1e300, -1e300, 1e300).Bytes()}},
		{Name: "max", Args: []any{fuzzseed.NewEnc().U8(2, 0).F(math.MaxFloat64, -math.MaxFloat64, -math.MaxFloat64, math.MaxFloat64).Bytes()}},
		{Name: "tiny", Args: []any{fuzzseed.NewEnc().U8(2, 0).F(5e-324, 1e-300, 0, 5e-324).Bytes()}},
		{Name: "nan", Args: []any{fuzzseed.NewEnc().U8(2, 0).F(nan, 1, 1, 1).Bytes()}},
		{Name: "wrong-shape", Args: []any{fuzzseed.NewEnc().U8(2, 1).F(1, 2, 3, 4).Bytes()}},
	},
	"FuzzSqEuclideanCost": {
		{Name: "empty", Args: []any{fuzzseed.NewEnc().U8(0, 0, 0, 0).Bytes()}},
		{Name: "one", Args: []any{fuzzseed.NewEnc().U8(1, 1, 1, 0).F(1, 2).Bytes()}},
		{Name: "duplicates", Args: []any{fuzzseed.NewEnc().U8(2, 2, 2, 0).F(1, 1, 1, 1, 1, 1, 1, 1).Bytes()}},
		{Name: "overflow", Args: []any{fuzzseed.NewEnc().U8(1, 1, 1, 0).F(1e300, -1e300).Bytes()}},
		{Name: "far", Args: []any{fuzzseed.NewEnc().U8(1, 1, 2, 0).F(1e6, 1e6, -1e6, -1e6).Bytes()}},
		{Name: "ragged", Args: []any{fuzzseed.NewEnc().U8(2, 2, 2, 1).F(1, 2, 3, 4, 5, 6, 7).Bytes()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fuzzseed.Check(t, fzSeeds) }

// FuzzEMD: EMDWithOptions returns a certified optimal plan or a clean error.
func FuzzEMD(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		n, m, mode := d.N(0, 6), d.N(0, 6), d.U8()
		a := weights(d.Fs(n), mode%3)
		b := weights(d.Fs(m), mode/3%3)
		C := d.Fs(n * m)
		nArg := n
		if mode&0x80 != 0 {
			nArg += d.N(0, 2) - 1
		}
		opt := discrete.Options{Unnormalized: mode&0x20 != 0, SparseOnly: mode&0x40 != 0}
		if mode&0x10 != 0 {
			opt.MaxIter = d.N(1, 4)
		}
		sol, err := discrete.EMDWithOptions(a, b, C, nArg, m, opt)
		if err != nil {
			okErr(t, "EMD", err)
			return
		}
		if nArg != n {
			t.Fatalf("EMD accepted n = %d with len(a) = %d", nArg, n)
		}
		certifyEMD(t, a, b, C, n, m, opt, sol)
		again, err := discrete.EMDWithOptions(a, b, C, n, m, opt)
		if err != nil || !reflect.DeepEqual(sol, again) {
			t.Fatalf("EMD is not deterministic: %v", err)
		}
		if !opt.Unnormalized && !opt.SparseOnly && opt.MaxIter == 0 {
			plain, err := discrete.EMD(a, b, C, n, m)
			if err != nil || !reflect.DeepEqual(sol, plain) {
				t.Fatalf("EMD and EMDWithOptions with zero options differ: %v", err)
			}
		}
		// Uniform square problems are assignment problems (Birkhoff).
		if n == m && mode%3 == 2 && mode/3%3 == 2 && !opt.Unnormalized {
			_, ac, err := discrete.Assignment(C, n)
			if err != nil {
				if !errors.Is(err, discrete.ErrOverflow) {
					t.Fatalf("Assignment failed where EMD succeeded: %v", err)
				}
				return
			}
			maxC := numerics.MaxAbs(C)
			if diff := math.Abs(ac/float64(n) - sol.Cost); diff > 4e-12*maxC+16*float64(n)*ulp*maxC+4*5e-324 {
				t.Fatalf("EMD cost %v, assignment cost/n %v (C = %v)", sol.Cost, ac/float64(n), C)
			}
		}
	})
}

// certifyEMD checks feasibility of the plan, of the duals, the duality gap
// and complementary slackness, with the tolerances of Solution's doc
// (1e-12·max|C| optimality, doubled) plus rounding.
func certifyEMD(t *testing.T, a, b, C []float64, n, m int, opt discrete.Options, sol *discrete.Solution) {
	t.Helper()
	if sol.N != n || sol.M != m || len(sol.F) != n || len(sol.G) != m {
		t.Fatalf("EMD: solution shape N=%d M=%d |F|=%d |G|=%d for %d×%d", sol.N, sol.M, len(sol.F), len(sol.G), n, m)
	}
	if !numerics.AllFinite(sol.F) || !numerics.AllFinite(sol.G) || !numerics.AllFinite([]float64{sol.Cost}) {
		t.Fatalf("EMD returned non-finite values without an error: cost %v F %v G %v", sol.Cost, sol.F, sol.G)
	}
	plan := make([]float64, n*m)
	ents := sol.Sparse()
	if len(ents) > n+m-1 {
		t.Fatalf("EMD: %d nonzero entries > n+m−1 = %d (not a vertex)", len(ents), n+m-1)
	}
	for _, e := range ents {
		if e.I < 0 || e.I >= n || e.J < 0 || e.J >= m || !(e.Mass > 0) || math.IsInf(e.Mass, 0) {
			t.Fatalf("EMD: bad sparse entry %+v", e)
		}
		plan[e.I*m+e.J] += e.Mass
	}
	if opt.SparseOnly {
		if sol.Plan != nil {
			t.Fatalf("EMD: SparseOnly returned a dense plan")
		}
	} else if !reflect.DeepEqual(plan, sol.Plan) {
		if len(sol.Plan) != n*m {
			t.Fatalf("EMD: dense plan has %d entries", len(sol.Plan))
		}
		for k := range plan {
			if plan[k] != sol.Plan[k] {
				t.Fatalf("EMD: dense plan[%d] = %v, sparse %v", k, sol.Plan[k], plan[k])
			}
		}
	}
	ta, tb := 0.0, 0.0
	for _, v := range a {
		ta += v
	}
	for _, v := range b {
		tb += v
	}
	// The mean total mass; halves only when the sum overflows (halving a
	// subnormal total rounds it away: a = b = [5e−324] gave tot = 0).
	tot := (ta + tb) / 2
	if math.IsInf(tot, 0) {
		tot = ta/2 + tb/2
	}
	maxC := numerics.MaxAbs(C)
	const tiny = 4 * 5e-324 // a few subnormal ulps: the absolute rounding floor
	rows, cols := make([]float64, n), make([]float64, m)
	cost, costAbs := 0.0, 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			p := plan[i*m+j]
			rows[i] += p
			cols[j] += p
			cost += C[i*m+j] * p
			costAbs += math.Abs(C[i*m+j]) * p
		}
	}
	l1 := 0.0
	for i := range rows {
		l1 += math.Abs(rows[i] - a[i]*(tot/ta))
	}
	for j := range cols {
		l1 += math.Abs(cols[j] - b[j]*(tot/tb))
	}
	if l1 > 64*float64(n+m)*ulp*tot+float64(n+m)*tiny {
		t.Fatalf("EMD: marginal L1 error %g (a = %v, b = %v, plan %v)", l1, a, b, plan)
	}
	if math.Abs(cost-sol.Cost) > 8*float64(n+m)*ulp*costAbs+float64(n+m)*tiny {
		t.Fatalf("EMD: Cost %v but Σ C π = %v", sol.Cost, cost)
	}
	// Halves avoid overflow of f + g near MaxFloat64; tiny is a few
	// subnormal ulps, the absolute rounding floor (halving a subnormal
	// rounds).
	feasTol := 2e-12*maxC/2 + tiny
	dual, dualAbs := 0.0, 0.0
	for i := 0; i < n; i++ {
		dual += a[i] * (tot / ta) * sol.F[i]
		dualAbs += a[i] * (tot / ta) * math.Abs(sol.F[i])
		for j := 0; j < m; j++ {
			h := sol.F[i]/2 + sol.G[j]/2
			c := C[i*m+j] / 2
			r := 8 * ulp * (math.Abs(sol.F[i]) + math.Abs(sol.G[j]) + math.Abs(C[i*m+j])) / 2
			if h > c+feasTol+r {
				t.Fatalf("EMD: dual infeasible at (%d,%d): f+g = %v > C = %v", i, j, sol.F[i]+sol.G[j], C[i*m+j])
			}
			if plan[i*m+j] > 0 && h < c-feasTol-r {
				t.Fatalf("EMD: complementary slackness fails at (%d,%d): π = %v, f+g = %v < C = %v", i, j, plan[i*m+j], sol.F[i]+sol.G[j], C[i*m+j])
			}
		}
	}
	for j := 0; j < m; j++ {
		dual += b[j] * (tot / tb) * sol.G[j]
		dualAbs += b[j] * (tot / tb) * math.Abs(sol.G[j])
	}
	if gap := math.Abs(dual - sol.Cost); gap > 2e-12*maxC*tot+32*float64(n+m)*ulp*(dualAbs+costAbs)+float64(n+m)*tiny {
		t.Fatalf("EMD: duality gap %g (primal %v, dual %v)", gap, sol.Cost, dual)
	}
}

// FuzzAssignment: Assignment returns a permutation whose cost brute force
// confirms minimal (n ≤ 6), and AssignmentWithDuals a feasible dual with
// zero gap; or a clean error.
func FuzzAssignment(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		n, lie := d.N(0, 6), d.U8()%2 == 1
		C := d.Fs(n * n)
		nArg := n
		if lie {
			nArg++
		}
		perm, cost, err := discrete.Assignment(C, nArg)
		sol, errD := discrete.AssignmentWithDuals(C, nArg)
		if (err == nil) != (errD == nil) && !errors.Is(errD, discrete.ErrOverflow) {
			t.Fatalf("Assignment err %v, AssignmentWithDuals err %v", err, errD)
		}
		if err != nil {
			okErr(t, "Assignment", err)
			return
		}
		if lie {
			t.Fatalf("Assignment accepted n = %d with %d costs", nArg, len(C))
		}
		if len(perm) != n || !isPerm(perm) || !numerics.AllFinite([]float64{cost}) {
			t.Fatalf("Assignment(%v) = %v, %v", C, perm, cost)
		}
		maxC := numerics.MaxAbs(C)
		direct := 0.0
		for i, j := range perm {
			direct += C[i*n+j]
		}
		best := math.Inf(1)
		permutations(n, func(p []int) {
			s := 0.0
			for i, j := range p {
				s += C[i*n+j]
			}
			best = math.Min(best, s)
		})
		tol := 16*float64(n)*ulp*maxC + float64(n)*4*5e-324 // + subnormal rounding
		if math.Abs(direct-cost) > tol || (!math.IsInf(best, 0) && direct > best+tol) {
			t.Fatalf("Assignment(%v) = %v with cost %v (reported %v), brute force %v", C, perm, direct, cost, best)
		}
		if errD != nil {
			okErr(t, "AssignmentWithDuals", errD)
			return
		}
		if !reflect.DeepEqual(sol.Perm, perm) || sol.Cost != cost {
			t.Fatalf("AssignmentWithDuals = %v %v, Assignment = %v %v", sol.Perm, sol.Cost, perm, cost)
		}
		if !numerics.AllFinite(sol.U) || !numerics.AllFinite(sol.V) || len(sol.U) != n || len(sol.V) != n {
			t.Fatalf("AssignmentWithDuals: U = %v, V = %v", sol.U, sol.V)
		}
		dual, dualAbs := 0.0, 0.0
		for i := 0; i < n; i++ {
			dual += sol.U[i] + sol.V[i]
			dualAbs += math.Abs(sol.U[i]) + math.Abs(sol.V[i])
			for j := 0; j < n; j++ {
				if sol.U[i]/2+sol.V[j]/2 > C[i*n+j]/2+tol+8*ulp*(math.Abs(sol.U[i])+math.Abs(sol.V[j])) {
					t.Fatalf("AssignmentWithDuals: U_%d + V_%d = %v > C = %v", i, j, sol.U[i]+sol.V[j], C[i*n+j])
				}
			}
		}
		if math.Abs(dual-cost) > tol+16*float64(n)*ulp*dualAbs {
			t.Fatalf("AssignmentWithDuals: ΣU + ΣV = %v, cost %v", dual, cost)
		}
	})
}

func isPerm(p []int) bool {
	seen := make([]bool, len(p))
	for _, j := range p {
		if j < 0 || j >= len(p) || seen[j] {
			return false
		}
		seen[j] = true
	}
	return true
}

// permutations calls visit with every permutation of 0..n−1 (Heap's algorithm).
func permutations(n int, visit func([]int)) {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	var gen func(k int)
	gen = func(k int) {
		if k <= 1 {
			visit(p)
			return
		}
		for i := 0; i < k; i++ {
			gen(k - 1)
			if k%2 == 0 {
				p[i], p[k-1] = p[k-1], p[i]
			} else {
				p[0], p[k-1] = p[k-1], p[0]
			}
		}
	}
	gen(n)
}

// FuzzSqEuclideanCost: the costs equal the plain sums of squared
// differences bit for bit, or a clean error (ErrOverflow exactly when a
// squared distance overflows).
func FuzzSqEuclideanCost(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		n, m, dim, lie := d.N(0, 4), d.N(0, 4), d.N(0, 3), d.U8()%2 == 1
		x, y := d.Fs(n*dim), d.Fs(m*dim)
		if lie && len(y) > 0 {
			y = y[:len(y)-1]
		}
		C, err := discrete.SqEuclideanCost(x, y, n, m, dim)
		if err != nil {
			okErr(t, "SqEuclideanCost", err)
			return
		}
		if lie && m*dim > 0 {
			t.Fatalf("SqEuclideanCost accepted a y of %d entries for %d×%d", len(y), m, dim)
		}
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				s := 0.0
				for k := 0; k < dim; k++ {
					v := x[i*dim+k] - y[j*dim+k]
					s += v * v
				}
				if C[i*m+j] != s || !numerics.AllFinite([]float64{s}) {
					t.Fatalf("SqEuclideanCost[%d][%d] = %v, direct %v", i, j, C[i*m+j], s)
				}
			}
		}
	})
}
