// Package mixture is the reference for isotropic Gaussian mixtures
// Σ_j w_j N(μ_j, s²_j I_d) on R^d, Dirac components (s²_j = 0) included:
// log-density, score ∇ log p, posterior responsibilities, sampling, and the
// Gaussian posterior of a linear observation Z = aX + N, N ~ N(0, ν I),
// which gives Tweedie's denoiser E[X | X + σY = z] and the noise posterior
// ([C] § "Connection with diffusion models", Tweedie's identity, and
// § "Variations on the interpolant").
//
// # Conventions
//
//   - Points are []float64 of length d; batches are flat row-major n×d
//     slices; means are given as k rows of length d.
//   - Weights are > 0 and sum to 1 within WeightTol (protocol.md, gmm.*);
//     they are used as given, not renormalised.
//   - Every posterior weight is computed from log-weights by log-sum-exp
//     (the maximum logit is subtracted before exponentiating), so scores,
//     denoisers and posteriors stay finite and accurate for points 1e6 or
//     more away from every mean and for noise levels near 0: the
//     responsibilities are exact to a few ulps of their logits' rounding.
//   - Bad input returns an error wrapping numerics.ErrInvalid, never a panic
//     and never a NaN; a density of a law with a Dirac component is an error.
//     A nil or zero Mixture (not built by New) is bad input. The exception
//     is the component index j of the accessors Weight, Mean and Var, a
//     loop index over K() rather than data: outside [0, K()) it panics, as
//     a slice index does.
//
// # Map of the package
//
//   - Mixture, New, NewDiracs: the law; K, Dim, Weight, Mean, Var.
//   - Affine: the law of aX + N(0, ν I) (another Mixture).
//   - LogDensity, Responsibilities, Score, ScoreBatch.
//   - LinearPosterior: E[X | Z = z] and E[N | Z = z] for Z = aX + N.
//   - Denoise, DenoiseBatch: Tweedie's denoiser E[X | X + σY = z].
//   - Sample: seeded sampling (components and positions).
package mixture
