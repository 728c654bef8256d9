package theorems

import (
	"math"

	"github.com/otverify/otverify/reference/attention"
	"github.com/otverify/otverify/reference/autoreg"
	"github.com/otverify/otverify/reference/drift"
)

// Reference entries of drift.field, attn.gamma and ar.sample (protocol.md),
// backed by reference/drift, reference/attention and reference/autoreg.
// Arguments are validated as protocol.md requires (errors wrap
// numerics.ErrInvalid); valid inputs whose result overflows float64 return
// the packages' ErrOverflow, which otv/1 answers as "failed".

func init() {
	registerReference(func(o *Ops) {
		o.DriftField = refDriftField
		o.AttnGamma = refAttnGamma
		o.ARSample = refARSample
	})
}

// refDriftField: V(x) = B[ypos](x) − B[yneg](x) with the Laplace or
// Gaussian kernel of bandwidth tau (stable batchwise softmax).
func refDriftField(a DriftArgs) (FieldResult, error) {
	_, _, d, err := CheckMatrix("x", a.X, -1, -1)
	if err != nil {
		return FieldResult{}, err
	}
	if _, _, _, err := CheckMatrix("ypos", a.YPos, -1, d); err != nil {
		return FieldResult{}, err
	}
	if _, _, _, err := CheckMatrix("yneg", a.YNeg, -1, d); err != nil {
		return FieldResult{}, err
	}
	if err := CheckScalar("tau", a.Tau, 0, math.MaxFloat64, true, false); err != nil {
		return FieldResult{}, err
	}
	k, err := drift.ParseKernel(a.Kernel)
	if err != nil {
		return FieldResult{}, err
	}
	v, err := drift.Field(a.X, a.YPos, a.YNeg, a.Tau, k)
	if err != nil {
		return FieldResult{}, err
	}
	return FieldResult{V: v}, nil
}

// refAttnGamma: gamma_i = Σ_j softmax_j(⟨Q x_i, K x_j⟩) V x_j.
func refAttnGamma(a AttnArgs) (GammaResult, error) {
	_, n, d, err := CheckMatrix("x", a.X, -1, -1)
	if err != nil {
		return GammaResult{}, err
	}
	// Γ forms the n×n attention weights (limits.go).
	if err := CheckElements("attention matrix", n, n); err != nil {
		return GammaResult{}, err
	}
	_, r, _, err := CheckMatrix("Q", a.Q, -1, d)
	if err != nil {
		return GammaResult{}, err
	}
	if _, _, _, err := CheckMatrix("K", a.K, r, d); err != nil {
		return GammaResult{}, err
	}
	if _, _, _, err := CheckMatrix("V", a.V, d, d); err != nil {
		return GammaResult{}, err
	}
	g, err := attention.Gamma(a.Q, a.K, a.V, a.X)
	if err != nil {
		return GammaResult{}, err
	}
	return GammaResult{Gamma: g}, nil
}

// refARSample: min{i : F_i > u}, F summed left to right; the largest i with
// p_i > 0 if rounding leaves none.
func refARSample(a ARSampleArgs) (IndexResult, error) {
	if err := CheckWeights("p", a.P, false); err != nil {
		return IndexResult{}, err
	}
	if err := CheckScalar("u", a.U, 0, 1, false, true); err != nil {
		return IndexResult{}, err
	}
	i, err := autoreg.Sample(a.P, a.U)
	if err != nil {
		return IndexResult{}, err
	}
	return IndexResult{Index: i}, nil
}
