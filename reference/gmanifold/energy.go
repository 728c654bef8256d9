package gmanifold

import (
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/internal/robust"
	"gonum.org/v1/gonum/mat"
)

// Energy names a row of the table of Gaussian-preserving gradient flows
// towards γ = N(0, I) ([C] § Gaussian-preserving gradient flows). The
// string values are protocol.md's gauss.flow energy names.
type Energy string

const (
	// KL is KL(N(m, C) ‖ γ) = ½(tr C + ‖m‖² − d − log det C).
	KL Energy = "kl"
	// Fisher is half the relative Fisher information,
	// ½ E‖∇log ρ − ∇log γ‖² = ½(tr C + tr C^{-1} − 2d + ‖m‖²).
	Fisher Energy = "fisher"
	// W2 is the unhalved W2²(N(m, C), γ) = ‖m‖² + tr C + d − 2 tr C^{1/2}.
	W2 Energy = "w2"
	// MMDPoly is MMD² for the kernel k(x, y) = ⟨x, y⟩²:
	// E k(X, X') − 2 E k(X, Y) + E k(Y, Y') = ‖C + m mᵀ − I‖_F².
	MMDPoly Energy = "mmd_poly"
)

// Energies lists the energies of protocol.md's gauss.flow in table order.
var Energies = []Energy{KL, Fisher, W2, MMDPoly}

// ParseEnergy returns the Energy named s, or an error wrapping
// numerics.ErrInvalid for an unknown name.
func ParseEnergy(s string) (Energy, error) {
	for _, e := range Energies {
		if string(e) == s {
			return e, nil
		}
	}
	return "", numerics.Invalidf("gmanifold: unknown energy %q (want kl, fisher, w2 or mmd_poly)", s)
}

// eigen returns the eigenvalues and vectors of a positive definite C.
// (verified; see reference/internal/robust).
func eigen(C *mat.SymDense) ([]float64, *mat.Dense, error) {
	lam, Q, err := robust.Decompose(C)
	if err != nil {
		return nil, nil, fmt.Errorf("gmanifold: %w", err)
	}
	return lam, Q, nil
}

// spectral returns Q diag(f(λ)) Qᵀ, exactly symmetric.
func spectral(lam []float64, Q *mat.Dense, f func(float64) float64) *mat.SymDense {
	d := len(lam)
	g := make([]float64, d)
	for i, l := range lam {
		g[i] = f(l)
	}
	S := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			v := 0.0
			for k := 0; k < d; k++ {
				v += Q.At(i, k) * g[k] * Q.At(j, k)
			}
			S.SetSym(i, j, v)
		}
	}
	return S
}

func checkEnergyArgs(e Energy, m []float64, C *mat.SymDense) (int, error) {
	if _, err := ParseEnergy(string(e)); err != nil {
		return 0, err
	}
	d, err := checkSPD("C", C, -1)
	if err != nil {
		return 0, err
	}
	if m != nil {
		if err := checkVec("m", m, d); err != nil {
			return 0, err
		}
	}
	return d, nil
}

// Value returns the energy e of N(m, C) (see the Energy constants; m = nil
// means m = 0). Traces and log-determinants are sums over the eigenvalues
// of C. Preconditions: C symmetric positive definite to working accuracy;
// m nil or of length d; else ErrInvalid. Accuracy: the eigenvalues are
// exact to 16·d·eps·‖C‖₂, so the error is about d²·eps·(‖C‖₂ + ‖C^{-1}‖₂)
// for Fisher and d²·eps·‖C‖₂·(1 + 1/λ_min) for KL's log det.
func Value(e Energy, m []float64, C *mat.SymDense) (float64, error) {
	d, err := checkEnergyArgs(e, m, C)
	if err != nil {
		return 0, err
	}
	lam, Q, err := eigen(C)
	if err != nil {
		return 0, err
	}
	mm := 0.0
	for _, v := range m {
		mm += v * v
	}
	var v float64
	switch e {
	case KL:
		for _, l := range lam {
			v += l - 1 - math.Log(l)
		}
		v = 0.5 * (v + mm)
	case Fisher:
		for _, l := range lam {
			v += l + 1/l - 2
		}
		v = 0.5 * (v + mm)
	case W2:
		for _, l := range lam {
			s := math.Sqrt(l)
			v += (s - 1) * (s - 1)
		}
		v += mm
	case MMDPoly:
		P := spectral(lam, Q, func(l float64) float64 { return l - 1 })
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				x := P.At(i, j)
				if m != nil {
					x += m[i] * m[j]
				}
				v += x * x
			}
		}
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("gmanifold: Value: %w", ErrOverflow)
	}
	return v, nil
}

