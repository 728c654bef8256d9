package ot1d_test

// Native Go fuzz targets for the exported functions of package ot1d
// (issue 9): Wpp (and Measure.Wpp), Quantile/Quantiles/NewMeasure/CDF,
// QuantileCoupling, MonotoneMap and Sample. Property: no panic, no hang, no
// NaN or ±Inf without an error (errors wrap numerics.ErrInvalid,
// ErrOverflow or ErrNoMap), and for valid input the answer of an
// independent computation: the exact LP (discrete.EMD on the cost
// |x_i − y_j|^p) for Wpp, the naive definition min{x_i : F(x_i) ≥ u} for
// quantiles, the marginals and the Wpp value for the coupling.
//
// Seeds: testdata/fuzz/FuzzXxx/seed-*, written from fzSeeds by
//
//	go test ./reference/ot1d -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run one target: go test ./reference/ot1d -run '^$' -fuzz '^FuzzWpp$' -fuzztime 60s -parallel 1

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"

	"github.com/otverify/otverify/internal/fuzzseed"
	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/discrete"
	"github.com/otverify/otverify/reference/ot1d"
)

const ulp = 0x1p-52

var nan = math.NaN()

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
	if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, ot1d.ErrOverflow) && !errors.Is(err, ot1d.ErrNoMap) {
		t.Fatalf("%s: error %v wraps none of ErrInvalid, ErrOverflow, ErrNoMap", name, err)
	}
}

// twoMeasures encodes the common input: sizes n, m, weight modes (a: mode%3,
// b: mode/3%3), the p mode (0: 1, 1: 2, 2: 1 + |v|, 3: v), then x, a, y, b, v.
func twoMeasures(n, m int, mode, pmode byte, x, a, y, b []float64, v float64) []byte {
	return fuzzseed.NewEnc().U8(byte(n), byte(m), mode, pmode).F(x...).F(a...).F(y...).F(b...).F(v).Bytes()
}

type input struct {
	x, a, y, b []float64
	p          float64
}

func decodeTwo(data []byte) input {
	d := fuzzseed.NewDec(data)
	n, m, mode, pmode := d.N(0, 7), d.N(0, 7), d.U8(), d.U8()%4
	in := input{x: d.Fs(n)}
	in.a = weights(d.Fs(n), mode%3)
	in.y = d.Fs(m)
	in.b = weights(d.Fs(m), mode/3%3)
	v := d.F()
	switch pmode {
	case 0:
		in.p = 1
	case 1:
		in.p = 2
	case 2:
		in.p = 1 + math.Abs(v)
	default:
		in.p = v
	}
	return in
}

var twoSeeds = []fuzzseed.Seed{
	{Name: "empty", Args: []any{twoMeasures(0, 0, 0, 0, nil, nil, nil, nil, 0)}},
	{Name: "one-point", Args: []any{twoMeasures(1, 1, 0, 1, []float64{3}, []float64{1}, []float64{-2}, []float64{1}, 0)}},
	{Name: "duplicates", Args: []any{twoMeasures(3, 2, 8, 1, []float64{1, 1, 1}, nil, []float64{1, 1}, nil, 0)}},
	{Name: "ties-p1", Args: []any{twoMeasures(2, 2, 8, 0, []float64{0, 1}, nil, []float64{0, 1}, nil, 0)}},
	{Name: "zero-weights", Args: []any{twoMeasures(3, 3, 4, 1, []float64{0, 1, 2}, []float64{0, 1, 0}, []float64{2, 1, 0}, []float64{1, 0, 0}, 0)}},
	{Name: "huge", Args: []any{twoMeasures(2, 2, 8, 1, []float64{1e300, -1e300}, nil, []float64{-1e300, 1e300}, nil, 0)}},
	{Name: "max", Args: []any{twoMeasures(1, 1, 8, 0, []float64{math.MaxFloat64}, nil, []float64{-math.MaxFloat64}, nil, 0)}},
	{Name: "tiny", Args: []any{twoMeasures(2, 2, 4, 1, []float64{1e-300, 5e-324}, []float64{5e-324, 1}, []float64{0, -1e-300}, []float64{1, 1e-300}, 0)}},
	{Name: "far", Args: []any{twoMeasures(2, 2, 8, 2, []float64{0, 1}, nil, []float64{1e6, 1e6 + 1}, nil, 0.5)}},
	{Name: "large-p", Args: []any{twoMeasures(2, 2, 8, 3, []float64{0, 3}, nil, []float64{1, 2}, nil, 1e6)}},
	{Name: "p-below-1", Args: []any{twoMeasures(2, 2, 8, 3, []float64{0, 3}, nil, []float64{1, 2}, nil, 0.5)}},
	{Name: "nan", Args: []any{twoMeasures(2, 2, 8, 1, []float64{nan, 3}, nil, []float64{1, 2}, nil, 0)}},
	{Name: "bad-mass", Args: []any{twoMeasures(2, 2, 0, 1, []float64{0, 3}, []float64{0.5, 0.6}, []float64{1, 2}, []float64{0.5, 0.5}, 0)}},
	{Name: "negative-weight", Args: []any{twoMeasures(2, 1, 0, 1, []float64{0, 3}, []float64{1.5, -0.5}, []float64{1}, []float64{1}, 0)}},
}

