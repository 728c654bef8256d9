package ot1d

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"pgregory.net/rapid"

	"github.com/otverify/otverify/numerics"
)

func TestQuantileTable(t *testing.T) {
	// Sorted: 1 (.5), 2 (.25), 3 (.25); F = .5, .75, 1 (dyadic: exact).
	x := []float64{3, 1, 2}
	a := []float64{0.25, 0.5, 0.25}
	tenth := make([]float64, 10)
	for i := range tenth {
		tenth[i] = 0.1
	}
	xs10 := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	tests := []struct {
		name string
		x, a []float64
		u    float64
		want float64
	}{
		{"below first jump", x, a, 0.25, 1},
		{"at first jump (exact)", x, a, 0.5, 1},
		{"just above first jump", x, a, math.Nextafter(0.5, 1), 2},
		{"at second jump", x, a, 0.75, 2},
		{"above second jump", x, a, 0.76, 3},
		{"u = 1", x, a, 1, 3},
		{"u = 0 is the left end of the support", x, a, 0, 1},
		{"tiny u", x, a, 5e-324, 1},
		{"zero weight never returned", []float64{0, 1, 2}, []float64{0.5, 0, 0.5}, 0.5000001, 2},
		{"leading zero weight at u = 0", []float64{-5, 0, 1}, []float64{0, 0.5, 0.5}, 0, 0},
		{"leading zero weight, tiny u", []float64{-5, 0, 1}, []float64{0, 0.5, 0.5}, 1e-300, 0},
		{"trailing zero weight at u = 1", []float64{0, 1, 9}, []float64{0.5, 0.5, 0}, 1, 1},
		// 0.1 summed ten times is 0.9999999999999999 (naively); the
		// compensated sum is 1. Either way, a level above the last
		// cumulative value must give the largest positive-weight atom.
		{"rounding rule", append(xs10, 10), append(tenth, 0), math.Nextafter(1, 0), 9},
		{"ties", []float64{2, 1, 2, 1}, []float64{0.25, 0.25, 0.25, 0.25}, 0.5, 1},
		{"ties above", []float64{2, 1, 2, 1}, []float64{0.25, 0.25, 0.25, 0.25}, 0.6, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Quantile(tc.x, tc.a, tc.u)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("F^{-1}(%v) = %v, want %v", tc.u, got, tc.want)
			}
		})
	}
}

// TestQuantileRoundingRule builds a measure whose cumulative sum falls
// short of 1 by rounding (within MassTol): above F(max x) the largest atom
// of positive weight must be returned, never a zero-weight one.
func TestQuantileRoundingRule(t *testing.T) {
	a := []float64{0.5, 0.5 - 4e-10, 0}
	x := []float64{0, 1, 2}
	m, err := NewMeasure(x, a)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []float64{1 - 4e-10, 1 - 1e-10, 1} {
		q, err := m.Quantile(u)
		if err != nil || q != 1 {
			t.Fatalf("F^{-1}(%v) = %v (%v), want 1", u, q, err)
		}
	}
}

// TestQuantileMatchesNaive: the binary search equals the O(n²) scan of the
// definition min{x_i : F(x_i) ≥ u} at random levels and at the CDF jumps
// themselves (dyadic weights, so the jumps are exact).
func TestQuantileMatchesNaive(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "n")
		x := genPoints(t, n, "x")
		c := rapid.SliceOfN(rapid.IntRange(0, 5), n, n).Draw(t, "counts")
		c[0]++ // at least one positive weight
		N := 0
		for _, v := range c {
			N += v
		}
		// Dyadic weights: counts over a power of two, padded by a last
		// atom carrying the remainder.
		const D = 64
		a := make([]float64, n+1)
		for i, v := range c {
			a[i] = float64(v) / D
		}
		if N > D {
			t.Skip("too much mass")
		}
		a[n] = float64(D-N) / D
		x = append(x, rapid.Float64Range(-10, 10).Draw(t, "xlast"))
		m, err := NewMeasure(x, a)
		if err != nil {
			t.Fatal(err)
		}
		levels := []float64{rapid.Float64Range(0, 1).Draw(t, "u")}
		for k := 1; k <= D; k++ {
			levels = append(levels, float64(k)/D)
		}
		for _, u := range levels {
			if u == 0 {
				continue
			}
			got, err := m.Quantile(u)
			if err != nil {
				t.Fatal(err)
			}
			if want := naiveQuantile(x, a, u); got != want {
				t.Fatalf("F^{-1}(%v) = %v, naive %v", u, got, want)
			}
			// F(F^{-1}(u)) ≥ u, and F just below F^{-1}(u) is < u.
			if q := got; m.CDF(q) < u || m.CDF(math.Nextafter(q, math.Inf(-1))) >= u {
				t.Fatalf("u = %v: F(q) = %v, F(q−) = %v", u, m.CDF(q), m.CDF(math.Nextafter(q, math.Inf(-1))))
			}
		}
	})
}

