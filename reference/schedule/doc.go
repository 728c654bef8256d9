// Package schedule is the reference for scalar noising schedules
// Z_t = a_t X + b_t Y: the coefficients (a_t, b_t) of the data X and of the
// noise Y, their time derivatives (a'_t, b'_t), and monotone time changes
// t ↦ τ(t) of a schedule, after [C] § "Variations on the interpolant"
// ([C] is the chapter in claims.md, shared/seeds/000_7c83ff684881b199.txt).
//
// # Conventions
//
//   - Noising direction: X is the data (t at the start of the range), Y the
//     Gaussian end. a_t multiplies the data, b_t the noise (protocol.md,
//     op flow.velocity).
//   - Each schedule has an open query range Domain() = (lo, hi), the range
//     of protocol.md ("t queried in"); Check rejects times outside it with an
//     error wrapping numerics.ErrInvalid. Coefficients are defined by their
//     closed forms on the closed range as well (so P_0, P_1 can be read off).
//   - Derivatives are closed forms, never finite differences.
//
// # Map of the package
//
//   - Schedule: the interface (Name, Coef, Domain); Coefficients holds
//     a_t, b_t, a'_t, b'_t.
//   - Linear, VP, Cosine, Overshoot: the four schedules of protocol.md.
//   - ByName: the schedule of a protocol.md name.
//   - TimeChange: a schedule read at a time τ(t) (chain rule), e.g. the
//     cosine schedule as the VP one at τ = −log cos(πt/2) (CosineAsVP), or
//     a monotone reparametrisation λ of the linear bridge (Reparametrized).
//   - Func: a schedule given by four functions (for experiments and for
//     planting faults in self-tests).
package schedule
