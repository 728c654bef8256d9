package ot1d

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
	"pgregory.net/rapid"

	"github.com/otverify/otverify/numerics"
)

// rtolSum is the tolerance for compensated sums of a few hundred terms
// compared with an independently summed ground truth: each side is within
// a few ulps times the number of terms of the exact value relative to the
// size of the terms; 1e-12 leaves a wide margin for n ≤ 1000.
const rtolSum = 1e-12

// genPoints draws n values, half the time from a small integer grid so that
// ties (between and within the measures) are frequent.
func genPoints(t *rapid.T, n int, label string) []float64 {
	if rapid.Bool().Draw(t, label+"-grid") {
		ints := rapid.SliceOfN(rapid.IntRange(-3, 3), n, n).Draw(t, label)
		x := make([]float64, n)
		for i, v := range ints {
			x[i] = float64(v)
		}
		return x
	}
	return rapid.SliceOfN(rapid.Float64Range(-10, 10), n, n).Draw(t, label)
}

// genWeights draws n positive-or-zero weights normalised to sum 1 (at least
// one positive), with zero weights a quarter of the time.
func genWeights(t *rapid.T, n int, label string) []float64 {
	w := rapid.SliceOfN(rapid.Float64Range(0.01, 1), n, n).Draw(t, label)
	zero := rapid.SliceOfN(rapid.IntRange(0, 3), n, n).Draw(t, label+"-zero")
	s := 0.0
	for i := range w {
		if zero[i] == 0 && i > 0 {
			w[i] = 0
		}
		s += w[i]
	}
	for i := range w {
		w[i] /= s
	}
	return w
}

// uniform returns n weights 1/n.
func uniform(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / float64(n)
	}
	return w
}

// bruteForceMatching is min over permutations σ of (1/n) Σ |x_i − y_σ(i)|^p,
// by Heap's algorithm: the ground truth for equal-mass points.
func bruteForceMatching(x, y []float64, p float64) float64 {
	n := len(x)
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	best := math.Inf(1)
	eval := func() {
		s := 0.0
		for i, j := range perm {
			s += math.Pow(math.Abs(x[i]-y[j]), p)
		}
		best = min(best, s/float64(n))
	}
	c := make([]int, n)
	eval()
	for i := 0; i < n; {
		if c[i] < i {
			if i%2 == 0 {
				perm[0], perm[i] = perm[i], perm[0]
			} else {
				perm[c[i]], perm[i] = perm[i], perm[c[i]]
			}
			eval()
			c[i]++
			i = 0
		} else {
			c[i] = 0
			i++
		}
	}
	return best
}

// maxCost is max_ij |x_i − y_j|^p, the size of the terms of a transport cost.
func maxCost(x, y []float64, p float64) float64 {
	m := 0.0
	for _, u := range x {
		for _, v := range y {
			m = max(m, math.Pow(math.Abs(u-v), p))
		}
	}
	return m
}

