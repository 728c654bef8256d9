// Package discrete solves discrete optimal transport exactly: the Kantorovich
// linear program between two finitely supported measures (EMD), with its
// optimal dual potentials, and the linear assignment problem.
//
// Source: [P] = "Autoregression vs Diffusion – Understanding Sampling via
// Optimal Transport" (shared/seeds/004_57c936a6cedc3b99.txt), sections
// "The Monge Problem", "The Kantorovich Problem" (Discrete Kantorovich Form)
// and "Dual Potentials" (Discrete Kantorovich Dual, Complementary Slackness).
//
// Conventions in force throughout the package:
//
//   - Cost matrices are flat, row-major slices: C[i*m+j] is the cost of moving
//     one unit of mass from source atom i (0 ≤ i < n) to target atom j
//     (0 ≤ j < m). Plans use the same layout.
//   - Costs are used as given, with no factor ½: for points, SqEuclideanCost
//     builds C_ij = ‖x_i − y_j‖², so the EMD cost is W₂², not W₂²/2.
//   - The transport cost of a plan π is Σ_ij C_ij π_ij (protocol.md, op ot.emd).
//   - Dual potentials f (sources) and g (targets) satisfy f_i + g_j ≤ C_ij;
//     strong duality reads Σ_i a_i f_i + Σ_j b_j g_j = Σ_ij C_ij π_ij.
//   - Invalid input (shapes, non-finite numbers, negative masses, masses
//     that do not sum to 1 within 1e-9, empty input) is reported by an error
//     wrapping numerics.ErrInvalid; iteration limits by an error wrapping
//     numerics.ErrNotConverged; a result that does not fit in float64 by an
//     error wrapping ErrOverflow. No exported function panics on bad data.
//
// Map of the package:
//
//   - EMD, EMDWithOptions: exact OT by the network simplex method on the
//     complete bipartite graph (strongly feasible spanning trees, block-search
//     pricing); Solution carries the dense plan, the sparse plan (Sparse), the
//     cost and optimal potentials F, G.
//   - Assignment, AssignmentWithDuals: the optimal permutation of an n×n
//     cost matrix by shortest augmenting paths (Jonker–Volgenant), with dual
//     potentials U, V as an optimality certificate.
//   - SqEuclideanCost: the squared Euclidean cost matrix of two point clouds.
package discrete
