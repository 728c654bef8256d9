package theorems

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
	"pgregory.net/rapid"

	"github.com/otverify/otverify/numerics"
)

// Generators shared by the transport families. Every value is drawn through
// rapid so that failing instances shrink towards small, simple ones.

// genWeights draws n weights summing to 1: integer masses k_i/K with
// k_i ∈ [lo, 16], normalised. With strict they are all > 0; otherwise zero
// weights occur (a degenerate but valid case of ot.emd). Unequal by
// default; shrinking makes them equal.
func genWeights(t *rapid.T, n int, strict bool, label string) []float64 {
	lo := 0
	if strict {
		lo = 1
	}
	k := rapid.SliceOfN(rapid.IntRange(lo, 16), n, n).Draw(t, label)
	sum := 0
	for i := range k {
		// shrinking drives k towards lo; keep at least one positive mass
		sum += k[i]
	}
	if sum == 0 {
		k[0], sum = 1, 1
	}
	w := make([]float64, n)
	for i := range k {
		w[i] = float64(k[i]) / float64(sum)
	}
	return w
}

// genDyadicWeights draws n weights that are multiples of 2^-bits summing to
// exactly 1 (partial sums are exact in any order): the boundary cases of
// CDFs can then be probed exactly. Zero weights occur unless strict.
func genDyadicWeights(t *rapid.T, n, bits int, strict bool, label string) []float64 {
	total := 1 << bits
	if strict && n > total {
		n = total
	}
	// Draw n−1 cut points in [0, total] and sort: the gaps are the masses.
	lo := 0
	cuts := rapid.SliceOfN(rapid.IntRange(lo, total), n-1, n-1).Draw(t, label)
	cs := append([]int{0}, cuts...)
	cs = append(cs, total)
	sortInts(cs)
	w := make([]float64, n)
	for i := 0; i < n; i++ {
		w[i] = float64(cs[i+1]-cs[i]) / float64(total)
	}
	if strict {
		// Move mass so every entry is ≥ 2^-bits, keeping the sum exact.
		for i := range w {
			if w[i] == 0 {
				j := argmax(w)
				w[j] -= 1 / float64(total)
				w[i] += 1 / float64(total)
			}
		}
	}
	return w
}

// genCostMatrix draws an n×m cost matrix of one of three kinds: small
// integers (many ties: degenerate LPs), uniform reals, or squared distances
// between random 2-D points (the geometry of OT).
func genCostMatrix(t *rapid.T, n, m int) [][]float64 {
	kind := rapid.IntRange(0, 2).Draw(t, "cost kind (0 ints, 1 reals, 2 sqdist)")
	C := make([][]float64, n)
	switch kind {
	case 0:
		v := rapid.SliceOfN(rapid.IntRange(0, 3), n*m, n*m).Draw(t, "C (integers)")
		for i := range C {
			C[i] = make([]float64, m)
			for j := range C[i] {
				C[i][j] = float64(v[i*m+j])
			}
		}
	case 1:
		v := rapid.SliceOfN(rapid.Float64Range(0, 10), n*m, n*m).Draw(t, "C (reals)")
		for i := range C {
			C[i] = append([]float64(nil), v[i*m:(i+1)*m]...)
		}
	default:
		x := genPoints(t, n, 2, "x")
		y := genPoints(t, m, 2, "y")
		C = sqDist(x, y)
	}
	return C
}

// genPoints draws n points of R^d with coordinates in [-5, 5].
func genPoints(t *rapid.T, n, d int, label string) [][]float64 {
	v := rapid.SliceOfN(rapid.Float64Range(-5, 5), n*d, n*d).Draw(t, label)
	P := make([][]float64, n)
	for i := range P {
		P[i] = append([]float64(nil), v[i*d:(i+1)*d]...)
	}
	return P
}

// genIntPoints draws n points of Z^d with coordinates in [-r, r]: exact
// arithmetic, and collinear configurations are common.
func genIntPoints(t *rapid.T, n, d, r int, label string) [][]float64 {
	v := rapid.SliceOfN(rapid.IntRange(-r, r), n*d, n*d).Draw(t, label)
	P := make([][]float64, n)
	for i := range P {
		P[i] = make([]float64, d)
		for k := range P[i] {
			P[i][k] = float64(v[i*d+k])
		}
	}
	return P
}

// genUnitVectors draws L unit vectors of R^d (normalised Gaussian-ish draws;
// a zero draw is replaced by e_1).
func genUnitVectors(t *rapid.T, L, d int, label string) [][]float64 {
	v := rapid.SliceOfN(rapid.Float64Range(-1, 1), L*d, L*d).Draw(t, label)
	out := make([][]float64, L)
	for l := range out {
		u := append([]float64(nil), v[l*d:(l+1)*d]...)
		nrm := 0.0
		for _, x := range u {
			nrm += x * x
		}
		nrm = math.Sqrt(nrm)
		if nrm < 1e-3 {
			u = make([]float64, d)
			u[0], nrm = 1, 1
		}
		for k := range u {
			u[k] /= nrm
		}
		out[l] = u
	}
	return out
}

