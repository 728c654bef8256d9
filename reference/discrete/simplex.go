package discrete

import (
	"fmt"
	"math"
	"slices"

	"github.com/otverify/otverify/numerics"
)

// netSimplex is the primal network simplex method for the transportation
// problem on the complete bipartite graph: sources 0..n−1, sinks n..n+m−1,
// real arcs i → n+j of cost C[i*m+j] and unbounded capacity.
//
// The basis is a spanning tree of n+m+1 nodes: the n+m real nodes and an
// artificial root (index n+m). Initially every real node hangs from the
// root by an artificial arc carrying its whole mass (source i → root with
// flow a_i; sink root → j with flow b_j, or j → root with flow 0 when
// b_j = 0). Artificial arcs cost a symbolic big M: every cost and potential
// is a pair (M-part, real part) compared lexicographically, so M never
// enters floating point. Since the path from any node to the root ends in
// exactly one artificial arc, the M-part of a node's potential is ±1, its
// class cls[v]; a real arc (i, j) has M-part cls[i] − cls[j] ∈ {−2, 0, 2}.
// Artificial arcs that leave the basis never re-enter.
//
// Potentials π follow the convention rc(u→v) = cost + π_u − π_v (zero on
// tree arcs), so for the transportation problem f_i = −π_i, g_j = π_{n+j}.
//
// Flows are kept only on tree arcs (nontree arcs carry 0): flow[v] is the
// flow on the arc between v and parent[v], oriented v → parent[v] when
// up[v] and parent[v] → v otherwise.
//
// The tree is strongly feasible (every tree arc of zero flow points towards
// the root) initially, and the leaving-arc rule — the last blocking arc met
// when the pivot cycle is traversed in the direction of the entering arc
// starting at its apex — keeps it so (Ahuja, Magnanti & Orlin, Network
// Flows, 1993, § 11.5); hence degenerate pivots cannot cycle.
type netSimplex struct {
	n, m int
	C    []float64 // row-major n×m costs
	mass []float64 // supply: a_i for sources, b_j for sinks (as demands)
	tol  float64   // entering threshold on the real part of reduced costs

	parent  []int32
	up      []bool
	flow    []float64
	pi      []float64 // real part of the potentials
	cls     []int8    // M-part of the potentials: ±1 (0 at the root)
	depth   []int32
	first   []int32 // first child
	next    []int32 // next sibling
	prev    []int32 // previous sibling
	stack   []int32 // scratch for subtree traversals
	nSinkUp int     // number of sinks with cls = +1

	block   int // arcs per pricing block
	nextArc int // where the next pricing scan starts
	iter    int // pivots done
	dirty   bool
}

func newNetSimplex(C, a, b []float64, n, m int) *netSimplex {
	N := n + m + 1
	root := int32(n + m)
	s := &netSimplex{
		n: n, m: m, C: C,
		mass:   make([]float64, n+m),
		tol:    reducedCostTol * numerics.MaxAbs(C),
		parent: make([]int32, N),
		up:     make([]bool, N),
		flow:   make([]float64, N),
		pi:     make([]float64, N),
		cls:    make([]int8, N),
		depth:  make([]int32, N),
		first:  make([]int32, N),
		next:   make([]int32, N),
		prev:   make([]int32, N),
		stack:  make([]int32, 0, N),
	}
	copy(s.mass, a)
	copy(s.mass[n:], b)
	nm := n * m
	s.block = max(10, int(math.Ceil(math.Sqrt(float64(nm)))))
	for v := range N {
		s.first[v], s.next[v], s.prev[v] = -1, -1, -1
	}
	s.parent[root] = -1
	for v := range n + m {
		s.parent[v] = root
		s.depth[v] = 1
		s.flow[v] = s.mass[v]
		switch {
		case v < n: // source → root
			s.up[v], s.cls[v] = true, -1
		case s.mass[v] > 0: // root → sink
			s.up[v], s.cls[v] = false, 1
			s.nSinkUp++
		default: // empty sink → root, flow 0 (strongly feasible)
			s.up[v], s.cls[v] = true, -1
		}
		s.addChild(root, int32(v))
	}
	return s
}

func (s *netSimplex) addChild(p, v int32) {
	h := s.first[p]
	s.next[v], s.prev[v] = h, -1
	if h >= 0 {
		s.prev[h] = v
	}
	s.first[p] = v
}

func (s *netSimplex) removeChild(p, v int32) {
	if pv := s.prev[v]; pv >= 0 {
		s.next[pv] = s.next[v]
	} else {
		s.first[p] = s.next[v]
	}
	if nv := s.next[v]; nv >= 0 {
		s.prev[nv] = s.prev[v]
	}
	s.next[v], s.prev[v] = -1, -1
}

