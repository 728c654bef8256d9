package sliced

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"pgregory.net/rapid"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/ot1d"
)

// rtol is the tolerance relative to the largest squared gap between
// projections (the size of the terms): projections are d-term dot products
// and the sums are compensated, so a few ulps times d; 1e-12 is a wide
// margin for d ≤ 5.
const rtol = 1e-12

// genCloud draws n points in R^d, row-major, with coordinates in [−5, 5],
// half the time on a coarse grid so that projections tie.
func genCloud(t *rapid.T, n, d int, label string) []float64 {
	if rapid.Bool().Draw(t, label+"-grid") {
		ints := rapid.SliceOfN(rapid.IntRange(-2, 2), n*d, n*d).Draw(t, label)
		x := make([]float64, n*d)
		for i, v := range ints {
			x[i] = float64(v)
		}
		return x
	}
	return rapid.SliceOfN(rapid.Float64Range(-5, 5), n*d, n*d).Draw(t, label)
}

// genDirections draws L unit directions in R^d from a seeded source.
func genDirections(t *rapid.T, L, d int) []float64 {
	seed := rapid.Uint64().Draw(t, "seed")
	theta, err := Directions(rand.New(rand.NewPCG(seed, 1)), L, d)
	if err != nil {
		t.Fatal(err)
	}
	return theta
}

// scaleOf is the size of the terms: the largest squared distance between
// any two points of x ∪ y (an upper bound on every squared gap).
func scaleOf(x, y []float64, d int) float64 {
	all := append(append([]float64(nil), x...), y...)
	m := 0.0
	for i := 0; i < len(all)/d; i++ {
		for j := 0; j < i; j++ {
			s := 0.0
			for k := range d {
				g := all[i*d+k] - all[j*d+k]
				s += g * g
			}
			m = max(m, s)
		}
	}
	return max(m, 1)
}

// bruteW2 is W_2² between uniform clouds of n points by brute force over
// permutations (Birkhoff: an optimal plan is a permutation).
func bruteW2(x, y []float64, n, d int) float64 {
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	best := math.Inf(1)
	var rec func(k int)
	rec = func(k int) {
		if k == n {
			s := 0.0
			for i, j := range perm {
				for c := range d {
					g := x[i*d+c] - y[j*d+c]
					s += g * g
				}
			}
			best = min(best, s/float64(n))
			return
		}
		for i := k; i < n; i++ {
			perm[k], perm[i] = perm[i], perm[k]
			rec(k + 1)
			perm[k], perm[i] = perm[i], perm[k]
		}
	}
	rec(0)
	return best
}

func TestSlicedW2Table(t *testing.T) {
	s := 1 / math.Sqrt2
	x := []float64{0, 0, 1, 0}
	y := []float64{1, 1, 0, 1}
	tests := []struct {
		name  string
		theta []float64
		want  float64
	}{
		// Projections on e1 agree as sets: 0.
		{"e1", []float64{1, 0}, 0},
		// On e2 every gap is 1.
		{"e2", []float64{0, 1}, 1},
		{"-e2", []float64{0, -1}, 1},
		// On the diagonal: {0, s} vs {s, 2s}, gaps s: W2² = ½.
		{"diagonal", []float64{s, s}, 0.5},
		{"mean of three", []float64{1, 0, 0, 1, s, s}, 0.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SlicedW2(x, y, 2, 2, tc.theta, len(tc.theta)/2)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tc.want) > 1e-15 {
				t.Fatalf("SW = %.17g, want %.17g", got, tc.want)
			}
		})
	}
}

