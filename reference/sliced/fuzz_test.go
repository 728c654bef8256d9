package sliced_test

// Native Go fuzz target for package sliced (issue 9): SlicedW2 and
// Directions. Property: no panic, no NaN or ±Inf without an error (errors
// wrap numerics.ErrInvalid or ErrOverflow); for valid input SW₂² ≥ 0, 0 for
// equal clouds, symmetric in x and y, and equal in d = 1 to the sorted
// matching (1/n) Σ (x_(k) − y_(k))²; Directions rows have unit norm.
//
// Seeds: testdata/fuzz/FuzzSlicedW2/seed-*, written by
//
//	go test ./reference/sliced -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run: go test ./reference/sliced -run '^$' -fuzz '^FuzzSlicedW2$' -fuzztime 60s -parallel 1

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/sliced"
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

const ulp = 0x1p-52

var fzSeeds = map[string][]fzSeed{
	"FuzzSlicedW2": {
		{"one-dim", []any{enc().u8(3, 1, 1, 0).f(0, 1, 2, 2, 1, 0, 1).b()}},
		{"duplicates", []any{enc().u8(3, 1, 1, 0).f(1, 1, 1, 1, 1, 1, 1).b()}},
		{"random-dirs", []any{enc().u8(2, 2, 3, 1).f(0, 0, 1, 1, 1e6, 1e6, 2, 2).b()}},
		{"huge", []any{enc().u8(1, 1, 1, 0).f(1e300, -1e300, 1).b()}},
		{"not-unit", []any{enc().u8(1, 1, 1, 0).f(0, 1, 2).b()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fzCheckSeeds(t, fzSeeds) }

func FuzzSlicedW2(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := &fzDec{data}
		n, dim, L, randomDirs := d.n(0, 5), d.n(0, 3), d.n(0, 4), d.u8()%2 == 1
		x, y := d.fs(n*dim), d.fs(n*dim)
		var theta []float64
		if randomDirs {
			var err error
			theta, err = sliced.Directions(rand.New(rand.NewPCG(uint64(n), uint64(L))), L, dim)
			if err != nil {
				if !errors.Is(err, numerics.ErrInvalid) {
					t.Fatalf("Directions: %v", err)
				}
				return
			}
			for l := 0; l < L; l++ {
				s := 0.0
				for k := 0; k < dim; k++ {
					s += theta[l*dim+k] * theta[l*dim+k]
				}
				if math.Abs(math.Sqrt(s)-1) > 8*float64(dim)*ulp {
					t.Fatalf("Directions row %d has norm %v", l, math.Sqrt(s))
				}
			}
		} else {
			theta = d.fs(L * dim)
		}
		v, err := sliced.SlicedW2(x, y, n, dim, theta, L)
		if err != nil {
			if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, sliced.ErrOverflow) {
				t.Fatalf("SlicedW2: %v", err)
			}
			return
		}
		if !(v >= 0) || math.IsInf(v, 0) {
			t.Fatalf("SlicedW2 = %v without an error", v)
		}
		scale := math.Max(numerics.MaxAbs(x), numerics.MaxAbs(y))
		tol := 64 * float64(dim+n) * ulp * 4 * scale * scale
		if v2, err := sliced.SlicedW2(y, x, n, dim, theta, L); err != nil || math.Abs(v-v2) > tol {
			t.Fatalf("SlicedW2 not symmetric: %v vs %v (%v)", v, v2, err)
		}
		if v0, err := sliced.SlicedW2(x, x, n, dim, theta, L); err != nil || v0 != 0 {
			t.Fatalf("SlicedW2(x, x) = %v (%v)", v0, err)
		}
		if dim == 1 {
			xs, ys := append([]float64(nil), x...), append([]float64(nil), y...)
			sort.Float64s(xs)
			sort.Float64s(ys)
			want := 0.0
			for k := range xs {
				want += (xs[k] - ys[k]) * (xs[k] - ys[k])
			}
			want /= float64(n)
			if !math.IsInf(want, 0) && math.Abs(v-want) > tol {
				t.Fatalf("SlicedW2 in d = 1 = %v, sorted matching %v", v, want)
			}
		}
	})
}
