package attention_test

// Numerical edge cases of issue 9 for package attention: large logits
// (the softmax picks its maximum exactly), tokens far apart, duplicate
// tokens, logits that overflow. Recorded in docs/reliability.md.

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/attention"
)

func TestGammaEdgeCases(t *testing.T) {
	one := [][]float64{{1}}
	for _, tc := range []struct {
		name    string
		Q, K, x [][]float64
		want    [][]float64
		wantErr error
	}{
		// ⟨Qx_i, Kx_j⟩ = 1e200·x_i·x_j: each token attends to the extreme
		// token on its side only.
		{"large-logits", [][]float64{{1e100}}, [][]float64{{1e100}}, [][]float64{{1}, {-1}, {0.5}}, [][]float64{{1}, {-1}, {1}}, nil},
		{"duplicate-tokens", one, one, [][]float64{{2}, {2}, {2}}, [][]float64{{2}, {2}, {2}}, nil},
		{"one-token", one, one, [][]float64{{3}}, [][]float64{{3}}, nil},
		{"far-1e6", [][]float64{{1e-6}}, [][]float64{{1e-6}}, [][]float64{{0}, {1e6}}, [][]float64{{5e5}, {1e6 * math.E / (1 + math.E)}}, nil},
		{"overflowing-logits", [][]float64{{1e200}}, [][]float64{{1e200}}, [][]float64{{1}, {-1}}, nil, attention.ErrOverflow},
		{"nan", [][]float64{{math.NaN()}}, one, one, nil, numerics.ErrInvalid},
		{"empty", one, one, nil, nil, numerics.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			G, err := attention.Gamma(tc.Q, tc.K, one, tc.x)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i := range tc.want {
				if math.Abs(G[i][0]-tc.want[i][0]) > 1e-9*math.Max(1, math.Abs(tc.want[i][0])) {
					t.Fatalf("Gamma = %v, want %v", G, tc.want)
				}
			}
		})
	}
}

// TestResidualOverflowIsAnError (10-minute soak of FuzzAttention,
// 2026-11-23): tokens near MaxFloat64 overflow in x + Γ/T; Residual returned
// +Inf without an error.
func TestResidualOverflowIsAnError(t *testing.T) {
	big := 1.7e308
	x := [][]float64{{big}, {big}}
	I := [][]float64{{1}}
	_, err := attention.Residual([][]float64{{0}}, [][]float64{{0}}, I, x, 1)
	if !errors.Is(err, attention.ErrOverflow) {
		t.Fatalf("Residual near MaxFloat64: error %v, want ErrOverflow", err)
	}
}
