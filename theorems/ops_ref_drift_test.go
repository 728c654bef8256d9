package theorems

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
)

// The reference entries of drift.field, attn.gamma and ar.sample validate
// their arguments as protocol.md requires: malformed input is invalid,
// valid input with large logits is answered exactly.

func TestRefDriftAttnARInvalid(t *testing.T) {
	ops := ReferenceOps()
	x := [][]float64{{0, 0}}
	tests := []struct {
		name string
		call func() error
	}{
		{"drift tau 0", func() error {
			_, err := ops.DriftField(DriftArgs{X: x, YPos: x, YNeg: x, Tau: 0, Kernel: "laplace"})
			return err
		}},
		{"drift tau NaN", func() error {
			_, err := ops.DriftField(DriftArgs{X: x, YPos: x, YNeg: x, Tau: math.NaN(), Kernel: "laplace"})
			return err
		}},
		{"drift kernel", func() error {
			_, err := ops.DriftField(DriftArgs{X: x, YPos: x, YNeg: x, Tau: 1, Kernel: "rbf"})
			return err
		}},
		{"drift dims", func() error {
			_, err := ops.DriftField(DriftArgs{X: x, YPos: [][]float64{{1}}, YNeg: x, Tau: 1, Kernel: "gaussian"})
			return err
		}},
		{"drift empty yneg", func() error {
			_, err := ops.DriftField(DriftArgs{X: x, YPos: x, YNeg: nil, Tau: 1, Kernel: "gaussian"})
			return err
		}},
		{"attn K rows", func() error {
			_, err := ops.AttnGamma(AttnArgs{Q: [][]float64{{1, 0}}, K: [][]float64{{1, 0}, {0, 1}}, V: [][]float64{{1, 0}, {0, 1}}, X: x})
			return err
		}},
		{"attn V shape", func() error {
			_, err := ops.AttnGamma(AttnArgs{Q: [][]float64{{1, 0}}, K: [][]float64{{1, 0}}, V: [][]float64{{1, 0}}, X: x})
			return err
		}},
		{"attn Inf", func() error {
			_, err := ops.AttnGamma(AttnArgs{Q: [][]float64{{1, 0}}, K: [][]float64{{1, 0}}, V: [][]float64{{1, 0}, {0, 1}}, X: [][]float64{{math.Inf(1), 0}}})
			return err
		}},
		{"ar u = 1", func() error { _, err := ops.ARSample(ARSampleArgs{P: []float64{1}, U: 1}); return err }},
		{"ar u < 0", func() error { _, err := ops.ARSample(ARSampleArgs{P: []float64{1}, U: -0.1}); return err }},
		{"ar sum", func() error { _, err := ops.ARSample(ARSampleArgs{P: []float64{0.5, 0.4}, U: 0.1}); return err }},
		{"ar negative", func() error { _, err := ops.ARSample(ARSampleArgs{P: []float64{1.5, -0.5}, U: 0.1}); return err }},
		{"ar empty", func() error { _, err := ops.ARSample(ARSampleArgs{P: nil, U: 0.1}); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestRefDriftAttnARLargeLogits(t *testing.T) {
	ops := ReferenceOps()
	// τ = 1e-3, points 1e3 apart: the nearest sample takes all the weight.
	r, err := ops.DriftField(DriftArgs{X: [][]float64{{0}}, YPos: [][]float64{{1000}, {-999}}, YNeg: [][]float64{{0}}, Tau: 1e-3, Kernel: "laplace"})
	if err != nil || r.V[0][0] != -999 {
		t.Fatalf("drift.field = %v, %v; want [[-999]]", r.V, err)
	}
	// Logits ±1e3: a tie of two tokens shares the weight exactly.
	g, err := ops.AttnGamma(AttnArgs{Q: [][]float64{{1000}}, K: [][]float64{{1}}, V: [][]float64{{2}}, X: [][]float64{{1}, {1}, {-1}}})
	if err != nil || g.Gamma[0][0] != 2 || g.Gamma[2][0] != -2 {
		t.Fatalf("attn.gamma = %v, %v", g.Gamma, err)
	}
	// Zero tokens first and last, u exactly at a CDF value.
	s, err := ops.ARSample(ARSampleArgs{P: []float64{0, 0.25, 0, 0.75, 0}, U: 0.25})
	if err != nil || s.Index != 3 {
		t.Fatalf("ar.sample = %v, %v; want 3", s, err)
	}
}
