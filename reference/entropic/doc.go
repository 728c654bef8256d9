// Package entropic is the reference for entropic optimal transport between
// discrete measures: log-domain Sinkhorn with ε-scaling, the entropic cost
// OT_ε, the debiased Sinkhorn divergence, and the entropy and KL helpers,
// after [P] § "Entropic Optimal Transport" and [C] § "One-step generative
// models" (the Sinkhorn divergence); [P] and [C] are the sources of
// claims.md.
//
// # Conventions (protocol.md, ops ot.sinkhorn and ot.sinkhorn_divergence)
//
//   - a (n) and b (m) are probability vectors with every entry > 0 and
//     |Σ − 1| ≤ MassTol; they are divided by their sums before solving.
//   - C is an n×m cost matrix stored row-major in one slice: C[i*m+j].
//   - The problem is min over couplings π of a and b of
//     Σ_ij C_ij π_ij + eps·KL(π | a⊗b), KL(π|a⊗b) = Σ π_ij log(π_ij/(a_i b_j)),
//     whose unique solution has the Gibbs form
//     π_ij = a_i b_j exp((f_i + g_j − C_ij)/eps).
//     So f, g are the potentials of the protocol (POT's log u, log v shifted
//     by eps·log a_i, eps·log b_j); they are unique up to f + c, g − c.
//   - The dual objective is
//     D(f, g) = Σ a_i f_i + Σ b_j g_j − eps·(Σ_ij a_i b_j exp((f_i+g_j−C_ij)/eps) − 1),
//     concave, maximised at the solution, where it equals OT_ε.
//   - Point clouds are row-major n×d slices; the divergence uses
//     C_ij = ‖x_i − y_j‖², not halved.
//   - Bad input returns an error wrapping numerics.ErrInvalid; an iteration
//     limit returns an error wrapping numerics.ErrNotConverged that states
//     the marginal error reached, and so does a plan whose own marginal
//     error is above Tol (rounding at tiny eps). Never a panic, never a
//     silent NaN, never a plan off its marginals by more than Tol without
//     an error.
//
// # Map of the package
//
//   - Sinkhorn: the solver (Options, Result, Step for per-iteration traces).
//   - OTEps: the value OT_ε(a, b; C).
//   - SqEuclidean: the cost matrix ‖x_i − y_j‖² of two point clouds.
//   - Divergence: S_ε = OT_ε(α,β) − ½OT_ε(α,α) − ½OT_ε(β,β).
//   - Entropy, KL: H(π) = −Σ π log π and KL(π | a⊗b).
package entropic
