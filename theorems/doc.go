// Package theorems is the catalog of otverify: one Claim per entry of
// claims.md, the Ops table of protocol.md's operations that a claim runs
// against, instance generators, and the runner.
//
// # The central idea
//
// A claim is a property of an operation, not of our code. A check receives
// an *Env whose Ops field is the table under test — the reference
// (ReferenceOps), another program over otv/1, or a Go user's own — and
// computes its ground truth independently of the operation under test: a
// certificate, a closed form, a second algorithm, brute force at small
// sizes. It never checks an op against the same op.
//
// # Writing a claim
//
// A family file claims_<family>.go registers its claims in init:
//
//	func init() {
//		Register(&Claim{
//			ID:        "entropic.marginals", // exactly as in claims.md
//			Title:     "Sinkhorn plan has marginals a, b",
//			Source:    "[P] § Entropic Optimal Transport",
//			Statement: "the Sinkhorn plan has marginals a, b",
//			Tolerance: "L1 marginal error ≤ 1e-8: protocol.md's Sinkhorn tolerance",
//			Ops:       []string{OpSinkhorn},
//			Check: func(t *rapid.T, e *Env) {
//				p := genEntropicProblem(t)            // draws with rapid (shrinkable)
//				r := e.Sinkhorn(t, p.args())         // calls the op; fails on error/NaN/bad shape
//				e.ExpectLeq(t, "row marginal L1", l1(rowSums(r.Plan), p.a), 1e-8, 0)
//			},
//		})
//	}
//
// Rules:
//   - Draw every random quantity with rapid (rapid.Float64Range, IntRange,
//     SliceOfN, …, or the generators of gen.go) so failures shrink; never use
//     a global random source. A check may build a seeded *rand.Rand from a
//     drawn uint64 for bulk data.
//   - Call ops through the Env methods (e.EMD, e.Sinkhorn, …): they record
//     the request and answer for the counterexample and fail the case when
//     the op errs on an in-domain request or answers NaN or a wrong shape.
//   - Assert with e.ExpectClose / ExpectVecClose / ExpectMatClose /
//     ExpectLeq / Expect: they record the violated relation and tolerance.
//     State every tolerance in the claim's Tolerance field with its reason.
//   - Existence claims (Kind: Existence) call e.Witness when the drawn
//     instance is a witness; the runner reports the shrunk witness.
//   - e.Input("name", v) records inputs that are not op arguments.
//   - e.NotApplicable skips the claim for implementations lacking an
//     optional answer (for example dual potentials).
//
// Reference entries of the Ops table live in ops_ref_<family>.go files that
// call registerReference in init and validate arguments with the helpers of
// validate.go (errors wrap numerics.ErrInvalid, which otv/1 answers as
// "invalid").
package theorems