// TestOneDimensional: claim sliced.one-dimensional — in d = 1 with θ = ±1
// the value is W_2², here computed by ot1d.Wpp (CDF merge, an independent
// algorithm).
func TestOneDimensional(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "n")
		x, y := genCloud(t, n, 1, "x"), genCloud(t, n, 1, "y")
		theta := []float64{rapid.SampledFrom([]float64{1, -1}).Draw(t, "sign")}
		got, err := SlicedW2(x, y, n, 1, theta, 1)
		if err != nil {
			t.Fatal(err)
		}
		w := make([]float64, n)
		for i := range w {
			w[i] = 1 / float64(n)
		}
		want, err := ot1d.Wpp(x, w, y, w, 2)
		if err != nil {
			t.Fatal(err)
		}
		if !numerics.Close(got, want, rtol, scaleOf(x, y, 1), 0) {
			t.Fatalf("SW = %.17g, W2² = %.17g", got, want)
		}
	})
}

// TestLowerBound: claim sliced.lower-bound — SW_2² ≤ W_2² (brute force).
func TestLowerBound(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 6).Draw(t, "n")
		d := rapid.IntRange(2, 4).Draw(t, "d")
		L := rapid.IntRange(1, 20).Draw(t, "L")
		x, y := genCloud(t, n, d, "x"), genCloud(t, n, d, "y")
		got, err := SlicedW2(x, y, n, d, genDirections(t, L, d), L)
		if err != nil {
			t.Fatal(err)
		}
		if w := bruteW2(x, y, n, d); got > w+rtol*scaleOf(x, y, d) {
			t.Fatalf("SW = %.17g > W2² = %.17g", got, w)
		}
	})
}

// householder applies I − 2vvᵀ/‖v‖² to each row of the row-major matrix m.
func householder(m []float64, v []float64) []float64 {
	d := len(v)
	vv := 0.0
	for _, c := range v {
		vv += c * c
	}
	out := make([]float64, len(m))
	for i := 0; i < len(m)/d; i++ {
		row := m[i*d : (i+1)*d]
		dot := 0.0
		for k := range d {
			dot += row[k] * v[k]
		}
		for k := range d {
			out[i*d+k] = row[k] - 2*dot/vv*v[k]
		}
	}
	return out
}

// TestRotationInvariance: claim sliced.rotation-invariance — applying one
// orthogonal map (a product of Householder reflections) to x, y and every θ
// leaves the value unchanged.
func TestRotationInvariance(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 20).Draw(t, "n")
		d := rapid.IntRange(1, 5).Draw(t, "d")
		L := rapid.IntRange(1, 10).Draw(t, "L")
		x, y := genCloud(t, n, d, "x"), genCloud(t, n, d, "y")
		theta := genDirections(t, L, d)
		before, err := SlicedW2(x, y, n, d, theta, L)
		if err != nil {
			t.Fatal(err)
		}
		for r := range rapid.IntRange(1, 3).Draw(t, "reflections") {
			v := rapid.SliceOfN(rapid.Float64Range(-1, 1), d, d).Draw(t, "v")
			if norm(v) < 0.1 {
				v[r%d] = 1
			}
			x, y, theta = householder(x, v), householder(y, v), householder(theta, v)
		}
		after, err := SlicedW2(x, y, n, d, theta, L)
		if err != nil {
			t.Fatal(err)
		}
		// The rotated coordinates carry rounding of a few ulps of the
		// largest coordinate, which moves each projection by as much.
		if !numerics.Close(after, before, 1e-11, scaleOf(x, y, d), 0) {
			t.Fatalf("SW before %.17g, after rotation %.17g", before, after)
		}
	})
}

