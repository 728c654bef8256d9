package kernel

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// Exp sets dst[i] = e^x[i] for i < len(x) (method and accuracy in the
// package documentation: within 1 ulp of math.Exp; +Inf above 709.78, 0
// below −745.14, NaN for NaN). It panics if len(dst) < len(x).
func Exp(dst, x []float64) {
	dst = dst[:len(x)]
	if !useAsm() {
		expGeneric(dst, x)
		return
	}
	n8 := len(x) &^ 7
	if n8 > 0 {
		if level == lvlAVX512 {
			expAVX512(dst[:n8], x[:n8])
		} else {
			expAVX2(dst[:n8], x[:n8])
		}
	}
	expGeneric(dst[n8:], x[n8:])
}

// The assembly variants process the first len&^7 elements (whole groups of
// eight) and accumulate into the eight lanes that the caller passes; the
// remaining elements and the reduction of the lanes are done here, with
// the scalar code of generic.go, so the result is the same bits.

func useAsm() bool { return level != lvlGeneric }

func maxv(x []float64) float64 {
	if !useAsm() {
		return maxGeneric(x)
	}
	l := negInf8()
	n8 := len(x) &^ 7
	if n8 > 0 {
		if level == lvlAVX512 {
			maxAVX512(&l, x[:n8])
		} else {
			maxAVX2(&l, x[:n8])
		}
	}
	for j := n8; j < len(x); j++ {
		l[j-n8] = gt(x[j], l[j-n8])
	}
	return reduceMax(&l)
}

func maxAffine(v, c []float64, s float64) float64 {
	if !useAsm() {
		return maxAffineGeneric(v, c, s)
	}
	l := negInf8()
	n8 := len(v) &^ 7
	if n8 > 0 {
		if level == lvlAVX512 {
			maxAffineAVX512(&l, v[:n8], c[:n8], s)
		} else {
			maxAffineAVX2(&l, v[:n8], c[:n8], s)
		}
	}
	for j := n8; j < len(v); j++ {
		l[j-n8] = gt(math.FMA(-s, c[j], v[j]), l[j-n8])
	}
	return reduceMax(&l)
}

func sumExpAffine(v, c []float64, s, m float64) float64 {
	if !useAsm() {
		return sumExpAffineGeneric(v, c, s, m)
	}
	var l [8]float64
	n8 := len(v) &^ 7
	if n8 > 0 {
		if level == lvlAVX512 {
			sumExpAffineAVX512(&l, v[:n8], c[:n8], s, m)
		} else {
			sumExpAffineAVX2(&l, v[:n8], c[:n8], s, m)
		}
	}
	for j := n8; j < len(v); j++ {
		l[j-n8] += exp1(math.FMA(-s, c[j], v[j]) - m)
	}
	return reduceSum(&l)
}

func sumExpShift(x []float64, m float64) float64 {
	if !useAsm() {
		return sumExpShiftGeneric(x, m)
	}
	var l [8]float64
	n8 := len(x) &^ 7
	if n8 > 0 {
		if level == lvlAVX512 {
			sumExpShiftAVX512(&l, x[:n8], m)
		} else {
			sumExpShiftAVX2(&l, x[:n8], m)
		}
	}
	for j := n8; j < len(x); j++ {
		l[j-n8] += exp1(x[j] - m)
	}
	return reduceSum(&l)
}

func expShiftSum(dst, x []float64, m float64) float64 {
	if !useAsm() {
		return expShiftSumGeneric(dst, x, m)
	}
	dst = dst[:len(x)]
	var l [8]float64
	n8 := len(x) &^ 7
	if n8 > 0 {
		if level == lvlAVX512 {
			expShiftSumAVX512(&l, dst[:n8], x[:n8], m)
		} else {
			expShiftSumAVX2(&l, dst[:n8], x[:n8], m)
		}
	}
	for j := n8; j < len(x); j++ {
		e := exp1(x[j] - m)
		dst[j] = e
		l[j-n8] += e
	}
	return reduceSum(&l)
}

