package ot1d

import (
	"errors"
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
)

// PlanEntry is one nonzero entry of a sparse transport plan: Mass moved from
// source atom I to target atom J (original, 0-based indices).
type PlanEntry struct {
	I, J int
	Mass float64
}

// merge walks the quantile coupling of two measures: the breakpoints are the
// union of the normalised cumulative weights F_k = cum_k/total, which end at
// exactly 1 on both sides (x/x = 1 in IEEE arithmetic) so that the last steps
// consume all the mass. On each interval (prev, next] of positive length it
// calls visit with the sorted positions of the source and target atoms and
// the length next − prev.
func merge(P, Q *Measure, visit func(i, j int, mass float64)) {
	n, m := len(P.x), len(Q.x)
	tp, tq := P.Total(), Q.Total()
	i, j := 0, 0
	prev := 0.0
	for i < n && j < m {
		fi := P.cum[i] / tp
		gj := Q.cum[j] / tq
		next := min(fi, gj)
		if next > prev {
			visit(i, j, next-prev)
			prev = next
		}
		if fi <= next {
			i++
		}
		if gj <= next {
			j++
		}
	}
}

// costFunc returns t ↦ |t|^p with exact fast paths for p = 1 and p = 2.
func costFunc(p float64) func(float64) float64 {
	switch p {
	case 1:
		return math.Abs
	case 2:
		return func(t float64) float64 { return t * t }
	}
	return func(t float64) float64 { return math.Pow(math.Abs(t), p) }
}

func checkP(p float64) error {
	if !(p >= 1) || math.IsInf(p, 0) {
		return numerics.Invalidf("ot1d: exponent p = %v, want finite p ≥ 1", p)
	}
	return nil
}

// Wpp returns W_p^p(α, β) = min_π Σ_ij |x_i − y_j|^p π_ij over couplings π of
// α = Σ a_i δ_{x_i} and β = Σ b_j δ_{y_j} (protocol.md op ot.emd1d), computed
// as ∫_0^1 |F^{-1}(u) − G^{-1}(u)|^p du exactly on the merged breakpoints of
// the two CDFs ([P] § "The 1D Case": the sorted, monotone matching is optimal
// for convex costs by the quadrangle inequality). Cost O((n+m) log(n+m)).
//
// Preconditions (else an error wrapping numerics.ErrInvalid): both measures
// as in NewMeasure (so each total mass is within MassTol of 1), p finite and
// ≥ 1. Both weight vectors are divided by their totals. Accuracy: the
// breakpoints are compensated cumulative sums (within about one ulp of
// exact) and the terms are summed with compensation, so the relative error
// is a few ulps of Σ_k Δu_k |x − y|^p for p ∈ {1, 2} and a few more for
// other p (math.Pow). Returns an error wrapping ErrOverflow if the value
// overflows float64.
func Wpp(x, a, y, b []float64, p float64) (float64, error) {
	if err := checkP(p); err != nil {
		return 0, err
	}
	P, err := NewMeasure(x, a)
	if err != nil {
		return 0, fmt.Errorf("source: %w", err)
	}
	Q, err := NewMeasure(y, b)
	if err != nil {
		return 0, fmt.Errorf("target: %w", err)
	}
	return P.Wpp(Q, p)
}

// Wpp returns W_p^p between the receiver and Q, as the function Wpp. Both
// must be built by NewMeasure: a nil or zero Measure{} is an error wrapping
// numerics.ErrInvalid (it indexed past its end).
func (P *Measure) Wpp(Q *Measure, p float64) (float64, error) {
	if err := checkP(p); err != nil {
		return 0, err
	}
	if err := P.check("Wpp: source"); err != nil {
		return 0, err
	}
	if err := Q.check("Wpp: target"); err != nil {
		return 0, err
	}
	h := costFunc(p)
	var s, c float64 // Neumaier sum
	merge(P, Q, func(i, j int, mass float64) {
		v := mass * h(P.x[i]-Q.x[j])
		t := s + v
		if math.Abs(s) >= math.Abs(v) {
			c += (s - t) + v
		} else {
			c += (v - t) + s
		}
		s = t
	})
	r := s + c
	if math.IsInf(r, 0) || math.IsNaN(r) {
		return 0, fmt.Errorf("%w: W_p^p with p = %g", ErrOverflow, p)
	}
	return r, nil
}