// run pivots until no arc prices out, or returns an error after maxIter
// pivots.
func (s *netSimplex) run(maxIter int) error {
	n := s.n
	recompute := max(n+s.m, 1000) // pivots between exact recomputations of π
	sinceRecompute := 0
	guard := 0
	for {
		i, j, ok := s.price()
		if !ok {
			if s.dirty {
				// Confirm optimality with potentials recomputed from the tree,
				// free of accumulated rounding.
				s.recomputePotentials()
				continue
			}
			return nil
		}
		if s.iter >= maxIter {
			return fmt.Errorf("%w: discrete: network simplex stopped after %d pivots (n=%d, m=%d)",
				numerics.ErrNotConverged, s.iter, n, s.m)
		}
		src, snk := int32(i), int32(n+j)
		if s.parent[src] == snk || s.parent[snk] == src {
			// A tree arc priced out: rounding drift in π. Recompute and retry;
			// twice in a row would be a bug.
			if guard++; guard > 1 {
				return fmt.Errorf("discrete: internal error: tree arc (%d,%d) has reduced cost below tolerance", i, j)
			}
			s.recomputePotentials()
			continue
		}
		guard = 0
		if !s.pivot(src, snk) {
			return fmt.Errorf("discrete: internal error: unbounded pivot cycle at arc (%d,%d)", i, j)
		}
		s.iter++
		s.dirty = true
		if sinceRecompute++; sinceRecompute >= recompute {
			s.recomputePotentials()
			sinceRecompute = 0
		}
	}
}

// price scans the arcs in blocks of s.block, cyclically from s.nextArc, and
// returns the lexicographically most negative reduced-cost arc of the first
// block that has one (block search pricing). ok is false when no arc in the
// whole graph has reduced cost < (0, −tol).
func (s *netSimplex) price() (bi, bj int, ok bool) {
	n, m := s.n, s.m
	nm := n * m
	var st pricing
	st.bestR = -s.tol
	st.bi = -1
	pos := s.nextArc
	i, j := pos/m, pos%m
	for left := nm; left > 0; {
		cnt := min(s.block, left)
		left -= cnt
		for cnt > 0 {
			seg := min(m-j, cnt)
			s.scanRow(&st, i, j, j+seg)
			cnt -= seg
			j += seg
			if j == m {
				j = 0
				if i++; i == n {
					i = 0
				}
			}
		}
		if st.bi >= 0 {
			s.nextArc = i*m + j
			return st.bi, st.bj, true
		}
	}
	return 0, 0, false
}

// pricing is the state of a block search: the best arc so far, whether it
// has M-part −2 (prio), and its real reduced cost.
type pricing struct {
	prio   bool
	bestR  float64
	bi, bj int
}

// scanRow prices the arcs (i, j) for j in [j0, j1).
func (s *netSimplex) scanRow(st *pricing, i, j0, j1 int) {
	n, m := s.n, s.m
	row := s.C[i*m+j0 : i*m+j1]
	piT := s.pi[n+j0 : n+j1]
	piT = piT[:len(row)]
	pii := s.pi[i]
	allUp := s.nSinkUp == m // every sink has class +1
	noneUp := s.nSinkUp == 0
	if s.cls[i] > 0 {
		// Candidates: sinks of class +1 (M-part 0). Sinks of class −1 give
		// M-part +2 (never enter). A prio arc found earlier beats them all.
		if st.prio || noneUp {
			return
		}
		best, bj := st.bestR, -1
		if allUp {
			for k, c := range row {
				if r := c + pii - piT[k]; r < best {
					best, bj = r, k
				}
			}
		} else {
			clsT := s.cls[n+j0 : n+j1]
			clsT = clsT[:len(row)]
			for k, c := range row {
				if clsT[k] > 0 {
					if r := c + pii - piT[k]; r < best {
						best, bj = r, k
					}
				}
			}
		}
		if bj >= 0 {
			st.bestR, st.bi, st.bj = best, i, j0+bj
		}
		return
	}
	// Source of class −1: sinks of class +1 give M-part −2 (prio), sinks of
	// class −1 give M-part 0.
	switch {
	case noneUp:
		if st.prio {
			return
		}
		best, bj := st.bestR, -1
		for k, c := range row {
			if r := c + pii - piT[k]; r < best {
				best, bj = r, k
			}
		}
		if bj >= 0 {
			st.bestR, st.bi, st.bj = best, i, j0+bj
		}
	case allUp:
		best, bj := math.Inf(1), -1
		if st.prio {
			best = st.bestR
		}
		for k, c := range row {
			if r := c + pii - piT[k]; r < best {
				best, bj = r, k
			}
		}
		if bj >= 0 {
			st.prio, st.bestR, st.bi, st.bj = true, best, i, j0+bj
		}
	default:
		clsT := s.cls[n+j0 : n+j1]
		clsT = clsT[:len(row)]
		for k, c := range row {
			r := c + pii - piT[k]
			if clsT[k] > 0 {
				if !st.prio || r < st.bestR {
					st.prio, st.bestR, st.bi, st.bj = true, r, i, j0+k
				}
			} else if !st.prio && r < st.bestR {
				st.bestR, st.bi, st.bj = r, i, j0+k
			}
		}
	}
}

