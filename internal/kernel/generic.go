package kernel

import "math"

// This file is the portable definition of every kernel. The assembly
// variants compute exactly the same floating-point operations in the same
// order; the tests compare them bit for bit. Products that are added are
// wrapped in float64(…) so that no compiler fuses them (the Go spec allows
// fusion of x*y + z on some architectures, never across an explicit
// conversion); the fused multiply-adds that the vector code does are
// written as math.FMA.

// Constants of exp1.
const (
	expLo    = -746.0                // below: e^x rounds to 0 (e^−746 < 2^−1075)
	expHi    = 710.0                 // above: e^x overflows (e^710 > MaxFloat64)
	exp16    = 23.083120654223414    // 16/ln 2 (0x40371547652B82FE)
	expShift = 0x1.8p52              // adding it rounds to an integer kept in the low mantissa bits
	ln2o16Hi = 0.043321698780346196  // ln2/16 rounded, last 20 bits zero (0x3FA62E42FEF00000)
	ln2o16Lo = 4.650385693757748e-12 // ln2/16 − ln2o16Hi (0x3D9473DE6AF278ED)
)

// Taylor coefficients 1/k! of (e^r − 1)/r, k = 7 down to 2 (the k = 1
// coefficient is 1).
const (
	c7 = 1.0 / 5040
	c6 = 1.0 / 720
	c5 = 1.0 / 120
	c4 = 1.0 / 24
	c3 = 1.0 / 6
	c2 = 1.0 / 2
)

// expTabHi[j] + expTabLo[j] is 2^(j/16) to about 2^−107: expTabHi is the
// nearest double and expTabLo the nearest double to the remainder.
var expTabHi = [16]float64{
	0x1p+00, 0x1.0b5586cf9890fp+00, 0x1.172b83c7d517bp+00, 0x1.2387a6e756238p+00,
	0x1.306fe0a31b715p+00, 0x1.3dea64c123422p+00, 0x1.4bfdad5362a27p+00, 0x1.5ab07dd485429p+00,
	0x1.6a09e667f3bcdp+00, 0x1.7a11473eb0187p+00, 0x1.8ace5422aa0dbp+00, 0x1.9c49182a3f090p+00,
	0x1.ae89f995ad3adp+00, 0x1.c199bdd85529cp+00, 0x1.d5818dcfba487p+00, 0x1.ea4afa2a490dap+00,
}

var expTabLo = [16]float64{
	0, 0x1.8a62e4adc610bp-54, -0x1.19041b9d78a76p-55, 0x1.9b07eb6c70573p-54,
	0x1.6f46ad23182e4p-55, 0x1.ada0911f09ebcp-55, 0x1.d4397afec42e2p-56, 0x1.6324c054647adp-54,
	-0x1.bdd3413b26456p-54, -0x1.41577ee04992fp-55, 0x1.6e9f156864b27p-54, 0x1.c7c46b071f2bep-56,
	0x1.7a1cd345dcc81p-54, 0x1.1065895048dd0p-55, 0x1.2ed02d75b3707p-55, -0x1.e9c23179c2893p-54,
}

// exp1 is the scalar definition of the vector exponential (see the package
// documentation for the method and its accuracy).
func exp1(x float64) float64 {
	if x < expLo {
		x = expLo
	}
	if x > expHi {
		x = expHi
	}
	kb := math.FMA(x, exp16, expShift) // 1.5·2^52 + kk, kk = round(16x/ln2)
	kk := kb - expShift
	r := math.FMA(-kk, ln2o16Hi, x)
	r = math.FMA(-kk, ln2o16Lo, r)
	j := math.Float64bits(kb) & 15 // kk mod 16
	q := c7
	q = math.FMA(q, r, c6)
	q = math.FMA(q, r, c5)
	q = math.FMA(q, r, c4)
	q = math.FMA(q, r, c3)
	q = math.FMA(q, r, c2)
	q = math.FMA(q, r, 1)
	em1 := q * r // e^r − 1
	th := expTabHi[j]
	t := th + math.FMA(th, em1, expTabLo[j]) // 2^(j/16)·e^r
	// t·2^k, k = floor(kk/16), as two products: t·2^k1 is exact (a normal
	// number), so the result is rounded once, as VSCALEFPD rounds it.
	k := math.Floor(kk * 0.0625)
	k1 := math.Floor(k * 0.5)
	k2 := k - k1
	s1 := math.Float64frombits(uint64(int64(k1)+1023) << 52)
	s2 := math.Float64frombits(uint64(int64(k2)+1023) << 52)
	return t * s1 * s2
}

// gt is the vector maximum step: a if a > b, else b (so a NaN a is
// ignored and a NaN b is kept: the order of the operands matters).
func gt(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

// reduceMax combines eight lanes as the vector code does.
func reduceMax(l *[8]float64) float64 {
	b0, b1, b2, b3 := gt(l[4], l[0]), gt(l[5], l[1]), gt(l[6], l[2]), gt(l[7], l[3])
	c0, c1 := gt(b2, b0), gt(b3, b1)
	return gt(c1, c0)
}

// reduceSum combines eight lanes as the vector code does.
func reduceSum(l *[8]float64) float64 {
	return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]))
}