// genRotation draws an orthogonal d×d matrix as a product of d Householder
// reflections I − 2vvᵀ with random unit v (orthogonal to rounding).
func genRotation(t *rapid.T, d int, label string) [][]float64 {
	R := identity(d)
	for _, v := range genUnitVectors(t, d, d, label) {
		// R ← R (I − 2 v vᵀ)
		for i := 0; i < d; i++ {
			s := 0.0
			for k := 0; k < d; k++ {
				s += R[i][k] * v[k]
			}
			for k := 0; k < d; k++ {
				R[i][k] -= 2 * s * v[k]
			}
		}
	}
	return R
}

func identity(d int) [][]float64 {
	I := make([][]float64, d)
	for i := range I {
		I[i] = make([]float64, d)
		I[i][i] = 1
	}
	return I
}

func sqDist(x, y [][]float64) [][]float64 {
	C := make([][]float64, len(x))
	for i := range x {
		C[i] = make([]float64, len(y))
		for j := range y {
			s := 0.0
			for k := range x[i] {
				d := x[i][k] - y[j][k]
				s += d * d
			}
			C[i][j] = s
		}
	}
	return C
}

func uniform(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / float64(n)
	}
	return w
}

// maxAbsMat is the largest |entry| of the given matrices (0 if none; NaN if
// any entry is NaN).
func maxAbsMat(Ms ...[][]float64) float64 {
	m := 0.0
	for _, M := range Ms {
		for _, r := range M {
			m = math.Max(m, numerics.MaxAbs(r))
		}
	}
	return m
}

// dist2 is ‖a − b‖², summed in index order.
func dist2(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		u := a[i] - b[i]
		s += u * u
	}
	return s
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func rowSums(P [][]float64) []float64 {
	r := make([]float64, len(P))
	for i := range P {
		r[i] = sum(P[i])
	}
	return r
}

func colSums(P [][]float64, m int) []float64 {
	c := make([]float64, m)
	for i := range P {
		for j := 0; j < m && j < len(P[i]); j++ {
			c[j] += P[i][j]
		}
	}
	return c
}

func l1(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += math.Abs(a[i] - b[i])
	}
	return s
}

func frob(A, B [][]float64) float64 {
	s := 0.0
	for i := range A {
		for j := range A[i] {
			s += A[i][j] * B[i][j]
		}
	}
	return s
}

func argmax(v []float64) int {
	j := 0
	for i := range v {
		if v[i] > v[j] {
			j = i
		}
	}
	return j
}

func sortInts(v []int) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && v[j] < v[j-1]; j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}

// bruteAssignment returns min over permutations σ of Σ_i C[i][σ(i)] and a
// minimiser, by enumerating all n! permutations (Heap's algorithm): ground
// truth for n ≤ 8.
func bruteAssignment(C [][]float64) (float64, []int) {
	n := len(C)
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	best := math.Inf(1)
	var bestP []int
	eval := func() {
		s := 0.0
		for i := range p {
			s += C[i][p[i]]
		}
		if s < best {
			best = s
			bestP = append(bestP[:0], p...)
		}
	}
	c := make([]int, n)
	eval()
	for i := 0; i < n; {
		if c[i] < i {
			if i%2 == 0 {
				p[0], p[i] = p[i], p[0]
			} else {
				p[c[i]], p[i] = p[i], p[c[i]]
			}
			eval()
			c[i]++
			i = 0
		} else {
			c[i] = 0
			i++
		}
	}
	if n == 0 {
		best = 0
	}
	return best, bestP
}

// lpOT returns the optimal value of the Kantorovich LP min ⟨C, π⟩ over
// couplings of a and b (Σa = Σb), solved by gonum's dense simplex: a second,
// independent algorithm for small problems (n·m ≤ 64). The last column
// constraint is dropped (it is implied), so the constraint matrix has full
// row rank.
func lpOT(a, b []float64, C [][]float64) (val float64, err error) {
	// Atoms of zero mass carry nothing and do not change the optimum; they
	// only make the LP degenerate (gonum's phase 1 can then report a
	// feasible problem infeasible), so they are dropped.
	var ia, ib []int
	for i, v := range a {
		if v > 0 {
			ia = append(ia, i)
		}
	}
	for j, v := range b {
		if v > 0 {
			ib = append(ib, j)
		}
	}
	if len(ia) < len(a) || len(ib) < len(b) {
		a2, b2 := make([]float64, len(ia)), make([]float64, len(ib))
		C2 := make([][]float64, len(ia))
		for r, i := range ia {
			a2[r] = a[i]
			C2[r] = make([]float64, len(ib))
			for c, j := range ib {
				C2[r][c] = C[i][j]
			}
		}
		for c, j := range ib {
			b2[c] = b[j]
		}
		a, b, C = a2, b2, C2
	}
	n, m := len(a), len(b)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("lp panicked: %v", r)
		}
	}()
	rows := n + m - 1
	A := mat.NewDense(rows, n*m, nil)
	rhs := make([]float64, rows)
	c := make([]float64, n*m)
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			c[i*m+j] = C[i][j]
			A.Set(i, i*m+j, 1)
			if j < m-1 {
				A.Set(n+j, i*m+j, 1)
			}
		}
		rhs[i] = a[i]
	}
	for j := 0; j < m-1; j++ {
		rhs[n+j] = b[j]
	}
	val, _, err = lp.Simplex(c, A, rhs, 1e-12, nil)
	return val, err
}
