package discrete

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/internal/kernel"
	"github.com/otverify/otverify/numerics"
)

// AssignmentSolution is an optimal assignment with its dual certificate.
type AssignmentSolution struct {
	// Perm is the optimal permutation: row i is assigned to column Perm[i].
	Perm []int
	// Cost is Σ_i C[i][Perm[i]], summed with compensation.
	Cost float64
	// U (rows) and V (columns) are optimal dual potentials of the assignment
	// LP: U_i + V_j ≤ C_ij for all i, j (up to one rounding) and
	// U_i + V_Perm[i] = C_i,Perm[i] within rounding, so that
	// Σ U + Σ V = Cost certifies optimality independently of the solver
	// (weak duality, [P] § Dual Potentials, with unit masses). Each is the
	// c-transform of the other, and the additive constant (U + t, V − t) is
	// chosen so that Σ U ≈ Σ V.
	U, V []float64
}

// Assignment returns a permutation minimising Σ_i C[i][perm[i]] over all
// permutations of 0..n−1 (protocol.md, op ot.assignment), and that minimal
// cost. By Birkhoff's theorem this is also the Kantorovich optimum with
// uniform masses, times n ([P] § The Kantorovich Problem: Monge is the
// special case π_{i,T(i)} = a_i).
//
// C is n×n, row-major. Preconditions (else an error wrapping
// numerics.ErrInvalid): n ≥ 1, len(C) = n², all entries finite. Costs may be
// negative, tied or of any magnitude (they are rescaled by a power of two
// internally when extreme).
//
// Method: shortest augmenting paths with potentials (Jonker & Volgenant,
// Computing 38, 1987: column reduction, then one Dijkstra search per row
// still unassigned, on nonnegative reduced costs), O(n³) time in the worst
// case (random n = 2000 instances take about half a second; adversarial
// ones such as C_ij = i·j about 10 s).
// Accuracy: the permutation is optimal up to rounding in the potentials,
// i.e. its cost is within a few n·ε·max|C| of the minimum.
func Assignment(C []float64, n int) (perm []int, cost float64, err error) {
	sol, err := AssignmentWithDuals(C, n)
	if err != nil {
		return nil, 0, err
	}
	return sol.Perm, sol.Cost, nil
}

// AssignmentWithDuals is Assignment returning also the dual potentials U, V
// (see AssignmentSolution). An error wrapping ErrOverflow is returned if the
// cost or a potential does not fit in float64.
func AssignmentWithDuals(C []float64, n int) (*AssignmentSolution, error) {
	switch {
	case n < 1:
		return nil, numerics.Invalidf("discrete: empty assignment problem (n=%d)", n)
	case len(C)%n != 0 || len(C)/n != n:
		return nil, numerics.Invalidf("discrete: C has %d entries, want n² = %d²", len(C), n)
	}
	for k, x := range C {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, numerics.Invalidf("discrete: C[%d][%d] = %g is not finite", k/n, k%n, x)
		}
	}
	Cs, e := scaleCosts(C)
	perm, u, v := lapjv(Cs, n)
	for i := range u {
		u[i] = math.Ldexp(u[i], e)
		v[i] = math.Ldexp(v[i], e)
	}
	// Centre (Σu = Σv, as for EMD), then polish: v = (C − u) column minima,
	// then u = (C − v) row minima, which makes dual feasibility hold up to
	// one rounding.
	centre(u, v, ones(n), ones(n))
	cTransformCols(u, v, C, n, n)
	cTransformRows(u, v, C, n, n)
	var c sum
	for i, j := range perm {
		c.add(C[i*n+j])
	}
	sol := &AssignmentSolution{Perm: perm, Cost: c.value(), U: u, V: v}
	// NaN too: the compensated sum of costs ±MaxFloat64 is NaN, not ±Inf
	// (regression test TestAssignmentOverflowNaNCost, found by FuzzAssignment).
	if math.IsInf(sol.Cost, 0) || math.IsNaN(sol.Cost) || !numerics.AllFinite(u) || !numerics.AllFinite(v) {
		return nil, fmt.Errorf("%w: assignment cost or potentials (costs up to %g)", ErrOverflow, numerics.MaxAbs(C))
	}
	return sol, nil
}