func negInf8() [8]float64 {
	i := math.Inf(-1)
	return [8]float64{i, i, i, i, i, i, i, i}
}

func expGeneric(dst, x []float64) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = exp1(v)
	}
}

// maxGeneric returns the largest non-NaN entry of x (−Inf if none).
func maxGeneric(x []float64) float64 {
	l := negInf8()
	for j, t := range x {
		l[j&7] = gt(t, l[j&7])
	}
	return reduceMax(&l)
}

// maxAffineGeneric returns max_j fma(−s, c_j, v_j) over the non-NaN values.
func maxAffineGeneric(v, c []float64, s float64) float64 {
	l := negInf8()
	c = c[:len(v)]
	for j, vj := range v {
		t := math.FMA(-s, c[j], vj)
		l[j&7] = gt(t, l[j&7])
	}
	return reduceMax(&l)
}

// sumExpAffineGeneric returns Σ_j exp(fma(−s, c_j, v_j) − m).
func sumExpAffineGeneric(v, c []float64, s, m float64) float64 {
	var l [8]float64
	c = c[:len(v)]
	for j, vj := range v {
		l[j&7] += exp1(math.FMA(-s, c[j], vj) - m)
	}
	return reduceSum(&l)
}

// sumExpShiftGeneric returns Σ_j exp(x_j − m).
func sumExpShiftGeneric(x []float64, m float64) float64 {
	var l [8]float64
	for j, t := range x {
		l[j&7] += exp1(t - m)
	}
	return reduceSum(&l)
}

// expShiftSumGeneric sets dst_j = exp(x_j − m) and returns their sum.
func expShiftSumGeneric(dst, x []float64, m float64) float64 {
	var l [8]float64
	dst = dst[:len(x)]
	for j, t := range x {
		e := exp1(t - m)
		dst[j] = e
		l[j&7] += e
	}
	return reduceSum(&l)
}

// scalGeneric sets x_j = a·x_j.
func scalGeneric(a float64, x []float64) {
	for j := range x {
		x[j] *= a
	}
}

// colStripGeneric computes, for the w ≤ 8 columns k of the strip c
// (c[i*ldc+k], i < len(u)), mx_k = max_i fma(−s, c_ik, u_i) over non-NaN
// values and acc_k = Σ_i exp(fma(−s, c_ik, u_i) − mx_k), in out[k] and
// out[8+k]. With hinted, mx_k is the shift out[k] given on entry and the
// maximum pass is skipped.
func colStripGeneric(out *[16]float64, c []float64, ldc int, u []float64, s float64, w int, hinted bool) {
	mx := (*[8]float64)(out[:8])
	acc := (*[8]float64)(out[8:])
	for k := range w {
		if !hinted {
			mx[k] = math.Inf(-1)
		}
		acc[k] = 0
	}
	for i, ui := range u {
		if hinted {
			break
		}
		row := c[i*ldc : i*ldc+w]
		for k, ck := range row {
			mx[k] = gt(math.FMA(-s, ck, ui), mx[k])
		}
	}
	for i, ui := range u {
		row := c[i*ldc : i*ldc+w]
		for k, ck := range row {
			acc[k] += exp1(math.FMA(-s, ck, ui) - mx[k])
		}
	}
}

// sqDistRowGeneric sets dst_j = Σ_k (x_k − yT[k*ldy+j])², summed in k
// order without fused operations (the same bits as the plain loop).
func sqDistRowGeneric(dst, x, yT []float64, ldy int) {
	for j := range dst {
		s := 0.0
		for k, xk := range x {
			t := xk - yT[k*ldy+j]
			s += float64(t * t)
		}
		dst[j] = s
	}
}

// scanGeneric is one relaxation step of a shortest-augmenting-path search
// (see ScanMin): for every column j with d_j not NaN, nd = (h + row_j) − v_j
// replaces d_j and i replaces pred_j when nd < d_j; it returns the first j
// minimising (d_j, busy_j) lexicographically over non-NaN d_j (−1 if none).
func scanGeneric(d []float64, pred []int32, row, v, busy []float64, h float64, i int32) int {
	best, bestBusy, jb := math.Inf(1), math.Inf(1), -1
	row, v, busy, pred = row[:len(d)], v[:len(d)], busy[:len(d)], pred[:len(d)]
	for j, dj := range d {
		if nd := (h + row[j]) - v[j]; nd < dj {
			dj = nd
			d[j], pred[j] = nd, i
		}
		if dj < best || (dj == best && busy[j] < bestBusy) {
			best, bestBusy, jb = dj, busy[j], j
		}
	}
	return jb
}

// dotGeneric returns Σ_j a_j·x_j in the canonical order: eight lanes of
// fused multiply-adds (lane k holds j ≡ k mod 8), reduced as reduceSum.
func dotGeneric(a, x []float64) float64 {
	var l [8]float64
	a = a[:len(x)]
	for j, xj := range x {
		l[j&7] = math.FMA(a[j], xj, l[j&7])
	}
	return reduceSum(&l)
}

// gibbsOne is one entry of the Gibbs kernel: exp1(fma(−s, c, v + u)).
func gibbsOne(c, u, v, s float64) float64 {
	return exp1(math.FMA(-s, c, v+u))
}
