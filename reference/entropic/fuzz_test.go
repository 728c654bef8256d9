package entropic_test

// Native Go fuzz targets for package entropic (issue 7): Sinkhorn (with
// OTEps) and Divergence. Property: no panic; no hang (every solve is
// capped at fzMaxIter iterations on at most 11×11 costs); no NaN or ±Inf
// without an error; errors wrap numerics.ErrInvalid, numerics.ErrNotConverged
// or ErrOverflow, and clearly valid input is never called invalid; and
// every answer given without an error satisfies the documented contract:
// L1 marginal error ≤ Tol against the normalised weights (≤ Tol + 2·MassTol
// against the given ones), the Gibbs form of the plan, the plan and
// NoPlan runs agreeing bit for bit, OTEps equal to the reported dual; for
// the divergence, exactly 0 for identical inputs, symmetric and ≥ 0
// within its accuracy.
//
// Seeds: testdata/fuzz/FuzzXxx/seed-*, written from fzSeeds by
//
//	go test ./reference/entropic -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run one target: go test ./reference/entropic -run '^$' -fuzz '^FuzzSinkhorn$' -fuzztime 60s -parallel 1

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/entropic"
)

// ---------------------------------------------------------------------------
// Fuzz data encoding (the same in every package's fuzz_test.go).

// fzSpecial are the values that bytes 0xC0–0xEF decode to (index b mod 16).
var fzSpecial = [16]float64{
	0, math.Copysign(0, -1), 1, -1, 1e-300, -1e-300, 1e300, -1e300,
	5e-324, math.MaxFloat64, -math.MaxFloat64, math.NaN(), math.Inf(1), math.Inf(-1), 1e8, 1e-8,
}

// fzDec decodes fuzz bytes: a byte b < 0xC0 is the float (b − 96)/8 (a grid
// of step 1/8 in [−12, 11.875], so ties and duplicates are frequent);
// 0xC0–0xEF are fzSpecial[b mod 16]; 0xF0–0xFF are followed by 8 bytes
// holding a raw IEEE-754 value (little endian). Exhausted input reads as 0.
type fzDec struct{ b []byte }

func (d *fzDec) u8() byte {
	if len(d.b) == 0 {
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

// n returns an int in [lo, hi].
func (d *fzDec) n(lo, hi int) int { return lo + int(d.u8())%(hi-lo+1) }

func (d *fzDec) f() float64 {
	b := d.u8()
	switch {
	case b < 0xC0:
		return float64(int(b)-96) / 8
	case b < 0xF0:
		return fzSpecial[b%16]
	}
	if len(d.b) < 8 {
		d.b = nil
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *fzDec) fs(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = d.f()
	}
	return x
}

// fzEnc builds fuzz inputs for the seed corpora (the inverse of fzDec).
type fzEnc []byte

func (e *fzEnc) u8(b ...byte) *fzEnc { *e = append(*e, b...); return e }

func (e *fzEnc) f(xs ...float64) *fzEnc {
	for _, v := range xs {
		if g := v * 8; g == math.Trunc(g) && g >= -96 && g < 96 && !(v == 0 && math.Signbit(v)) {
			*e = append(*e, byte(int(g)+96))
			continue
		}
		*e = append(*e, 0xFF)
		*e = binary.LittleEndian.AppendUint64(*e, math.Float64bits(v))
	}
	return e
}

// fzSeed is one seed input of a fuzz target.
type fzSeed struct {
	name string
	args []any // []byte or string, in the target's argument order
}

var fzWriteSeeds = flag.Bool("fuzzseeds.write", false, "rewrite the seed corpora testdata/fuzz/*/seed-* from the fzSeeds table")

// fzCorpusFile is the content of a seed file in the format of go test fuzz v1.
func fzCorpusFile(args []any) string {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch v := a.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		case string:
			fmt.Fprintf(&b, "string(%q)\n", v)
		default:
			panic(fmt.Sprintf("fuzz seed argument of type %T", a))
		}
	}
	return b.String()
}

