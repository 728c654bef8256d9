package attention

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
)

var (
	tQ = [][]float64{{1, 0.5, 0}, {0, -1, 0.3}}
	tK = [][]float64{{0.2, 1, 0}, {1, 0, -0.5}}
	tV = [][]float64{{1, 0, 0.5}, {0, 2, 0}, {-1, 0, 1}}
	tx = [][]float64{{0.5, 0.1, -0.3}, {1, -1, 0.2}, {0, 0.7, 0.7}, {-0.4, 0.2, 1}}
)

func matVec(M [][]float64, v []float64) []float64 {
	out := make([]float64, len(M))
	for i := range M {
		for j := range v {
			out[i] += M[i][j] * v[j]
		}
	}
	return out
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// direct evaluates the definition Σ_j softmax_j(⟨Qx_i,Kx_j⟩) V x_j naively.
func direct(Q, K, V, x [][]float64) [][]float64 {
	out := make([][]float64, len(x))
	for i := range x {
		qi := matVec(Q, x[i])
		w := make([]float64, len(x))
		s := 0.0
		for j := range x {
			w[j] = math.Exp(dot(qi, matVec(K, x[j])))
			s += w[j]
		}
		out[i] = make([]float64, len(x[i]))
		for j := range x {
			vx := matVec(V, x[j])
			for a := range vx {
				out[i][a] += w[j] / s * vx[a]
			}
		}
	}
	return out
}

func maxDiff(a, b [][]float64) float64 {
	m := 0.0
	for i := range a {
		m = math.Max(m, numerics.MaxAbsDiff(a[i], b[i]))
	}
	return m
}

func TestGammaDefinition(t *testing.T) {
	g, err := Gamma(tQ, tK, tV, tx)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(g, direct(tQ, tK, tV, tx)); d > 1e-14 {
		t.Fatalf("Gamma differs from the definition by %g", d)
	}
	f, err := Field(tQ, tK, tV, tx, nil, tx)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(g, f); d > 1e-15 {
		t.Fatalf("Field(context = queries = x) differs from Gamma by %g", d)
	}
	// A single token: Γ = V x.
	g1, _ := Gamma(tQ, tK, tV, tx[:1])
	if d := numerics.MaxAbsDiff(g1[0], matVec(tV, tx[0])); d > 1e-15 {
		t.Fatalf("single token: %v", g1)
	}
	// Weights (2, 1, 1) equal duplicating the first token.
	fw, _ := Field(tQ, tK, tV, tx[:3], []float64{2, 1, 1}, tx)
	fd, _ := Field(tQ, tK, tV, append([][]float64{tx[0]}, tx[:3]...), nil, tx)
	if d := maxDiff(fw, fd); d > 1e-15 {
		t.Fatalf("weights vs duplicates: %g", d)
	}
}

func TestLargeLogits(t *testing.T) {
	// Logits ⟨Qx_i, Kx_j⟩ = 1000·x_i·x_j in d = 1: for x = (1, 1, −1) the
	// first query ties tokens 0 and 1 (logit 1000) against −1000.
	Q := [][]float64{{1000}}
	K := [][]float64{{1}}
	V := [][]float64{{1}}
	x := [][]float64{{1}, {1}, {-1}}
	g, err := Gamma(Q, K, V, x)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1, 1, -1}
	for i := range g {
		if g[i][0] != want[i] {
			t.Fatalf("gamma = %v, want %v", g, want)
		}
	}
	P, _ := Weights(Q, K, x)
	if P[0][0] != 0.5 || P[0][1] != 0.5 || P[0][2] != 0 {
		t.Fatalf("P row 0 = %v", P[0])
	}
}

