// Package polar is the reference for the polar factorisation of generators
// and measure-preserving rearrangements: Gaussian-preserving maps
// M = Φ^{-1} ∘ φ ∘ Φ built from measure-preserving bijections φ of the unit
// cube (permutations of coordinates, reflections, shifts and shears modulo
// 1), and the flow of a divergence-free velocity field on the torus with its
// Jacobian (Liouville: det J = 1).
//
// Source: [P] = "Autoregression vs Diffusion – Understanding Sampling via
// Optimal Transport" (shared/seeds/004_57c936a6cedc3b99.txt), § "Optional
// Refinement: Polar Factorization" (Polar Factorization Theorem, Same
// Density, Different Pairing, Immediate Consequence of Brenier's Theorem),
// § "Gaussian-Preserving Rearrangements" and § "Why Divergence-Free ODEs and
// Euler Regularization Appear".
//
// # Conventions
//
//   - Φ is the coordinatewise standard normal CDF, Φ^{-1} its inverse
//     (gaussian.NormalCDF, gaussian.NormalQuantile); points are []float64.
//   - The cube (0, 1)^d is identified with the torus ℝ^d/ℤ^d; "mod 1" maps
//     to [0, 1). A CubeMap preserves Lebesgue measure on the cube, so
//     M = Φ^{-1} ∘ φ ∘ Φ preserves N(0, I).
//   - Torus fields have period 1 in every coordinate.
//   - Bad input returns an error wrapping numerics.ErrInvalid; no function
//     panics on bad data.
//
// # Map of the package
//
//   - CubeMap and its implementations Permutation, Reflection, Shift,
//     Shear, Compose; ValidateCubeMap; Rearrange and Rearranger
//     (M = Φ^{-1} ∘ φ ∘ Φ).
//   - Mode, TorusField (At, Jacobian, Divergence, DivergenceFree, Validate)
//     and FlowMap / FlowResult (the time-T flow with its Jacobian by the
//     variational equation and ∫∇·v dt for Liouville's formula).
package polar
