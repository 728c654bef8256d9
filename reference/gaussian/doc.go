// Package gaussian is the reference for optimal transport between Gaussian
// measures and for the linear maps that generative models induce between
// them: the Bures–Wasserstein distance, the Brenier map and McCann's
// interpolation, the Knothe–Rosenblatt map (Cholesky factors, and its
// sequential conditional-quantile form), the optimal map for a weighted
// quadratic cost, the exact flow-matching velocity and flow map of the
// independent coupling for scalar schedules, and the moment-matched Gaussian
// projection with Gelbrich's bound.
//
// Sources: [C] = "Generative Models via Transportation"
// (shared/seeds/000_7c83ff684881b199.txt), § "When is the induced map
// optimal?" (eqs. 27–30) and § "Contractive Gaussian projection"; [P] =
// "Autoregression vs Diffusion – Understanding Sampling via Optimal
// Transport" (shared/seeds/004_57c936a6cedc3b99.txt), § "Knothe-Rosenblatt
// Rearrangement", § "Global Optimality: Brenier's Theorem", § "Knothe-Rosenblatt
// vs Brenier in 2D" and § "Optional Refinement: Polar Factorization".
//
// # Conventions
//
//   - Covariances are *mat.SymDense (symmetric by construction; build them
//     from rows with numerics.SymFromRows, which checks symmetry). S0 is the
//     source covariance, S1 the target; X0 ~ N(m0, S0), X1 ~ N(m1, S1).
//   - A linear map x ↦ A x is a *mat.Dense acting on column vectors, so it
//     pushes N(0, S0) to N(0, A S0 Aᵀ).
//   - Costs are not halved: cost(A) = E‖X − A X‖² for X ~ N(0, S0), and
//     W2² = ‖m0 − m1‖² + B²(S0, S1) with the squared Bures distance
//     B²(S0, S1) = tr S0 + tr S1 − 2 tr((S0^{1/2} S1 S0^{1/2})^{1/2}).
//   - S^{1/2} is the symmetric positive square root. Matrix functions are
//     computed from symmetric eigendecompositions and SVDs whose backward
//     error is verified (reference/internal/robust: gonum's LAPACK with a
//     Jacobi fallback, because gonum v0.17.0's dsyev returns wrong
//     eigenpairs for some graded matrices), triangular systems by
//     substitution; no explicit inverse enters a result (BrenierMap's
//     positive-definiteness certificate inverts a Cholesky factor, for
//     its norm only); results that are symmetric in exact arithmetic are
//     built symmetric. The functions are accurate for condition numbers up
//     to 1e6 (see each function's accuracy statement).
//   - Where the mathematics needs a positive definite matrix (a Brenier map
//     from S0, a Cholesky factor) the functions return an error wrapping
//     numerics.ErrInvalid (and numerics.ErrNotSPD) for a matrix that is not
//     positive definite to working accuracy; the Bures distance accepts
//     positive semidefinite matrices. No exported function panics on bad
//     data.
//
// # Map of the package
//
//   - BuresSq, W2Sq, CrossTrace: the Bures–Wasserstein distance.
//   - BrenierMap, MapCost, McCannMap, McCannCovariance: the optimal map and
//     the displacement interpolation.
//   - KnotheRosenblattMap, KnotheRosenblattApply, NormalCDF, NormalQuantile:
//     the triangular map, as L1·L0^{-1} and as sequential conditional
//     quantile transforms.
//   - WeightedBrenierMap: the optimal map for Σ λ_i (x_i − y_i)².
//   - Schedule (Linear, Trigonometric, VariancePreserving),
//     InterpolantCovariance, FlowMatchingVelocity, FlowMatchingMap and their
//     *Schedule variants: the exact flow-matching velocity and flow map of
//     the independent coupling.
//   - Moments, GelbrichBound, CrossCovarianceTrace: the moment-matched
//     Gaussian projection and Gelbrich's inequality.
//   - ErrOverflow: a valid input whose result does not fit in float64.
package gaussian
