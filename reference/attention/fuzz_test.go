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
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/internal/fuzzseed"
	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/attention"
)

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
	return fuzzseed.NewEnc().U8(byte(n), byte(r), byte(d), byte(T)).F(vals...).Bytes()
}

var fzSeeds = map[string][]fuzzseed.Seed{
	"FuzzAttention": {
		{Name: "one-token", Args: []any{attnInput(1, 1, 1, 1, 1, 1, 1, 2, 1e-8)}},
		{Name: "duplicate-tokens", Args: []any{attnInput(3, 1, 1, 2, 1, 1, 1, 0.5, 0.5, 0.5, 1e-8)}},
		{Name: "large-logits", Args: []any{attnInput(2, 1, 1, 1, 1e150, 1e150, 1, 1, -1, 1e-8)}},
		{Name: "huge-logits-overflow", Args: []any{attnInput(2, 1, 1, 1, 1e300, 1e300, 1, 1, -1, 1e-8)}},
		{Name: "ties", Args: []any{attnInput(2, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 2, 3, 4, 1e-8)}},
		{Name: "far-1e6", Args: []any{attnInput(2, 1, 1, 1, 1e-6, 1e-6, 1, 0, 1e6, 1e-8)}},
		{Name: "nan", Args: []any{attnInput(1, 1, 1, 1, math.NaN(), 1, 1, 1, 1e-8)}},
		{Name: "empty", Args: []any{attnInput(0, 1, 1, 1, 1, 1, 1, 1e-8)}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fuzzseed.Check(t, fzSeeds) }

// FuzzAttention: every function answers finitely and consistently or with a
// clean error.
func FuzzAttention(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		n, r, dim, T := d.N(0, 4), d.N(0, 3), d.N(0, 3), d.N(0, 3)
		Q, K, V, x := d.Mat(r, dim), d.Mat(r, dim), d.Mat(dim, dim), d.Mat(n, dim)
		tol := d.F()
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
		w := d.Fs(n)
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
