// Package autoreg is the reference for autoregression read as sequential
// transport, after [P] § "Autoregression as Sequential Transport" and §
// "Reparameterized Autoregression" ([P] is the post in claims.md).
//
// # Conventions
//
//   - A categorical distribution is a vector p with p_i ≥ 0 and
//     |Σ p_i − 1| ≤ MassTol; its CDF is F_i = p_0 + … + p_i summed left to
//     right in float64 (the protocol.md definition, exact for dyadic p).
//   - Next-token sampling is the discrete inverse CDF
//     index(u) = min{i : F_i > u} for u ∈ [0, 1); when rounding leaves
//     F_{k−1} ≤ u, the largest i with p_i > 0 (protocol.md op ar.sample).
//     A token of probability 0 is never returned.
//   - A joint table over D discrete coordinates with alphabet sizes
//     (k_1, …, k_D) is stored row-major, the last coordinate fastest;
//     x_{<i} = (x_1, …, x_{i−1}) is a prefix.
//   - Densities are evaluated in log form; change of variables is
//     log p_X(x) = log p_Y(g(x)) + log|det J_g(x)|.
//   - The Haar transform and the DFT are orthonormal (factor 1/√2 per
//     Haar level, 1/√N for the DFT).
//   - Bad input returns an error wrapping numerics.ErrInvalid, never a
//     panic; a valid input whose result does not fit float64 returns an
//     error wrapping ErrOverflow.
//
// # Map of the package
//
//   - CDF, Sample: next-token inverse-CDF sampling (ar.sample).
//   - Joint: chain-rule factorisation p(x) = Π p(x_i | x_{<i}) of a small
//     joint table, conditionals and sequential sampling.
//   - Map, Affine, Permutation, Elementwise, LogDensity: change of variables.
//   - Haar2, Haar, InverseHaar: the 2-point and multilevel Haar transform.
//   - DFT, InverseDFT, LowPass, HighPass: the orthonormal DFT and its
//     low/high-pass split.
package autoreg