func TestWppTable(t *testing.T) {
	tests := []struct {
		name       string
		x, a, y, b []float64
		p, want    float64
	}{
		{"dirac to dirac p=1", []float64{0}, []float64{1}, []float64{3}, []float64{1}, 1, 3},
		{"dirac to dirac p=2", []float64{0}, []float64{1}, []float64{3}, []float64{1}, 2, 9},
		{"dirac to dirac p=3", []float64{-1}, []float64{1}, []float64{1}, []float64{1}, 3, 8},
		{"identical", []float64{2, 0, 1}, []float64{0.25, 0.5, 0.25}, []float64{0, 1, 2}, []float64{0.5, 0.25, 0.25}, 2, 0},
		// Two points to one: each half travels its own distance.
		{"split dirac", []float64{0, 1}, []float64{0.5, 0.5}, []float64{0}, []float64{1}, 2, 0.5},
		// Uniform on {0,1} to uniform on {2,3}: shift by 2 at every u.
		{"shift p=2", []float64{1, 0}, uniform(2), []float64{3, 2}, uniform(2), 2, 4},
		{"shift p=1.5", []float64{1, 0}, uniform(2), []float64{3, 2}, uniform(2), 1.5, math.Pow(2, 1.5)},
		// Sorted matching beats the crossed one ([P]'s two-point example):
		// x = (0, 2), y = (1, 3): sorted cost (1+1)/2 = 1 for p = 2.
		{"two points sorted", []float64{2, 0}, uniform(2), []float64{1, 3}, uniform(2), 2, 1},
		// Unequal masses: α = .75δ0 + .25δ1, β = .25δ0 + .75δ1, the mass .5
		// on u ∈ (.25,.75] moves from 0 to 1.
		{"unequal masses", []float64{0, 1}, []float64{0.75, 0.25}, []float64{0, 1}, []float64{0.25, 0.75}, 3, 0.5},
		// Zero weights at far points are ignored.
		{"zero weight far atoms", []float64{0, 1e6}, []float64{1, 0}, []float64{-1e6, 1}, []float64{0, 1}, 2, 1},
		// Ties inside one measure.
		{"ties", []float64{1, 1, 0}, []float64{0.25, 0.25, 0.5}, []float64{0, 0, 1}, []float64{0.25, 0.25, 0.5}, 1, 0},
		// Different sizes: uniform on 3 points vs 2 points.
		// F^{-1} = 0,1,2 on thirds; G^{-1} = 0 on (0,½], 3 on (½,1]:
		// ∫ |·|² = (1/3)·0 + (1/6)·1 + (1/6)·4 + (1/3)·1 = 7/6.
		{"3 vs 2 points", []float64{0, 1, 2}, uniform(3), []float64{0, 3}, uniform(2), 2, 7.0 / 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Wpp(tc.x, tc.a, tc.y, tc.b, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			scale := max(maxCost(tc.x, tc.y, tc.p), 1)
			if !numerics.Close(got, tc.want, 1e-15, scale, 0) {
				t.Fatalf("Wpp = %.17g, want %.17g", got, tc.want)
			}
			// Symmetric in the two measures.
			rev, err := Wpp(tc.y, tc.b, tc.x, tc.a, tc.p)
			if err != nil || rev != got {
				t.Fatalf("Wpp(β, α) = %.17g (%v), Wpp(α, β) = %.17g", rev, err, got)
			}
		})
	}
}

// TestWppSortedMatchingBruteForce: claim ot1d.sorted-matching-optimal —
// for equal-mass points the value equals the minimum over all permutations.
func TestWppSortedMatchingBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 7).Draw(t, "n")
		x := genPoints(t, n, "x")
		y := genPoints(t, n, "y")
		p := rapid.SampledFrom([]float64{1, 1.5, 2, 3}).Draw(t, "p")
		got, err := Wpp(x, uniform(n), y, uniform(n), p)
		if err != nil {
			t.Fatal(err)
		}
		want := bruteForceMatching(x, y, p)
		if !numerics.Close(got, want, rtolSum, maxCost(x, y, p), 0) {
			t.Fatalf("Wpp = %.17g, brute force over %d! permutations = %.17g", got, n, want)
		}
	})
}