// fzCheckSeeds writes (with -fuzzseeds.write) or checks the seed corpora.
func fzCheckSeeds(t *testing.T, seeds map[string][]fzSeed) {
	targets := make([]string, 0, len(seeds))
	for k := range seeds {
		targets = append(targets, k)
	}
	sort.Strings(targets)
	for _, target := range targets {
		for _, s := range seeds[target] {
			path := filepath.Join("testdata", "fuzz", target, "seed-"+s.name)
			want := fzCorpusFile(s.args)
			if *fzWriteSeeds {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) != want {
				t.Errorf("%s is missing or stale: rerun with -fuzzseeds.write", path)
			}
		}
	}
}

func enc() *fzEnc { return &fzEnc{} }

func (e *fzEnc) b() []byte { return *e }

// ---------------------------------------------------------------------------

// fzMaxIter caps every solve of the fuzz targets (no hang): enough for
// ε-scaling and Newton polishing down to eps = 1e-4·max C on these sizes.
const fzMaxIter = 3000

// Flags of the flags byte.
const (
	fzNoScaling = 1 << iota
	fzNoNewton
	fzNoPlan
	fzTwoWorkers
	fzEpsRaw    // eps = v as given (else relative to max|C|)
	fzEpsPow10  // eps = 10^−|v|·max|C| (else |v|·max|C|)
	fzScaleCost // every cost (or coordinate) times the value s
)

// weights returns v as given (mode 0), normalised |v|/Σ|v| (mode 1) or
// uniform (mode 2); ok reports whether the result is certainly a valid
// probability vector (modes 1 and 2 with positive finite entries).
func weights(v []float64, mode byte) (w []float64, ok bool) {
	switch mode {
	case 1:
		s := 0.0
		for _, x := range v {
			s += math.Abs(x)
		}
		w = make([]float64, len(v))
		ok = s > 0 && !math.IsInf(s, 0)
		for i, x := range v {
			w[i] = math.Abs(x) / s
			ok = ok && w[i] > 0
		}
		if !ok {
			return v, false
		}
		return w, true
	case 2:
		w = make([]float64, len(v))
		for i := range w {
			w[i] = 1 / float64(len(v))
		}
		return w, true
	}
	return v, false
}

// epsOf decodes eps from the flags and the value v against the cost scale.
func epsOf(flags byte, v, maxC float64) float64 {
	switch {
	case flags&fzEpsRaw != 0:
		return v
	case flags&fzEpsPow10 != 0:
		return math.Pow(10, -math.Abs(v)) * maxC
	}
	return math.Abs(v) * maxC
}

func okErr(t *testing.T, name string, err error, valid bool) {
	t.Helper()
	switch {
	case errors.Is(err, numerics.ErrInvalid):
		if valid {
			t.Fatalf("%s: valid input rejected: %v", name, err)
		}
	case errors.Is(err, numerics.ErrNotConverged), errors.Is(err, entropic.ErrOverflow):
	default:
		t.Fatalf("%s: error %v wraps none of ErrInvalid, ErrNotConverged, ErrOverflow", name, err)
	}
}

// sinkhornInput encodes the input of FuzzSinkhorn: sizes n, m, the weight
// modes (a: mode%3, b: mode/3%3), the flags, then C (n·m, row-major), a, b,
// the eps value v and the cost scale s.
func sinkhornInput(n, m int, mode, flags byte, C, a, b []float64, v, s float64) []byte {
	return enc().u8(byte(n), byte(m), mode, flags).f(pad(C, n*m)...).f(pad(a, n)...).f(pad(b, m)...).f(v, s).b()
}

// pad returns v extended with ones to length k (the values that a weight
// mode other than 0 ignores or normalises).
func pad(v []float64, k int) []float64 {
	for len(v) < k {
		v = append(v, 1)
	}
	return v
}

type sinkhornCase struct {
	n, m       int
	a, b, C    []float64
	eps        float64
	opts       entropic.Options
	valid      bool // certainly valid input
	maxC       float64
	normalised bool
}

