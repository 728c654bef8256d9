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
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/otverify/otverify/internal/fuzzseed"
	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/mixture"
)

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
	return fuzzseed.NewEnc().U8(byte(k), byte(d), mode).F(vals...).Bytes()
}

var fzSeeds = map[string][]fuzzseed.Seed{
	"FuzzMixture": {
		{Name: "one-gaussian", Args: []any{mixInput(1, 1, 1, 1, 0, 1, 0.5, 1, 1, 0.5)}},
		{Name: "two-atoms", Args: []any{mixInput(2, 1, 3, 1, 1, -1, 1, 0, 0, 0.25, 0.5, 1, 0.5)}},
		{Name: "duplicate-atoms", Args: []any{mixInput(2, 1, 3, 1, 1, 2, 2, 0, 0, 2, 0.5, 1, 0.5)}},
		{Name: "far-1e6", Args: []any{mixInput(2, 2, 1, 1, 3, 0, 0, 1, 1, 1, 0.5, 1e6, 1e6, 0.5, 1, 0.5)}},
		{Name: "far-1e6-diracs", Args: []any{mixInput(2, 1, 3, 1, 1, 0, 1, 0, 0, 1e6, 0.125, 1, 1)}},
		{Name: "tiny-sigma", Args: []any{mixInput(2, 1, 3, 1, 1, 0, 1, 0, 0, 0.5, 1e-300, 1, 1)}},
		{Name: "huge", Args: []any{mixInput(1, 1, 1, 1, 1e300, 1, -1e300, 1, 1, 1)}},
		{Name: "tiny-variance", Args: []any{mixInput(2, 1, 1, 1, 1, 0, 1, 5e-324, 1e-300, 0.5, 1, 1, 1)}},
		{Name: "bad-weights", Args: []any{mixInput(2, 1, 0, 0.5, 0.6, 0, 1, 1, 1, 0, 1, 1, 1)}},
		{Name: "nan", Args: []any{mixInput(1, 1, 1, 1, math.NaN(), 1, 0, 1, 1, 1)}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fuzzseed.Check(t, fzSeeds) }

func FuzzMixture(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		k, dim, mode := d.N(0, 4), d.N(0, 3), d.U8()
		w := d.Fs(k)
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
		mu := d.Mat(k, dim)
		s2 := d.Fs(k)
		z := d.Fs(dim)
		sigma, a, nu := d.F(), d.F(), d.F()
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
		n := d.N(0, 5)
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