func scal(a float64, x []float64) {
	if !useAsm() {
		scalGeneric(a, x)
		return
	}
	n8 := len(x) &^ 7
	if n8 > 0 {
		if level == lvlAVX512 {
			scalAVX512(a, x[:n8])
		} else {
			scalAVX2(a, x[:n8])
		}
	}
	scalGeneric(a, x[n8:])
}

// colStrip: see colStripGeneric. The vector variants handle full strips
// (w = 8); a last partial strip runs the portable code. With hinted, out[0:8]
// holds the shifts on entry and the maximum pass is skipped.
func colStrip(out *[16]float64, c []float64, ldc int, u []float64, s float64, w int, hinted bool) {
	h := 0
	if hinted {
		h = 1
	}
	switch {
	case !useAsm() || w < 8 || len(u) == 0:
		colStripGeneric(out, c, ldc, u, s, w, hinted)
	case level == lvlAVX512:
		colStripAVX512(out, c[:(len(u)-1)*ldc+8], ldc, u, s, h)
	default:
		colStripAVX2(out, c[:(len(u)-1)*ldc+8], ldc, u, s, h)
	}
}

func sqDistRow(dst, x, yT []float64, ldy int) {
	if !useAsm() || len(x) == 0 {
		sqDistRowGeneric(dst, x, yT, ldy)
		return
	}
	n8 := len(dst) &^ 7
	if n8 > 0 {
		_ = yT[(len(x)-1)*ldy+n8-1]
		if level == lvlAVX512 {
			sqDistRowAVX512(dst[:n8], x, yT, ldy)
		} else {
			sqDistRowAVX2(dst[:n8], x, yT, ldy)
		}
	}
	for j := n8; j < len(dst); j++ {
		s := 0.0
		for k, xk := range x {
			t := xk - yT[k*ldy+j]
			s += float64(t * t)
		}
		dst[j] = s
	}
}

// LogSumExp returns log Σ_j e^{x_j}, computed as m + log Σ_j e^{x_j − m}
// with m = max_j x_j (no overflow; within a few ulps of the exact value).
// It returns −Inf for an empty x or when every entry is −Inf, +Inf when
// some entry is +Inf, and NaN when some entry is NaN.
func LogSumExp(x []float64) float64 {
	m := maxv(x)
	if math.IsInf(m, 0) {
		for _, t := range x {
			if t != t {
				return math.NaN()
			}
		}
		return m
	}
	return m + math.Log(sumExpShift(x, m))
}

// LSEAffine returns log Σ_j exp(t_j) for t_j = v_j − s·c_j, each t_j
// computed with one rounding (fused multiply-add), shifted by its maximum
// as LogSumExp. Special values as LogSumExp, applied to the t_j (so
// s·c_j = ±Inf or 0·Inf = NaN propagate). It panics if len(c) < len(v).
func LSEAffine(v, c []float64, s float64) float64 {
	c = c[:len(v)]
	return lseAffine(v, c, s)
}

func lseAffine(v, c []float64, s float64) float64 {
	m := maxAffine(v, c, s)
	if math.IsInf(m, 0) {
		for j, vj := range v {
			if t := math.FMA(-s, c[j], vj); t != t {
				return math.NaN()
			}
		}
		return m
	}
	return m + math.Log(sumExpAffine(v, c, s, m))
}

// RowLSE sets dst_i = log Σ_j exp(v_j − s·C_ij) for the n×m row-major
// matrix C, n = len(dst), m = len(v): the row log-sum-exp of log-domain
// Sinkhorn, where (f_i + g_j − C_ij)/ε = f_i/ε + (g_j/ε − C_ij/ε), i.e.
// v = g/ε (plus log-weights) and s = 1/ε. Each row as LSEAffine: a pass
// for the maximum, a pass for the shifted sum. It panics if
// len(C) < n·m.
func RowLSE(dst, C, v []float64, s float64) {
	rowLSE(dst, C, v, s, nil)
}

