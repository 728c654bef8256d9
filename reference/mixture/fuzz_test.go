package mixture_test

// Native Go fuzz targets for the exported functions of package mixture
// (issue 9): New/NewDiracs, Affine, LogDensity, Responsibilities, Score(Batch),
// LinearPosterior/PosteriorBatch/PosteriorCombination, Denoise(Batch) and
// Sample. Property: no panic, no hang, no NaN or ±Inf without an error
// (errors wrap numerics.ErrInvalid or ErrOverflow), batch forms equal the
// per-point forms, and for valid input the identities of the package:
// responsibilities are a probability vector, Score = Σ_j r_j (μ_j − z)/s²_j,
// and Tweedie's identity Denoise(σ, z) = z + σ²·∇log p_σ(z) with p_σ the
// law of X + σY (Affine(1, σ²)) — points 1e6 away from the atoms included.
//
// Seeds: testdata/fuzz/FuzzXxx/seed-*, written from fzSeeds by
//
//	go test ./reference/mixture -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run one target: go test ./reference/mixture -run '^$' -fuzz '^FuzzMixture$' -fuzztime 60s -parallel 1

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/mixture"
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
	if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, mixture.ErrOverflow) {
		t.Fatalf("%s: error %v wraps neither ErrInvalid nor ErrOverflow", name, err)
	}
}

// mixInput: k, d, mode (bit 0: normalise w; bit 1: Diracs), then w, mu, s2,
// z, sigma, a, nu.
func mixInput(k, d int, mode byte, vals ...float64) []byte {
	return enc().u8(byte(k), byte(d), mode).f(vals...).b()
}

