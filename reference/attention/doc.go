// Package attention is the reference for self-attention read as transport of
// token measures, after [C] § "Evolution in depth of transformers" ([C] is
// the chapter in claims.md).
//
// # Conventions
//
//   - Tokens are the rows of an n×d matrix x (row-major [][]float64); the
//     token measure is α = (1/n) Σ_i δ_{x_i}, or Σ_j a_j δ_{y_j} for a
//     weighted context y.
//   - Parameters θ = (Q, K, V): Q, K are r×d (query/key space of dimension
//     r), V is d×d. The attention field is
//     Γ_θ[α](x) = ∫ e^{⟨Qx,Ky⟩} V y dα(y) / ∫ e^{⟨Qx,Kz⟩} dα(z),
//     so Γ at token i is Σ_j softmax_j(⟨Qx_i, Kx_j⟩) V x_j (protocol.md op
//     attn.gamma). Single head; no masking, no layer normalisation.
//   - Softmax rows subtract their largest logit before exponentiation, so
//     logits of magnitude 1e3 or more are exact to rounding.
//   - Depth t ∈ [0,1]; T residual layers with step 1/T:
//     x_i ← x_i + (1/T) Γ_θ[α](x_i), α the current token measure; the
//     continuous-depth limit is ẋ_i = Γ_θ[α_t](x_i).
//   - Bad input returns an error wrapping numerics.ErrInvalid (never a
//     panic); logits that overflow float64 return ErrOverflow.
//
// # Map of the package
//
//   - Gamma: Γ at the tokens themselves (attn.gamma).
//   - Field: Γ_θ[α] at arbitrary query points for a weighted context.
//   - Weights: the row-stochastic attention matrix softmax_j(⟨Qx_i,Kx_j⟩).
//   - LogPartition: U_α(x) = log ∫ exp⟨Qx,Ky⟩ dα(y); ∇U_α = Γ when V = QᵀK.
//   - Residual, ContinuousDepth: the discrete layers and their limit.
//   - Sinkhorn: Sinkhorn-normalised (doubly stochastic) attention.
package attention