func decodeSinkhorn(data []byte) sinkhornCase {
	d := &fzDec{data}
	n, m, mode, flags := d.n(0, 11), d.n(0, 11), d.u8(), d.u8()
	C := d.fs(n * m)
	a, okA := weights(d.fs(n), mode%3)
	b, okB := weights(d.fs(m), mode/3%3)
	v, s := d.f(), d.f()
	if flags&fzScaleCost != 0 {
		for k := range C {
			C[k] *= s
		}
	}
	maxC := numerics.MaxAbs(C)
	tc := sinkhornCase{n: n, m: m, a: a, b: b, C: C, maxC: maxC, normalised: okA && okB}
	tc.eps = epsOf(flags, v, max(maxC, 1e-300))
	tc.opts = entropic.Options{
		MaxIter:   fzMaxIter,
		NoScaling: flags&fzNoScaling != 0,
		NoNewton:  flags&fzNoNewton != 0,
		NoPlan:    flags&fzNoPlan != 0,
		Workers:   1,
	}
	if flags&fzTwoWorkers != 0 {
		tc.opts.Workers = 2
	}
	tc.valid = n >= 1 && m >= 1 && okA && okB && numerics.AllFinite(C) &&
		tc.eps > 0 && !math.IsInf(tc.eps, 0)
	return tc
}

var sinkhornSeeds = []fzSeed{
	{"empty", []any{sinkhornInput(0, 0, 8, 0, nil, nil, nil, 1, 0)}},
	{"one-point", []any{sinkhornInput(1, 1, 8, 0, []float64{3}, []float64{1}, []float64{1}, 0.5, 0)}},
	{"one-to-three", []any{sinkhornInput(1, 3, 8, 0, []float64{0, 1, 2}, []float64{1}, []float64{1, 1, 1}, 0.125, 0)}},
	{"duplicate-points", []any{sinkhornInput(3, 2, 4, 0, []float64{0, 1, 0, 1, 0, 1}, []float64{1, 2, 3}, []float64{1, 1}, 0.01, 0)}},
	{"zero-cost-ties", []any{sinkhornInput(3, 3, 8, 0, make([]float64, 9), nil, nil, 1e-3, 0)}},
	{"tied-anti-diagonal", []any{sinkhornInput(2, 2, 8, fzEpsPow10, []float64{1, 0, 0, 1}, nil, nil, 3, 0)}},
	{"eps-1e-4-maxC", []any{sinkhornInput(4, 3, 4, fzEpsPow10, []float64{0, 1, 4, 1, 0, 1, 4, 1, 0, 9, 4, 1}, []float64{1, 2, 3, 4}, []float64{1, 1, 1}, 4, 0)}},
	{"eps-1e-20-maxC", []any{sinkhornInput(2, 2, 8, fzEpsPow10, []float64{0, 1, 2, 0.5}, nil, nil, 20, 0)}},
	{"eps-1e-12-maxC-noplan", []any{sinkhornInput(3, 2, 8, fzEpsPow10|fzNoPlan, []float64{0, 1, 2, 0.5, 1, 1}, nil, nil, 12, 0)}},
	{"costs-1e300", []any{sinkhornInput(2, 2, 8, fzScaleCost, []float64{1, 2, 3, 1}, nil, nil, 0.1, 1e300)}},
	{"costs-overflow", []any{sinkhornInput(2, 2, 8, fzScaleCost, []float64{1, 2, 3, 11}, nil, nil, 0.1, math.MaxFloat64)}},
	{"costs-near-max", []any{sinkhornInput(2, 2, 8, fzScaleCost, []float64{1, 2, 11, 0}, nil, nil, 0.01, 1.5e307)}},
	{"costs-tiny", []any{sinkhornInput(2, 3, 8, fzScaleCost, []float64{1, 2, 3, 0, 1, 2}, nil, nil, 0.01, 1e-300)}},
	{"eps-huge", []any{sinkhornInput(2, 2, 8, fzEpsRaw, []float64{0, 1, 1, 0}, nil, nil, math.MaxFloat64, 0)}},
	{"eps-subnormal", []any{sinkhornInput(2, 2, 8, fzEpsRaw, []float64{0, 1, 1, 0}, nil, nil, 5e-324, 0)}},
	{"eps-negative", []any{sinkhornInput(2, 2, 8, fzEpsRaw, []float64{0, 1, 1, 0}, nil, nil, -1, 0)}},
	{"eps-nan", []any{sinkhornInput(2, 2, 8, fzEpsRaw, []float64{0, 1, 1, 0}, nil, nil, math.NaN(), 0)}},
	{"nan-cost", []any{sinkhornInput(2, 2, 8, 0, []float64{0, math.NaN(), 1, 0}, nil, nil, 0.1, 0)}},
	{"bad-mass", []any{sinkhornInput(2, 2, 0, 0, []float64{0, 1, 1, 0}, []float64{0.5, 0.6}, []float64{0.5, 0.5}, 0.1, 0)}},
	{"zero-weight", []any{sinkhornInput(2, 2, 0, 0, []float64{0, 1, 1, 0}, []float64{1, 0}, []float64{0.5, 0.5}, 0.1, 0)}},
	{"no-scaling-no-newton", []any{sinkhornInput(3, 3, 8, fzNoScaling|fzNoNewton|fzEpsPow10, []float64{0, 1, 4, 1, 0, 1, 4, 1, 0}, nil, nil, 2, 0)}},
	{"stage-cap-11x2", []any{sinkhornInput(11, 2, 7, fzEpsPow10,
		[]float64{0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0},
		[]float64{0.5 + 1.0/256, 0.5 + 1.0/256, 0.5 + 1.0/256, 0.5 + 1.0/256, 0.5 + 1.0/256, 0.5 + 1.0/256,
			0.6 - 1.2/256, 0.6 - 1.2/256, 0.6 - 1.2/256, 0.6 - 1.2/256, 0.6 - 1.2/256},
		nil, 3, 0)}},
}

