// Register-width-generic building blocks shared by avx2_amd64.s (YMM
// registers, W = 32 bytes) and avx512_amd64.s (ZMM registers, W = 64
// bytes). The same instructions serve either register file, so each macro
// takes its registers, and where it reads or writes memory the register
// width W in bytes, as arguments; it touches no register it is not given.
// Operand order is Go's (sources first, destination last). Pointer
// arguments (p, pv, pc) are base registers: the i-th register a macro is
// given (from 0) pairs with the W bytes at p + i·W.
//
// The macros keep the instruction order of the kernels that use them: the
// loads (or independent operations) of all registers first, then the next
// step for all registers, so that the chains overlap.

// ZERO4 sets r0, r1, r2 and r3 to +0.
#define ZERO4(r0, r1, r2, r3) \
	VXORPD r0, r0, r0; \
	VXORPD r1, r1, r1; \
	VXORPD r2, r2, r2; \
	VXORPD r3, r3, r3

// FMADD4 sets r += x·y (fused) for r = r0, r1, r2, r3: four independent
// chains on the same operands (x, y unchanged).
#define FMADD4(x, y, r0, r1, r2, r3) \
	VFMADD231PD x, y, r0; \
	VFMADD231PD x, y, r1; \
	VFMADD231PD x, y, r2; \
	VFMADD231PD x, y, r3

// LOADU4 loads r0, r1, r2, r3 from p, p+W, p+2W, p+3W (unaligned).
#define LOADU4(p, W, r0, r1, r2, r3) \
	VMOVUPD (p), r0; \
	VMOVUPD (1*W)(p), r1; \
	VMOVUPD (2*W)(p), r2; \
	VMOVUPD (3*W)(p), r3

// STOREU4 stores r0, r1, r2, r3 to p, p+W, p+2W, p+3W (unaligned).
#define STOREU4(p, W, r0, r1, r2, r3) \
	VMOVUPD r0, (p); \
	VMOVUPD r1, (1*W)(p); \
	VMOVUPD r2, (2*W)(p); \
	VMOVUPD r3, (3*W)(p)

// AFFINE2 sets r0, r1 to fma(−s, c, v) for the vectors v at pv, pv+W and c
// at pc, pc+W: v − s·c rounded once. s is unchanged.
#define AFFINE2(pv, pc, s, W, r0, r1) \
	VMOVUPD      (pv), r0; \
	VMOVUPD      W(pv), r1; \
	VFNMADD231PD (pc), s, r0; \
	VFNMADD231PD W(pc), s, r1

// AFFINE4 is AFFINE2 for four vectors: r0…r3 = fma(−s, c, v) for v at pv,
// pv+W, pv+2W, pv+3W and c at pc, pc+W, pc+2W, pc+3W.
#define AFFINE4(pv, pc, s, W, r0, r1, r2, r3) \
	LOADU4(pv, W, r0, r1, r2, r3); \
	VFNMADD231PD (pc), s, r0; \
	VFNMADD231PD (1*W)(pc), s, r1; \
	VFNMADD231PD (2*W)(pc), s, r2; \
	VFNMADD231PD (3*W)(pc), s, r3

// SHIFTAFFINE2 sets r0, r1 to fma(−s, c, v + u) for the vectors v at pv,
// pv+W and c at pc, pc+W: the exponent (u_i + v_j) − s·C_ij of the Gibbs
// kernel. u and s are unchanged.
#define SHIFTAFFINE2(pv, u, pc, s, W, r0, r1) \
	VADDPD       (pv), u, r0; \
	VADDPD       W(pv), u, r1; \
	VFNMADD231PD (pc), s, r0; \
	VFNMADD231PD W(pc), s, r1

// MAX4 sets m = max(m, x) lane by lane for (x, m) = (x0, m0), …, (x3, m3)
// (VMAXPD m, x, m: where x is NaN or x = m, m keeps its value). x0…x3 are
// unchanged.
#define MAX4(x0, x1, x2, x3, m0, m1, m2, m3) \
	VMAXPD m0, x0, m0; \
	VMAXPD m1, x1, m1; \
	VMAXPD m2, x2, m2; \
	VMAXPD m3, x3, m3

// SQDIFF4 adds (b − y)² to a0…a3 for the vectors y at p, p+W, p+2W, p+3W:
// the four differences into t0…t3 (clobbered), their squares, then the
// sums. b is unchanged.
#define SQDIFF4(p, W, b, t0, t1, t2, t3, a0, a1, a2, a3) \
	VSUBPD (p), b, t0; \
	VSUBPD (1*W)(p), b, t1; \
	VSUBPD (2*W)(p), b, t2; \
	VSUBPD (3*W)(p), b, t3; \
	VMULPD t0, t0, t0; \
	VMULPD t1, t1, t1; \
	VMULPD t2, t2, t2; \
	VMULPD t3, t3, t3; \
	VADDPD t0, a0, a0; \
	VADDPD t1, a1, a1; \
	VADDPD t2, a2, a2; \
	VADDPD t3, a3, a3

// AXPY4 sets r = fma(b, a, r) for r = r0…r3 and the vectors a at p, p+W,
// p+2W, p+3W: one row of a, scaled by the broadcast b, added to a strip
// of four accumulators. b is unchanged.
#define AXPY4(p, W, b, r0, r1, r2, r3) \
	VFMADD231PD (p), b, r0; \
	VFMADD231PD (1*W)(p), b, r1; \
	VFMADD231PD (2*W)(p), b, r2; \
	VFMADD231PD (3*W)(p), b, r3

// HMAX256 sets the low lane of x, the low half of the YMM register y, to
// the maximum of the four lanes l0…l3 of y: max(max(l0, l2), max(l1, l3)),
// with VMAXPD's and VMAXSD's rules for NaN and ties. t, an XMM register,
// is clobbered, and the high lane of x is not meaningful.
#define HMAX256(y, x, t) \
	VEXTRACTF128 $1, y, t; \
	VMAXPD       x, t, x; \
	VPERMILPD    $1, x, t; \
	VMAXSD       x, t, x

// HSUM256 sets the low lane of x, the low half of the YMM register y, to
// the sum (l0 + l2) + (l1 + l3) of the four lanes l0…l3 of y. t, an XMM
// register, is clobbered, and the high lane of x is not meaningful.
#define HSUM256(y, x, t) \
	VEXTRACTF128 $1, y, t; \
	VADDPD       t, x, x; \
	VPERMILPD    $1, x, t; \
	VADDSD       t, x, x