// QuantileCoupling returns the quantile (north-west corner on sorted atoms)
// coupling of α = Σ a_i δ_{x_i} and β = Σ b_j δ_{y_j}: the law of
// (F^{-1}(U), G^{-1}(U)), U uniform on (0,1), as a sparse plan in original
// indices, ordered by increasing u (so I and J are nondecreasing in sorted
// value order). It is optimal for every cost h(x − y) with h convex, in
// particular |x − y|^p, p ≥ 1 ([P] § "The 1D Case", claim
// ot1d.quantile-coupling-optimal), and has at most n + m − 1 entries.
// Masses are for the normalised weights a/Σa, b/Σb: row and column sums
// match them within a few ulps and the masses sum to 1 within rounding.
// Zero-weight atoms get no entry. Preconditions as NewMeasure for both.
func QuantileCoupling(x, a, y, b []float64) ([]PlanEntry, error) {
	P, err := NewMeasure(x, a)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	Q, err := NewMeasure(y, b)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	plan := make([]PlanEntry, 0, len(x)+len(y)-1)
	merge(P, Q, func(i, j int, mass float64) {
		plan = append(plan, PlanEntry{I: P.idx[i], J: Q.idx[j], Mass: mass})
	})
	return plan, nil
}

// MapTol is the mass (as a fraction of the total) that MonotoneMap lets a
// source atom send to a second target value before it declares that the
// atom must be split: well above the rounding of the cumulative sums
// (≈ 1e-16 per breakpoint), well below any weight the verifier generates.
const MapTol = 1e-12

// ErrNoMap is returned (wrapped) by MonotoneMap when some source atom of
// positive mass must be split between two target values, so that no
// transport map exists (compare claim discrete.monge-infeasible). It does
// not wrap numerics.ErrInvalid: the input is valid, the object does not
// exist.
var ErrNoMap = errors.New("ot1d: no transport map (a source atom must be split)")

// MonotoneMap returns T(x_i) for each source atom (original order), where
// T = G^{-1}∘F is the monotone rearrangement of [P] § "The 1D Case"
// (claim ot1d.monotone-map): nondecreasing, and T_♯α = β whenever it
// exists for discrete measures, i.e. when every source value of positive
// mass is sent by the quantile coupling to a single target value (all but
// at most MapTol of its mass). Atoms with equal x are one value and get one
// image. A zero-weight atom gets the image of the nearest positive-weight
// atom below it (or the smallest target value of positive weight if there is
// none), which is G^{-1}(F(x_i)) under the same condition. Otherwise it
// returns an error wrapping ErrNoMap; bad input wraps numerics.ErrInvalid.
func MonotoneMap(x, a, y, b []float64) ([]float64, error) {
	P, err := NewMeasure(x, a)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	Q, err := NewMeasure(y, b)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	n := len(P.x)
	// grp[k] is the first sorted position of the run of atoms equal to x[k]:
	// ties form one source value with one image.
	grp := make([]int, n)
	for k := 1; k < n; k++ {
		if P.x[k] == P.x[k-1] {
			grp[k] = grp[k-1]
		} else {
			grp[k] = k
		}
	}
	// Mass sent by each source value to each target value, in coupling
	// order (both nondecreasing, so equal keys are contiguous).
	type chunk struct {
		g    int
		v    float64
		mass float64
	}
	var chunks []chunk
	merge(P, Q, func(i, j int, mass float64) {
		g, v := grp[i], Q.x[j]
		if k := len(chunks) - 1; k >= 0 && chunks[k].g == g && chunks[k].v == v {
			chunks[k].mass += mass
			return
		}
		chunks = append(chunks, chunk{g, v, mass})
	})
	img := make([]float64, n) // image per group start
	has := make([]bool, n)
	for s := 0; s < len(chunks); {
		g := chunks[s].g
		total, best, bestMass := 0.0, 0.0, -1.0
		for ; s < len(chunks) && chunks[s].g == g; s++ {
			total += chunks[s].mass
			if chunks[s].mass > bestMass {
				best, bestMass = chunks[s].v, chunks[s].mass
			}
		}
		if total-bestMass > MapTol {
			return nil, fmt.Errorf("%w: source value %v sends mass %.3g away from its main image %v",
				ErrNoMap, P.x[g], total-bestMass, best)
		}
		img[g], has[g] = best, true
	}
	// Values without mass take the image of the nearest value below that has
	// one, else the smallest target value of positive weight.
	cur := Q.x[Q.first]
	for k := range n {
		g := grp[k]
		if has[g] {
			cur = img[g]
		}
		img[k] = cur
	}
	T := make([]float64, n)
	for k, i := range P.idx {
		T[i] = img[k]
	}
	return T, nil
}