func TestDirections(t *testing.T) {
	const L, d = 20000, 3
	theta, err := Directions(rand.New(rand.NewPCG(5, 6)), L, d)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Directions(rand.New(rand.NewPCG(5, 6)), L, d)
	var second [d][d]float64
	for l := range L {
		th := theta[l*d : (l+1)*d]
		if math.Abs(norm(th)-1) > 4e-16 {
			t.Fatalf("direction %d has norm %.17g", l, norm(th))
		}
		for i := range d {
			if th[i] != again[l*d+i] {
				t.Fatal("same seed, different directions")
			}
			for j := range d {
				second[i][j] += th[i] * th[j] / L
			}
		}
	}
	// Uniform on the sphere: E[θθᵀ] = I/d. Each entry averages L terms of
	// variance ≤ 1/d² (diagonal: 2/(d²(d+2)) for the sphere); 6 standard
	// deviations ≈ 0.016: false-alarm rate below 1e-8 per entry.
	for i := range d {
		for j := range d {
			want := 0.0
			if i == j {
				want = 1.0 / d
			}
			if math.Abs(second[i][j]-want) > 6/(d*math.Sqrt(L)) {
				t.Fatalf("E[θθᵀ][%d][%d] = %.4f, want %.4f", i, j, second[i][j], want)
			}
		}
	}
	if _, err := Directions(nil, 1, 1); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("nil rng: err = %v", err)
	}
	if _, err := Directions(rand.New(rand.NewPCG(1, 1)), 0, 2); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("L = 0: err = %v", err)
	}
}

func TestSlicedW2Invalid(t *testing.T) {
	x := []float64{0, 0, 1, 1}
	e1 := []float64{1, 0}
	tests := []struct {
		name        string
		x, y        []float64
		n, d        int
		theta       []float64
		L           int
		wantOverflw bool
	}{
		{"n = 0", nil, nil, 0, 2, e1, 1, false},
		{"d = 0", x, x, 2, 0, e1, 1, false},
		{"L = 0", x, x, 2, 2, nil, 0, false},
		{"len(x) ≠ n·d", x[:3], x, 2, 2, e1, 1, false},
		{"len(y) ≠ n·d", x, append(x, 1), 2, 2, e1, 1, false},
		{"unequal sizes", x, x[:2], 2, 2, e1, 1, false},
		{"len(theta) ≠ L·d", x, x, 2, 2, []float64{1, 0, 1}, 2, false},
		{"NaN point", []float64{0, math.NaN(), 1, 1}, x, 2, 2, e1, 1, false},
		{"Inf point", x, []float64{0, 0, math.Inf(1), 1}, 2, 2, e1, 1, false},
		{"NaN direction", x, x, 2, 2, []float64{math.NaN(), 0}, 1, false},
		{"norm 1 + 2e-12", x, x, 2, 2, []float64{1 + 2e-12, 0}, 1, false},
		{"norm 2", x, x, 2, 2, []float64{2, 0}, 1, false},
		{"zero direction", x, x, 2, 2, []float64{0, 0}, 1, false},
		{"overflow", []float64{1e308, 0, 0, 0}, []float64{-1e308, 0, 0, 0}, 2, 2, e1, 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SlicedW2(tc.x, tc.y, tc.n, tc.d, tc.theta, tc.L)
			if tc.wantOverflw {
				if !errors.Is(err, ErrOverflow) || errors.Is(err, numerics.ErrInvalid) {
					t.Fatalf("err = %v, want ErrOverflow", err)
				}
				return
			}
			if !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
	// Within the tolerance is accepted.
	if _, err := SlicedW2(x, x, 2, 2, []float64{1 + 5e-13, 0}, 1); err != nil {
		t.Fatalf("norm 1 + 5e-13 rejected: %v", err)
	}
}

func TestSlicedNoPanic(t *testing.T) {
	special := rapid.SampledFrom([]float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, -1, 1, 1e308, -1e308, 5e-324})
	anyFloat := rapid.OneOf(special, rapid.Float64())
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(-1, 3).Draw(t, "n")
		d := rapid.IntRange(-1, 3).Draw(t, "d")
		L := rapid.IntRange(-1, 3).Draw(t, "L")
		x := rapid.SliceOfN(anyFloat, 0, 9).Draw(t, "x")
		y := rapid.SliceOfN(anyFloat, 0, 9).Draw(t, "y")
		theta := rapid.SliceOfN(anyFloat, 0, 9).Draw(t, "theta")
		if v, err := SlicedW2(x, y, n, d, theta, L); err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("SlicedW2 = %v without error", v)
		}
	})
}
