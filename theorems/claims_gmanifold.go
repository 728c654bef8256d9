package theorems

import (
	"math"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/gmanifold"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// Claims of the gmanifold family: flows on the Gaussian manifold ([C]
// § Flows over the Gaussian Manifold). The covariance velocities of the
// gradient-flow table are checked against velocities derived independently:
// the symmetric gradient G = ∇_C F of each energy by finite differences of
// the energy (evaluated from its definition with Cholesky factors, not with
// the reference's spectral formulas), then Ċ = −2(G C + C G), the moment
// equation of the descent velocity −v_F = −2G x of the constrained-gradient
// formula (unhalved metric, protocol.md's gauss.flow).

// ----- energies from their definitions (Cholesky-based) ----------------

// gsEnergy returns the energy e of N(m, C) (m may be nil) computed from its
// definition with the Cholesky factor C = L Lᵀ: log det C = 2 Σ log L_ii,
// tr C^{-1} = ‖L^{-1}‖_F², tr C^{1/2} = ‖L‖_* (the singular values of L are
// the square roots of the eigenvalues of C). NaN if C is not positive
// definite. It also returns the size of the terms (for tolerances): for
// the terms computed through the Cholesky factor, log det C and tr C^{-1},
// the rounding is relative to the condition number, not to the term
// (Cholesky is backward stable: L Lᵀ = C + δC, |δC| ≲ eps·|C|, so log det
// moves by tr(C^{-1}δC) ≲ d·eps·κ(C) and tr C^{-1} by ≲ eps·κ(C)·tr C^{-1});
// they enter the size scaled by κ̂ = ‖C‖_F·‖L^{-1}‖_F² ≥ κ₂(C).
func gsEnergy(e string, m []float64, C *mat.SymDense) (float64, float64) {
	d := C.SymmetricDim()
	L := gsCholFactor(C)
	if L == nil {
		return math.NaN(), math.NaN()
	}
	mm := 0.0
	for _, v := range m {
		mm += v * v
	}
	tr := mat.Trace(C)
	fd := float64(d)
	kappa := func() (float64, float64) { // κ̂ and ‖L^{-1}‖_F
		var Li mat.TriDense
		if err := Li.InverseTri(L); err != nil {
			return math.NaN(), math.NaN()
		}
		n := mat.Norm(&Li, 2) // Frobenius
		return mat.Norm(C, 2) * n * n, n
	}
	switch e {
	case "kl":
		ld := 0.0
		for i := 0; i < d; i++ {
			ld += 2 * math.Log(L.At(i, i))
		}
		k, _ := kappa()
		return 0.5 * (tr + mm - fd - ld), 0.5 * (tr + mm + fd + math.Abs(ld) + fd*k)
	case "fisher":
		k, n := kappa()
		return 0.5 * (tr + n*n - 2*fd + mm), 0.5 * (tr + n*n*(1+k) + 2*fd + mm)
	case "w2":
		s := gsNuclear(L)
		return mm + tr + fd - 2*s, mm + tr + fd + 2*s
	case "mmd_poly":
		v, terms := 0.0, fd
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				x := C.At(i, j)
				if m != nil {
					x += m[i] * m[j]
				}
				terms += x * x
				if i == j {
					terms += 2 * math.Abs(x)
					x--
				}
				v += x * x
			}
		}
		return v, terms
	}
	return math.NaN(), math.NaN()
}

// gsSymBasis returns the symmetric direction E_ij: e_ieᵢᵀ for i = j,
// (e_ie_jᵀ + e_je_iᵀ)/2 otherwise, so that tr(G E_ij) = G_ij for symmetric G.
func gsSymBasis(d, i, j int) *mat.SymDense {
	E := mat.NewSymDense(d, nil)
	if i == j {
		E.SetSym(i, i, 1)
	} else {
		E.SetSym(i, j, 0.5)
	}
	return E
}

