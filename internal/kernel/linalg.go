package kernel

import "math"

// MatVec sets dst_i = Σ_j A_ij·x_j for the n×m row-major A, n = len(dst),
// m = len(x): the kernel-domain Sinkhorn update u = a/(K v). Each sum is
// eight lanes of fused multiply-adds reduced in a fixed order (the same
// bits in every variant). It panics if len(A) < n·m.
func MatVec(dst, A, x []float64) {
	_ = A[:len(dst)*len(x)]
	matVec(dst, A, len(x), x)
}

// MatVecPar is MatVec with the rows split over up to workers goroutines
// (0 means GOMAXPROCS); the result does not depend on workers.
func MatVecPar(dst, A, x []float64, workers int) {
	m := len(x)
	_ = A[:len(dst)*m]
	parallel(len(dst), max(1, minParallel/max(m, 1)), workers, func(lo, hi int) {
		matVec(dst[lo:hi], A[lo*m:], m, x)
	})
}

func matVec(dst, A []float64, lda int, x []float64) {
	m := len(x)
	if !useAsm() || m < 8 {
		for i := range dst {
			dst[i] = dotGeneric(A[i*lda:i*lda+m], x)
		}
		return
	}
	m8 := m &^ 7
	var lanes [8 * 64]float64
	for i0 := 0; i0 < len(dst); i0 += 64 {
		rows := min(64, len(dst)-i0)
		l := lanes[:8*rows]
		if level == lvlAVX512 {
			dotRowsAVX512(l, A[i0*lda:], lda, x[:m8])
		} else {
			dotRowsAVX2(l, A[i0*lda:], lda, x[:m8])
		}
		for k := range rows {
			lk := (*[8]float64)(l[8*k : 8*k+8])
			row := A[(i0+k)*lda:]
			for j := m8; j < m; j++ {
				lk[j-m8] = math.FMA(row[j], x[j], lk[j-m8])
			}
			dst[i0+k] = reduceSum(lk)
		}
	}
}

// MatTVec sets dst_j = Σ_i x_i·A_ij for the n×m row-major A, n = len(x),
// m = len(dst): the kernel-domain Sinkhorn update v = b/(Kᵀ u). Each sum
// is accumulated in row order with fused multiply-adds, dst_j ←
// fma(x_i, A_ij, dst_j) from 0 (the same bits in every variant); the rows
// stream by while strips of columns stay in registers. It panics if
// len(A) < n·m.
func MatTVec(dst, A, x []float64) {
	_ = A[:len(dst)*len(x)]
	matTVec(dst, A, len(dst), x)
}

// MatTVecPar is MatTVec with the columns split over up to workers
// goroutines (0 means GOMAXPROCS); the result does not depend on workers.
func MatTVecPar(dst, A, x []float64, workers int) {
	m := len(dst)
	_ = A[:m*len(x)]
	nb := (m + 31) / 32 // strips of 32 columns
	parallel(nb, max(1, minParallel/max(32*len(x), 1)), workers, func(lo, hi int) {
		matTVec(dst[32*lo:min(m, 32*hi)], A[32*lo:], m, x)
	})
}

func matTVec(dst, A []float64, lda int, x []float64) {
	for j := range dst {
		dst[j] = 0
	}
	w := len(dst)
	w8 := w &^ 7
	if useAsm() && w8 > 0 && len(x) > 0 {
		if level == lvlAVX512 {
			axpyRowsAVX512(dst[:w8], A, lda, x)
		} else {
			axpyRowsAVX2(dst[:w8], A, lda, x)
		}
	} else {
		w8 = 0
	}
	for i, xi := range x {
		row := A[i*lda : i*lda+w]
		for j := w8; j < w; j++ {
			dst[j] = math.FMA(xi, row[j], dst[j])
		}
	}
}

// Gibbs sets the n×m row-major dst to the Gibbs kernel
// dst_ij = exp((u_i + v_j) − s·C_ij), computed as exp of
// fma(−s, C_ij, v_j + u_i), n = len(u), m = len(v): with u = f/ε, v = g/ε and
// s = 1/ε, the plan of log-domain Sinkhorn up to the weights, and the
// stabilised kernel K̃ of kernel-domain Sinkhorn with absorbed potentials.
// It panics if len(C) or len(dst) < n·m.
func Gibbs(dst, C, u, v []float64, s float64) {
	m := len(v)
	_, _ = dst[:len(u)*m], C[:len(u)*m]
	gibbs(dst, C, m, u, v, s)
}

// GibbsPar is Gibbs with the rows split over up to workers goroutines (0
// means GOMAXPROCS); the result does not depend on workers.
func GibbsPar(dst, C, u, v []float64, s float64, workers int) {
	m := len(v)
	_, _ = dst[:len(u)*m], C[:len(u)*m]
	parallel(len(u), max(1, minParallel/max(m, 1)), workers, func(lo, hi int) {
		gibbs(dst[lo*m:], C[lo*m:], m, u[lo:hi], v, s)
	})
}

func gibbs(dst, C []float64, ld int, u, v []float64, s float64) {
	m := len(v)
	m8 := m &^ 7
	if !useAsm() || m8 == 0 {
		m8 = 0
	} else if len(u) > 0 {
		if level == lvlAVX512 {
			gibbsAVX512(dst, C, ld, u, v[:m8], s)
		} else {
			gibbsAVX2(dst, C, ld, u, v[:m8], s)
		}
	}
	for i, ui := range u {
		for j := m8; j < m; j++ {
			dst[i*ld+j] = gibbsOne(C[i*ld+j], ui, v[j], s)
		}
	}
}