var fzSeeds = map[string][]fuzzseed.Seed{
	"FuzzWpp":      twoSeeds,
	"FuzzCoupling": twoSeeds,
	"FuzzQuantile": {
		{Name: "empty", Args: []any{fuzzseed.NewEnc().U8(0, 0, 0).Bytes()}},
		{Name: "one-point", Args: []any{fuzzseed.NewEnc().U8(1, 0, 1).F(2, 1, 0.5).Bytes()}},
		{Name: "dyadic-jump", Args: []any{fuzzseed.NewEnc().U8(3, 0, 3).F(3, 1, 2, 0.25, 0.25, 0.5, 0.25, 0.5, 1).Bytes()}},
		{Name: "duplicates", Args: []any{fuzzseed.NewEnc().U8(3, 2, 2).F(1, 1, 1, 0, 0, 0, 0, 1).Bytes()}},
		{Name: "zero-weights", Args: []any{fuzzseed.NewEnc().U8(3, 0, 3).F(5, 1, 3, 0, 1, 0, 0, 0.5, 1).Bytes()}},
		{Name: "u-outside", Args: []any{fuzzseed.NewEnc().U8(2, 2, 2).F(0, 1, 0, 0, -0.5, 1.5).Bytes()}},
		{Name: "huge", Args: []any{fuzzseed.NewEnc().U8(2, 2, 2).F(1e300, -1e300, 0, 0, 0.3, 0.7).Bytes()}},
		{Name: "nan-u", Args: []any{fuzzseed.NewEnc().U8(1, 0, 1).F(2, 1, nan).Bytes()}},
	},
	"FuzzSample": {
		{Name: "one-point", Args: []any{fuzzseed.NewEnc().U8(1, 0, 5, 1, 2).F(2, 1).Bytes()}},
		{Name: "zero-weights", Args: []any{fuzzseed.NewEnc().U8(3, 0, 10, 1, 2).F(5, 1, 3, 0, 1, 0).Bytes()}},
		{Name: "empty", Args: []any{fuzzseed.NewEnc().U8(0, 0, 10, 1, 2).Bytes()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fuzzseed.Check(t, fzSeeds) }

// FuzzWpp: Wpp equals the exact LP optimum of Σ |x_i − y_j|^p π_ij (discrete.EMD
// on the explicit cost) within 1e-12 of the largest cost plus rounding, and
// Measure.Wpp gives the same bits; or a clean error.
func FuzzWpp(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		in := decodeTwo(data)
		w, err := ot1d.Wpp(in.x, in.a, in.y, in.b, in.p)
		P, errP := ot1d.NewMeasure(in.x, in.a)
		Q, errQ := ot1d.NewMeasure(in.y, in.b)
		if errP == nil && errQ == nil {
			w2, err2 := P.Wpp(Q, in.p)
			if (err == nil) != (err2 == nil) || (err == nil && w != w2) {
				t.Fatalf("Wpp = %v (%v), Measure.Wpp = %v (%v)", w, err, w2, err2)
			}
		} else if err == nil {
			t.Fatalf("Wpp accepted measures NewMeasure rejects: %v %v", errP, errQ)
		}
		if err != nil {
			okErr(t, "Wpp", err)
			return
		}
		if !(w >= 0) || math.IsInf(w, 0) {
			t.Fatalf("Wpp(%+v) = %v without an error", in, w)
		}
		n, m := len(in.x), len(in.y)
		C := make([]float64, n*m)
		for i := range in.x {
			for j := range in.y {
				C[i*m+j] = math.Pow(math.Abs(in.x[i]-in.y[j]), in.p)
			}
		}
		if !numerics.AllFinite(C) {
			return
		}
		sol, err := discrete.EMD(in.a, in.b, C, n, m)
		if err != nil {
			return // e.g. overflow of the potentials
		}
		maxC := numerics.MaxAbs(C)
		if diff := math.Abs(sol.Cost - w); diff > 4e-12*maxC+64*float64(n+m)*ulp*maxC+1e-300 {
			t.Fatalf("Wpp(%+v) = %v, LP optimum %v (diff %g)", in, w, sol.Cost, diff)
		}
	})
}

// FuzzCoupling: QuantileCoupling is a coupling of the normalised weights
// (entries > 0, marginals within a few ulps) whose cost for p = 1, 2 is
// Wpp; MonotoneMap is nondecreasing with values among the y of positive
// weight, or ErrNoMap; or clean errors.
func FuzzCoupling(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		in := decodeTwo(data)
		n, m := len(in.x), len(in.y)
		plan, err := ot1d.QuantileCoupling(in.x, in.a, in.y, in.b)
		if err != nil {
			okErr(t, "QuantileCoupling", err)
		} else {
			if len(plan) > n+m-1 {
				t.Fatalf("QuantileCoupling has %d entries > n+m−1", len(plan))
			}
			ta, tb := sum(in.a), sum(in.b)
			rows, cols := make([]float64, n), make([]float64, m)
			for _, e := range plan {
				if e.I < 0 || e.I >= n || e.J < 0 || e.J >= m || !(e.Mass > 0) || math.IsInf(e.Mass, 0) {
					t.Fatalf("QuantileCoupling: bad entry %+v", e)
				}
				rows[e.I] += e.Mass
				cols[e.J] += e.Mass
			}
			l1 := 0.0
			for i := range rows {
				l1 += math.Abs(rows[i] - in.a[i]/ta)
			}
			for j := range cols {
				l1 += math.Abs(cols[j] - in.b[j]/tb)
			}
			if l1 > 16*float64(n+m)*ulp {
				t.Fatalf("QuantileCoupling(%+v): marginal L1 error %g", in, l1)
			}
			for _, p := range []float64{1, 2} {
				w, err := ot1d.Wpp(in.x, in.a, in.y, in.b, p)
				if err != nil {
					continue
				}
				c, cabs := 0.0, 0.0
				for _, e := range plan {
					v := e.Mass * math.Pow(math.Abs(in.x[e.I]-in.y[e.J]), p)
					c += v
					cabs += math.Abs(v)
				}
				if math.IsInf(c, 0) {
					continue
				}
				if math.Abs(c-w) > 64*float64(n+m)*ulp*cabs+1e-300 {
					t.Fatalf("QuantileCoupling cost %v ≠ W_%v^%v = %v", c, p, p, w)
				}
			}
		}
		T, err := ot1d.MonotoneMap(in.x, in.a, in.y, in.b)
		if err != nil {
			okErr(t, "MonotoneMap", err)
			return
		}
		if len(T) != n {
			t.Fatalf("MonotoneMap: %d images for %d atoms", len(T), n)
		}
		for i := range T {
			found := false
			for j := range in.y {
				found = found || (in.y[j] == T[i] && in.b[j] > 0)
			}
			if !found {
				t.Fatalf("MonotoneMap(%+v): T(x_%d) = %v is not a target atom of positive mass", in, i, T[i])
			}
			for k := range T {
				if in.x[k] < in.x[i] && T[k] > T[i] {
					t.Fatalf("MonotoneMap(%+v) = %v is not nondecreasing", in, T)
				}
			}
		}
	})
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// naiveQuantile is protocol.md's definition: min{x_i : F(x_i) ≥ u}, F summed
// over the atoms ≤ x_i; the largest x_i with a_i > 0 if none; the smallest
// such x_i at u = 0. ok is false when some F value is within 1e-12 of u
// (the summation order of the implementation may then decide).
func naiveQuantile(x, a []float64, u float64) (q float64, ok bool) {
	type atom struct{ x, a float64 }
	at := make([]atom, len(x))
	for i := range x {
		at[i] = atom{x[i], a[i]}
	}
	sort.SliceStable(at, func(i, j int) bool { return at[i].x < at[j].x })
	if u == 0 {
		for _, v := range at {
			if v.a > 0 {
				return v.x, true
			}
		}
	}
	F := 0.0
	last := math.NaN()
	for k, v := range at {
		F += v.a
		if v.a > 0 {
			last = v.x
		}
		if k+1 < len(at) && at[k+1].x == v.x {
			continue // F(x) includes every atom at x
		}
		if math.Abs(F-u) <= 1e-12 {
			return 0, false
		}
		if F >= u {
			// F only grows at atoms of positive weight, so this group
			// holds one (u > 0, and F was < u before it).
			return v.x, true
		}
	}
	return last, true
}

