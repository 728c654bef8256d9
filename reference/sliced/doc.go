// Package sliced is the reference for the sliced Wasserstein distance
// between two equal-size uniform point clouds in R^d, the discrepancy whose
// Gaussian restriction gives the sliced flow of [C] § "Flows over the
// Gaussian manifold" (claims.md family sliced; [C] is the chapter).
//
// # Conventions (protocol.md, op ot.sliced_w2)
//
//   - Point clouds are row-major slices: x[i*d+k] is coordinate k of point
//     i; both clouds have n points with weight 1/n each.
//   - Directions are given explicitly as the rows of theta (L×d, row-major),
//     each of Euclidean norm 1 within UnitTol.
//   - The value is the mean over the given directions of the squared 1-D
//     Wasserstein distance, (1/L) Σ_l W_2²(⟨θ_l, x⟩, ⟨θ_l, y⟩): squared, not
//     its root, and divided by L, not by a default count.
//   - Randomness only through an explicit *rand.Rand (math/rand/v2).
//   - Bad input returns an error wrapping numerics.ErrInvalid, never a
//     panic; a valid input whose value overflows float64 returns
//     ErrOverflow.
//
// # Map of the package
//
//   - SlicedW2: the value for given directions.
//   - Directions: L random unit directions, uniform on the sphere.
package sliced
