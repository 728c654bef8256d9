// Package interp is the reference for interpolants and flow matching
// ([C] §§ "Generative Models via Flow Matching", "Connection with diffusion
// models", "Variations on the interpolant"; [P] §§ "Flow Matching &
// Rectified Flows", "Conditional Flow Matching", "Uncrossing Paths:
// Mini-Batch OT").
//
// Two settings are covered. (The package uses reference/mixture,
// reference/schedule and, for exact-OT couplings, reference/discrete.)
//
// Discrete couplings. A coupling π = Σ π_ij δ_(x_i, y_j) (product, from a
// permutation such as an exact-OT assignment, or from any plan) and an
// interpolant P_t(x, y) with P_0 = x, P_1 = y (Linear, Curved, or a scalar
// schedule) define α_t = (P_t)♯π. ConditionalVelocity returns the atoms of
// α_t with the conditional expectation v_t(z) = E_π[∂_t P_t | P_t = z]
// (eq. 4), the minimiser of the flow-matching regression (eq. 3); FMLoss
// and CFMLoss are the two regression losses.
//
// Mixture data and a Gaussian end. Noising is the path Z_t = a_t X + b_t Y
// with X ~ Σ_j w_j N(c_j, τ²_j I) (τ_j = 0: Dirac data), Y ~ N(0, σ² I) and
// a schedule (package schedule). It gives the exact marginal law
// Σ_j w_j N(a_t c_j, (a_t² τ²_j + b_t² σ²) I), its log-density and score,
// the denoiser E[X | Z_t = z], the noise posterior E[Y | Z_t = z], and the
// exact marginal velocity v_t(z) = E[a'_t X + b'_t Y | Z_t = z], all by
// Gaussian conditioning within each component with log-sum-exp posterior
// weights: finite and accurate 1e6 away from the atoms and near both ends of
// each schedule's range (including where a_t = 0, where the posterior is the
// prior). Flow integrates ż = v_t(z) forward or backward with the adaptive
// Dormand–Prince integrator of numerics, stopping at a small t > 0 where the
// score of Dirac data is singular; IntegrateField does the same for any
// field (for example an implementation under test).
//
// # Conventions
//
//   - Noising direction: t increases from the data to the Gaussian end
//     (protocol.md, op flow.velocity); sampling runs the flow backward.
//   - Point clouds are row-major [][]float64 (one point per row); the fast
//     kernels take flat n×d slices.
//   - Costs and losses use ‖·‖² without ½.
//   - Bad input returns an error wrapping numerics.ErrInvalid; integrator
//     failure an error wrapping numerics.ErrNotConverged.
//
// # Map of the package
//
//   - Interpolant (At, Deriv): Linear, Curved, Bridge (a scalar schedule).
//   - Coupling, Pair: Product, ExactOT (exact OT by reference/discrete),
//     FromPermutation, FromPlan.
//   - ConditionalVelocity, Atom, Marginal, FMLoss, CFMLoss.
//   - Noising, NewNoising: Marginal, LogDensity, Score, Denoise,
//     NoisePosterior, Velocity, VelocityBatch, Flow.
//   - IntegrateField, Field: adaptive integration of a batch of points.
package interp