// RowLSEHint is RowLSE given a guess hint_i of each result, e.g. the same
// row's value at the previous Sinkhorn iteration: each row is then read
// once, for the sum Σ_j exp(t_j − hint_i), and dst_i = hint_i + log of it.
// A row whose shifted sum lies outside [2^−600, 2^600] (the guess is too
// far off for the sum to be accurate or finite), or whose guess or values
// are not finite, is recomputed as RowLSE does; so the results are those
// of RowLSE up to rounding (a few ulps: the shift differs), on every input.
// hint may be dst itself. It panics if len(hint) < n.
func RowLSEHint(dst, C, v []float64, s float64, hint []float64) {
	_ = hint[:len(dst)]
	rowLSE(dst, C, v, s, hint[:len(dst)])
}

// Bounds on the shifted sum S for which h + log S is accepted: below
// 2^−600 the largest term e^{t−h} ≤ S could be so small that terms would
// be lost to underflow or subnormal rounding; above 2^600 the sum nears
// overflow.
const hintLo, hintHi = 0x1p-600, 0x1p600

// hinted returns h + log(sum) and true when the shifted sum is usable.
func hinted(h, sum float64) (float64, bool) {
	if !(sum >= hintLo && sum <= hintHi) || math.IsInf(h, 0) || h != h {
		return 0, false
	}
	return h + math.Log(sum), true
}

func rowLSE(dst, C, v []float64, s float64, hint []float64) {
	m := len(v)
	_ = C[:len(dst)*m]
	if !useAsm() || m == 0 || m%8 != 0 {
		for i := range dst {
			row := C[i*m : (i+1)*m]
			if hint != nil {
				if h := hint[i]; !math.IsInf(h, 0) && h == h {
					if r, ok := hinted(h, sumExpAffine(v, row, s, h)); ok {
						dst[i] = r
						continue
					}
				}
			}
			dst[i] = lseAffine(v, row, s)
		}
		return
	}
	// Whole rows in one assembly call per block: the maximum (or the hint)
	// and the sum of each row, finished here.
	var out [2 * 64]float64
	for i0 := 0; i0 < len(dst); i0 += 64 {
		rows := min(64, len(dst)-i0)
		var h []float64
		if hint != nil {
			h = hint[i0 : i0+rows]
		}
		if level == lvlAVX512 {
			rowLSEAVX512(out[:2*rows], C[i0*m:(i0+rows)*m], m, v, s, h)
		} else {
			rowLSEAVX2(out[:2*rows], C[i0*m:(i0+rows)*m], m, v, s, h)
		}
		for k := range rows {
			mx, sum := out[2*k], out[2*k+1]
			if h != nil {
				if r, ok := hinted(mx, sum); ok {
					dst[i0+k] = r
					continue
				}
			} else if !math.IsInf(mx, 0) {
				dst[i0+k] = mx + math.Log(sum)
				continue
			}
			dst[i0+k] = lseAffine(v, C[(i0+k)*m:(i0+k+1)*m], s)
		}
	}
}

// RowLSEPar is RowLSE with the rows split over up to workers goroutines
// (0 means GOMAXPROCS); the result does not depend on workers.
func RowLSEPar(dst, C, v []float64, s float64, workers int) {
	rowLSEPar(dst, C, v, s, nil, workers)
}

// RowLSEHintPar is RowLSEHint with the rows split over up to workers
// goroutines (0 means GOMAXPROCS); the result does not depend on workers.
func RowLSEHintPar(dst, C, v []float64, s float64, hint []float64, workers int) {
	_ = hint[:len(dst)]
	rowLSEPar(dst, C, v, s, hint[:len(dst)], workers)
}

func rowLSEPar(dst, C, v []float64, s float64, hint []float64, workers int) {
	m := len(v)
	_ = C[:len(dst)*m]
	parallel(len(dst), max(1, minParallel/max(m, 1)), workers, func(lo, hi int) {
		var h []float64
		if hint != nil {
			h = hint[lo:hi]
		}
		rowLSE(dst[lo:hi], C[lo*m:], v, s, h)
	})
}