// TestInverseTransformGrid: claim ot1d.inverse-transform — on the grid
// u_k = (k − ½)/N, the frequency of each atom equals its weight within 1/N.
func TestInverseTransformGrid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 10).Draw(t, "n")
		x := rapid.SliceOfNDistinct(rapid.Float64Range(-5, 5), n, n, func(v float64) float64 { return v }).Draw(t, "x")
		a := genWeights(t, n, "a")
		const N = 4096
		u := make([]float64, N)
		for k := range u {
			u[k] = (float64(k) + 0.5) / N
		}
		q, err := Quantiles(x, a, u)
		if err != nil {
			t.Fatal(err)
		}
		count := map[float64]int{}
		for _, v := range q {
			count[v]++
		}
		for i := range x {
			if f := float64(count[x[i]]) / N; math.Abs(f-a[i]) > 1.0/N+1e-15 {
				t.Fatalf("atom %v: frequency %v, weight %v", x[i], f, a[i])
			}
		}
	})
}

// TestSample: inverse transform sampling with a seeded source reproduces the
// weights (binomial counts within 5 standard deviations: false-alarm rate
// below 1e-6 per atom) and is deterministic for a given seed.
func TestSample(t *testing.T) {
	x := []float64{-1, 4, 2, 0}
	a := []float64{0.1, 0.2, 0.3, 0.4}
	const N = 200000
	s1, err := Sample(rand.New(rand.NewPCG(7, 8)), x, a, N)
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := Sample(rand.New(rand.NewPCG(7, 8)), x, a, N)
	count := map[float64]int{}
	for k, v := range s1 {
		if v != s2[k] {
			t.Fatal("same seed, different samples")
		}
		count[v]++
	}
	for i := range x {
		sd := math.Sqrt(N * a[i] * (1 - a[i]))
		if d := math.Abs(float64(count[x[i]]) - N*a[i]); d > 5*sd {
			t.Fatalf("atom %v: %d draws, expected %v ± %v", x[i], count[x[i]], N*a[i], sd)
		}
	}
	if _, err := Sample(nil, x, a, 1); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("nil rng: err = %v", err)
	}
	if _, err := Sample(rand.New(rand.NewPCG(1, 1)), x, a, -1); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("negative count: err = %v", err)
	}
}

func TestQuantileInvalid(t *testing.T) {
	x, a := []float64{0, 1}, []float64{0.5, 0.5}
	for _, u := range []float64{-0.1, 1.1, math.NaN(), math.Inf(1)} {
		if _, err := Quantile(x, a, u); !errors.Is(err, numerics.ErrInvalid) {
			t.Fatalf("u = %v: err = %v, want ErrInvalid", u, err)
		}
		if _, err := Quantiles(x, a, []float64{0.5, u}); !errors.Is(err, numerics.ErrInvalid) {
			t.Fatalf("batch u = %v: err = %v, want ErrInvalid", u, err)
		}
	}
	if _, err := Quantile(x, []float64{0.5, 0.6}, 0.5); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("mass 1.1: err = %v, want ErrInvalid", err)
	}
}

func TestCDF(t *testing.T) {
	m, err := NewMeasure([]float64{3, 1, 2, 2}, []float64{0.25, 0.5, 0.125, 0.125})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ t, want float64 }{{0.5, 0}, {1, 0.5}, {1.5, 0.5}, {2, 0.75}, {2.5, 0.75}, {3, 1}, {100, 1}} {
		if got := m.CDF(tc.t); got != tc.want {
			t.Fatalf("F(%v) = %v, want %v", tc.t, got, tc.want)
		}
	}
	if m.Len() != 4 || m.Total() != 1 {
		t.Fatalf("Len %d Total %v", m.Len(), m.Total())
	}
}
