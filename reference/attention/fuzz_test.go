package attention_test

// Native Go fuzz targets for the exported functions of package attention
// (issue 9): Gamma, Weights, Field, LogPartition, Residual, ContinuousDepth
// and Sinkhorn. Property: no panic, no hang, no NaN or ±Inf without an
// error (errors wrap numerics.ErrInvalid, numerics.ErrNotConverged or
// ErrOverflow), and for valid input the package's identities: Weights rows
// are probability vectors, Gamma = Weights·(V x_j), Field with the tokens as
// context and queries is Gamma, Sinkhorn's matrix is doubly stochastic.
//
// Seeds: testdata/fuzz/FuzzXxx/seed-*, written from fzSeeds by
//
//	go test ./reference/attention -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run one target: go test ./reference/attention -run '^$' -fuzz '^FuzzAttention$' -fuzztime 60s -parallel 1

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
	"github.com/otverify/otverify/reference/attention"
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

func okErr(t *testing.T, name string, err error) {
	t.Helper()
	if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, numerics.ErrNotConverged) && !errors.Is(err, attention.ErrOverflow) {
		t.Fatalf("%s: error %v wraps none of ErrInvalid, ErrNotConverged, ErrOverflow", name, err)
	}
}

func finiteRows(M [][]float64) bool {
	for _, r := range M {
		if !numerics.AllFinite(r) {
			return false
		}
	}
	return true
}

// attnInput: n, r, d, T, then Q (r×d), K (r×d), V (d×d), x (n×d), tol.
func attnInput(n, r, d, T int, vals ...float64) []byte {
	return enc().u8(byte(n), byte(r), byte(d), byte(T)).f(vals...).b()
}

var fzSeeds = map[string][]fzSeed{
	"FuzzAttention": {
		{"one-token", []any{attnInput(1, 1, 1, 1, 1, 1, 1, 2, 1e-8)}},
		{"duplicate-tokens", []any{attnInput(3, 1, 1, 2, 1, 1, 1, 0.5, 0.5, 0.5, 1e-8)}},
		{"large-logits", []any{attnInput(2, 1, 1, 1, 1e150, 1e150, 1, 1, -1, 1e-8)}},
		{"huge-logits-overflow", []any{attnInput(2, 1, 1, 1, 1e300, 1e300, 1, 1, -1, 1e-8)}},
		{"ties", []any{attnInput(2, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 2, 3, 4, 1e-8)}},
		{"far-1e6", []any{attnInput(2, 1, 1, 1, 1e-6, 1e-6, 1, 0, 1e6, 1e-8)}},
		{"nan", []any{attnInput(1, 1, 1, 1, math.NaN(), 1, 1, 1, 1e-8)}},
		{"empty", []any{attnInput(0, 1, 1, 1, 1, 1, 1, 1e-8)}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fzCheckSeeds(t, fzSeeds) }

// FuzzAttention: every function answers finitely and consistently or with a
// clean error.
func FuzzAttention(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := &fzDec{data}
		n, r, dim, T := d.n(0, 4), d.n(0, 3), d.n(0, 3), d.n(0, 3)
		Q, K, V, x := d.mat(r, dim), d.mat(r, dim), d.mat(dim, dim), d.mat(n, dim)
		tol := d.f()
		G, err := attention.Gamma(Q, K, V, x)
		if err != nil {
			okErr(t, "Gamma", err)
		} else {
			if len(G) != n || !finiteRows(G) {
				t.Fatalf("Gamma returned %v without an error", G)
			}
			P, err := attention.Weights(Q, K, x)
			if err != nil || len(P) != n {
				t.Fatalf("Weights failed where Gamma answered: %v", err)
			}
			scale := 0.0
			vx := make([][]float64, n)
			for j := range x {
				vx[j] = make([]float64, dim)
				for a := 0; a < dim; a++ {
					for b := 0; b < dim; b++ {
						vx[j][a] += V[a][b] * x[j][b]
					}
					scale = math.Max(scale, math.Abs(vx[j][a]))
				}
			}
			for i := range P {
				s := 0.0
				for _, p := range P[i] {
					if !(p >= 0 && p <= 1) {
						t.Fatalf("Weights[%d] = %v", i, P[i])
					}
					s += p
				}
				if math.Abs(s-1) > 4*float64(n)*ulp {
					t.Fatalf("Weights row %d sums to %v", i, s)
				}
				for a := 0; a < dim; a++ {
					want := 0.0
					for j := range x {
						want += P[i][j] * vx[j][a]
					}
					if math.Abs(G[i][a]-want) > 16*float64(n+dim)*ulp*scale && numerics.AllFinite([]float64{want}) {
						t.Fatalf("Gamma[%d][%d] = %v, Weights·Vx = %v", i, a, G[i][a], want)
					}
				}
			}
			F, err := attention.Field(Q, K, V, x, nil, x)
			if err != nil {
				t.Fatalf("Field failed where Gamma answered: %v", err)
			}
			for i := range F {
				for a := range F[i] {
					if math.Abs(F[i][a]-G[i][a]) > 16*float64(n+dim)*ulp*scale {
						t.Fatalf("Field(context = queries = x) = %v, Gamma %v", F, G)
					}
				}
			}
		}
		w := d.fs(n)
		if L, err := attention.LogPartition(Q, K, x, w, x); err != nil {
			okErr(t, "LogPartition", err)
		} else if len(L) != n || !numerics.AllFinite(L) {
			t.Fatalf("LogPartition returned %v without an error", L)
		}
		if F, err := attention.Field(Q, K, V, x, w, x); err != nil {
			okErr(t, "Field", err)
		} else if !finiteRows(F) {
			t.Fatalf("Field returned %v without an error", F)
		}
		if X, err := attention.Residual(Q, K, V, x, T); err != nil {
			okErr(t, "Residual", err)
		} else if len(X) != n || !finiteRows(X) {
			t.Fatalf("Residual returned %v without an error", X)
		}
		if n <= 3 && dim <= 2 {
			if X, err := attention.ContinuousDepth(Q, K, V, x, tol); err != nil {
				okErr(t, "ContinuousDepth", err)
			} else if len(X) != n || !finiteRows(X) {
				t.Fatalf("ContinuousDepth returned %v without an error", X)
			}
		}
		P, fp, gp, err := attention.Sinkhorn(Q, K, x, tol, 50)
		if err != nil {
			okErr(t, "Sinkhorn", err)
			return
		}
		if len(P) != n || !finiteRows(P) || !numerics.AllFinite(fp) || !numerics.AllFinite(gp) {
			t.Fatalf("Sinkhorn returned %v, %v, %v without an error", P, fp, gp)
		}
		eff := tol
		if eff == 0 {
			eff = 1e-12
		}
		cols := make([]float64, n)
		for i := range P {
			s := 0.0
			for j, p := range P[i] {
				s += p
				cols[j] += p
			}
			if math.Abs(s-1) > eff+8*float64(n)*ulp {
				t.Fatalf("Sinkhorn row %d sums to %v (tol %v)", i, s, eff)
			}
		}
		for j, c := range cols {
			if math.Abs(c-1) > 8*float64(n)*ulp+eff {
				t.Fatalf("Sinkhorn column %d sums to %v", j, c)
			}
		}
	})
}