// TestWppWeightedBruteForce: weights c_i/N with integer counts expand into
// N equal atoms, where brute force over permutations is the ground truth
// (covers unequal weights, zero weights, n ≠ m).
func TestWppWeightedBruteForce(t *testing.T) {
	genCounts := func(t *rapid.T, label string, N int) []int {
		k := rapid.IntRange(1, N).Draw(t, label+"-atoms")
		c := make([]int, k)
		c[0] = 1
		for range N - 1 {
			c[rapid.IntRange(0, k-1).Draw(t, label+"-slot")]++
		}
		return c
	}
	expand := func(x []float64, c []int) []float64 {
		var out []float64
		for i, ci := range c {
			for range ci {
				out = append(out, x[i])
			}
		}
		return out
	}
	rapid.Check(t, func(t *rapid.T) {
		N := rapid.IntRange(1, 7).Draw(t, "N")
		ca, cb := genCounts(t, "a", N), genCounts(t, "b", N)
		x := genPoints(t, len(ca), "x")
		y := genPoints(t, len(cb), "y")
		a := make([]float64, len(ca))
		for i, c := range ca {
			a[i] = float64(c) / float64(N)
		}
		b := make([]float64, len(cb))
		for i, c := range cb {
			b[i] = float64(c) / float64(N)
		}
		p := rapid.SampledFrom([]float64{1, 1.25, 2, 4}).Draw(t, "p")
		got, err := Wpp(x, a, y, b, p)
		if err != nil {
			t.Fatal(err)
		}
		want := bruteForceMatching(expand(x, ca), expand(y, cb), p)
		if !numerics.Close(got, want, rtolSum, maxCost(x, y, p), 0) {
			t.Fatalf("Wpp = %.17g, brute force on %d expanded atoms = %.17g", got, N, want)
		}
	})
}

// naiveQuantile is min{x_i : Σ_{x_k ≤ x_i} w_k ≥ u} by a linear scan over
// all atoms for each candidate, O(n²): the plain version of Quantile.
func naiveQuantile(x, w []float64, u float64) float64 {
	best := math.Inf(1)
	lastPos := math.Inf(-1)
	for i := range x {
		F := 0.0
		for k := range x {
			if x[k] <= x[i] {
				F += w[k]
			}
		}
		if F >= u && x[i] < best {
			best = x[i]
		}
		if w[i] > 0 {
			lastPos = max(lastPos, x[i])
		}
	}
	if math.IsInf(best, 1) {
		return lastPos
	}
	return best
}

// TestWppQuantileIntegral compares with the quantile integral evaluated
// independently: the breakpoints of both CDFs are collected and sorted, and
// on each interval both quantiles are evaluated at the midpoint by the naive
// scan (n ≠ m, random non-dyadic weights, zero weights, ties).
func TestWppQuantileIntegral(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 15).Draw(t, "n")
		m := rapid.IntRange(1, 15).Draw(t, "m")
		x, a := genPoints(t, n, "x"), genWeights(t, n, "a")
		y, b := genPoints(t, m, "y"), genWeights(t, m, "b")
		p := rapid.SampledFrom([]float64{1, 2, 2.5}).Draw(t, "p")
		got, err := Wpp(x, a, y, b, p)
		if err != nil {
			t.Fatal(err)
		}
		cdfAt := func(x, w []float64) []float64 {
			var out []float64
			for i := range x {
				F := 0.0
				for k := range x {
					if x[k] <= x[i] {
						F += w[k]
					}
				}
				out = append(out, F)
			}
			return out
		}
		bp := append(append([]float64{0, 1}, cdfAt(x, a)...), cdfAt(y, b)...)
		slices.Sort(bp)
		want := 0.0
		for k := 1; k < len(bp); k++ {
			lo, hi := bp[k-1], min(bp[k], 1)
			if hi <= lo {
				continue
			}
			u := (lo + hi) / 2
			want += (hi - lo) * math.Pow(math.Abs(naiveQuantile(x, a, u)-naiveQuantile(y, b, u)), p)
		}
		// Breakpoints that differ by rounding only (≈1e-16) may create
		// slivers evaluated on either side: the error is bounded by a few
		// ulps times the largest term.
		if !numerics.Close(got, want, 1e-12, maxCost(x, y, p), 0) {
			t.Fatalf("Wpp = %.17g, quantile integral = %.17g", got, want)
		}
	})
}