// gsFDGradient returns the symmetric Frobenius gradient G = ∇_C F(C) by
// Richardson-extrapolated central differences (numerics.Derivative) of
// s ↦ F(C + s·h·E_ij) along the symmetric basis, h = 0.1·λ_min(C) so that
// every abscissa stays positive definite. It also returns an error bound:
// numerics.Richardson's rounding term 3·eps·M0/(7.4e-4) with M0 the size of
// the energy's terms, divided by h, times a safety factor 10 (the truncation
// term h⁴·M5/288 is below 1e-15·M0 at this scaling).
func gsFDGradient(F func(*mat.SymDense) (float64, float64), C *mat.SymDense, lamMin float64) (*mat.SymDense, float64, bool) {
	d := C.SymmetricDim()
	h := 0.1 * lamMin
	G := mat.NewSymDense(d, nil)
	terms := 0.0
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			E := gsSymBasis(d, i, j)
			f := func(s float64) float64 {
				P := mat.NewSymDense(d, nil)
				P.AddSym(C, gsScaledSym(s*h, E))
				v, tm := F(P)
				terms = math.Max(terms, tm)
				return v
			}
			g, err := numerics.Derivative(f, 0, numerics.Richardson)
			if err != nil {
				return nil, 0, false
			}
			G.SetSym(i, j, g/h)
		}
	}
	return G, 10 * 3 * 0x1p-52 * terms / 7.4e-4 / h, true
}

// gsFlowFromGradient returns Ċ = −2(G C + C G).
func gsFlowFromGradient(G, C *mat.SymDense) *mat.SymDense {
	P := gsMmul(G, C)
	d := C.SymmetricDim()
	out := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			out.SetSym(i, j, -2*(P.At(i, j)+P.At(j, i)))
		}
	}
	return out
}

// gsDrawFlowCov draws a covariance for the flow claims: a rotated spectrum
// with condition number up to 1e3, or one near the identity (Ċ cancels to
// nearly 0 there, protocol.md's hard case).
func gsDrawFlowCov(t *rapid.T, d int) gsCov {
	if rapid.Bool().Draw(t, "near_identity") {
		eps := rapid.SampledFrom([]float64{1e-3, 1e-6}).Draw(t, "distance")
		u := rapid.SliceOfN(rapid.Float64Range(-1, 1), d, d).Draw(t, "u")
		lam := make([]float64, d)
		for i := range lam {
			lam[i] = 1 + eps*u[i]
		}
		return gsMakeCov(gsDrawRotation(t, d, "rot", 0), lam)
	}
	return gsDrawCov(t, d, "C", []float64{4, 1, 100, 1e3})
}

// gsFlowTermScale is the size of the terms of each row's Ċ at C.
func gsFlowTermScale(e string, c gsCov) float64 {
	lmin, lmax := c.minEig(), c.maxEig()
	switch e {
	case "kl":
		return 2 * (1 + lmax)
	case "fisher":
		return 2 * (1/lmin + lmax)
	case "w2":
		return 4 * (math.Sqrt(lmax) + lmax)
	default:
		return 8 * (lmax + lmax*lmax)
	}
}

// gsFlowClaim builds the claim of one row of the table.
func gsFlowClaim(id, energy, title, formula, def string) *Claim {
	return &Claim{
		ID:     id,
		Title:  title,
		Source: "[C] § Flows over the Gaussian Manifold: Gaussian-preserving gradient flows (table and proof)",
		Statement: "the Wasserstein gradient flow (unhalved metric) of " + def + " restricted to centred Gaussians N(0, C), towards γ = N(0, I), " +
			"has covariance velocity " + formula + "; checked against Ċ = −2(∇_C F·C + C·∇_C F) with ∇_C F by finite differences of the energy " +
			"(the constrained-gradient formula v_F = 2∇_C F x and Σ̇ = AΣ + ΣA for the descent velocity A = −2∇_C F)",
		Tolerance: "1e-8·(size of the terms of Ċ) + 4d·λ_max(C)·δG, δG the finite-difference bound of ∇_C F (Richardson extrapolation with step " +
			"7.4e-4·0.1·λ_min(C): rounding 30·eps·(size of the energy's terms)/(7.4e-5·λ_min), truncation below 1e-15 relative); Ċ exactly " +
			"symmetric within 1e-12·(terms)",
		Ops: []string{OpGaussFlow},
		Check: func(t *rapid.T, e *Env) {
			d := rapid.IntRange(1, 4).Draw(t, "d")
			c := gsDrawFlowCov(t, d)
			got := gsDenseOf(e.GaussFlow(t, GaussFlowArgs{Energy: energy, C: c.rows()}).Cdot)
			scale := gsFlowTermScale(energy, c)
			e.ExpectLeq(t, "Ċ symmetric: max|Ċ − Ċᵀ|", gsAsym(got), 0, 1e-12*scale)
			G, dG, ok := gsFDGradient(func(S *mat.SymDense) (float64, float64) { return gsEnergy(energy, nil, S) }, c.S, c.minEig())
			if !ok {
				e.Fatalf(t, "finite differences left the positive definite cone")
			}
			want := gsFlowFromGradient(G, c.S)
			e.ExpectMatClose(t, "Ċ = −2(∇F C + C ∇F) (finite differences of the energy)", numerics.ToRows(got), numerics.ToRows(want),
				1e-8*scale+4*float64(d)*c.maxEig()*dG)
		},
	}
}