// FuzzSinkhorn: Sinkhorn and OTEps on arbitrary costs, weights, eps and
// options.
func FuzzSinkhorn(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		tc := decodeSinkhorn(data)
		res, err := entropic.Sinkhorn(tc.a, tc.b, tc.C, tc.n, tc.m, tc.eps, tc.opts)
		// The same solve without (or with) the dense plan: the same
		// iterations, verdict and potentials.
		other := tc.opts
		other.NoPlan = !other.NoPlan
		res2, err2 := entropic.Sinkhorn(tc.a, tc.b, tc.C, tc.n, tc.m, tc.eps, other)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("NoPlan = %v: %v; NoPlan = %v: %v", tc.opts.NoPlan, err, other.NoPlan, err2)
		}
		if res != nil && res2 != nil && (!slices.Equal(res.F, res2.F) || !slices.Equal(res.G, res2.G) ||
			res.Iterations != res2.Iterations) {
			t.Fatalf("NoPlan changes the potentials or the iterations")
		}
		if res != nil && res.Iterations > fzMaxIter {
			t.Fatalf("%d iterations > MaxIter %d", res.Iterations, fzMaxIter)
		}
		if err != nil {
			okErr(t, "Sinkhorn", err, tc.valid)
			return
		}
		n, m := tc.n, tc.m
		if len(res.F) != n || len(res.G) != m || !numerics.AllFinite(res.F) || !numerics.AllFinite(res.G) ||
			math.IsNaN(res.Dual) || math.IsInf(res.Dual, 0) || res.Eps != tc.eps {
			t.Fatalf("bad result without error: %+v", res)
		}
		if !(res.MarginalError <= entropic.DefaultTol) {
			t.Fatalf("reported marginal error %.3g > Tol %g without error", res.MarginalError, entropic.DefaultTol)
		}
		withPlan, noPlan := res, res2
		if tc.opts.NoPlan {
			withPlan, noPlan = res2, res
		}
		if v, err := entropic.OTEps(tc.a, tc.b, tc.C, n, m, tc.eps, tc.opts); err != nil || v != noPlan.Dual {
			t.Fatalf("OTEps = %v (%v), the NoPlan dual is %v", v, err, noPlan.Dual)
		}
		plan := withPlan.Plan
		if len(plan) != n*m {
			t.Fatalf("plan of %d entries, want %d", len(plan), n*m)
		}
		rows, cols := make([]float64, n), make([]float64, m)
		for i := range n {
			for j := range m {
				p := plan[i*m+j]
				if !(p >= 0) || math.IsInf(p, 0) {
					t.Fatalf("plan[%d][%d] = %v", i, j, p)
				}
				rows[i] += p
				cols[j] += p
				// Gibbs form, in logs: the exponent is formed from numbers
				// of size max|C|/eps, so its rounding is a few ulps of
				// that; 1e-12·(1 + max|C|/eps) is the unit tests' bound.
				if p >= 0x1p-1022 {
					// numerics.Log: a weight may be subnormal, where Go's math.Log
					// is wrong (golang/go#56600).
					lhs := numerics.Log(p) - numerics.Log(tc.a[i]) - numerics.Log(tc.b[j]) + tc.C[i*m+j]/tc.eps
					rhs := res.F[i]/tc.eps + res.G[j]/tc.eps // F_i + G_j may overflow
					if math.Abs(lhs-rhs) > 1e-12*(1+tc.maxC/tc.eps) {
						t.Fatalf("Gibbs form at (%d,%d): %.17g vs %.17g", i, j, lhs, rhs)
					}
				}
			}
		}
		l1 := 0.0
		for i := range rows {
			l1 += math.Abs(rows[i] - tc.a[i])
		}
		for j := range cols {
			l1 += math.Abs(cols[j] - tc.b[j])
		}
		if !(l1 <= entropic.DefaultTol+2*entropic.MassTol) {
			t.Fatalf("marginal error %.3g against the given weights > Tol + 2·MassTol (reported %.3g)", l1, res.MarginalError)
		}
	})
}