// ColLSE sets dst_j = log Σ_i exp(u_i − s·C_ij) for the n×m row-major
// matrix C, n = len(u), m = len(dst) (the column log-sum-exp of
// log-domain Sinkhorn: u = f/ε plus log-weights, s = 1/ε). Columns are
// processed in strips of eight, each read twice (maximum, then sum) while
// it is in cache. Special values per column as LSEAffine. It panics if
// len(C) < n·m.
func ColLSE(dst, C, u []float64, s float64) {
	colLSE(dst, C, len(dst), u, s, nil)
}

// ColLSEHint is ColLSE given a guess hint_j of each result (see
// RowLSEHint): each strip of columns is read once. hint may be dst itself.
// It panics if len(hint) < m.
func ColLSEHint(dst, C, u []float64, s float64, hint []float64) {
	_ = hint[:len(dst)]
	colLSE(dst, C, len(dst), u, s, hint[:len(dst)])
}

// ColLSELd is ColLSE (hint nil) or ColLSEHint on the n×len(dst) block of
// columns of a matrix with leading dimension ldc ≥ len(dst) whose first
// column is C[0]: dst_j = log Σ_i exp(u_i − s·C[i·ldc+j]), n = len(u). It
// lets a caller split the columns of a matrix among its own workers
// (entropic's solver does, in tiles of a multiple of 8 columns). It panics
// if len(C) < (n−1)·ldc + len(dst) or len(hint) < len(dst) (hint not nil).
func ColLSELd(dst, C []float64, ldc int, u []float64, s float64, hint []float64) {
	if ldc < len(dst) {
		panic("kernel: ColLSELd: leading dimension below the number of columns")
	}
	if hint != nil {
		hint = hint[:len(dst)]
	}
	colLSE(dst, C, ldc, u, s, hint)
}

// colLSE computes the column log-sum-exps of the columns of C (leading
// dimension ldc) that dst covers, with shifts hint when not nil.
func colLSE(dst, C []float64, ldc int, u []float64, s float64, hint []float64) {
	n := len(u)
	if len(dst) == 0 {
		return
	}
	if n == 0 {
		for j := range dst {
			dst[j] = math.Inf(-1)
		}
		return
	}
	_ = C[:(n-1)*ldc+len(dst)]
	var out [16]float64
	for j0 := 0; j0 < len(dst); j0 += 8 {
		w := min(8, len(dst)-j0)
		redo := hint == nil
		if hint != nil {
			copy(out[:w], hint[j0:j0+w])
			colStrip(&out, C[j0:], ldc, u, s, w, true)
			for k := range w {
				r, ok := hinted(out[k], out[8+k])
				if !ok {
					redo = true
					break
				}
				dst[j0+k] = r
			}
		}
		if !redo {
			continue
		}
		// No hint, or some column's shifted sum was unusable: the whole
		// strip again, with its maximum.
		colStrip(&out, C[j0:], ldc, u, s, w, false)
		for k := range w {
			m := out[k]
			if math.IsInf(m, 0) {
				dst[j0+k] = m
				for i, ui := range u {
					if t := math.FMA(-s, C[i*ldc+j0+k], ui); t != t {
						dst[j0+k] = math.NaN()
						break
					}
				}
				continue
			}
			dst[j0+k] = m + math.Log(out[8+k])
		}
	}
}

// ColLSEPar is ColLSE with the columns split over up to workers goroutines
// (0 means GOMAXPROCS); the result does not depend on workers.
func ColLSEPar(dst, C, u []float64, s float64, workers int) {
	colLSEPar(dst, C, u, s, nil, workers)
}

