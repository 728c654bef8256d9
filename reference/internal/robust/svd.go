package robust

import (
	"fmt"
	"math"
	"sort"

	"github.com/otverify/otverify/numerics"
	"gonum.org/v1/gonum/mat"
)

// SVD returns the singular values of the square matrix M in descending
// order and the orthogonal factors U, V with M = U diag(s) Vᵀ, verified:
// ‖U diag(s) Vᵀ − M‖_max ≤ 64·d·eps·‖M‖_max·d and U, V orthonormal to
// 64·d·eps; otherwise recomputed by one-sided Jacobi (Hestenes), which is
// accurate for every matrix. Errors: numerics.ErrInvalid for a nil, empty,
// non-square or non-finite M; numerics.ErrNotConverged if neither method
// meets the bound (not observed).
func SVD(M mat.Matrix) (s []float64, U, V *mat.Dense, err error) {
	if M == nil {
		return nil, nil, nil, numerics.Invalidf("robust: matrix is nil")
	}
	r, c := M.Dims()
	if r == 0 || r != c {
		return nil, nil, nil, numerics.Invalidf("robust: SVD of a %d×%d matrix, want square non-empty", r, c)
	}
	A := mat.DenseCopyOf(M)
	for _, v := range A.RawMatrix().Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, nil, numerics.Invalidf("robust: SVD of a matrix with a non-finite entry")
		}
	}
	if s, U, V, ok := lapackSVD(A); ok && svdVerified(A, s, U, V) {
		return s, U, V, nil
	}
	s, U, V = hestenes(A)
	if !svdVerified(A, s, U, V) {
		return nil, nil, nil, fmt.Errorf("robust: SVD not accurate to 64·d·eps: %w", numerics.ErrNotConverged)
	}
	return s, U, V, nil
}

func lapackSVD(A *mat.Dense) (s []float64, U, V *mat.Dense, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			ok = false
		}
	}()
	var svd mat.SVD
	if !svd.Factorize(A, mat.SVDFull) {
		return nil, nil, nil, false
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	return svd.Values(nil), &u, &v, true
}

func svdVerified(A *mat.Dense, s []float64, U, V *mat.Dense) bool {
	d, _ := A.Dims()
	norm := 0.0
	for _, v := range A.RawMatrix().Data {
		norm = math.Max(norm, math.Abs(v))
	}
	tol := 64 * float64(d) * eps
	for _, v := range s {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return false
		}
	}
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			r, ou, ov := 0.0, 0.0, 0.0
			for k := 0; k < d; k++ {
				r += U.At(i, k) * s[k] * V.At(j, k)
				ou += U.At(k, i) * U.At(k, j)
				ov += V.At(k, i) * V.At(k, j)
			}
			if i == j {
				ou--
				ov--
			}
			if !(math.Abs(r-A.At(i, j)) <= tol*float64(d)*norm) || !(math.Abs(ou) <= tol) || !(math.Abs(ov) <= tol) {
				return false
			}
		}
	}
	return true
}

// hestenes is one-sided Jacobi: rotate pairs of columns of W = A V until
// they are orthogonal; then σ_i = ‖w_i‖ and u_i = w_i/σ_i (completed to an
// orthonormal basis by Gram–Schmidt where σ_i = 0).
func hestenes(A *mat.Dense) ([]float64, *mat.Dense, *mat.Dense) {
	d, _ := A.Dims()
	W := mat.DenseCopyOf(A)
	V := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		V.Set(i, i, 1)
	}
	col := func(M *mat.Dense, p, q int) (float64, float64, float64) {
		a, b, g := 0.0, 0.0, 0.0
		for k := 0; k < d; k++ {
			x, y := M.At(k, p), M.At(k, q)
			a += x * x
			b += y * y
			g += x * y
		}
		return a, b, g
	}
	for sweep := 0; sweep < 60; sweep++ {
		rotated := false
		for p := 0; p < d-1; p++ {
			for q := p + 1; q < d; q++ {
				a, b, g := col(W, p, q)
				if g == 0 || math.Abs(g) <= eps*math.Sqrt(a)*math.Sqrt(b) {
					continue
				}
				rotated = true
				zeta := (b - a) / (2 * g)
				t := 1 / (math.Abs(zeta) + math.Sqrt(1+zeta*zeta))
				if math.IsInf(zeta*zeta, 0) {
					t = 1 / (2 * math.Abs(zeta))
				}
				if zeta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(1+t*t)
				s := c * t
				for _, M := range []*mat.Dense{W, V} {
					for k := 0; k < d; k++ {
						x, y := M.At(k, p), M.At(k, q)
						M.Set(k, p, c*x-s*y)
						M.Set(k, q, s*x+c*y)
					}
				}
			}
		}
		if !rotated {
			break
		}
	}
	sv := make([]float64, d)
	for i := 0; i < d; i++ {
		a, _, _ := col(W, i, i)
		sv[i] = math.Sqrt(a)
	}
	idx := make([]int, d)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return sv[idx[a]] > sv[idx[b]] })
	s := make([]float64, d)
	U := mat.NewDense(d, d, nil)
	Vs := mat.NewDense(d, d, nil)
	for k, i := range idx {
		s[k] = sv[i]
		for r := 0; r < d; r++ {
			Vs.Set(r, k, V.At(r, i))
			if sv[i] > 0 {
				U.Set(r, k, W.At(r, i)/sv[i])
			}
		}
	}
	// Complete U where σ = 0 (or tiny) by Gram–Schmidt against the standard basis.
	for k := 0; k < d; k++ {
		if s[k] > 0 && s[k] >= eps*s[0]*float64(d) {
			continue
		}
		for e := 0; e < d; e++ {
			v := make([]float64, d)
			v[e] = 1
			for j := 0; j < d; j++ {
				if j == k || (s[j] == 0 || s[j] < eps*s[0]*float64(d)) && j > k {
					continue
				}
				dot := 0.0
				for r := 0; r < d; r++ {
					dot += U.At(r, j) * v[r]
				}
				for r := 0; r < d; r++ {
					v[r] -= dot * U.At(r, j)
				}
			}
			n := 0.0
			for _, x := range v {
				n += x * x
			}
			if n > 0.25 {
				n = math.Sqrt(n)
				for r := 0; r < d; r++ {
					U.Set(r, k, v[r]/n)
				}
				break
			}
		}
	}
	return s, U, Vs
}