// lapjv solves the dense assignment problem by shortest augmenting paths.
// It maintains potentials with C_ij − u_i − v_j ≥ 0 for all i, j and = 0 on
// assigned pairs; each Dijkstra search from a free row grows one assigned
// pair, and the potentials are updated so that the invariant survives.
func lapjv(C []float64, n int) (perm []int, u, v []float64) {
	colOf := make([]int, n) // row → column
	rowOf := make([]int, n) // column → row
	u = make([]float64, n)
	v = make([]float64, n)
	for k := range colOf {
		colOf[k], rowOf[k] = -1, -1
	}

	// Column reduction: v_j = min_i C_ij, and assign column j (last to first)
	// to its minimising row when that row is still free.
	argmin := make([]int, n)
	for j := range v {
		v[j] = math.Inf(1)
	}
	for i := range n {
		row := C[i*n : (i+1)*n]
		for j, c := range row {
			if c < v[j] {
				v[j], argmin[j] = c, i
			}
		}
	}
	for j := n - 1; j >= 0; j-- {
		if i := argmin[j]; colOf[i] < 0 {
			colOf[i], rowOf[j] = j, i
		}
	}
	// Now u = 0 and C_ij − u_i − v_j ≥ 0 everywhere, with equality on the
	// assigned pairs. (The u of a free row may be anything: only the
	// reduced costs of assigned rows enter the Dijkstra searches as edges.)

	// Dijkstra searches over the reduced costs, one per row still free. The
	// relaxation of a row's arcs and the choice of the next column are one
	// vectorised pass over all columns (kernel.RelaxMin): a column whose
	// distance is final carries NaN in d, its distance moves to dfin; busy
	// marks assigned columns, so that among equal distances a free column
	// (which ends the search) is preferred, then the lowest index.
	d := make([]float64, n)      // tentative distances; NaN once final
	dfin := make([]float64, n)   // final distances of the scanned columns
	busy := make([]float64, n)   // 1 for an assigned column, 0 for a free one
	pred := make([]int32, n)     // row preceding each column on its path
	scanned := make([]int, 0, n) // scanned columns, in order
	for j, i := range rowOf {
		if i >= 0 {
			busy[j] = 1
		}
	}
	inf := math.Inf(1)
	for s := range n {
		if colOf[s] >= 0 {
			continue
		}
		for j := range d {
			d[j] = inf
		}
		// d_j = (C_sj − u_s) − v_j; the first column to scan.
		j := kernel.RelaxMin(d, pred, C[s*n:(s+1)*n], v, busy, -u[s], int32(s))
		scanned = scanned[:0]
		end := -1
		for {
			dfin[j] = d[j]
			d[j] = math.NaN()
			scanned = append(scanned, j)
			if rowOf[j] < 0 {
				end = j
				break
			}
			i := rowOf[j]
			j = kernel.RelaxMin(d, pred, C[i*n:(i+1)*n], v, busy, dfin[j]-u[i], int32(i))
		}
		// Potentials: v_j −= δ − d_j on scanned columns (δ = d_end).
		delta := dfin[end]
		for _, j := range scanned {
			v[j] -= delta - dfin[j]
		}
		// Augment along the path ending at column end.
		busy[end] = 1
		for j := end; ; {
			i := int(pred[j])
			rowOf[j] = i
			j, colOf[i] = colOf[i], j
			if i == s {
				break
			}
		}
		// u_i = C_ij − v_j on the (new) pairs of the scanned columns: these
		// are exactly the rows of the search tree.
		for _, j := range scanned {
			i := rowOf[j]
			u[i] = C[i*n+j] - v[j]
		}
	}
	return colOf, u, v
}

func ones(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = 1
	}
	return x
}