// TestWppGaussianQuantiles: claim ot1d.gaussian-closed-form on the
// discretised quantile functions z_k = Φ^{-1}((k − ½)/n): for atoms
// m + s z_k with weight 1/n, W2² = (m1−m2)² + 2(m1−m2)(s1−s2) z̄ + (s1−s2)² mean(z²)
// exactly (the sorted orders agree), and the Gaussian value
// (m1−m2)² + (s1−s2)² in the limit (mean(z²) = 1 − O(log n/n)).
func TestWppGaussianQuantiles(t *testing.T) {
	const n = 2000
	z := make([]float64, n)
	for k := range z {
		z[k] = distuv.UnitNormal.Quantile((float64(k) + 0.5) / n)
	}
	var zbar, z2 float64
	for _, v := range z {
		zbar += v / n
		z2 += v * v / n
	}
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name           string
		m1, s1, m2, s2 float64
	}{
		{"same", 0, 1, 0, 1},
		{"shift", 0, 1, 3, 1},
		{"scale", 0, 1, 0, 2.5},
		{"both", -1, 0.5, 2, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, y := make([]float64, n), make([]float64, n)
			for k := range z {
				x[k] = tc.m1 + tc.s1*z[k]
				y[k] = tc.m2 + tc.s2*z[k]
			}
			rng.Shuffle(n, func(i, j int) { x[i], x[j] = x[j], x[i] })
			rng.Shuffle(n, func(i, j int) { y[i], y[j] = y[j], y[i] })
			got, err := Wpp(x, uniform(n), y, uniform(n), 2)
			if err != nil {
				t.Fatal(err)
			}
			dm, ds := tc.m1-tc.m2, tc.s1-tc.s2
			exact := dm*dm + 2*dm*ds*zbar + ds*ds*z2
			scale := dm*dm + ds*ds*z2 + 1
			if !numerics.Close(got, exact, rtolSum, scale, 0) {
				t.Fatalf("Wpp = %.17g, discretised closed form %.17g", got, exact)
			}
			// 1 − mean(z²) ≈ 2.6e-3 at n = 2000; allow 5e-3 relative.
			if gauss := dm*dm + ds*ds; !numerics.Close(got, gauss, 5e-3, scale, 0) {
				t.Fatalf("Wpp = %.17g, Gaussian W2² = %.17g", got, gauss)
			}
		})
	}
}

// TestQuantileCoupling: claim ot1d.quantile-coupling-optimal — the coupling
// is a feasible plan (marginals a/Σa, b/Σb in original indices) whose cost is
// the value of Wpp, and it is monotone (no crossing pairs).
func TestQuantileCoupling(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "n")
		m := rapid.IntRange(1, 12).Draw(t, "m")
		x, a := genPoints(t, n, "x"), genWeights(t, n, "a")
		y, b := genPoints(t, m, "y"), genWeights(t, m, "b")
		plan, err := QuantileCoupling(x, a, y, b)
		if err != nil {
			t.Fatal(err)
		}
		if len(plan) > n+m-1 {
			t.Fatalf("%d entries, want ≤ n+m−1 = %d", len(plan), n+m-1)
		}
		row, col := make([]float64, n), make([]float64, m)
		cost := 0.0
		for _, e := range plan {
			if e.Mass <= 0 {
				t.Fatalf("entry %+v has nonpositive mass", e)
			}
			row[e.I] += e.Mass
			col[e.J] += e.Mass
			d := x[e.I] - y[e.J]
			cost += e.Mass * d * d
		}
		// Marginal error: each row sum telescopes breakpoint differences,
		// exact to a few ulps of 1.
		for i := range row {
			if math.Abs(row[i]-a[i]) > 1e-14 {
				t.Fatalf("row %d sums to %.17g, want a = %.17g", i, row[i], a[i])
			}
		}
		for j := range col {
			if math.Abs(col[j]-b[j]) > 1e-14 {
				t.Fatalf("column %d sums to %.17g, want b = %.17g", j, col[j], b[j])
			}
		}
		w, err := Wpp(x, a, y, b, 2)
		if err != nil {
			t.Fatal(err)
		}
		if !numerics.Close(cost, w, rtolSum, maxCost(x, y, 2), 0) {
			t.Fatalf("coupling cost %.17g != Wpp %.17g", cost, w)
		}
		for k := 1; k < len(plan); k++ {
			if x[plan[k].I] < x[plan[k-1].I] || y[plan[k].J] < y[plan[k-1].J] {
				t.Fatalf("entries %d and %d cross: %+v %+v", k-1, k, plan[k-1], plan[k])
			}
		}
	})
}

