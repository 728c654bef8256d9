// Package ot1d is the reference for optimal transport on the real line:
// quantile functions, inverse transform sampling, the quantile (sorted,
// north-west) coupling, the monotone map T = G^{-1}∘F and the cost
// W_p^p = ∫_0^1 |F^{-1}(u) − G^{-1}(u)|^p du, after [P] § "The 1D Case:
// Inverse Transform Sampling" ([P] is the post in claims.md).
//
// # Conventions
//
//   - A discrete measure is Σ_i a_i δ_{x_i} given as two slices x, a of one
//     length n ≥ 1: x finite, a_i finite and ≥ 0 (zero weights are allowed
//     and never carry mass), |Σ a_i − 1| ≤ MassTol. Input order is arbitrary.
//   - Values are sorted stably on the original index, so ties are resolved
//     deterministically (lower original index first) and results that
//     return indices (QuantileCoupling) are reproducible.
//   - F(t) = Σ_{x_i ≤ t} a_i is the right-continuous CDF, and the quantile
//     is F^{-1}(u) = min{x_i : F(x_i) ≥ u} (protocol.md, op ot1d.quantile).
//     Cumulative sums are compensated (Neumaier), so they are exact for
//     dyadic weights and within about one ulp of the exact partial sums
//     otherwise.
//   - The cost is |x − y|^p with p ≥ 1, not halved.
//   - Randomness only through an explicit *rand.Rand (math/rand/v2).
//   - Bad input returns an error wrapping numerics.ErrInvalid, never a panic;
//     a valid input whose cost overflows float64 returns ErrOverflow.
//
// # Map of the package
//
//   - Measure, NewMeasure: a sorted discrete measure with CDF, Quantile,
//     Sample (inverse transform sampling).
//   - Quantile, Quantiles: F^{-1} for one level or a batch (ot1d.quantile).
//   - Wpp: W_p^p by merging the two CDFs (ot.emd1d).
//   - QuantileCoupling: the optimal sparse plan [(i, j, mass)].
//   - MonotoneMap: T = G^{-1}∘F when no atom has to be split.
package ot1d
