// Package fuzzseed is the fuzz-input codec and seed-corpus machinery shared
// by the native Go fuzz targets of the module (issue 9): numerics and every
// reference/* package decode their fuzz inputs with [Dec], build their seed
// inputs with [Enc], and keep the seed corpora testdata/fuzz/FuzzXxx/seed-*
// in step with a table of [Seed] values through [Check].
//
// # Byte encoding
//
// A fuzz input is one []byte, decoded left to right so that the mutator
// reaches the hard cases — ties, duplicates, zeros, 1e±300, subnormals,
// MaxFloat64, NaN, ±Inf — with small inputs. A float is read from a byte b:
//
//   - b < 0xC0 is the float (b − 96)/8 (a grid of step 1/8 in
//     [−12, 11.875], so ties and duplicates are frequent);
//   - 0xC0–0xEF are special[b mod 16], the values 0, −0, 1, −1, 1e−300,
//     −1e−300, 1e300, −1e300, 5e−324, MaxFloat64, −MaxFloat64, NaN, +Inf,
//     −Inf, 1e8, 1e−8 in that order;
//   - 0xF0–0xFF are followed by 8 bytes holding a raw IEEE-754 value
//     (little endian).
//
// Exhausted input reads as the byte 0: U8 returns 0, N returns lo, and F
// returns −12, the grid value of byte 0 (not the float 0).
// A raw value with fewer than 8 bytes left reads as the float 0 and consumes
// the rest of the input, after which input is exhausted.
//
// [Enc] is the inverse used to write seeds: a float on the grid is written as
// its grid byte, every other float (−0 included) as 0xFF and its 8 raw bytes;
// the special bytes are never written, so the seed files depend only on the
// values in the seed tables.
//
// # Seed corpora
//
// [Check] writes (with the -fuzzseeds.write flag of the test binary) or
// compares the files testdata/fuzz/<Target>/seed-<Name>, in the format
// "go test fuzz v1" that go test reads; each package runs it from
//
//	func TestFuzzSeedCorpus(t *testing.T) { fuzzseed.Check(t, fzSeeds) }
//
// and rewrites its corpora with
//
//	go test ./<pkg> -run TestFuzzSeedCorpus -fuzzseeds.write
//
// This package imports "testing" and registers the flag -fuzzseeds.write in a
// package-level variable although it is not a _test package. That is
// acceptable because it is internal and imported only by _test.go files: the
// flag and the testing package end up in test binaries only, never in a
// program built from the module.
package fuzzseed

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
)

// special are the values that bytes 0xC0–0xEF decode to (index b mod 16).
var special = [16]float64{
	0, math.Copysign(0, -1), 1, -1, 1e-300, -1e-300, 1e300, -1e300,
	5e-324, math.MaxFloat64, -math.MaxFloat64, math.NaN(), math.Inf(1), math.Inf(-1), 1e8, 1e-8,
}

// Dec decodes a fuzz input in the byte encoding of the package doc. Every
// method consumes input from the front; none fails: exhausted input reads
// as the byte 0 (so F then returns −12).
type Dec struct{ b []byte }

// NewDec returns a decoder reading b (which it does not modify).
func NewDec(b []byte) *Dec { return &Dec{b} }

