//go:build goexperiment.simd && amd64 && !noasm

package kernel

import "simd/archsimd"

// ExpSIMD is Exp written with Go's experimental simd/archsimd package
// (GOEXPERIMENT=simd) instead of assembly: the same operations as exp1
// eight lanes at a time (VPERMI2PD table, VSCALEFPD), so the same bits.
// It exists to compare the compiler's code with the hand-written assembly
// (benches: BenchmarkExpSIMD, built with GOEXPERIMENT=simd) and is not used
// by the dispatcher. It needs AVX-512 (it falls back to Exp without) and
// panics if len(dst) < len(x).
func ExpSIMD(dst, x []float64) {
	dst = dst[:len(x)]
	if !archsimd.X86.AVX512() {
		Exp(dst, x)
		return
	}
	n8 := len(x) &^ 7
	var (
		lo   = archsimd.BroadcastFloat64x8(expLo)
		hi   = archsimd.BroadcastFloat64x8(expHi)
		inv  = archsimd.BroadcastFloat64x8(exp16)
		sh   = archsimd.BroadcastFloat64x8(expShift)
		l2h  = archsimd.BroadcastFloat64x8(-ln2o16Hi)
		l2l  = archsimd.BroadcastFloat64x8(-ln2o16Lo)
		k7   = archsimd.BroadcastFloat64x8(c7)
		k6   = archsimd.BroadcastFloat64x8(c6)
		k5   = archsimd.BroadcastFloat64x8(c5)
		k4   = archsimd.BroadcastFloat64x8(c4)
		k3   = archsimd.BroadcastFloat64x8(c3)
		k2   = archsimd.BroadcastFloat64x8(c2)
		one  = archsimd.BroadcastFloat64x8(1)
		q16  = archsimd.BroadcastFloat64x8(0.0625)
		thA  = archsimd.LoadFloat64x8Slice(expTabHi[:8])
		thB  = archsimd.LoadFloat64x8Slice(expTabHi[8:])
		tlA  = archsimd.LoadFloat64x8Slice(expTabLo[:8])
		tlB  = archsimd.LoadFloat64x8Slice(expTabLo[8:])
		mask = archsimd.BroadcastInt64x8(15).AsUint64x8()
	)
	for i := 0; i < n8; i += 8 {
		v := archsimd.LoadFloat64x8Slice(x[i:])
		nan := v.NotEqual(v)
		v = v.Merge(v.Max(lo).Min(hi), nan) // clamped, but NaN stays NaN
		kb := v.MulAdd(inv, sh)
		idx := kb.AsUint64x8().And(mask)
		kk := kb.Sub(sh)
		r := kk.MulAdd(l2h, v)
		r = kk.MulAdd(l2l, r)
		q := k7.MulAdd(r, k6)
		q = q.MulAdd(r, k5)
		q = q.MulAdd(r, k4)
		q = q.MulAdd(r, k3)
		q = q.MulAdd(r, k2)
		q = q.MulAdd(r, one)
		em1 := q.Mul(r)
		th := thA.ConcatPermute(thB, idx)
		tl := tlA.ConcatPermute(tlB, idx)
		t := th.MulAdd(em1, tl).Add(th)
		t.Scale(kk.Mul(q16)).StoreSlice(dst[i:])
	}
	expGeneric(dst[n8:], x[n8:])
}