// pivot brings the arc src → snk into the basis. It reports false (and
// changes nothing) if the pivot cycle has no backward arc, which cannot
// happen for a valid basis.
func (s *netSimplex) pivot(src, snk int32) bool {
	n, m := s.n, s.m
	parent, up, flow := s.parent, s.up, s.flow

	// Real part of the reduced cost of the entering arc.
	sigR := s.C[int(src)*m+int(snk)-n] + s.pi[src] - s.pi[snk]

	// Apex of the cycle.
	u, v := src, snk
	for s.depth[u] > s.depth[v] {
		u = parent[u]
	}
	for s.depth[v] > s.depth[u] {
		v = parent[v]
	}
	for u != v {
		u, v = parent[u], parent[v]
	}
	apex := u

	// The cycle is apex ⇝ src → snk ⇝ apex. Backward arcs limit δ; the
	// leaving arc is the last blocking arc in that order: on the snk side
	// the one nearest the apex, else on the src side the one nearest src.
	delta := math.Inf(1)
	leave, leaveOnSrcSide := int32(-1), false
	for x := src; x != apex; x = parent[x] {
		if up[x] && flow[x] < delta { // x → parent, traversed downwards
			delta, leave, leaveOnSrcSide = flow[x], x, true
		}
	}
	for x := snk; x != apex; x = parent[x] {
		if !up[x] && flow[x] <= delta { // parent → x, traversed upwards
			delta, leave, leaveOnSrcSide = flow[x], x, false
		}
	}
	if leave < 0 {
		// No backward arc: impossible without directed cycles, which the
		// bipartite graph with its artificial arcs does not have.
		return false
	}
	if delta > 0 {
		for x := src; x != apex; x = parent[x] {
			if up[x] {
				flow[x] -= delta
			} else {
				flow[x] += delta
			}
		}
		for x := snk; x != apex; x = parent[x] {
			if up[x] {
				flow[x] += delta
			} else {
				flow[x] -= delta
			}
		}
	}

	// Cut the subtree under the leaving arc and re-hang it from the entering
	// arc: the path uIn ⇝ uOut is reversed.
	uOut := leave
	uIn, vIn := snk, src
	if leaveOnSrcSide {
		uIn, vIn = src, snk
	}
	s.removeChild(parent[uOut], uOut)
	newPar, newUp, newFlow := vIn, uIn == src, delta
	for x := uIn; ; {
		oldPar, oldUp, oldFlow := parent[x], up[x], flow[x]
		if x != uOut {
			s.removeChild(oldPar, x)
		}
		parent[x], up[x], flow[x] = newPar, newUp, newFlow
		s.addChild(newPar, x)
		if x == uOut {
			break
		}
		newPar, newUp, newFlow = x, !oldUp, oldFlow
		x = oldPar
	}

	// Potentials of the moved subtree: shift so that the entering arc has
	// reduced cost 0. Its class (M-part) becomes that of vIn.
	shift := sigR
	if uIn == src {
		shift = -sigR
	}
	c := s.cls[vIn]
	s.stack = append(s.stack[:0], uIn)
	for len(s.stack) > 0 {
		x := s.stack[len(s.stack)-1]
		s.stack = s.stack[:len(s.stack)-1]
		s.pi[x] += shift
		if int(x) >= n && s.cls[x] != c {
			s.nSinkUp += int(c)
		}
		s.cls[x] = c
		s.depth[x] = s.depth[parent[x]] + 1
		for ch := s.first[x]; ch >= 0; ch = s.next[ch] {
			s.stack = append(s.stack, ch)
		}
	}
	return true
}

