// Package maxent is the reference for maximum-entropy base distributions
// on a discretised line, after [P] § "The Choice of Base Distribution"
// (Uniform and Gaussian maximum entropy, and the interactive "Constrained
// Entropy Ascent": projected entropy ascent on a discretised density).
//
// # Conventions
//
//   - A Grid splits [A, B] into M cells of width h = (B − A)/M with
//     midpoints x_k = A + (k + ½)h. A density is a vector p of M values
//     p_k ≥ 0 (piecewise constant on the cells), so ∫p = Σ_k p_k h.
//   - Entropy is the differential entropy of that piecewise-constant
//     density, H(p) = −Σ_k p_k log(p_k) h (0·log 0 = 0), in nats.
//   - Constraints are linear equalities C p = c on the cell values: mass
//     Σ p_k h = 1 (Interval), plus mean Σ x_k p_k h = μ and second moment
//     Σ x_k² p_k h = σ² + μ² (MeanVariance). Moments are those of the
//     midpoint rule.
//   - Projected ascent moves along the gradient of H projected onto the
//     null space of C (so C p stays c exactly up to rounding): in the
//     Euclidean metric (the post's plain projected gradient) or in the
//     Fisher metric diag(p/h) (a Newton step, since −∇²H = diag(h/p)).
//   - Bad input returns an error wrapping numerics.ErrInvalid, never a
//     panic; Grid and Problem literals are validated by every function and
//     method that uses them (Grid.Validate). A valid input whose entropy or
//     gradient does not fit float64 returns an error wrapping ErrOverflow.
//
// # Map of the package
//
//   - Grid, NewGrid, Grid.Validate: the discretisation.
//   - Problem, Interval, MeanVariance: the constraint sets of the post.
//   - Entropy, Gradient: H and ∇H.
//   - (*Problem).Direction, Step: one projected ascent step.
//   - (*Problem).Ascend: projected ascent with Armijo backtracking to the
//     maximum-entropy density.
//   - (*Problem).IProject: the feasible density closest to q in KL
//     (exponential tilting), used to build feasible starting points.
package maxent