func init() {
	Register(
		&Claim{
			ID:     "gmanifold.affine-preserves-gaussian",
			Title:  "Affine velocities preserve Gaussians",
			Source: "[C] § Flows over the Gaussian Manifold: Gaussianity preservation (proposition and proof)",
			Statement: "under ẋ = b + A(x − m_t), m_t the mean, the flow map is affine, so N(m0, Σ0) stays Gaussian with ṁ = b and Σ̇ = AΣ + ΣAᵀ: " +
				"particles integrated with the field match the moment ODE (reference MomentVelocity) and the closed form e^{tA} (AffineFlowMoments)",
			Tolerance: "Dormand–Prince at RelTol = AbsTol = 1e-11 for the particles and for the moment ODE (global error ≤ 1e-9 of the state scale); " +
				"affinity of the flow map, moments and the closed form compared within 1e-8·(1 + max|state|)",
			Check: func(t *rapid.T, e *Env) {
				d := rapid.IntRange(1, 4).Draw(t, "d")
				Araw := rapid.SliceOfN(rapid.Float64Range(-1, 1), d*d, d*d).Draw(t, "A")
				A := mat.NewDense(d, d, Araw)
				b := gsDrawVec(t, d, 1, "b")
				m0 := gsDrawVec(t, d, 2, "m0")
				c0 := gsDrawCov(t, d, "Sigma0", []float64{4, 1, 100})
				T := rapid.Float64Range(0, 1.5).Draw(t, "T")
				xi := gsDrawVec(t, d, 2, "xi")
				e.Input("A", numerics.ToRows(A))
				e.Input("b", b)
				e.Input("Sigma0", c0.rows())
				// Particles x0 = m0 + F0 ξ for ξ = 0, e_1, …, e_d and a random ξ.
				F0 := c0.factor()
				npart := d + 2
				n := d + npart*d + d*d // mean, particles, Σ
				y0 := make([]float64, n)
				copy(y0, m0)
				for k := 0; k < npart; k++ {
					for i := 0; i < d; i++ {
						v := m0[i]
						for j := 0; j < d; j++ {
							var z float64
							switch {
							case k == npart-1:
								z = xi[j]
							case k >= 1 && j == k-1:
								z = 1
							}
							v += F0.At(i, j) * z
						}
						y0[d+k*d+i] = v
					}
				}
				for i := 0; i < d; i++ {
					for j := 0; j < d; j++ {
						y0[d+npart*d+i*d+j] = c0.S.At(i, j)
					}
				}
				var momErr error
				rhs := func(_ float64, y, dy []float64) error {
					m := y[:d]
					copy(dy[:d], b)
					for k := 0; k < npart; k++ {
						x := y[d+k*d : d+(k+1)*d]
						for i := 0; i < d; i++ {
							v := b[i]
							for j := 0; j < d; j++ {
								v += A.At(i, j) * (x[j] - m[j])
							}
							dy[d+k*d+i] = v
						}
					}
					S := mat.NewSymDense(d, nil)
					for i := 0; i < d; i++ {
						for j := i; j < d; j++ {
							S.SetSym(i, j, 0.5*(y[d+npart*d+i*d+j]+y[d+npart*d+j*d+i]))
						}
					}
					_, Sd, err := gmanifold.MomentVelocity(A, b, S)
					if err != nil {
						momErr = err
						return err
					}
					for i := 0; i < d; i++ {
						for j := 0; j < d; j++ {
							dy[d+npart*d+i*d+j] = Sd.At(i, j)
						}
					}
					return nil
				}
				sol, err := numerics.DormandPrince(rhs, 0, T, y0, numerics.Options{RelTol: 1e-11, AbsTol: 1e-11})
				if err != nil {
					e.Fatalf(t, "integration: %v (moment velocity: %v)", err, momErr)
				}
				y := sol.Y
				part := func(k int) []float64 { return y[d+k*d : d+(k+1)*d] }
				scale := 1 + numerics.MaxAbs(y)
				tol := 1e-8 * scale
				// Affine: x_T(m0 + F0 ξ) = x_T(m0) + Φ_T F0 ξ with Φ_T F0 = [x_T(m0 + F0 e_j) − x_T(m0)]_j.
				PhiF := mat.NewDense(d, d, nil)
				for j := 0; j < d; j++ {
					for i := 0; i < d; i++ {
						PhiF.Set(i, j, part(j + 1)[i]-part(0)[i])
					}
				}
				pred := make([]float64, d)
				for i := 0; i < d; i++ {
					pred[i] = part(0)[i]
					for j := 0; j < d; j++ {
						pred[i] += PhiF.At(i, j) * xi[j]
					}
				}
				e.ExpectVecClose(t, "flow map is affine: x_T(m0 + F0ξ) = x_T(m0) + Φ_T F0 ξ", part(npart-1), pred, tol)
				// The pushed law has mean x_T(m0) and covariance Φ_T Σ0 Φ_Tᵀ = (Φ_T F0)(Φ_T F0)ᵀ.
				e.ExpectVecClose(t, "mean: x_T(m0) = m_T (ṁ = b)", part(0), y[:d], tol)
				Spush := gsMmul(PhiF, PhiF.T())
				ST := mat.NewDense(d, d, append([]float64(nil), y[d+npart*d:]...))
				e.ExpectMatClose(t, "covariance: Φ_T Σ0 Φ_Tᵀ = Σ_T (Σ̇ = AΣ + ΣAᵀ)", numerics.ToRows(Spush), numerics.ToRows(ST), tol)
				mT, SigT, err := gmanifold.AffineFlowMoments(A, b, m0, c0.S, T)
				if err != nil {
					e.Fatalf(t, "reference AffineFlowMoments: %v", err)
				}
				e.ExpectVecClose(t, "closed form m_T = m0 + T b", mT, y[:d], tol)
				e.ExpectMatClose(t, "closed form Σ_T = e^{TA} Σ0 e^{TAᵀ}", numerics.ToRows(SigT), numerics.ToRows(ST), tol)
			},
		},
		&Claim{
			ID:     "gmanifold.lyapunov-unique",
			Title:  "The Lyapunov map is invertible on symmetric matrices",
			Source: "[C] § Flows over the Gaussian Manifold: Gaussianity preservation (proof of the converse)",
			Statement: "for Σ ≻ 0, A ↦ AΣ + ΣA is invertible on symmetric matrices: its matrix in an orthonormal basis of Sym(d) has eigenvalues " +
				"λ_i + λ_j ≥ 2λ_min(Σ) > 0, and the reference solution of AΣ + ΣA = S matches a dense LU solve of that d(d+1)/2 system",
			Tolerance: "eigenvalues of the explicit operator within 1e-12·d·λ_max(Σ) of {λ_i + λ_j} (symmetric eigensolver backward error); residual " +
				"of AΣ + ΣA = S within 16·d²·eps·(2‖A‖_F‖Σ‖₂ + ‖S‖_F) (backward stability of the eigenbasis solve); the two solutions agree within 1e-12·d·κ(Σ)·max|A| (forward error of a " +
				"system of condition number κ(Σ))",
			Check: func(t *rapid.T, e *Env) {
				d := rapid.IntRange(1, 5).Draw(t, "d")
				c := gsDrawCov(t, d, "Sigma", gsCondsAll)
				Sraw := rapid.SliceOfN(rapid.Float64Range(-1, 1), d*d, d*d).Draw(t, "S")
				S := gsSymOf(mat.NewDense(d, d, Sraw))
				e.Input("Sigma", c.rows())
				e.Input("S", numerics.ToRows(S))
				// Orthonormal basis of Sym(d): E_ii and (e_ie_jᵀ + e_je_iᵀ)/√2.
				type ij struct{ i, j int }
				var basis []ij
				for i := 0; i < d; i++ {
					for j := i; j < d; j++ {
						basis = append(basis, ij{i, j})
					}
				}
				n := len(basis)
				elem := func(k int) *mat.Dense {
					E := mat.NewDense(d, d, nil)
					if basis[k].i == basis[k].j {
						E.Set(basis[k].i, basis[k].i, 1)
					} else {
						E.Set(basis[k].i, basis[k].j, 1/math.Sqrt2)
						E.Set(basis[k].j, basis[k].i, 1/math.Sqrt2)
					}
					return E
				}
				coord := func(M mat.Matrix, k int) float64 {
					if basis[k].i == basis[k].j {
						return M.At(basis[k].i, basis[k].i)
					}
					return (M.At(basis[k].i, basis[k].j) + M.At(basis[k].j, basis[k].i)) / math.Sqrt2
				}
				Op := mat.NewSymDense(n, nil)
				for k := 0; k < n; k++ {
					E := elem(k)
					img := mat.NewDense(d, d, nil)
					img.Add(gsMmul(E, c.S), gsMmul(c.S, E))
					for l := k; l < n; l++ {
						Op.SetSym(l, k, coord(img, l))
					}
				}
				var eig mat.EigenSym
				if !eig.Factorize(Op, false) {
					e.Fatalf(t, "eigendecomposition of the operator failed")
				}
				got := eig.Values(nil)
				var want []float64
				for _, p := range basis {
					want = append(want, c.Lam[p.i]+c.Lam[p.j])
				}
				gsSortFloats(want)
				e.ExpectVecClose(t, "spectrum of A ↦ AΣ + ΣA = {λ_i + λ_j}", got, want, 1e-12*float64(d)*c.maxEig())
				e.ExpectLeq(t, "2λ_min(Σ) ≤ smallest eigenvalue of the operator (invertible)", 2*c.minEig()*(1-1e-9), got[0], 1e-12*float64(d)*c.maxEig())
				A, err := gmanifold.Lyapunov(c.S, S)
				if err != nil {
					e.Fatalf(t, "reference Lyapunov: %v", err)
				}
				R := mat.NewDense(d, d, nil)
				R.Add(gsMmul(A, c.S), gsMmul(c.S, A))
				// Backward stability of the eigenbasis solve: residual ≲ d²·eps·(2‖A‖₂‖Σ‖₂ + ‖S‖₂), and ‖A‖₂‖Σ‖₂ can reach κ(Σ)‖S‖₂/2.
				e.ExpectMatClose(t, "AΣ + ΣA = S", numerics.ToRows(R), numerics.ToRows(S), 16*float64(d*d)*0x1p-53*(2*mat.Norm(A, 2)*c.maxEig()+mat.Norm(S, 2)))
				rhs := mat.NewVecDense(n, nil)
				for k := 0; k < n; k++ {
					rhs.SetVec(k, coord(S, k))
				}
				var x mat.VecDense
				if err := x.SolveVec(Op, rhs); err != nil {
					e.Fatalf(t, "LU solve: %v", err)
				}
				B := mat.NewDense(d, d, nil)
				for k := 0; k < n; k++ {
					B.Add(B, gsScaledDense(x.AtVec(k), elem(k)))
				}
				e.ExpectMatClose(t, "Lyapunov solution = dense LU solution", numerics.ToRows(A), numerics.ToRows(B), 1e-12*float64(d)*c.cond()*math.Max(gsMaxAbsM(B), 1))
			},
		},
		&Claim{
			ID:     "gmanifold.constrained-gradient",
			Title:  "The constrained Wasserstein gradient on the Gaussian manifold",
			Source: "[C] § Flows over the Gaussian Manifold: Constrained evolution on the Gaussian manifold (proposition and proof)",
			Statement: "v_F(x) = ∇_m F + 2∇_Σ F (x − m) satisfies dF(m,Σ)[b, AΣ + ΣA] = E⟨v_F(X), b + A(X − m)⟩, X ~ N(m, Σ), for every b and " +
				"symmetric A (the differential by finite differences of F; the expectation by a symmetric sigma-point rule, exact for quadratics)",
			Tolerance: "the Richardson finite-difference bound 30·eps·(size of F's terms, with log det Σ and tr Σ^{-1} weighted by κ(Σ): Cholesky rounds them relative to the condition number)/(7.4e-4·c) for a direction scaled by c (c·‖(b, AΣ+ΣA)‖ ≤ " +
				"0.1·min(1, λ_min)), plus 1e-12·(size of the expectation's terms)",
			Check: func(t *rapid.T, e *Env) {
				d := rapid.IntRange(1, 4).Draw(t, "d")
				c := gsDrawCov(t, d, "Sigma", []float64{4, 1, 100})
				m := gsDrawVec(t, d, 1, "m")
				kind := rapid.SampledFrom([]string{"random", "kl", "fisher", "w2", "mmd_poly"}).Draw(t, "functional")
				var F func(m []float64, S *mat.SymDense) (float64, float64)
				var gm []float64
				var GS *mat.SymDense
				if kind == "random" {
					cv := gsDrawVec(t, d, 1, "c")
					P := gsSymOf(mat.NewDense(d, d, rapid.SliceOfN(rapid.Float64Range(-1, 1), d*d, d*d).Draw(t, "P")))
					W := gsSymOf(mat.NewDense(d, d, rapid.SliceOfN(rapid.Float64Range(-1, 1), d*d, d*d).Draw(t, "W")))
					al := rapid.Float64Range(-1, 1).Draw(t, "alpha")
					be := rapid.Float64Range(-1, 1).Draw(t, "beta")
					ga := rapid.Float64Range(-1, 1).Draw(t, "gamma")
					// F = ⟨c,m⟩ + ½mᵀPm + α log det Σ + tr(WΣ) + β tr(Σ²) + γ mᵀΣm.
					F = func(m []float64, S *mat.SymDense) (float64, float64) {
						L := gsCholFactor(S)
						if L == nil {
							return math.NaN(), math.NaN()
						}
						ld := 0.0
						for i := 0; i < d; i++ {
							ld += 2 * math.Log(L.At(i, i))
						}
						v, terms := al*ld, math.Abs(al)*(float64(d)+math.Abs(ld)) // log of a rounded number: absolute error eps per factor
						add := func(x float64) { v += x; terms += math.Abs(x) }
						for i := 0; i < d; i++ {
							add(cv[i] * m[i])
							for j := 0; j < d; j++ {
								add(0.5 * m[i] * P.At(i, j) * m[j])
								add(W.At(i, j) * S.At(j, i))
								add(be * S.At(i, j) * S.At(j, i))
								add(ga * m[i] * S.At(i, j) * m[j])
							}
						}
						return v, terms
					}
					gm = make([]float64, d)
					for i := 0; i < d; i++ {
						gm[i] = cv[i]
						for j := 0; j < d; j++ {
							gm[i] += P.At(i, j)*m[j] + 2*ga*c.S.At(i, j)*m[j]
						}
					}
					var Si mat.SymDense
					var ch mat.Cholesky
					ch.Factorize(c.S)
					ch.InverseTo(&Si)
					GS = mat.NewSymDense(d, nil)
					for i := 0; i < d; i++ {
						for j := i; j < d; j++ {
							GS.SetSym(i, j, al*Si.At(i, j)+W.At(i, j)+2*be*c.S.At(i, j)+ga*m[i]*m[j])
						}
					}
				} else {
					F = func(m []float64, S *mat.SymDense) (float64, float64) { return gsEnergy(kind, m, S) }
					var err error
					gm, GS, err = gmanifold.Gradient(gmanifold.Energy(kind), m, c.S)
					if err != nil {
						e.Fatalf(t, "reference Gradient: %v", err)
					}
				}
				e.Input("Sigma", c.rows())
				e.Input("m", m)
				vF, err := gmanifold.ConstrainedGradient(gm, GS, m)
				if err != nil {
					e.Fatalf(t, "reference ConstrainedGradient: %v", err)
				}
				bdir := gsDrawVec(t, d, 1, "b")
				Adir := gsSymOf(mat.NewDense(d, d, rapid.SliceOfN(rapid.Float64Range(-1, 1), d*d, d*d).Draw(t, "Adir")))
				H := mat.NewSymDense(d, nil)
				HP := gsMmul(Adir, c.S)
				for i := 0; i < d; i++ {
					for j := i; j < d; j++ {
						H.SetSym(i, j, HP.At(i, j)+HP.At(j, i))
					}
				}
				size := math.Max(numerics.MaxAbs(bdir), gsMaxAbsM(H)) * float64(d)
				if size == 0 {
					return
				}
				sc := 0.1 * math.Min(1, c.minEig()) / size
				terms := 0.0
				f := func(s float64) float64 {
					mm := make([]float64, d)
					for i := range mm {
						mm[i] = m[i] + s*sc*bdir[i]
					}
					S := mat.NewSymDense(d, nil)
					S.AddSym(c.S, gsScaledSym(s*sc, H))
					v, tm := F(mm, S)
					terms = math.Max(terms, tm)
					return v
				}
				dF, err := numerics.Derivative(f, 0, numerics.Richardson)
				if err != nil {
					e.Fatalf(t, "finite differences: %v", err)
				}
				dF /= sc
				// E⟨v_F(X), b + A(X − m)⟩ by the sigma points m ± √d L e_k, weights 1/(2d).
				L := c.factor()
				ex, exTerms := 0.0, 0.0
				for k := 0; k < d; k++ {
					for _, sgn := range []float64{1, -1} {
						x := make([]float64, d)
						u := make([]float64, d)
						for i := 0; i < d; i++ {
							x[i] = m[i] + sgn*math.Sqrt(float64(d))*L.At(i, k)
						}
						v, err := vF.At(x)
						if err != nil {
							e.Fatalf(t, "v_F: %v", err)
						}
						for i := 0; i < d; i++ {
							u[i] = bdir[i]
							for j := 0; j < d; j++ {
								u[i] += Adir.At(i, j) * (x[j] - m[j])
							}
						}
						for i := 0; i < d; i++ {
							ex += v[i] * u[i] / float64(2*d)
							exTerms += math.Abs(v[i]*u[i]) / float64(2*d)
						}
					}
				}
				tol := 30*0x1p-52*terms/7.4e-4/sc + 1e-12*exTerms
				e.ExpectClose(t, "dF[b, AΣ+ΣA] = E⟨v_F, b + A(X − m)⟩", ex, dF, tol)
			},
		},
		gsFlowClaim("gmanifold.flow-kl", "kl", "KL flow on the Gaussian manifold", "Ċ = 2(I − C)", "KL(·|γ) = ½(tr C − d − log det C)"),
		gsFlowClaim("gmanifold.flow-fisher", "fisher", "Fisher flow on the Gaussian manifold", "Ċ = 2(C^{-1} − C)",
			"½ of the relative Fisher information, ½(tr C + tr C^{-1} − 2d)"),
		gsFlowClaim("gmanifold.flow-w2", "w2", "W2 flow on the Gaussian manifold", "Ċ = 4(C^{1/2} − C)",
			"the unhalved W2²(·, γ) = tr C + d − 2 tr C^{1/2}"),
		gsFlowClaim("gmanifold.flow-mmd", "mmd_poly", "Polynomial MMD flow on the Gaussian manifold", "Ċ = 8(C − C²)",
			"MMD² for k(x,y) = ⟨x,y⟩², ‖C − I‖_F²"),
		&Claim{
			ID:     "gmanifold.flow-sliced",
			Title:  "Sliced-Wasserstein flow on the Gaussian manifold",
			Source: "[C] § Flows over the Gaussian Manifold: Gaussian-preserving gradient flows (sliced row)",
			Statement: "for SW2²(·, γ) over a direction set (θ_l, w_l) — random directions, or a quadrature of the uniform law on the sphere — the " +
				"flow on centred Gaussians has Ċ = V(C)C + CV(C), V(C) = Σ_l w_l 2((θ_lᵀCθ_l)^{-1/2} − 1)θ_lθ_lᵀ (reference, no served energy) " +
				"= −2∇_C SW2² by finite differences of Σ_l w_l (‖L_Cᵀθ_l‖ − 1)² (1-D Gaussian W2² per slice, L_C the Cholesky factor)",
			Tolerance: "as the other flow rows: 1e-8·(size of the terms 2|V||C|) + 4d·λ_max·δG (finite-difference bound)",
			Check: func(t *rapid.T, e *Env) {
				d := rapid.IntRange(1, 3).Draw(t, "d")
				c := gsDrawFlowCov(t, d)
				var theta [][]float64
				var w []float64
				if rapid.Bool().Draw(t, "sphere_quadrature") {
					var err error
					theta, w, err = gmanifold.SphereQuadrature(d, rapid.IntRange(1, 6).Draw(t, "order"))
					if err != nil {
						e.Fatalf(t, "SphereQuadrature: %v", err)
					}
				} else {
					theta = genUnitVectors(t, rapid.IntRange(1, 6).Draw(t, "L"), d, "theta")
					w = nil
				}
				e.Input("C", c.rows())
				e.Input("theta", theta)
				got, err := gmanifold.SlicedCovarianceVelocity(c.S, theta, w)
				if err != nil {
					e.Fatalf(t, "reference: %v", err)
				}
				wts := w
				if wts == nil {
					wts = gsFill(len(theta), 1/float64(len(theta)))
				}
				energy := func(S *mat.SymDense) (float64, float64) {
					L := gsCholFactor(S)
					if L == nil {
						return math.NaN(), math.NaN()
					}
					v, terms := 0.0, 0.0
					for l, th := range theta {
						var u mat.VecDense
						u.MulVec(L.T(), mat.NewVecDense(d, th))
						s := mat.Norm(&u, 2)
						v += wts[l] * (s - 1) * (s - 1)
						terms += wts[l] * (s*s + 1)
					}
					return v, terms
				}
				G, dG, ok := gsFDGradient(energy, c.S, c.minEig())
				if !ok {
					e.Fatalf(t, "finite differences left the positive definite cone")
				}
				want := gsFlowFromGradient(G, c.S)
				scale := 4 * (1/math.Sqrt(c.minEig()) + 1) * c.maxEig()
				e.ExpectMatClose(t, "Ċ = V(C)C + CV(C) = −2(∇F C + C ∇F)", numerics.ToRows(got), numerics.ToRows(want), 1e-8*scale+4*float64(d)*c.maxEig()*dG)
			},
		},
		&Claim{
			ID:     "gmanifold.flows-descend",
			Title:  "The Gaussian gradient flows descend to γ",
			Source: "[C] § Flows over the Gaussian Manifold: Gaussian-preserving gradient flows",
			Statement: "along each row's flow Ċ = gauss.flow(C) the energy (evaluated from its definition) decreases monotonically and C → I: " +
				"from eigenvalues in [0.1, 10], ‖C_T − I‖_max ≤ 2e-3 at T = 5 (KL, W2), 3 (Fisher), 1.5 (MMD)",
			Tolerance: "dF/dt = tr(∇F Ċ) ≤ d²·δG·max|Ċ| at C_0 (∇F by finite differences, bound δG as in the flow rows); " +
				"monotone within 1e-7·(size of F(C_0)'s terms) between accepted steps of Dormand–Prince (RelTol = AbsTol = 1e-7); the " +
				"eigenvalue ODEs of the table (λ̇ = 2(1−λ), λ² − 1 ∝ e^{−4t}, √λ − 1 ∝ e^{−2t}, logistic λ̇ = 8λ(1−λ)) reach |λ − 1| ≤ 6e-4 by T, " +
				"so 2e-3 leaves a factor 3 for the integration; a flow at half speed ends ≥ 0.06 away",
			Ops: []string{OpGaussFlow},
			Check: func(t *rapid.T, e *Env) {
				energy := rapid.SampledFrom([]string{"kl", "fisher", "w2", "mmd_poly"}).Draw(t, "energy")
				d := rapid.IntRange(1, 3).Draw(t, "d")
				u := rapid.SliceOfN(rapid.Float64Range(-1, 1), d, d).Draw(t, "log10 eigenvalues")
				lam := make([]float64, d)
				for i := range lam {
					lam[i] = math.Pow(10, u[i])
				}
				c0 := gsMakeCov(gsDrawRotation(t, d, "rot", 0), lam)
				T := map[string]float64{"kl": 5, "fisher": 3, "w2": 5, "mmd_poly": 1.5}[energy]
				// Instantaneous descent at C0: dF/dt = tr(∇F Ċ) ≤ 0 (= −4 tr(∇F C ∇F) for the true flow).
				Cd0 := gsDenseOf(e.GaussFlow(t, GaussFlowArgs{Energy: energy, C: c0.rows()}).Cdot)
				G, dG, ok := gsFDGradient(func(S *mat.SymDense) (float64, float64) { return gsEnergy(energy, nil, S) }, c0.S, c0.minEig())
				if !ok {
					e.Fatalf(t, "finite differences left the positive definite cone")
				}
				e.ExpectLeq(t, "dF/dt = tr(∇F Ċ) ≤ 0 at C0", mat.Trace(gsMmul(G, Cd0)), 0, float64(d*d)*dG*gsMaxAbsM(Cd0))
				vel := func(C *mat.SymDense) (*mat.SymDense, error) {
					r := e.GaussFlow(t, GaussFlowArgs{Energy: energy, C: numerics.ToRows(C)})
					return gsSymOf(gsDenseOf(r.Cdot)), nil
				}
				tr, err := gmanifold.IntegrateCovariance(vel, c0.S, T, numerics.Options{RelTol: 1e-7, AbsTol: 1e-7})
				if err != nil {
					e.Fatalf(t, "integration of Ċ = gauss.flow(C): %v", err)
				}
				F0, terms := gsEnergy(energy, nil, c0.S)
				prev := F0
				for k, C := range tr.C[1:] {
					F, _ := gsEnergy(energy, nil, C)
					if math.IsNaN(F) {
						e.Fatalf(t, "C left the positive definite cone at t = %g", tr.T[k+1])
					}
					e.ExpectLeq(t, "energy non-increasing along the flow", F, prev, 1e-7*terms)
					prev = F
				}
				CT := tr.C[len(tr.C)-1]
				D := mat.NewDense(d, d, nil)
				D.Sub(CT, gsEye(d))
				e.ExpectLeq(t, "‖C_T − I‖_max (C → I)", gsMaxAbsM(D), 0, 2e-3)
			},
		},
	)
}

func gsSortFloats(v []float64) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && v[j] < v[j-1]; j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}

// gsScaledDense returns a·M.
func gsScaledDense(a float64, M *mat.Dense) *mat.Dense {
	var out mat.Dense
	out.Scale(a, M)
	return &out
}