// recomputePotentials recomputes π, cls and depth of every node from the
// tree arcs (π_root = 0), removing accumulated rounding drift.
func (s *netSimplex) recomputePotentials() {
	n, m := s.n, s.m
	root := int32(n + m)
	s.nSinkUp = 0
	s.stack = append(s.stack[:0], root)
	for len(s.stack) > 0 {
		x := s.stack[len(s.stack)-1]
		s.stack = s.stack[:len(s.stack)-1]
		if x != root {
			p := s.parent[x]
			switch {
			case p == root:
				s.pi[x] = 0
				if s.up[x] {
					s.cls[x] = -1
				} else {
					s.cls[x] = 1
				}
			case s.up[x]: // x is a source, arc x → p
				s.pi[x] = s.pi[p] - s.C[int(x)*m+int(p)-n]
				s.cls[x] = s.cls[p]
			default: // p is a source, arc p → x
				s.pi[x] = s.pi[p] + s.C[int(p)*m+int(x)-n]
				s.cls[x] = s.cls[p]
			}
			s.depth[x] = s.depth[p] + 1
			if int(x) >= n && s.cls[x] > 0 {
				s.nSinkUp++
			}
		}
		for ch := s.first[x]; ch >= 0; ch = s.next[ch] {
			s.stack = append(s.stack, ch)
		}
	}
	s.dirty = false
}

// plan recomputes the tree flows exactly from the masses (subtree sums, so
// that rounding accumulated over pivots does not reach the marginals) and
// returns the nonzero plan entries scaled by 2^massExp, sorted row-major.
func (s *netSimplex) plan(massExp int) ([]Entry, error) {
	n, m := s.n, s.m
	root := int32(n + m)
	// Preorder, then accumulate subtree net supplies in reverse.
	order := make([]int32, 0, n+m+1)
	s.stack = append(s.stack[:0], root)
	for len(s.stack) > 0 {
		x := s.stack[len(s.stack)-1]
		s.stack = s.stack[:len(s.stack)-1]
		order = append(order, x)
		for ch := s.first[x]; ch >= 0; ch = s.next[ch] {
			s.stack = append(s.stack, ch)
		}
	}
	if len(order) != n+m+1 {
		return nil, fmt.Errorf("discrete: internal error: basis tree spans %d of %d nodes", len(order), n+m+1)
	}
	net := make([]float64, n+m+1)
	total := 0.0
	for v := range n + m {
		if v < n {
			net[v] = s.mass[v]
			total += s.mass[v]
		} else {
			net[v] = -s.mass[v]
		}
	}
	// Flows on zero-flow arcs come out as ± a few ulps of the total mass;
	// anything beyond massTol means the basis is not feasible (a bug).
	massTol := 1e-9 * total
	entries := make([]Entry, 0, n+m)
	for k := len(order) - 1; k > 0; k-- {
		x := order[k]
		p := s.parent[x]
		net[p] += net[x]
		f := net[x]
		if !s.up[x] {
			f = -f
		}
		if f < -massTol {
			return nil, fmt.Errorf("discrete: internal error: negative basic flow %g", f)
		}
		if p == root {
			if f > massTol {
				return nil, fmt.Errorf("discrete: internal error: artificial arc keeps flow %g", f)
			}
			continue
		}
		if f <= 0 {
			continue
		}
		src, snk := x, p
		if !s.up[x] {
			src, snk = p, x
		}
		mass := math.Ldexp(f, massExp)
		if math.IsInf(mass, 0) {
			return nil, fmt.Errorf("%w: plan entry", ErrOverflow)
		}
		entries = append(entries, Entry{I: int(src), J: int(snk) - n, Mass: mass})
	}
	slices.SortFunc(entries, func(x, y Entry) int {
		if x.I != y.I {
			return x.I - y.I
		}
		return x.J - y.J
	})
	return entries, nil
}

// potentials returns (f, g) = (−π_sources, π_sinks) after making them dual
// feasible across the root's subtrees. At termination no arc has M-part −2,
// so either no source has class −1 or no sink has class +1; arcs from class
// +1 sources to class −1 sinks (M-part +2) may still have negative real
// reduced cost, which a common shift t of the real potentials of all class
// +1 nodes removes (their reduced costs become rc + t; all other arcs are
// unchanged). t = −min rc makes the cheapest of them tight.
func (s *netSimplex) potentials() (f, g []float64) {
	n, m := s.n, s.m
	s.recomputePotentials()
	minRC := math.Inf(1)
	for i := range n {
		if s.cls[i] <= 0 {
			continue
		}
		row := s.C[i*m : (i+1)*m]
		for j, c := range row {
			if s.cls[n+j] < 0 {
				minRC = min(minRC, c+s.pi[i]-s.pi[n+j])
			}
		}
	}
	if !math.IsInf(minRC, 1) {
		for v := range n + m {
			if s.cls[v] > 0 {
				s.pi[v] -= minRC
			}
		}
	}
	f = make([]float64, n)
	g = make([]float64, m)
	for i := range f {
		f[i] = -s.pi[i]
	}
	for j := range g {
		g[j] = s.pi[n+j]
	}
	return f, g
}
