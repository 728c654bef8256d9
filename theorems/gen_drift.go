package theorems

import (
	"math"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/floats"
	"pgregory.net/rapid"
)

// Generators and independent ground truths of the drift family
// (claims_drift.go). Every helper is prefixed dr.

// drEps is the unit roundoff 2⁻⁵² used in the rounding bounds below.
const drEps = 0x1p-52

// drRtol is protocol.md's relative tolerance for closed-form quantities
// (the drift field is a finite kernel-weighted average), relative to the
// largest input coordinate.
const drRtol = 1e-9

// drGenCloud draws n points of [−r, r]^d.
func drGenCloud(t *rapid.T, n, d int, r float64, label string) [][]float64 {
	v := rapid.SliceOfN(rapid.Float64Range(-r, r), n*d, n*d).Draw(t, label)
	P := make([][]float64, n)
	for i := range P {
		P[i] = append([]float64(nil), v[i*d:(i+1)*d]...)
	}
	return P
}

// drGenBall draws n points of the closed ball of radius r around c: points
// of the cube [−1, 1]^d scaled by r/√d.
func drGenBall(t *rapid.T, n int, c []float64, r float64, label string) [][]float64 {
	d := len(c)
	P := drGenCloud(t, n, d, 1, label)
	s := r / math.Sqrt(float64(d))
	for i := range P {
		for a := range P[i] {
			P[i][a] = c[a] + s*P[i][a]
		}
	}
	return P
}

// drGenUnit draws a unit vector of R^d (e_1 if the draw is degenerate).
func drGenUnit(t *rapid.T, d int, label string) []float64 {
	v := rapid.SliceOfN(rapid.Float64Range(-1, 1), d, d).Draw(t, label)
	n := drNorm(v)
	if n < 1e-3 {
		v = make([]float64, d)
		v[0], n = 1, 1
	}
	for a := range v {
		v[a] /= n
	}
	return v
}

// drGenKernel draws the kernel name of drift.field.
func drGenKernel(t *rapid.T) string {
	return rapid.SampledFrom([]string{"gaussian", "laplace"}).Draw(t, "kernel")
}

// drNorm is the Euclidean norm without underflow or overflow (gonum's
// scaled floats.Norm).
func drNorm(v []float64) float64 { return floats.Norm(v, 2) }

// drDist is ‖a − b‖ (plain sum of squares: the clouds of the claims are far
// from overflow).
func drDist(a, b []float64) float64 {
	s := 0.0
	for k := range a {
		t := a[k] - b[k]
		s += t * t
	}
	return math.Sqrt(s)
}

func drScaled(P [][]float64, s float64) [][]float64 {
	out := make([][]float64, len(P))
	for i := range P {
		out[i] = make([]float64, len(P[i]))
		for a := range P[i] {
			out[i][a] = s * P[i][a]
		}
	}
	return out
}

func drCopy(P [][]float64) [][]float64 { return drScaled(P, 1) }

// drSpan is max ‖y − x‖ over x in X, y in the clouds Ys: the size of the
// terms (y − x) averaged by the field.
func drSpan(X [][]float64, Ys ...[][]float64) float64 {
	m := 0.0
	for _, x := range X {
		for _, Y := range Ys {
			for _, y := range Y {
				m = math.Max(m, drDist(x, y))
			}
		}
	}
	return m
}

// drCost is the kernel exponent c(x,y)/τ: ‖x−y‖/τ (laplace) or
// ‖x−y‖²/(2τ) (gaussian).
func drCost(kernel string, x, y []float64, tau float64) float64 {
	r := drDist(x, y)
	if kernel == "laplace" {
		return r / tau
	}
	return r * r / (2 * tau)
}

// drCond bounds the size of the kernel exponents that carry weight: for
// each query the nearest point's exponent plus 40 (points beyond that weigh
// < e^{-40} ≈ 4e-18 relative), maximised over queries and clouds. A
// relative rounding error δ in the distances perturbs those exponents by
// up to 2δ·drCond, hence the weights by that relative amount.
func drCond(kernel string, X [][]float64, tau float64, Ys ...[][]float64) float64 {
	m := 0.0
	for _, x := range X {
		for _, Y := range Ys {
			cmin := math.Inf(1)
			for _, y := range Y {
				cmin = math.Min(cmin, drCost(kernel, x, y, tau))
			}
			m = math.Max(m, cmin+40)
		}
	}
	return m
}

