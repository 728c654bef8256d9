// Package gmanifold is the reference for flows on the Gaussian manifold
// G = {N(m, Σ) : m ∈ ℝ^d, Σ ≻ 0}: affine velocity fields and the moment
// ODEs they induce, the Lyapunov map A ↦ AΣ + ΣA, the constrained
// (Gaussian-projected) Wasserstein gradient of a functional of (m, Σ), and
// the table of Gaussian-preserving gradient flows towards γ = N(0, I) for
// the KL divergence, half the relative Fisher information, the squared
// Wasserstein distance, a polynomial-kernel MMD and the sliced Wasserstein
// distance.
//
// Source: [C] = "Generative Models via Transportation"
// (shared/seeds/000_7c83ff684881b199.txt), § "Flows over the Gaussian
// Manifold": "Gaussianity preservation", "Constrained evolution on the
// Gaussian manifold" (the moment equations (72)) and "Gaussian-preserving
// gradient flows" (the table of covariance velocities).
//
// # Conventions
//
//   - The Wasserstein metric is not halved: the gradient v_F of F at
//     α = N(m, Σ) is defined by dF(α)[ξ] = ∫⟨v_F, ξ⟩ dα for tangent fields
//     ξ, and the gradient flow moves particles with velocity −v_F. With this
//     convention the constrained gradient of F(m, Σ) is the affine field
//     v_F(x) = ∇_m F + 2 ∇_Σ F (x − m), and the flow has
//     ṁ = −∇_m F, Σ̇ = −2(∇_Σ F Σ + Σ ∇_Σ F).
//   - ∇_Σ F is the symmetric gradient with respect to the Frobenius inner
//     product on symmetric matrices: dF[H] = tr(∇_Σ F H) for symmetric H.
//   - Energies towards γ = N(0, I), as functions of (m, C) (protocol.md op
//     gauss.flow restricts them to m = 0):
//     KL = ½(tr C + ‖m‖² − d − log det C);
//     Fisher = ½ I(·|γ) = ½(tr C + tr C^{-1} − 2d + ‖m‖²);
//     W2 = W2²(·, γ) = ‖m‖² + tr C + d − 2 tr C^{1/2} (unhalved);
//     MMDPoly = MMD² for the kernel k(x, y) = ⟨x, y⟩² = ‖C + m mᵀ − I‖_F²;
//     sliced = Σ_l w_l [⟨θ_l, m⟩² + ((θ_lᵀ C θ_l)^{1/2} − 1)²] for a
//     direction set (θ_l, w_l) (a quadrature of the uniform law on the
//     sphere, or the directions of an ot.sliced_w2 request).
//   - Covariances are *mat.SymDense; affine maps *mat.Dense. Matrix
//     functions go through verified symmetric eigendecompositions
//     (reference/internal/robust).
//     Bad input returns an error wrapping numerics.ErrInvalid; no function
//     panics on bad data.
//
// # Map of the package
//
//   - AffineField, MomentVelocity, AffineFlowMap, AffineFlowMoments: affine
//     velocities and the Gaussian laws they transport.
//   - Lyapunov: the unique symmetric A with AΣ + ΣA = S.
//   - ConstrainedGradient: v_F from (∇_m F, ∇_Σ F).
//   - Energy (KL, Fisher, W2, MMDPoly, Energies, ParseEnergy), Value,
//     Gradient, CovarianceVelocity, DescentField: the table of
//     Gaussian-preserving flows (closed forms).
//   - SlicedValue, SlicedV, SlicedCovarianceVelocity, SphereQuadrature: the
//     sliced row.
//   - Flow, IntegrateCovariance (VelocityFunc, Trajectory): integrate
//     Ċ = CovarianceVelocity(e, C) or any covariance velocity.
//   - ErrOverflow: a valid input whose result does not fit in float64.
package gmanifold