// FuzzQuantile: Quantiles, Quantile and Measure.Quantile agree with each other
// and with the naive definition, never return a zero-weight atom, and CDF is
// a nondecreasing function in [0, 1 + MassTol]; or a clean error.
func FuzzQuantile(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		n, mode, k := d.N(0, 7), d.U8(), d.N(0, 5)
		x := d.Fs(n)
		a := weights(d.Fs(n), mode%3)
		u := d.Fs(k)
		q, err := ot1d.Quantiles(x, a, u)
		M, errM := ot1d.NewMeasure(x, a)
		if err != nil {
			okErr(t, "Quantiles", err)
			if errM == nil {
				for _, v := range u {
					if _, e := M.Quantile(v); e != nil {
						return
					}
				}
				if len(u) > 0 {
					t.Fatalf("Quantiles rejected what Measure.Quantile accepts: %v", err)
				}
			}
			return
		}
		if errM != nil || len(q) != len(u) {
			t.Fatalf("Quantiles accepted (%d results for %d levels) what NewMeasure rejects: %v", len(q), len(u), errM)
		}
		for i, v := range u {
			q1, err1 := ot1d.Quantile(x, a, v)
			q2, err2 := M.Quantile(v)
			if err1 != nil || err2 != nil || q1 != q[i] || q2 != q[i] {
				t.Fatalf("Quantile(%v) = %v (%v), Measure.Quantile = %v (%v), Quantiles = %v", v, q1, err1, q2, err2, q[i])
			}
			pos := false
			for j := range x {
				pos = pos || (x[j] == q[i] && a[j] > 0)
			}
			if !pos {
				t.Fatalf("Quantile(x = %v, a = %v, u = %v) = %v is not an atom of positive weight", x, a, v, q[i])
			}
			if want, ok := naiveQuantile(x, a, v); ok && want != q[i] {
				t.Fatalf("Quantile(x = %v, a = %v, u = %v) = %v, naive definition %v", x, a, v, q[i], want)
			}
		}
		prev := 0.0
		xs := append([]float64(nil), x...)
		sort.Float64s(xs)
		for _, v := range append([]float64{math.Inf(-1), -math.MaxFloat64}, append(xs, math.MaxFloat64)...) {
			F := M.CDF(v)
			if !(F >= prev) || F > 1+1e-9 {
				t.Fatalf("CDF(%v) = %v after %v", v, F, prev)
			}
			prev = F
		}
	})
}

