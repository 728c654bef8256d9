// Package drift is the reference for kernel drifting fields and one-step
// generators, after [C] § "One-step generative models" and § "Self-corrected
// drifting fields" ([C] is the chapter in claims.md) and [P] § "One-Step
// Maps" (Drifting Models, Deng et al. 2026).
//
// # Conventions
//
//   - Point clouds are row-major [][]float64: n points in R^d are n rows of
//     length d. A cloud y with optional weights w stands for the measure
//     ν = Σ_j w_j δ_{y_j} (w nil: uniform). Normalised fields do not depend on
//     the total mass of w.
//   - Kernels: Laplace k(x,y) = exp(−‖x−y‖/τ) (drifting models) and Gaussian
//     K_ε(x,y) = exp(−‖x−y‖²/(2ε)) (the chapter's B_ε, with ε = τ). Kernels
//     are not normalised; the fields below are invariant to that.
//   - The normalised field is
//     B[ν](x) = Σ_j w_j k(x,y_j)(y_j − x) / Σ_j w_j k(x,y_j),
//     and the attraction–repulsion field of drift.field is
//     V(x) = B[ν⁺](x) − B[ν⁻](x) (no pair is masked: a query equal to a
//     sample point keeps its own weight k = 1).
//   - Softmax weights are computed stably: the smallest cost is subtracted
//     analytically before exponentiation ((r_j − r_min)/τ for Laplace,
//     (r_j − r_min)(r_j + r_min)/(2τ) for Gaussian, r = ‖x − y‖ computed
//     without overflow), so the fields are finite and accurate for τ down
//     to 1e-3 and beyond and for points 1e3 apart or more.
//   - Bad input returns an error wrapping numerics.ErrInvalid, never a
//     panic; a valid input whose result does not fit in float64 returns an
//     error wrapping ErrOverflow.
//
// # Map of the package
//
//   - Kernel, ParseKernel: the two kernels.
//   - NormalizedField: B[ν] for a weighted cloud.
//   - Field: V = B[ν⁺] − B[ν⁻], the op drift.field.
//   - SelfCorrected: the chapter's u = B_ε[β] − B_ε[μ] (Gaussian kernel).
//   - LogSmoothedDensity, Potential: log ∫K_ε(x,y)dν(y) and
//     φ = ε log(K_ε*β / K_ε*μ), whose gradient is u.
//   - DriftParticles: explicit Euler drifting x ← x + h·V(x) of a particle
//     cloud, self-corrected (negatives = current particles) or raw
//     (attraction only).
//   - Features, FitResidual, Residual: least-squares fit U(x) = Cᵀψ(x) of a
//     drift on polynomial features of the current batch.
//   - Generator: the one-step generator G = (Id+τ_K U_K)∘…∘(Id+τ_1 U_1)∘G_0,
//     G_0 affine, updated by G⁺ = G + τ U∘G (TrainStep).
package drift
