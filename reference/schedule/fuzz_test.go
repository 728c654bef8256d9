package schedule_test

// Native Go fuzz target for package schedule (issue 9): ByName, Check, Coef
// and Domain of every named schedule, CosineAsVP and Reparametrized.
// Property: no panic; Check accepts exactly the finite t inside the open
// Domain; inside it Coef is finite and its derivatives agree with a central
// finite difference of the coefficients (relative 1e-5 of the scale, away
// from the ends of the range); CosineAsVP agrees with Cosine.
//
// Seeds: testdata/fuzz/FuzzSchedule/seed-*, written by
//
//	go test ./reference/schedule -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run: go test ./reference/schedule -run '^$' -fuzz '^FuzzSchedule$' -fuzztime 60s -parallel 1

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
	"github.com/otverify/otverify/reference/schedule"
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
	"FuzzSchedule": {
		{"linear-mid", []any{"linear", enc().f(0.5).b()}},
		{"vp-small", []any{"vp", enc().f(1e-300).b()}},
		{"vp-large", []any{"vp", enc().f(1e300).b()}},
		{"cosine-end", []any{"cosine", enc().f(math.Nextafter(1, 0)).b()}},
		{"overshoot-zero", []any{"overshoot", enc().f(0.5).b()}},
		{"overshoot-near", []any{"overshoot", enc().f(math.Nextafter(0.5, 1)).b()}},
		{"outside", []any{"linear", enc().f(1).b()}},
		{"unknown", []any{"nope", enc().f(0.5).b()}},
		{"nan", []any{"vp", enc().f(math.NaN()).b()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fzCheckSeeds(t, fzSeeds) }

func FuzzSchedule(f *testing.F) {
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		d := &fzDec{data}
		tt := d.f()
		s, err := schedule.ByName(name)
		if err != nil {
			if !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("ByName(%q): %v", name, err)
			}
			return
		}
		lo, hi := s.Domain()
		inside := !math.IsNaN(tt) && !math.IsInf(tt, 0) && tt > lo && tt < hi
		if err := schedule.Check(s, tt); (err == nil) != inside {
			t.Fatalf("Check(%s, %v) = %v, inside (%v, %v) = %v", name, tt, err, lo, hi, inside)
		}
		if !inside {
			return
		}
		c := s.Coef(tt)
		if !numerics.AllFinite([]float64{c.A, c.B, c.DA, c.DB}) {
			t.Fatalf("%s.Coef(%v) = %+v is not finite inside the range", name, tt, c)
		}
		// Derivatives against central differences, away from the ends.
		h := 1e-5 * math.Max(1, math.Abs(tt))
		if tt-2*h > lo && tt+2*h < hi && math.Abs(tt) < 1e6 {
			p, m := s.Coef(tt+h), s.Coef(tt-h)
			fdA, fdB := (p.A-m.A)/(2*h), (p.B-m.B)/(2*h)
			scaleA := math.Abs(c.DA) + (math.Abs(p.A)+math.Abs(m.A))/h*1e-15 + 1e-6
			scaleB := math.Abs(c.DB) + (math.Abs(p.B)+math.Abs(m.B))/h*1e-15 + 1e-6
			// Second derivatives bounded on compact subsets: relative 1e-4
			// of the derivative scale (h² ≈ 1e-10 truncation).
			curvA := math.Abs(p.DA-m.DA) / (2 * h)
			curvB := math.Abs(p.DB-m.DB) / (2 * h)
			if math.Abs(fdA-c.DA) > 1e-4*scaleA+h*curvA || math.Abs(fdB-c.DB) > 1e-4*scaleB+h*curvB {
				t.Fatalf("%s at t = %v: a' = %v (FD %v), b' = %v (FD %v)", name, tt, c.DA, fdA, c.DB, fdB)
			}
		}
		if name == "cosine" {
			v := schedule.CosineAsVP().Coef(tt)
			if math.Abs(v.A-c.A) > 1e-12 || math.Abs(v.B-c.B) > 1e-12 {
				t.Fatalf("CosineAsVP(%v) = %+v, Cosine %+v", tt, v, c)
			}
		}
	})
}