// FuzzSample: Sample and Measure.Sample are deterministic given the seed,
// agree, and draw only atoms of positive weight; or a clean error.
func FuzzSample(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		n, mode, k, s1, s2 := d.N(0, 7), d.U8(), d.N(0, 64)-1, d.U8(), d.U8()
		x := d.Fs(n)
		a := weights(d.Fs(n), mode%3)
		rng := func() *rand.Rand { return rand.New(rand.NewPCG(uint64(s1), uint64(s2))) }
		s, err := ot1d.Sample(rng(), x, a, k)
		if err != nil {
			okErr(t, "Sample", err)
			return
		}
		M, err := ot1d.NewMeasure(x, a)
		if err != nil {
			t.Fatalf("Sample accepted what NewMeasure rejects: %v", err)
		}
		s2v, err := M.Sample(rng(), k)
		if err != nil || !reflect.DeepEqual(s, s2v) || len(s) != k {
			t.Fatalf("Sample = %v, Measure.Sample = %v (%v)", s, s2v, err)
		}
		for _, v := range s {
			pos := false
			for j := range x {
				pos = pos || (x[j] == v && a[j] > 0)
			}
			if !pos {
				t.Fatalf("Sample drew %v, not an atom of positive weight (x = %v, a = %v)", v, x, a)
			}
		}
		if _, err := M.Sample(nil, 1); err == nil {
			t.Fatalf("Sample with a nil rng accepted")
		}
	})
}