func TestMonotoneMapTable(t *testing.T) {
	tests := []struct {
		name       string
		x, a, y, b []float64
		want       []float64 // nil: ErrNoMap expected
	}{
		{"4 to 2", []float64{3, 0, 2, 1}, uniform(4), []float64{10, 5}, uniform(2), []float64{10, 5, 10, 5}},
		{"2 to 4 splits", []float64{0, 1}, uniform(2), []float64{0, 1, 2, 3}, uniform(4), nil},
		{"identity", []float64{2, 1}, []float64{0.25, 0.75}, []float64{1, 2}, []float64{0.75, 0.25}, []float64{2, 1}},
		{"ties are one value", []float64{0, 0}, uniform(2), []float64{1, 2}, uniform(2), nil},
		{"ties to one", []float64{0, 0, 1}, []float64{0.25, 0.25, 0.5}, []float64{7, 9}, uniform(2), []float64{7, 7, 9}},
		{"zero weight atom", []float64{0, 0.5, 1, -1}, []float64{0.5, 0, 0.5, 0}, []float64{4, 6}, uniform(2), []float64{4, 4, 6, 4}},
		{"thirds", []float64{0, 1, 2}, []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}, []float64{5, 6}, []float64{2.0 / 3, 1.0 / 3}, []float64{5, 5, 6}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MonotoneMap(tc.x, tc.a, tc.y, tc.b)
			if tc.want == nil {
				if !errors.Is(err, ErrNoMap) || errors.Is(err, numerics.ErrInvalid) {
					t.Fatalf("err = %v, want ErrNoMap", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("T = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestMonotoneMapPushforward: claim ot1d.monotone-map — with β = φ♯α for a
// nondecreasing φ (so a map exists), T is nondecreasing and T♯α = β.
func TestMonotoneMapPushforward(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "n")
		x, a := genPoints(t, n, "x"), genWeights(t, n, "a")
		step := rapid.Float64Range(0.5, 4).Draw(t, "step")
		phi := func(v float64) float64 { return math.Floor(v/step) * step * 2 }
		// β: the images with their weights, merged, in shuffled order.
		byVal := map[float64]float64{}
		for i := range x {
			byVal[phi(x[i])] += a[i]
		}
		var y, b []float64
		for v := range byVal {
			y = append(y, v)
		}
		slices.Sort(y)
		for _, v := range y {
			b = append(b, byVal[v])
		}
		T, err := MonotoneMap(x, a, y, b)
		if err != nil {
			t.Fatal(err)
		}
		push := map[float64]float64{}
		for i := range x {
			if a[i] > 0 && T[i] != phi(x[i]) {
				t.Fatalf("T(%v) = %v, want φ = %v", x[i], T[i], phi(x[i]))
			}
			push[T[i]] += a[i]
			for k := range x {
				if x[k] < x[i] && T[k] > T[i] {
					t.Fatalf("T decreases: T(%v) = %v > T(%v) = %v", x[k], T[k], x[i], T[i])
				}
			}
		}
		for j, v := range y {
			if math.Abs(push[v]-b[j]) > 1e-14 {
				t.Fatalf("T♯α(%v) = %v, β = %v", v, push[v], b[j])
			}
		}
	})
}

func TestWppInvalid(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name       string
		x, a, y, b []float64
		p          float64
	}{
		{"empty source", nil, nil, []float64{0}, []float64{1}, 2},
		{"empty target", []float64{0}, []float64{1}, []float64{}, []float64{}, 2},
		{"length mismatch", []float64{0, 1}, []float64{1}, []float64{0}, []float64{1}, 2},
		{"NaN point", []float64{nan}, []float64{1}, []float64{0}, []float64{1}, 2},
		{"Inf point", []float64{0}, []float64{1}, []float64{inf}, []float64{1}, 2},
		{"negative weight", []float64{0, 1}, []float64{1.5, -0.5}, []float64{0}, []float64{1}, 2},
		{"NaN weight", []float64{0, 1}, []float64{nan, 1}, []float64{0}, []float64{1}, 2},
		{"Inf weight", []float64{0, 1}, []float64{inf, 1}, []float64{0}, []float64{1}, 2},
		{"mass not 1", []float64{0, 1}, []float64{0.5, 0.4}, []float64{0}, []float64{1}, 2},
		{"mass 2 both", []float64{0}, []float64{2}, []float64{0}, []float64{2}, 2},
		{"all zero weights", []float64{0}, []float64{0}, []float64{0}, []float64{1}, 2},
		{"p < 1", []float64{0}, []float64{1}, []float64{0}, []float64{1}, 0.5},
		{"p NaN", []float64{0}, []float64{1}, []float64{0}, []float64{1}, nan},
		{"p Inf", []float64{0}, []float64{1}, []float64{0}, []float64{1}, inf},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Wpp(tc.x, tc.a, tc.y, tc.b, tc.p); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("Wpp err = %v, want ErrInvalid", err)
			}
			if tc.p == 2 {
				if _, err := QuantileCoupling(tc.x, tc.a, tc.y, tc.b); !errors.Is(err, numerics.ErrInvalid) {
					t.Fatalf("QuantileCoupling err = %v, want ErrInvalid", err)
				}
				if _, err := MonotoneMap(tc.x, tc.a, tc.y, tc.b); !errors.Is(err, numerics.ErrInvalid) {
					t.Fatalf("MonotoneMap err = %v, want ErrInvalid", err)
				}
			}
		})
	}
}