func TestLogPartitionGradient(t *testing.T) {
	// V = QᵀK: ∇U_α = Γ_θ[α], by central differences (h = 1e-5, error
	// ≈ h²·|U'''| ≈ 1e-10).
	V := make([][]float64, 3)
	for a := range V {
		V[a] = make([]float64, 3)
		for b := range V[a] {
			for r := range tQ {
				V[a][b] += tQ[r][a] * tK[r][b]
			}
		}
	}
	q := []float64{0.3, -0.2, 0.4}
	G, err := Field(tQ, tK, V, tx, nil, [][]float64{q})
	if err != nil {
		t.Fatal(err)
	}
	const h = 1e-5
	for a := range q {
		qp := append([]float64(nil), q...)
		qm := append([]float64(nil), q...)
		qp[a] += h
		qm[a] -= h
		up, _ := LogPartition(tQ, tK, tx, nil, [][]float64{qp})
		um, _ := LogPartition(tQ, tK, tx, nil, [][]float64{qm})
		if fd := (up[0] - um[0]) / (2 * h); math.Abs(fd-G[0][a]) > 1e-8 {
			t.Errorf("∂_%d U = %.12g, Γ = %.12g", a, fd, G[0][a])
		}
	}
}

func TestDepthLimit(t *testing.T) {
	X1, err := ContinuousDepth(tQ, tK, tV, tx, 1e-11)
	if err != nil {
		t.Fatal(err)
	}
	one, _ := Residual(tQ, tK, tV, tx, 1)
	g, _ := Gamma(tQ, tK, tV, tx)
	for i := range tx {
		for a := range tx[i] {
			if one[i][a] != tx[i][a]+g[i][a] {
				t.Fatal("one layer is x + Γ")
			}
		}
	}
	// Euler: error(T) ≈ C/T, so doubling T halves it.
	e := func(T int) float64 {
		XT, err := Residual(tQ, tK, tV, tx, T)
		if err != nil {
			t.Fatal(err)
		}
		return maxDiff(XT, X1)
	}
	r := e(64) / e(128)
	if r < 1.8 || r > 2.2 {
		t.Fatalf("error ratio e(64)/e(128) = %g, want ≈ 2 (first order)", r)
	}
}

func TestSinkhorn(t *testing.T) {
	P, f, g, err := Sinkhorn(tQ, tK, tx, 1e-13, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := len(tx)
	for i := 0; i < n; i++ {
		rs, cs := 0.0, 0.0
		for j := 0; j < n; j++ {
			rs += P[i][j]
			cs += P[j][i]
			l := dot(matVec(tQ, tx[i]), matVec(tK, tx[j]))
			if math.Abs(math.Log(P[i][j])-(l+f[i]+g[j])) > 1e-12 {
				t.Fatalf("P is not of the scaling form at (%d,%d)", i, j)
			}
		}
		if math.Abs(rs-1) > 1e-13 || math.Abs(cs-1) > 1e-13 {
			t.Fatalf("row %d sums to %v, column to %v", i, rs, cs)
		}
	}
	if _, _, _, err := Sinkhorn([][]float64{{60}}, [][]float64{{60}}, [][]float64{{1}, {-1}, {0.5}}, 1e-15, 3); !errors.Is(err, numerics.ErrNotConverged) {
		t.Fatalf("3 sweeps on logits of size 3600: err = %v, want ErrNotConverged", err)
	}
}

func TestInvalid(t *testing.T) {
	tests := []struct {
		name string
		f    func() error
	}{
		{"empty x", func() error { _, err := Gamma(tQ, tK, tV, nil); return err }},
		{"ragged x", func() error { _, err := Gamma(tQ, tK, tV, [][]float64{{1, 2, 3}, {1}}); return err }},
		{"NaN", func() error { _, err := Gamma(tQ, tK, tV, [][]float64{{1, math.NaN(), 3}}); return err }},
		{"Q cols", func() error { _, err := Gamma([][]float64{{1, 2}}, tK, tV, tx); return err }},
		{"K rows", func() error { _, err := Gamma(tQ, tK[:1], tV, tx); return err }},
		{"V shape", func() error { _, err := Gamma(tQ, tK, tV[:2], tx); return err }},
		{"weights", func() error { _, err := Field(tQ, tK, tV, tx, []float64{1, -1, 1, 1}, tx); return err }},
		{"T", func() error { _, err := Residual(tQ, tK, tV, tx, 0); return err }},
		{"tol", func() error { _, err := ContinuousDepth(tQ, tK, tV, tx, 1); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.f(); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
	if _, err := Gamma([][]float64{{1e200}}, [][]float64{{1e200}}, [][]float64{{1}}, [][]float64{{1}}); !errors.Is(err, ErrOverflow) {
		t.Fatalf("overflowing logits: err = %v", err)
	}
}