// divergenceInput encodes the input of FuzzDivergence: sizes n, m, the
// dimension d, the weight modes, the flags, then x (n·d), y (m·d), a, b,
// the eps value v and the coordinate scale s.
func divergenceInput(n, m, d int, mode, flags byte, x, y, a, b []float64, v, s float64) []byte {
	return enc().u8(byte(n), byte(m), byte(d), mode, flags).f(pad(x, n*d)...).f(pad(y, m*d)...).f(pad(a, n)...).f(pad(b, m)...).f(v, s).b()
}

var divergenceSeeds = []fzSeed{
	{"empty", []any{divergenceInput(0, 0, 1, 8, 0, nil, nil, nil, nil, 1, 0)}},
	{"dim-0", []any{divergenceInput(1, 1, 0, 8, 0, nil, nil, nil, nil, 1, 0)}},
	{"one-point", []any{divergenceInput(1, 1, 2, 8, 0, []float64{0, 0}, []float64{3, 4}, nil, nil, 0.125, 0)}},
	{"duplicate-points", []any{divergenceInput(3, 2, 1, 4, 0, []float64{1, 1, 1}, []float64{1, 1}, []float64{1, 2, 3}, []float64{1, 1}, 0.01, 0)}},
	{"identical", []any{divergenceInput(3, 3, 2, 8, 0, []float64{0, 1, 2, 3, 4, 5}, []float64{0, 1, 2, 3, 4, 5}, nil, nil, 0.01, 0)}},
	{"eps-1e-4-maxC", []any{divergenceInput(4, 3, 2, 4, fzEpsPow10, []float64{0, 0, 1, 0, 0, 1, 1, 1}, []float64{0.5, 0.5, 2, 0, 0, 2}, []float64{1, 2, 3, 4}, []float64{1, 1, 1}, 4, 0)}},
	{"eps-1e-20-maxC", []any{divergenceInput(2, 2, 1, 8, fzEpsPow10, []float64{0, 1}, []float64{0.5, 2}, nil, nil, 20, 0)}},
	{"coords-1e150", []any{divergenceInput(2, 2, 1, 8, fzScaleCost, []float64{1, 2}, []float64{3, 1}, nil, nil, 0.1, 1e150)}},
	{"coords-overflow", []any{divergenceInput(2, 2, 1, 8, fzScaleCost, []float64{1, 2}, []float64{3, -11}, nil, nil, 0.1, 1e300)}},
	{"nan-coord", []any{divergenceInput(2, 1, 1, 8, 0, []float64{0, math.NaN()}, []float64{1}, nil, nil, 0.1, 0)}},
	{"eps-negative", []any{divergenceInput(1, 1, 1, 8, fzEpsRaw, []float64{0}, []float64{1}, nil, nil, -1, 0)}},
}