// ColLSEHintPar is ColLSEHint with the columns split over up to workers
// goroutines (0 means GOMAXPROCS); the result does not depend on workers.
func ColLSEHintPar(dst, C, u []float64, s float64, hint []float64, workers int) {
	_ = hint[:len(dst)]
	colLSEPar(dst, C, u, s, hint[:len(dst)], workers)
}

func colLSEPar(dst, C, u []float64, s float64, hint []float64, workers int) {
	m := len(dst)
	nb := (m + 7) / 8 // strips
	parallel(nb, max(1, minParallel/max(8*len(u), 1)), workers, func(lo, hi int) {
		var h []float64
		if hint != nil {
			h = hint[8*lo : min(m, 8*hi)]
		}
		colLSE(dst[8*lo:min(m, 8*hi)], C[8*lo:], m, u, s, h)
	})
}

// SoftmaxRows sets each row of the n×m row-major dst to the softmax of the
// same row of x: dst_ij = e^{x_ij − M_i}/Σ_k e^{x_ik − M_i}, M_i the row
// maximum, so entries lie in [0, 1], sum to 1 within m ulps and never
// overflow. A row containing NaN or +Inf, or only −Inf, has no finite
// softmax and comes out as NaN. n = len(x)/m; it panics if m < 1 or
// len(dst) < len(x), and ignores a trailing partial row of x.
func SoftmaxRows(dst, x []float64, m int) {
	n := len(x) / m
	_ = dst[:n*m]
	for i := range n {
		xi, di := x[i*m:(i+1)*m], dst[i*m:(i+1)*m]
		mx := maxv(xi)
		if math.IsInf(mx, 0) {
			fillNaN(di)
			continue
		}
		s := expShiftSum(di, xi, mx)
		if s != s { // a NaN entry
			fillNaN(di)
			continue
		}
		scal(1/s, di)
	}
}

func fillNaN(x []float64) {
	for i := range x {
		x[i] = math.NaN()
	}
}

// SqDist sets the n×m row-major dst to the squared Euclidean distances
// dst_ij = Σ_k (x_ik − y_jk)² between the rows of x (n×d) and y (m×d),
// n = len(x)/d, m = len(y)/d, each summed in k order without fused
// operations — the same bits as the plain loop (relative error ≤ d·ε,
// exactly 0 for equal points). It allocates a transposed copy of y
// (m·d values). It panics if d < 1 or len(dst) < n·m.
func SqDist(dst, x, y []float64, d int) {
	SqDistPar(dst, x, y, d, 1)
}

// SqDistPar is SqDist with the rows split over up to workers goroutines
// (0 means GOMAXPROCS); the result does not depend on workers.
func SqDistPar(dst, x, y []float64, d, workers int) {
	n, m := len(x)/d, len(y)/d
	_ = dst[:n*m]
	yT := make([]float64, d*m)
	for j := range m {
		for k := range d {
			yT[k*m+j] = y[j*d+k]
		}
	}
	parallel(n, max(1, minParallel/max(m, 1)), workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			sqDistRow(dst[i*m:(i+1)*m], x[i*d:(i+1)*d], yT, m)
		}
	})
}

// Scale sets x_j = a·x_j.
func Scale(a float64, x []float64) { scal(a, x) }

// minParallel is the number of matrix entries below which the *Par
// functions stay on the calling goroutine (starting goroutines costs a few
// microseconds).
const minParallel = 1 << 14