// U8 returns the next byte, or 0 when the input is exhausted.
func (d *Dec) U8() byte {
	if len(d.b) == 0 {
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

// N returns the int lo + U8() mod (hi − lo + 1), in [lo, hi]; it consumes
// one byte and returns lo on exhausted input. It requires lo ≤ hi (the
// bounds come from the test, not from the fuzz input) and panics otherwise.
func (d *Dec) N(lo, hi int) int { return lo + int(d.U8())%(hi-lo+1) }

// F returns the next float: (b − 96)/8 for a byte b < 0xC0, special[b mod 16]
// for 0xC0–0xEF, and for 0xF0–0xFF the raw little-endian IEEE-754 value in
// the next 8 bytes (0 if fewer than 8 are left, which are then consumed). On
// exhausted input b is 0 and F returns −12.
func (d *Dec) F() float64 {
	b := d.U8()
	switch {
	case b < 0xC0:
		return float64(int(b)-96) / 8
	case b < 0xF0:
		return special[b%16]
	}
	if len(d.b) < 8 {
		d.b = nil
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

// Fs returns n floats read with F (n ≥ 0).
func (d *Dec) Fs(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = d.F()
	}
	return x
}

// Mat returns an r×c matrix as r rows of c floats, read row by row with Fs
// (r, c ≥ 0).
func (d *Dec) Mat(r, c int) [][]float64 {
	M := make([][]float64, r)
	for i := range M {
		M[i] = d.Fs(c)
	}
	return M
}

// Enc builds fuzz inputs for the seed corpora: the inverse of [Dec] (see the
// package doc). Its methods append and return e, so calls chain:
// NewEnc().U8(2).F(1, 0.5).Bytes().
type Enc []byte

// NewEnc returns an empty encoder.
func NewEnc() *Enc { return &Enc{} }

// U8 appends the bytes b as they are (read back by Dec.U8 or Dec.N).
func (e *Enc) U8(b ...byte) *Enc { *e = append(*e, b...); return e }

// F appends the floats xs so that Dec.F reads them back bit for bit: a value
// v with 8v an integer in [−96, 96) (and v not −0) as the grid byte 8v + 96,
// any other value as 0xFF followed by its 8 raw bytes (little endian).
func (e *Enc) F(xs ...float64) *Enc {
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

// Rows appends the rows of M one after the other with F (read back by
// Dec.Mat when the rows have equal length).
func (e *Enc) Rows(M ...[]float64) *Enc {
	for _, r := range M {
		e.F(r...)
	}
	return e
}

// Bytes returns the encoded input (not a copy).
func (e *Enc) Bytes() []byte { return *e }

// Seed is one seed input of a fuzz target, stored as
// testdata/fuzz/<Target>/seed-<Name>.
type Seed struct {
	Name string
	Args []any // []byte or string, in the target's argument order
}

var write = flag.Bool("fuzzseeds.write", false, "rewrite the seed corpora testdata/fuzz/*/seed-* from the package's fzSeeds table")

// CorpusFile returns the content of a seed file in the format "go test fuzz
// v1": that header line, then one line []byte("…") or string("…") per
// argument, quoted with %q. An argument of any other type is an error.
func CorpusFile(args []any) (string, error) {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for i, a := range args {
		switch v := a.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		case string:
			fmt.Fprintf(&b, "string(%q)\n", v)
		default:
			return "", fmt.Errorf("fuzzseed: argument %d has type %T, want []byte or string", i, a)
		}
	}
	return b.String(), nil
}

// errDuplicate reports two seeds of one target with the same name (the
// second would silently overwrite the first's file).
var errDuplicate = errors.New("duplicate seed name")

// Check writes (with -fuzzseeds.write) or compares the seed corpora: for
// every target (map key, a fuzz function name) and every seed s of it, the
// file testdata/fuzz/<target>/seed-<s.Name>, relative to the working
// directory (the package directory under go test), must hold
// CorpusFile(s.Args). In write mode missing directories are created and the
// files overwritten (0o644); otherwise a missing or different file, a seed
// whose arguments CorpusFile rejects, and a name used twice in one target are
// reported with t.Errorf. Files in the directories that are not in the table
// (committed fuzz findings) are neither checked nor touched.
func Check(t testing.TB, seeds map[string][]Seed) {
	t.Helper()
	targets := make([]string, 0, len(seeds))
	for k := range seeds {
		targets = append(targets, k)
	}
	sort.Strings(targets)
	for _, target := range targets {
		seen := make(map[string]bool, len(seeds[target]))
		for _, s := range seeds[target] {
			path := filepath.Join("testdata", "fuzz", target, "seed-"+s.Name)
			if seen[s.Name] {
				t.Errorf("%s: %v", path, errDuplicate)
				continue
			}
			seen[s.Name] = true
			File(t, path, s.Args, true)
		}
	}
}

// Writing reports whether the test binary runs with -fuzzseeds.write.
func Writing() bool { return *write }

// File writes (with -fuzzseeds.write) or, if compare is set, compares one
// seed file: path (relative to the package directory) must hold
// CorpusFile(args). A missing or different file, or arguments CorpusFile
// rejects, are reported with t.Errorf; a failed write is fatal. compare is
// false for seeds derived from data that changes on its own schedule (the
// committed test vectors): they are rewritten with the rest but not
// checked. Packages whose seed tables are not [Seed] lists (protocol,
// theorems, reports) call it directly; [Check] calls it for every seed.
func File(t testing.TB, path string, args []any, compare bool) {
	t.Helper()
	want, err := CorpusFile(args)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	if *write {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !compare {
		return
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != want {
		t.Errorf("%s is missing or stale: rerun with -fuzzseeds.write", path)
	}
}