func TestWppOverflow(t *testing.T) {
	_, err := Wpp([]float64{1e308}, []float64{1}, []float64{-1e308}, []float64{1}, 1)
	if !errors.Is(err, ErrOverflow) || errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("err = %v, want ErrOverflow", err)
	}
	// Zero-weight atoms far away do not overflow.
	got, err := Wpp([]float64{1e308, 0}, []float64{0, 1}, []float64{-1e308, 1}, []float64{0, 1}, 2)
	if err != nil || got != 1 {
		t.Fatalf("Wpp = %v, %v; want 1", got, err)
	}
}

// TestNoPanic feeds arbitrary floats (NaN, ±Inf, huge, negative) and
// shapes: the functions must return a value or an error, never panic or
// return NaN.
func TestNoPanic(t *testing.T) {
	special := rapid.SampledFrom([]float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, -1, 1, 0.5, 1e308, -1e308, 5e-324})
	anyFloat := rapid.OneOf(special, rapid.Float64())
	rapid.Check(t, func(t *rapid.T) {
		x := rapid.SliceOfN(anyFloat, 0, 4).Draw(t, "x")
		a := rapid.SliceOfN(anyFloat, 0, 4).Draw(t, "a")
		y := rapid.SliceOfN(anyFloat, 0, 4).Draw(t, "y")
		b := rapid.SliceOfN(anyFloat, 0, 4).Draw(t, "b")
		p := anyFloat.Draw(t, "p")
		u := anyFloat.Draw(t, "u")
		if v, err := Wpp(x, a, y, b, p); err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("Wpp returned %v without error", v)
		}
		if v, err := Quantile(x, a, u); err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("Quantile returned %v without error", v)
		}
		_, _ = QuantileCoupling(x, a, y, b)
		_, _ = MonotoneMap(x, a, y, b)
		_, _ = Quantiles(x, a, []float64{u})
	})
}