// parallel runs fn over [0, n) in contiguous blocks on up to workers
// goroutines (0: GOMAXPROCS), each block at least grain long. The blocks
// are handed out one by one from a shared counter, about eight per worker,
// so that a worker slowed down (by another process on its core, say) takes
// fewer of them; which goroutine computes a block never changes what it
// computes.
func parallel(n, grain, workers int, fn func(lo, hi int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if n <= 0 {
		return
	}
	if workers == 1 || n <= grain {
		fn(0, n)
		return
	}
	chunk := max(grain, (n+8*workers-1)/(8*workers))
	nb := (n + chunk - 1) / chunk
	workers = min(workers, nb)
	var next atomic.Int64
	work := func() {
		for {
			b := int(next.Add(1) - 1)
			if b >= nb {
				return
			}
			fn(b*chunk, min(n, (b+1)*chunk))
		}
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
}

// RelaxMin is the inner step of a shortest-augmenting-path assignment
// solver (Jonker–Volgenant; Crouse, IEEE TAES 52, 2016) over the columns
// j < len(d): for every column with d_j not NaN (NaN marks a column whose
// distance is final), it sets d_j = nd and pred_j = i when
// nd = (h + row_j) − v_j < d_j; then it returns the first column j that
// minimises (d_j, busy_j) lexicographically over the non-NaN d_j, or −1 if
// there is none. busy_j is 0 for a free column and 1 for an assigned one,
// so that among equal distances a free column (which ends the search) is
// preferred. It panics if row, v, busy or pred is shorter than d.
func RelaxMin(d []float64, pred []int32, row, v, busy []float64, h float64, i int32) int {
	n := len(d)
	row, v, busy, pred = row[:n], v[:n], busy[:n], pred[:n]
	if !useAsm() {
		return scanGeneric(d, pred, row, v, busy, h, i)
	}
	var l [48]float64
	for k := range 8 {
		l[k], l[8+k], l[16+k] = inf, inf, -1
		l[24+k], l[32+k], l[40+k] = inf, inf, -1
	}
	n8 := n &^ 7
	if n8 > 0 {
		if level == lvlAVX512 {
			relaxAVX512(&l, d[:n8], pred, row, v, busy, h, i)
		} else {
			relaxAVX2(&l, d[:n8], pred, row, v, busy, h, i)
		}
	}
	for j := n8; j < n; j++ {
		dj := d[j]
		if nd := (h + row[j]) - v[j]; nd < dj {
			dj = nd
			d[j], pred[j] = nd, i
		}
		k := j - n8
		if dj < l[k] || (dj == l[k] && busy[j] < l[8+k]) {
			l[k], l[8+k], l[16+k] = dj, busy[j], float64(j)
		}
	}
	return reduceRelax(&l)
}

var inf = math.Inf(1)

// reduceRelax picks, among the two sets of eight lanes (best d, its busy
// flag, its index as a float64, −1 if none), the smallest (d, busy,
// index): the global lexicographic minimum, whichever lane holds it.
func reduceRelax(l *[48]float64) int {
	bd, bb, bi := math.Inf(1), math.Inf(1), -1.0
	for k := range 16 {
		base := k
		if k >= 8 {
			base = 24 + k - 8
		}
		d, b, idx := l[base], l[base+8], l[base+16]
		if idx < 0 {
			continue
		}
		if bi < 0 || d < bd || (d == bd && (b < bb || (b == bb && idx < bi))) {
			bd, bb, bi = d, b, idx
		}
	}
	return int(bi)
}

// PeakFMA runs n rounds of 12 independent fused multiply-add chains in
// the current variant's widest registers, with no memory traffic, and
// returns the number of floating-point operations done (2 per lane and
// FMA). Divided by the time it takes, it is the FLOP roof against which
// the benchmarks state each kernel's fraction (benches:
// BenchmarkRoofline).
func PeakFMA(n int) float64 {
	switch level {
	case lvlAVX512:
		peakAVX512(n)
		return float64(n) * 12 * 8 * 2
	case lvlAVX2:
		peakAVX2(n)
		return float64(n) * 12 * 4 * 2
	}
	var a [12]float64
	for range n {
		for k := range a {
			a[k] = math.FMA(1, 0.5, a[k])
		}
	}
	peakSink = a[0]
	return float64(n) * 12 * 2
}

// peakSink keeps the portable PeakFMA loop from being optimised away.
var peakSink float64

// Max returns the largest entry of x that is not NaN (−Inf if there is
// none); it is also the streaming-read kernel of the bandwidth roofline.
func Max(x []float64) float64 { return maxv(x) }
