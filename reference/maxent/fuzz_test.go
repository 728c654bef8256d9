package maxent_test

// Native Go fuzz target for package maxent (issue 9): NewGrid, Entropy,
// Gradient, Interval, MeanVariance, Residual, Direction, Step, IProject and
// Ascend. Property: no panic, no hang (Ascend bounded by MaxIter), no NaN
// or ±Inf without an error (ErrInvalid or ErrNotConverged); for valid input
// Direction keeps C·p = c (Residual of p + δ unchanged to rounding) with a
// slope ≥ 0, IProject returns a positive feasible density, and Ascend's
// entropy never decreases beyond its documented rounding.
//
// Seeds: testdata/fuzz/FuzzMaxEnt/seed-*, written by
//
//	go test ./reference/maxent -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run: go test ./reference/maxent -run '^$' -fuzz '^FuzzMaxEnt$' -fuzztime 60s -parallel 1

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/maxent"
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

func (d *fzDec) mat(r, c int) [][]float64 {
	M := make([][]float64, r)
	for i := range M {
		M[i] = d.fs(c)
	}
	return M
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

func (e *fzEnc) rows(M ...[]float64) *fzEnc {
	for _, r := range M {
		e.f(r...)
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

var fzSeeds = map[string][]fzSeed{
	"FuzzMaxEnt": {
		{"interval", []any{enc().u8(8, 0, 0).f(0, 1, 0, 0).b()}},
		{"gaussian", []any{enc().u8(16, 1, 1).f(-4, 4, 0.5, 1).b()}},
		{"narrow", []any{enc().u8(16, 1, 1).f(-4, 4, 0, 1e-8).b()}},
		{"infeasible", []any{enc().u8(8, 1, 0).f(0, 1, 0.5, 10).b()}},
		{"huge-range", []any{enc().u8(8, 0, 1).f(-1e300, 1e300, 0, 1).b()}},
		{"tiny-cells", []any{enc().u8(4, 1, 1).f(0, 1e-300, 5e-301, 1e-603).b()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fzCheckSeeds(t, fzSeeds) }

func FuzzMaxEnt(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := &fzDec{data}
		M, kind, metric := d.n(0, 40), d.u8()%2, maxent.Metric(d.u8()%2)
		a, b, mu, s2 := d.f(), d.f(), d.f(), d.f()
		okErr := func(name string, err error) {
			t.Helper()
			if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, numerics.ErrNotConverged) {
				t.Fatalf("%s: %v", name, err)
			}
		}
		g, err := maxent.NewGrid(a, b, M)
		if err != nil {
			okErr("NewGrid", err)
			return
		}
		if h := g.H(); !(h > 0) || math.IsInf(h, 0) || len(g.X()) != M {
			t.Fatalf("grid h = %v, %d points", h, len(g.X()))
		}
		pr := maxent.Interval(g)
		if kind == 1 {
			pr, err = maxent.MeanVariance(g, mu, s2)
			if err != nil {
				okErr("MeanVariance", err)
				return
			}
		}
		// A positive density from the data, then its information projection.
		q := make([]float64, M)
		for i := range q {
			q[i] = 1 + math.Abs(math.Mod(d.f(), 4))
			if math.IsNaN(q[i]) {
				q[i] = 1
			}
		}
		p, err := pr.IProject(q)
		if err != nil {
			okErr("IProject", err)
			return
		}
		// Cells are ≥ 0: 0 only where the projection underflows (IProject's
		// doc); some cell carries the mass.
		positive := true
		for _, v := range p {
			if !(v >= 0) || math.IsInf(v, 0) {
				t.Fatalf("IProject returned %v", p)
			}
			positive = positive && v > 0
		}
		H, err := maxent.Entropy(p, g.H())
		if err != nil || math.IsNaN(H) || math.IsInf(H, 0) {
			t.Fatalf("Entropy(IProject) = %v, %v", H, err)
		}
		if gr := maxent.Gradient(p, g.H()); positive && !numerics.AllFinite(gr) {
			t.Fatalf("Gradient of a positive density = %v", gr)
		}
		if r := pr.Residual(p); !(r >= 0) || r > 1e-6 {
			t.Fatalf("IProject result has constraint residual %v", r)
		}
		delta, slope, err := pr.Direction(p, metric)
		if err != nil {
			okErr("Direction", err)
			return
		}
		// slope = ∇H·δ ≥ 0 up to rounding: δ has an absolute error of
		// about eps·|∇H_k| per entry (Direction's doc), so the slope one
		// of about eps·Σ ∇H_k² (at the maximiser it comes out as −1e-35).
		gr := maxent.Gradient(p, g.H())
		dot := 0.0
		for k := range delta {
			if p[k] > 0 { // zero cells are held (δ_k = 0, ∇H_k = +Inf unused)
				dot += gr[k] * gr[k]
			} else if delta[k] != 0 {
				t.Fatalf("Direction moves the zero cell %d: %v", k, delta)
			}
		}
		if !numerics.AllFinite(delta) || !(slope >= -16*float64(M)*0x1p-52*dot) || math.IsInf(slope, 0) {
			t.Fatalf("Direction = %v, slope %v", delta, slope)
		}
		if s, err := pr.Step(p, 1e-3); err != nil {
			okErr("Step", err)
		} else if !numerics.AllFinite(s) {
			t.Fatalf("Step = %v without an error", s)
		}
		r, err := pr.Ascend(p, maxent.Options{Metric: metric, MaxIter: 30})
		if err != nil {
			okErr("Ascend", err)
			if r == nil {
				return
			}
		}
		if !numerics.AllFinite(r.P) || !numerics.AllFinite(r.Entropy) {
			t.Fatalf("Ascend = %+v", r)
		}
		for i := 1; i < len(r.Entropy); i++ {
			drop := r.Entropy[i-1] - r.Entropy[i]
			if drop > 1e-9*math.Max(1, math.Abs(r.Entropy[i-1])) {
				t.Fatalf("Ascend lowered the entropy: %v", r.Entropy)
			}
			if drop > r.HTol {
				t.Fatalf("Ascend lowered H by %g > HTol %g: %v", drop, r.HTol, r.Entropy)
			}
		}
	})
}