var fzSeeds = map[string][]fzSeed{
	"FuzzMixture": {
		{"one-gaussian", []any{mixInput(1, 1, 1, 1, 0, 1, 0.5, 1, 1, 0.5)}},
		{"two-atoms", []any{mixInput(2, 1, 3, 1, 1, -1, 1, 0, 0, 0.25, 0.5, 1, 0.5)}},
		{"duplicate-atoms", []any{mixInput(2, 1, 3, 1, 1, 2, 2, 0, 0, 2, 0.5, 1, 0.5)}},
		{"far-1e6", []any{mixInput(2, 2, 1, 1, 3, 0, 0, 1, 1, 1, 0.5, 1e6, 1e6, 0.5, 1, 0.5)}},
		{"far-1e6-diracs", []any{mixInput(2, 1, 3, 1, 1, 0, 1, 0, 0, 1e6, 0.125, 1, 1)}},
		{"tiny-sigma", []any{mixInput(2, 1, 3, 1, 1, 0, 1, 0, 0, 0.5, 1e-300, 1, 1)}},
		{"huge", []any{mixInput(1, 1, 1, 1, 1e300, 1, -1e300, 1, 1, 1)}},
		{"tiny-variance", []any{mixInput(2, 1, 1, 1, 1, 0, 1, 5e-324, 1e-300, 0.5, 1, 1, 1)}},
		{"bad-weights", []any{mixInput(2, 1, 0, 0.5, 0.6, 0, 1, 1, 1, 0, 1, 1, 1)}},
		{"nan", []any{mixInput(1, 1, 1, 1, math.NaN(), 1, 0, 1, 1, 1)}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fzCheckSeeds(t, fzSeeds) }

func FuzzMixture(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := &fzDec{data}
		k, dim, mode := d.n(0, 4), d.n(0, 3), d.u8()
		w := d.fs(k)
		if mode&1 == 1 {
			s := 0.0
			for _, v := range w {
				s += math.Abs(v)
			}
			if s > 0 && !math.IsInf(s, 0) {
				for i := range w {
					w[i] = math.Abs(w[i]) / s
				}
			}
		}
		mu := d.mat(k, dim)
		s2 := d.fs(k)
		z := d.fs(dim)
		sigma, a, nu := d.f(), d.f(), d.f()
		var m *mixture.Mixture
		var err error
		if mode&2 == 2 {
			m, err = mixture.NewDiracs(w, mu)
		} else {
			m, err = mixture.New(w, mu, s2)
		}
		if err != nil {
			okErr(t, "New", err)
			return
		}
		if m.K() != k || m.Dim() != dim {
			t.Fatalf("K, Dim = %d, %d for %d, %d", m.K(), m.Dim(), k, dim)
		}
		scale := numerics.MaxAbs(z)
		for j := 0; j < k; j++ {
			scale = math.Max(scale, numerics.MaxAbs(m.Mean(j)))
		}
		if l, err := m.LogDensity(z); err != nil {
			okErr(t, "LogDensity", err)
		} else if !numerics.AllFinite([]float64{l}) {
			t.Fatalf("LogDensity = %v without an error", l)
		}
		r, err := m.Responsibilities(nil, z)
		if err != nil {
			okErr(t, "Responsibilities", err)
		} else {
			s := 0.0
			for _, v := range r {
				if !(v >= 0 && v <= 1) {
					t.Fatalf("Responsibilities = %v", r)
				}
				s += v
			}
			if math.Abs(s-1) > 4*float64(k)*ulp {
				t.Fatalf("Responsibilities sum to %v", s)
			}
		}
		sc, err := m.Score(nil, z)
		if err != nil {
			okErr(t, "Score", err)
		} else {
			if !numerics.AllFinite(sc) {
				t.Fatalf("Score = %v without an error", sc)
			}
			if r != nil {
				terms := 0.0
				for c := 0; c < dim; c++ {
					want := 0.0
					for j := 0; j < k; j++ {
						v := (m.Mean(j)[c] - z[c]) / m.Var(j)
						want += r[j] * v
						terms = math.Max(terms, math.Abs(v))
					}
					// plus a few subnormal ulps: each term (μ_j − z)/s²_j below
					// MinNormal is rounded absolutely (μ = 5e−324, s² = 1.75:
					// this sum gives 5e−324, the correctly rounded score is 0).
					if math.Abs(sc[c]-want) > 16*float64(k+dim)*ulp*terms+4*float64(k+1)*5e-324 && numerics.AllFinite([]float64{want}) {
						t.Fatalf("Score[%d] = %v, Σ r_j (μ_j − z)/s²_j = %v", c, sc[c], want)
					}
				}
			}
			batch := make([]float64, 2*dim)
			if err := m.ScoreBatch(batch, append(append([]float64(nil), z...), z...)); err != nil || !reflect.DeepEqual(batch[:dim], sc) || !reflect.DeepEqual(batch[dim:], sc) {
				t.Fatalf("ScoreBatch = %v (%v), Score = %v", batch, err, sc)
			}
		}
		den, err := m.Denoise(nil, sigma, z)
		if err != nil {
			okErr(t, "Denoise", err)
		} else {
			if !numerics.AllFinite(den) {
				t.Fatalf("Denoise = %v without an error", den)
			}
			batch := make([]float64, dim)
			if err := m.DenoiseBatch(batch, sigma, z); err != nil || !reflect.DeepEqual(batch, den) {
				t.Fatalf("DenoiseBatch = %v (%v), Denoise = %v", batch, err, den)
			}
			// Tweedie: E[X | X + σY = z] = z + σ² ∇log p_σ(z).
			if ps, err := m.Affine(1, sigma*sigma); err == nil && sigma > 1e-3 && sigma < 1e3 {
				if g, err := ps.Score(nil, z); err == nil {
					for c := range den {
						want := z[c] + sigma*sigma*g[c]
						if math.Abs(den[c]-want) > 1e-9*(scale+1) {
							t.Fatalf("Denoise(σ = %v, z = %v) = %v, Tweedie z + σ²∇log p_σ = %v", sigma, z, den, want)
						}
					}
				}
			}
		}
		ex, en := make([]float64, dim), make([]float64, dim)
		if err := m.LinearPosterior(a, nu, z, ex, en); err != nil {
			okErr(t, "LinearPosterior", err)
		} else {
			if !numerics.AllFinite(ex) || !numerics.AllFinite(en) {
				t.Fatalf("LinearPosterior = %v, %v without an error", ex, en)
			}
			bx, bn := make([]float64, dim), make([]float64, dim)
			if err := m.PosteriorBatch(a, nu, z, bx, bn); err != nil || !reflect.DeepEqual(bx, ex) || !reflect.DeepEqual(bn, en) {
				t.Fatalf("PosteriorBatch = %v, %v (%v); LinearPosterior = %v, %v", bx, bn, err, ex, en)
			}
			comb := make([]float64, dim)
			if err := m.PosteriorCombination(a, nu, 2, -1, z, comb); err == nil {
				for c := range comb {
					want := 2*ex[c] - en[c]
					if math.Abs(comb[c]-want) > 8*ulp*(2*math.Abs(ex[c])+math.Abs(en[c])) && numerics.AllFinite([]float64{want}) {
						t.Fatalf("PosteriorCombination = %v, 2·E[X|Z] − E[N|Z] = %v", comb, want)
					}
				}
			} else {
				okErr(t, "PosteriorCombination", err)
			}
		}
		if A, err := m.Affine(a, nu); err != nil {
			okErr(t, "Affine", err)
		} else if A.K() != k {
			t.Fatalf("Affine changed K")
		}
		n := d.n(0, 5)
		rng := func() *rand.Rand { return rand.New(rand.NewPCG(uint64(n), 3)) }
		X, comp, err := m.Sample(rng(), n)
		if err != nil {
			okErr(t, "Sample", err)
			return
		}
		X2, comp2, _ := m.Sample(rng(), n)
		if !reflect.DeepEqual(X, X2) || !reflect.DeepEqual(comp, comp2) || len(X) != n {
			t.Fatalf("Sample is not deterministic given the seed")
		}
		for i := range X {
			if !numerics.AllFinite(X[i]) || comp[i] < 0 || comp[i] >= k {
				t.Fatalf("Sample drew %v from component %d without an error", X[i], comp[i])
			}
		}
	})
}