// FuzzDivergence: Divergence on arbitrary point clouds, weights and eps.
func FuzzDivergence(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		dd := &fzDec{data}
		n, m, d, mode, flags := dd.n(0, 6), dd.n(0, 6), dd.n(0, 3), dd.u8(), dd.u8()
		x, y := dd.fs(n*d), dd.fs(m*d)
		a, okA := weights(dd.fs(n), mode%3)
		b, okB := weights(dd.fs(m), mode/3%3)
		v, s := dd.f(), dd.f()
		if flags&fzScaleCost != 0 {
			for k := range x {
				x[k] *= s
			}
			for k := range y {
				y[k] *= s
			}
		}
		// The scale of the costs: the largest of the three cost matrices.
		maxC := 0.0
		costsOK := true
		for _, pq := range [][2][]float64{{x, y}, {x, x}, {y, y}} {
			if d < 1 {
				costsOK = false
				break
			}
			C, err := entropic.SqEuclidean(pq[0], pq[1], d)
			if err != nil {
				costsOK = false
				break
			}
			maxC = max(maxC, numerics.MaxAbs(C))
		}
		eps := epsOf(flags, v, max(maxC, 1e-300))
		valid := n >= 1 && m >= 1 && d >= 1 && okA && okB && costsOK && eps > 0 && !math.IsInf(eps, 0)
		opts := entropic.Options{MaxIter: fzMaxIter}
		sxy, err := entropic.Divergence(x, y, d, a, b, eps, opts)
		if err != nil {
			okErr(t, "Divergence", err, valid)
			return
		}
		if math.IsNaN(sxy) || math.IsInf(sxy, 0) {
			t.Fatalf("Divergence = %v without an error", sxy)
		}
		// Accuracy (Divergence's doc): 2·Tol·max C plus a few ulps of
		// max C + eps; the unit tests' 1e-8·max C for the first part.
		tol := 1e-8*maxC + 16*0x1p-52*(maxC+eps)
		if sxy < -tol {
			t.Fatalf("S(α,β) = %.17g < 0 beyond the accuracy %.3g", sxy, tol)
		}
		// S(α,α) was one of the three terms: it succeeds, and is exactly 0.
		if sxx, err := entropic.Divergence(x, x, d, a, a, eps, opts); err != nil || sxx != 0 {
			t.Fatalf("S(α,α) = %v (%v), want exactly 0", sxx, err)
		}
		// The transposed problem is solved by other arithmetic and may
		// stop on ErrNotConverged; if it answers, it agrees.
		syx, err := entropic.Divergence(y, x, d, b, a, eps, opts)
		if err != nil {
			okErr(t, "Divergence(β,α)", err, valid)
			return
		}
		if math.Abs(sxy-syx) > tol {
			t.Fatalf("S(α,β) = %.17g, S(β,α) = %.17g (accuracy %.3g)", sxy, syx, tol)
		}
	})
}

var fzSeeds = map[string][]fzSeed{
	"FuzzSinkhorn":   sinkhornSeeds,
	"FuzzDivergence": divergenceSeeds,
}

func TestFuzzSeedCorpus(t *testing.T) { fzCheckSeeds(t, fzSeeds) }