// Gradient returns (∇_m F, ∇_Σ F) of the energy e at N(m, C) (m = nil means
// 0), with ∇_Σ F the symmetric Frobenius gradient:
//
//	KL:      ∇_m = m,   ∇_Σ = ½(I − C^{-1})
//	Fisher:  ∇_m = m,   ∇_Σ = ½(I − C^{-2})
//	W2:      ∇_m = 2m,  ∇_Σ = I − C^{-1/2}
//	MMDPoly: ∇_m = 4Pm, ∇_Σ = 2P,  P = C + m mᵀ − I.
//
// Preconditions and accuracy as Value (the spectral functions are exact
// for the computed eigenpairs up to d·eps·max|f(λ)|).
func Gradient(e Energy, m []float64, C *mat.SymDense) ([]float64, *mat.SymDense, error) {
	d, err := checkEnergyArgs(e, m, C)
	if err != nil {
		return nil, nil, err
	}
	if m == nil {
		m = make([]float64, d)
	}
	lam, Q, err := eigen(C)
	if err != nil {
		return nil, nil, err
	}
	gm := make([]float64, d)
	var G *mat.SymDense
	switch e {
	case KL:
		copy(gm, m)
		G = spectral(lam, Q, func(l float64) float64 { return 0.5 * (1 - 1/l) })
	case Fisher:
		copy(gm, m)
		G = spectral(lam, Q, func(l float64) float64 { return 0.5 * (1 - 1/(l*l)) })
	case W2:
		for i := range gm {
			gm[i] = 2 * m[i]
		}
		G = spectral(lam, Q, func(l float64) float64 { return 1 - 1/math.Sqrt(l) })
	case MMDPoly:
		P := spectral(lam, Q, func(l float64) float64 { return l - 1 })
		for i := 0; i < d; i++ {
			for j := i; j < d; j++ {
				P.SetSym(i, j, P.At(i, j)+m[i]*m[j])
			}
		}
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				gm[i] += 4 * P.At(i, j) * m[j]
			}
		}
		G = mat.NewSymDense(d, nil)
		G.ScaleSym(2, P)
	}
	if !numerics.AllFinite(gm) || !allFinite(G) {
		return nil, nil, fmt.Errorf("gmanifold: Gradient: %w", ErrOverflow)
	}
	return gm, G, nil
}

// ConstrainedGradient returns the constrained Wasserstein gradient of a
// functional F(m, Σ) at N(m, Σ), the affine field
//
//	v_F(x) = ∇_m F + 2 ∇_Σ F (x − m),
//
// which satisfies dF(m, Σ)[b, AΣ + ΣA] = E⟨v_F(X), b + A(X − m)⟩ for every
// b and symmetric A, X ~ N(m, Σ) ([C] § Constrained evolution on the
// Gaussian manifold, unhalved metric). Preconditions: gm and m of length d,
// GS d×d symmetric, all finite.
func ConstrainedGradient(gm []float64, GS *mat.SymDense, m []float64) (AffineField, error) {
	d, err := checkSym("gradSigma", GS, -1)
	if err != nil {
		return AffineField{}, err
	}
	if err := checkVec("gradM", gm, d); err != nil {
		return AffineField{}, err
	}
	if err := checkVec("m", m, d); err != nil {
		return AffineField{}, err
	}
	A := mat.NewDense(d, d, nil)
	A.Scale(2, GS)
	return AffineField{B: append([]float64(nil), gm...), A: A, M: append([]float64(nil), m...)}, nil
}

// DescentField returns the velocity −v_F of the gradient flow of the
// energy e at N(m, C) (m = nil means 0): the negated ConstrainedGradient
// of Gradient(e, m, C). For the energies of the table the first variation
// is quadratic on Gaussians, so this is also the ambient Wasserstein
// gradient, e.g. (C^{-1} − I)x for KL at m = 0 ([C] § Gaussian-preserving
// gradient flows, proof).
func DescentField(e Energy, m []float64, C *mat.SymDense) (AffineField, error) {
	gm, G, err := Gradient(e, m, C)
	if err != nil {
		return AffineField{}, err
	}
	d := len(gm)
	if m == nil {
		m = make([]float64, d)
	}
	f, err := ConstrainedGradient(gm, G, m)
	if err != nil {
		return AffineField{}, err
	}
	for i := range f.B {
		f.B[i] = -f.B[i]
	}
	f.A.Scale(-1, f.A)
	return f, nil
}

// CovarianceVelocity returns Ċ for the gradient flow of the energy e
// restricted to centred Gaussians N(0, C) (protocol.md op gauss.flow), the
// closed forms of [C]'s table:
//
//	KL:      Ċ = 2(I − C)
//	Fisher:  Ċ = 2(C^{-1} − C)
//	W2:      Ċ = 4(C^{1/2} − C)
//	MMDPoly: Ċ = 8(C − C²)
//
// each equal to −2(∇_Σ F C + C ∇_Σ F) (ConstrainedGradient and the moment
// equation Σ̇ = AΣ + ΣA). Computed as spectral functions of C, so the
// result is exactly symmetric. Preconditions: C symmetric positive definite
// to working accuracy; e one of Energies. Accuracy: d·eps·max|f(λ)| plus
// the eigenvalue error 16·d·eps·‖C‖₂ times max|f'(λ)| (for Fisher
// 2(1/λ_min² + 1)).
func CovarianceVelocity(e Energy, C *mat.SymDense) (*mat.SymDense, error) {
	if _, err := checkEnergyArgs(e, nil, C); err != nil {
		return nil, err
	}
	lam, Q, err := eigen(C)
	if err != nil {
		return nil, err
	}
	var f func(float64) float64
	switch e {
	case KL:
		f = func(l float64) float64 { return 2 * (1 - l) }
	case Fisher:
		f = func(l float64) float64 { return 2 * (1/l - l) }
	case W2:
		f = func(l float64) float64 { return 4 * (math.Sqrt(l) - l) }
	case MMDPoly:
		f = func(l float64) float64 { return 8 * (l - l*l) }
	}
	return finite("CovarianceVelocity", spectral(lam, Q, f))
}