// drFieldTol is the tolerance on a drift.field answer: protocol.md's rtol
// 1e-9 times the largest input coordinate, plus the conditioning of the
// softmax weights, 16·d·eps·drCond relative, times the span of the terms.
func drFieldTol(kernel string, X [][]float64, tau float64, Ys ...[][]float64) float64 {
	d := float64(len(X[0]))
	all := append([][][]float64{X}, Ys...)
	return drRtol*maxAbsMat(all...) + 16*d*drEps*drCond(kernel, X, tau, Ys...)*drSpan(X, Ys...)
}

// drLogKernelSum returns g(u) = log Σ_j exp(lw_j − ‖u − v_j‖²/2), the
// log-density of the unit-bandwidth Gaussian smoothing of Σ_j e^{lw_j}δ_{v_j}
// (up to a constant), by numerics.LogSumExp: computed independently of
// drift.field. In the claims's scaled coordinates u = x/√ε it gives
// ε∇_x log K_ε*ν(x) = √ε ∇_u g(u).
func drLogKernelSum(u []float64, v [][]float64, lw []float64) float64 {
	l := make([]float64, len(v))
	for j := range v {
		r := drDist(u, v[j])
		l[j] = -0.5 * r * r
		if lw != nil {
			l[j] += lw[j]
		}
	}
	return numerics.LogSumExp(l)
}

// drRichardsonBound is numerics' error bound for a Richardson derivative of
// f at a point with coordinates |x_i| ≤ xmax: h⁴/288·M5 + 3·eps·M0/h, h =
// eps^{1/5}·max(1, |x_i|) per coordinate (the largest step bounds the
// truncation, the smallest the rounding), with M5 and M0 bounds of |f⁽⁵⁾|
// and |f| nearby.
func drRichardsonBound(xmax, M5, M0 float64) float64 {
	base := math.Pow(drEps, 0.2)
	h := base * math.Max(1, xmax) * 1.01    // the largest step (truncation)
	return h*h*h*h/288*M5 + 3*drEps*M0/base // the smallest step (rounding)
}

// drLSEBounds bounds the derivatives of g(u) = LSE_j(lw_j − ‖u−v_j‖²/2)
// along a unit direction e: the k-th derivative of the linear part is the
// k-th cumulant of ⟨e, v_J⟩ under the posterior weights of J (the −‖u‖²/2
// part has zero fifth derivative). A law on an interval of length L has
// |κ5| = |μ5 − 10μ3μ2| ≤ 11·L⁵; L ≤ diam(v). M0 bounds the rounding of g
// on the FD stencil: (m + 2)·(max_j |lw_j| + (‖u‖ + 1 + max‖v_j‖)²/2 + log m).
func drLSEBounds(u []float64, v [][]float64, lw []float64) (M5, M0 float64) {
	L, vmax, lwmax := 0.0, 0.0, 0.0
	for j := range v {
		vmax = math.Max(vmax, drNorm(v[j]))
		for k := range v {
			L = math.Max(L, drDist(v[j], v[k]))
		}
		if lw != nil {
			lwmax = math.Max(lwmax, math.Abs(lw[j]))
		}
	}
	r := drNorm(u) + 1 + vmax
	// The log-sum-exp of m terms is accurate to about (m + 2) ulps of its
	// largest exponent, hence the factor on M0.
	return 11 * math.Pow(L, 5), float64(len(v)+2) * (lwmax + r*r/2 + math.Log(float64(len(v))))
}

// drDiam is the largest pairwise distance of a cloud.
func drDiam(P [][]float64) float64 {
	m := 0.0
	for i := range P {
		for j := i + 1; j < len(P); j++ {
			m = math.Max(m, drDist(P[i], P[j]))
		}
	}
	return m
}

// drAxpy returns X + h·V row by row.
func drAxpy(X, V [][]float64, h float64) [][]float64 {
	out := make([][]float64, len(X))
	for i := range X {
		out[i] = make([]float64, len(X[i]))
		for a := range X[i] {
			out[i][a] = X[i][a] + h*V[i][a]
		}
	}
	return out
}

// drZeros returns one point at the origin of R^d: the negative cloud that
// turns drift.field into the normalised field, B[ν](x) = V(x; ν, {0}) − x
// (since B[{0}](x) = −x exactly).
func drZeros(d int) [][]float64 { return [][]float64{make([]float64, d)} }
