//go:build !noasm && gc

// AVX2 + FMA variants of the kernels. Each group of eight elements is held
// in two YMM registers (lanes 0–3 and 4–7), so that the eight partial sums
// are those of the portable code and of the AVX-512 code. Operand order is
// Go's (see avx512_amd64.s); VBLENDVPD m, b, a, d gives d = m ? b : a.
//
// Y13 and Y14 hold the clamping bounds of the exponential and R13 the
// address of its table; its other constants are 256-bit memory operands
// (kc<>). Y15 is left alone.
//
// EXP256 and its sums are defined here; the blocks shared with
// avx512_amd64.s (AFFINE2, MAX4, HSUM256, …) are in macros_amd64.h.

#include "textflag.h"
#include "consts_amd64.h"
#include "macros_amd64.h"

#define LOADC256 \
	VMOVUPD KLO, Y13; \
	VMOVUPD KHI, Y14; \
	LEAQ    exptab<>(SB), R13

// EXP256 sets p = exp1(x) lane by lane; x, k, t, u and w are scratch.
// The table 2^(j/16) (high parts, then low parts, at R13) is read with
// VGATHERQPD; the scaling by 2^k, k = floor(kk/16), is exp1's two
// products by 2^k1 and 2^k2, built with the magic-number trick.
#define EXP256(x, k, p, t, u, w) \
	VMAXPD       x, Y13, x; \
	VMINPD       x, Y14, x; \
	VMOVUPD      KSHIFT, k; \
	VFMADD231PD  KINV16, x, k; \
	VPAND        KMASK15, k, t; \
	VSUBPD       KSHIFT, k, k; \
	VFNMADD231PD KL2H, k, x; \
	VFNMADD231PD KL2L, k, x; \
	VMOVUPD      KC7, p; \
	VFMADD213PD  KC6, x, p; \
	VFMADD213PD  KC5, x, p; \
	VFMADD213PD  KC4, x, p; \
	VFMADD213PD  KC3, x, p; \
	VFMADD213PD  KC2, x, p; \
	VFMADD213PD  KONE, x, p; \
	VMULPD       x, p, p; \
	VPCMPEQQ     w, w, w; \
	VGATHERQPD   w, 128(R13)(t*8), x; \
	VPCMPEQQ     w, w, w; \
	VGATHERQPD   w, (R13)(t*8), u; \
	VFMADD213PD  x, u, p; \
	VADDPD       u, p, p; \
	VMULPD       KSIXTEENTH, k, k; \
	VROUNDPD     $1, k, k; \
	VMULPD       KHALF, k, w; \
	VROUNDPD     $1, w, w; \
	VSUBPD       w, k, k; \
	VADDPD       KMAGIC, w, w; \
	VPSLLQ       $52, w, w; \
	VADDPD       KMAGIC, k, k; \
	VPSLLQ       $52, k, k; \
	VMULPD       w, p, p; \
	VMULPD       k, p, p

// SUMEXP256 adds exp1(Y2 − m0) to a0 (lanes 0–3), then exp1(Y6 − m1) to
// a1 (lanes 4–7): one group of eight terms of a shifted sum of
// exponentials. Y2–Y8 are clobbered (EXP256 with p = Y4 and scratch Y3,
// Y5, Y7, Y8); m0, m1 are unchanged.
#define SUMEXP256(m0, m1, a0, a1) \
	VSUBPD m0, Y2, Y2; \
	VSUBPD m1, Y6, Y6; \
	EXP256(Y2, Y3, Y4, Y5, Y7, Y8); \
	VADDPD Y4, a0, a0; \
	EXP256(Y6, Y3, Y4, Y5, Y7, Y8); \
	VADDPD Y4, a1, a1

// func expAVX2(dst, x []float64)
TEXT ·expAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	LOADC256

exp_loop:
	TESTQ   CX, CX
	JE      exp_done
	VMOVUPD (SI), Y0
	VMOVUPD 32(SI), Y4
	EXP256(Y0, Y1, Y2, Y3, Y8, Y9)
	EXP256(Y4, Y5, Y6, Y7, Y10, Y11)
	VMOVUPD Y2, (DI)
	VMOVUPD Y6, 32(DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $8, CX
	JMP     exp_loop

exp_done:
	VZEROUPPER
	RET

// func maxAVX2(lanes *[8]float64, x []float64)
TEXT ·maxAVX2(SB), NOSPLIT, $0-32
	MOVQ    lanes+0(FP), AX
	MOVQ    x_base+8(FP), SI
	MOVQ    x_len+16(FP), CX
	VMOVUPD (AX), Y0
	VMOVUPD 32(AX), Y1

max_loop:
	TESTQ   CX, CX
	JE      max_done
	VMOVUPD (SI), Y2
	VMOVUPD 32(SI), Y3
	VMAXPD  Y0, Y2, Y0
	VMAXPD  Y1, Y3, Y1
	ADDQ    $64, SI
	SUBQ    $8, CX
	JMP     max_loop

max_done:
	VMOVUPD Y0, (AX)
	VMOVUPD Y1, 32(AX)
	VZEROUPPER
	RET

// func maxAffineAVX2(lanes *[8]float64, v, c []float64, s float64)
TEXT ·maxAffineAVX2(SB), NOSPLIT, $0-64
	MOVQ         lanes+0(FP), AX
	MOVQ         v_base+8(FP), SI
	MOVQ         v_len+16(FP), CX
	MOVQ         c_base+32(FP), DX
	VBROADCASTSD s+56(FP), Y9
	VMOVUPD      (AX), Y0
	VMOVUPD      32(AX), Y1

maxa_loop:
	TESTQ        CX, CX
	JE           maxa_done
	AFFINE2(SI, DX, Y9, 32, Y2, Y3)
	VMAXPD       Y0, Y2, Y0
	VMAXPD       Y1, Y3, Y1
	ADDQ         $64, SI
	ADDQ         $64, DX
	SUBQ         $8, CX
	JMP          maxa_loop

maxa_done:
	VMOVUPD Y0, (AX)
	VMOVUPD Y1, 32(AX)
	VZEROUPPER
	RET

// func sumExpAffineAVX2(lanes *[8]float64, v, c []float64, s, m float64)
TEXT ·sumExpAffineAVX2(SB), NOSPLIT, $0-72
	MOVQ         lanes+0(FP), AX
	MOVQ         v_base+8(FP), SI
	MOVQ         v_len+16(FP), CX
	MOVQ         c_base+32(FP), DX
	VBROADCASTSD s+56(FP), Y9
	VBROADCASTSD m+64(FP), Y10
	VMOVUPD      (AX), Y0
	VMOVUPD      32(AX), Y1
	LOADC256

sea_loop:
	TESTQ        CX, CX
	JE           sea_done
	AFFINE2(SI, DX, Y9, 32, Y2, Y6)
	SUMEXP256(Y10, Y10, Y0, Y1)
	ADDQ         $64, SI
	ADDQ         $64, DX
	SUBQ         $8, CX
	JMP          sea_loop

sea_done:
	VMOVUPD Y0, (AX)
	VMOVUPD Y1, 32(AX)
	VZEROUPPER
	RET

// func sumExpShiftAVX2(lanes *[8]float64, x []float64, m float64)
TEXT ·sumExpShiftAVX2(SB), NOSPLIT, $0-40
	MOVQ         lanes+0(FP), AX
	MOVQ         x_base+8(FP), SI
	MOVQ         x_len+16(FP), CX
	VBROADCASTSD m+32(FP), Y10
	VMOVUPD      (AX), Y0
	VMOVUPD      32(AX), Y1
	LOADC256

ses_loop:
	TESTQ   CX, CX
	JE      ses_done
	VMOVUPD (SI), Y2
	VMOVUPD 32(SI), Y6
	SUMEXP256(Y10, Y10, Y0, Y1)
	ADDQ    $64, SI
	SUBQ    $8, CX
	JMP     ses_loop

ses_done:
	VMOVUPD Y0, (AX)
	VMOVUPD Y1, 32(AX)
	VZEROUPPER
	RET

// func expShiftSumAVX2(lanes *[8]float64, dst, x []float64, m float64)
TEXT ·expShiftSumAVX2(SB), NOSPLIT, $0-64
	MOVQ         lanes+0(FP), AX
	MOVQ         dst_base+8(FP), DI
	MOVQ         x_base+32(FP), SI
	MOVQ         x_len+40(FP), CX
	VBROADCASTSD m+56(FP), Y10
	VMOVUPD      (AX), Y0
	VMOVUPD      32(AX), Y1
	LOADC256

ess_loop:
	TESTQ   CX, CX
	JE      ess_done
	VMOVUPD (SI), Y2
	VMOVUPD 32(SI), Y6
	VSUBPD  Y10, Y2, Y2
	VSUBPD  Y10, Y6, Y6
	EXP256(Y2, Y3, Y4, Y5, Y7, Y8)
	VMOVUPD Y4, (DI)
	VADDPD  Y4, Y0, Y0
	EXP256(Y6, Y3, Y4, Y5, Y7, Y8)
	VMOVUPD Y4, 32(DI)
	VADDPD  Y4, Y1, Y1
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $8, CX
	JMP     ess_loop

ess_done:
	VMOVUPD Y0, (AX)
	VMOVUPD Y1, 32(AX)
	VZEROUPPER
	RET

// func scalAVX2(a float64, x []float64)
TEXT ·scalAVX2(SB), NOSPLIT, $0-32
	VBROADCASTSD a+0(FP), Y9
	MOVQ         x_base+8(FP), SI
	MOVQ         x_len+16(FP), CX

scal_loop:
	TESTQ   CX, CX
	JE      scal_done
	VMULPD  (SI), Y9, Y0
	VMULPD  32(SI), Y9, Y1
	VMOVUPD Y0, (SI)
	VMOVUPD Y1, 32(SI)
	ADDQ    $64, SI
	SUBQ    $8, CX
	JMP     scal_loop

scal_done:
	VZEROUPPER
	RET

// func colStripAVX2(out *[16]float64, c []float64, ldc int, u []float64, s float64, hinted int)
TEXT ·colStripAVX2(SB), NOSPLIT, $0-80
	MOVQ         out+0(FP), AX
	MOVQ         c_base+8(FP), R8
	MOVQ         ldc+32(FP), BX
	SHLQ         $3, BX
	MOVQ         u_base+40(FP), R9
	MOVQ         u_len+48(FP), R10
	VBROADCASTSD s+64(FP), Y9
	MOVQ         hinted+72(FP), R11
	TESTQ        R11, R11
	JE           cs_nohint
	VMOVUPD      (AX), Y0
	VMOVUPD      32(AX), Y1
	JMP          cs_pass2

cs_nohint:
	VMOVUPD      KNEGINF, Y0
	VMOVUPD      KNEGINF, Y1

	// Pass 1: the maximum of each column.
	MOVQ R8, SI
	MOVQ R9, DX
	MOVQ R10, CX

cs_max:
	VBROADCASTSD (DX), Y2
	VMOVAPD      Y2, Y3
	VFNMADD231PD (SI), Y9, Y2
	VFNMADD231PD 32(SI), Y9, Y3
	VMAXPD       Y0, Y2, Y0
	VMAXPD       Y1, Y3, Y1
	ADDQ         BX, SI
	ADDQ         $8, DX
	DECQ         CX
	JNZ          cs_max

	// Pass 2: the sums, in row order.
cs_pass2:
	LOADC256
	VXORPD Y10, Y10, Y10
	VXORPD Y12, Y12, Y12
	MOVQ   R8, SI
	MOVQ   R9, DX
	MOVQ   R10, CX

cs_sum:
	PREFETCHT0   64(SI)
	VBROADCASTSD (DX), Y2
	VMOVAPD      Y2, Y6
	VFNMADD231PD (SI), Y9, Y2
	VFNMADD231PD 32(SI), Y9, Y6
	SUMEXP256(Y0, Y1, Y10, Y12)
	ADDQ         BX, SI
	ADDQ         $8, DX
	DECQ         CX
	JNZ          cs_sum

	VMOVUPD Y0, (AX)
	VMOVUPD Y1, 32(AX)
	VMOVUPD Y10, 64(AX)
	VMOVUPD Y12, 96(AX)
	VZEROUPPER
	RET

// func sqDistRowAVX2(dst, x, yT []float64, ldy int)
TEXT ·sqDistRowAVX2(SB), NOSPLIT, $0-80
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), R8
	MOVQ x_len+32(FP), R9
	MOVQ yT_base+48(FP), SI
	MOVQ ldy+72(FP), BX
	SHLQ $3, BX

sq_two:
	CMPQ   CX, $16
	JL     sq_one
	ZERO4(Y0, Y1, Y2, Y3)
	MOVQ   SI, R10
	MOVQ   R8, R11
	MOVQ   R9, R12

sq_two_k:
	VBROADCASTSD (R11), Y8
	SQDIFF4(R10, 32, Y8, Y4, Y5, Y6, Y7, Y0, Y1, Y2, Y3)
	ADDQ         BX, R10
	ADDQ         $8, R11
	DECQ         R12
	JNZ          sq_two_k
	STOREU4(DI, 32, Y0, Y1, Y2, Y3)
	ADDQ         $128, DI
	ADDQ         $128, SI
	SUBQ         $16, CX
	JMP          sq_two

sq_one:
	TESTQ  CX, CX
	JE     sq_done
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	MOVQ   SI, R10
	MOVQ   R8, R11
	MOVQ   R9, R12

sq_one_k:
	VBROADCASTSD (R11), Y8
	VSUBPD       (R10), Y8, Y4
	VSUBPD       32(R10), Y8, Y5
	VMULPD       Y4, Y4, Y4
	VMULPD       Y5, Y5, Y5
	VADDPD       Y4, Y0, Y0
	VADDPD       Y5, Y1, Y1
	ADDQ         BX, R10
	ADDQ         $8, R11
	DECQ         R12
	JNZ          sq_one_k
	VMOVUPD      Y0, (DI)
	VMOVUPD      Y1, 32(DI)
	ADDQ         $64, DI
	ADDQ         $64, SI
	SUBQ         $8, CX
	JMP          sq_one

sq_done:
	VZEROUPPER
	RET

// RELAX4 relaxes four columns at byte offset off (pred at poff) into the
// lanes held in bd (best d), bb (its busy flag), bi (its index), with idx
// the indices of these columns. Y7 = h, X8 = i (four int32). Scratch:
// Y9–Y14.
#define RELAX4(off, poff, bd, bb, bi, idx) \
	VMOVUPD    off(SI), Y9; \
	VADDPD     Y7, Y9, Y9; \
	VSUBPD     off(DX), Y9, Y9; \
	VMOVUPD    off(DI), Y10; \
	VCMPPD     $1, Y10, Y9, Y11; \
	VBLENDVPD  Y11, Y9, Y10, Y10; \
	VMOVUPD    Y10, off(DI); \
	VEXTRACTF128 $1, Y11, X12; \
	VSHUFPS    $0x88, X12, X11, X12; \
	VPMASKMOVD X8, X12, poff(R8); \
	VMOVUPD    off(R9), Y12; \
	VCMPPD     $1, bd, Y10, Y13; \
	VCMPPD     $0, bd, Y10, Y14; \
	VCMPPD     $1, bb, Y12, Y11; \
	VANDPD     Y14, Y11, Y11; \
	VORPD      Y13, Y11, Y11; \
	VBLENDVPD  Y11, Y10, bd, bd; \
	VBLENDVPD  Y11, Y12, bb, bb; \
	VBLENDVPD  Y11, idx, bi, bi

// func relaxAVX2(lanes *[24]float64, d []float64, pred []int32, row, v, busy []float64, h float64, i int32)
TEXT ·relaxAVX2(SB), NOSPLIT, $0-140
	MOVQ         lanes+0(FP), AX
	MOVQ         d_base+8(FP), DI
	MOVQ         d_len+16(FP), CX
	MOVQ         pred_base+32(FP), R8
	MOVQ         row_base+56(FP), SI
	MOVQ         v_base+80(FP), DX
	MOVQ         busy_base+104(FP), R9
	VBROADCASTSD h+128(FP), Y7
	MOVL         i+136(FP), R11
	MOVQ         R11, X8
	VPBROADCASTD X8, X8
	VMOVUPD      (AX), Y0
	VMOVUPD      32(AX), Y1
	VMOVUPD      64(AX), Y2
	VMOVUPD      96(AX), Y3
	VMOVUPD      128(AX), Y4
	VMOVUPD      160(AX), Y5
	VMOVUPD      lane<>(SB), Y6

relax_loop:
	TESTQ  CX, CX
	JE     relax_done
	RELAX4(0, 0, Y0, Y2, Y4, Y6)
	VADDPD KFOUR, Y6, Y6
	RELAX4(32, 16, Y1, Y3, Y5, Y6)
	VADDPD KFOUR, Y6, Y6
	ADDQ   $64, SI
	ADDQ   $64, DX
	ADDQ   $64, DI
	ADDQ   $64, R9
	ADDQ   $32, R8
	SUBQ   $8, CX
	JMP    relax_loop

relax_done:
	VMOVUPD Y0, (AX)
	VMOVUPD Y1, 32(AX)
	VMOVUPD Y2, 64(AX)
	VMOVUPD Y3, 96(AX)
	VMOVUPD Y4, 128(AX)
	VMOVUPD Y5, 160(AX)
	VZEROUPPER
	RET

// func rowLSEAVX2(out []float64, c []float64, ldc int, v []float64, s float64, hint []float64)
//
// As rowLSEAVX512 (see there): per row the maximum M_i and the sum
// Σ_j exp(fma(−s, c_ij, v_j) − M_i), m = len(v) a positive multiple of 8.
TEXT ·rowLSEAVX2(SB), NOSPLIT, $0-112
	MOVQ         out_base+0(FP), DI
	MOVQ         out_len+8(FP), R10
	SHRQ         $1, R10
	MOVQ         c_base+24(FP), R8
	MOVQ         ldc+48(FP), BX
	SHLQ         $3, BX
	MOVQ         v_base+56(FP), R9
	MOVQ         v_len+64(FP), R11
	VBROADCASTSD s+80(FP), Y9
	MOVQ         hint_base+88(FP), R12
	MOVQ         hint_len+96(FP), AX
	LOADC256
	TESTQ        R10, R10
	JE           rl_done

rl_row:
	TESTQ   AX, AX
	JE      rl_nohint
	VMOVSD  (R12), X0
	ADDQ    $8, R12
	JMP     rl_gotmax

rl_nohint:
	MOVQ    R8, SI
	MOVQ    R9, DX
	MOVQ    R11, CX
	VMOVUPD KNEGINF, Y0
	VMOVAPD Y0, Y1
	VMOVAPD Y0, Y2
	VMOVAPD Y0, Y3

rl_max2:
	CMPQ         CX, $16
	JL           rl_max1
	AFFINE4(DX, SI, Y9, 32, Y4, Y5, Y6, Y7)
	MAX4(Y4, Y5, Y6, Y7, Y0, Y1, Y2, Y3)
	ADDQ         $128, SI
	ADDQ         $128, DX
	SUBQ         $16, CX
	JMP          rl_max2

rl_max1:
	TESTQ        CX, CX
	JE           rl_maxdone
	AFFINE2(DX, SI, Y9, 32, Y4, Y5)
	VMAXPD       Y0, Y4, Y0
	VMAXPD       Y1, Y5, Y1

rl_maxdone:
	// Lanes 0–3 in Y0, Y2 (later chunk); lanes 4–7 in Y1, Y3.
	VMAXPD       Y0, Y2, Y0
	VMAXPD       Y1, Y3, Y1
	VMAXPD       Y0, Y1, Y0
	HMAX256(Y0, X0, X1)

rl_gotmax:
	VMOVSD       X0, (DI)
	VBROADCASTSD X0, Y10

	MOVQ   R8, SI
	MOVQ   R9, DX
	MOVQ   R11, CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1

rl_sum:
	TESTQ        CX, CX
	JE           rl_sumdone
	PREFETCHT0   (SI)(BX*1)
	AFFINE2(DX, SI, Y9, 32, Y2, Y6)
	SUMEXP256(Y10, Y10, Y0, Y1)
	ADDQ         $64, SI
	ADDQ         $64, DX
	SUBQ         $8, CX
	JMP          rl_sum

rl_sumdone:
	VADDPD       Y1, Y0, Y0
	HSUM256(Y0, X0, X1)
	VMOVSD       X0, 8(DI)
	ADDQ         $16, DI
	ADDQ         BX, R8
	DECQ         R10
	JNZ          rl_row

rl_done:
	VZEROUPPER
	RET

// func peakAVX2(n int)
//
// n iterations of 12 independent 4-lane fused multiply-adds (96 flops per
// iteration, no memory traffic): the FLOP roof of an AVX2 machine.
TEXT ·peakAVX2(SB), NOSPLIT, $0-8
	MOVQ    n+0(FP), CX
	VMOVUPD KONE, Y12
	VMOVUPD KHALF, Y13
	ZERO4(Y0, Y1, Y2, Y3)
	ZERO4(Y4, Y5, Y6, Y7)
	ZERO4(Y8, Y9, Y10, Y11)
	TESTQ   CX, CX
	JE      peak_done

peak_loop:
	FMADD4(Y12, Y13, Y0, Y1, Y2, Y3)
	FMADD4(Y12, Y13, Y4, Y5, Y6, Y7)
	FMADD4(Y12, Y13, Y8, Y9, Y10, Y11)
	DECQ        CX
	JNZ         peak_loop

peak_done:
	VZEROUPPER
	RET

// func dotRowsAVX2(lanes []float64, a []float64, lda int, x []float64)
//
// As dotRowsAVX512: per row the eight lanes of the dot product (lanes 0–3
// in one register, 4–7 in another).
TEXT ·dotRowsAVX2(SB), NOSPLIT, $0-80
	MOVQ  lanes_base+0(FP), DI
	MOVQ  lanes_len+8(FP), R10
	SHRQ  $3, R10
	MOVQ  a_base+24(FP), R8
	MOVQ  lda+48(FP), BX
	SHLQ  $3, BX
	MOVQ  x_base+56(FP), R9
	MOVQ  x_len+64(FP), R11
	TESTQ R10, R10
	JE    dr_done

dr_row:
	MOVQ   R8, SI
	MOVQ   R9, DX
	MOVQ   R11, CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1

dr_loop:
	TESTQ       CX, CX
	JE          dr_rowdone
	VMOVUPD     (DX), Y2
	VMOVUPD     32(DX), Y3
	VFMADD231PD (SI), Y2, Y0
	VFMADD231PD 32(SI), Y3, Y1
	ADDQ        $64, SI
	ADDQ        $64, DX
	SUBQ        $8, CX
	JMP         dr_loop

dr_rowdone:
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	ADDQ    $64, DI
	ADDQ    BX, R8
	DECQ    R10
	JNZ     dr_row

dr_done:
	VZEROUPPER
	RET

// func axpyRowsAVX2(dst []float64, a []float64, lda int, x []float64)
//
// As axpyRowsAVX512, in strips of 16 (then 8) columns.
TEXT ·axpyRowsAVX2(SB), NOSPLIT, $0-80
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), R8
	MOVQ lda+48(FP), BX
	SHLQ $3, BX
	MOVQ x_base+56(FP), R9
	MOVQ x_len+64(FP), R10

ax_four:
	CMPQ    CX, $16
	JL      ax_one
	LOADU4(DI, 32, Y0, Y1, Y2, Y3)
	MOVQ    R8, SI
	MOVQ    R9, DX
	MOVQ    R10, R11
	TESTQ   R11, R11
	JE      ax_four_store

ax_four_row:
	PREFETCHT0   128(SI)
	VBROADCASTSD (DX), Y8
	AXPY4(SI, 32, Y8, Y0, Y1, Y2, Y3)
	ADDQ         BX, SI
	ADDQ         $8, DX
	DECQ         R11
	JNZ          ax_four_row

ax_four_store:
	STOREU4(DI, 32, Y0, Y1, Y2, Y3)
	ADDQ    $128, DI
	ADDQ    $128, R8
	SUBQ    $16, CX
	JMP     ax_four

ax_one:
	TESTQ   CX, CX
	JE      ax_done
	VMOVUPD (DI), Y0
	VMOVUPD 32(DI), Y1
	MOVQ    R8, SI
	MOVQ    R9, DX
	MOVQ    R10, R11
	TESTQ   R11, R11
	JE      ax_one_store

ax_one_row:
	VBROADCASTSD (DX), Y8
	VFMADD231PD  (SI), Y8, Y0
	VFMADD231PD  32(SI), Y8, Y1
	ADDQ         BX, SI
	ADDQ         $8, DX
	DECQ         R11
	JNZ          ax_one_row

ax_one_store:
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	ADDQ    $64, DI
	ADDQ    $64, R8
	SUBQ    $8, CX
	JMP     ax_one

ax_done:
	VZEROUPPER
	RET

// func gibbsAVX2(dst []float64, c []float64, ld int, u, v []float64, s float64)
//
// As gibbsAVX512.
TEXT ·gibbsAVX2(SB), NOSPLIT, $0-112
	MOVQ         dst_base+0(FP), R12
	MOVQ         c_base+24(FP), R8
	MOVQ         ld+48(FP), BX
	SHLQ         $3, BX
	MOVQ         u_base+56(FP), R9
	MOVQ         u_len+64(FP), R10
	MOVQ         v_base+80(FP), AX
	MOVQ         v_len+88(FP), R11
	VBROADCASTSD s+104(FP), Y9
	LOADC256
	TESTQ        R10, R10
	JE           gb_done

gb_row:
	VBROADCASTSD (R9), Y10
	MOVQ         R8, SI
	MOVQ         R12, DI
	MOVQ         AX, DX
	MOVQ         R11, CX

gb_loop:
	TESTQ        CX, CX
	JE           gb_rowdone
	SHIFTAFFINE2(DX, Y10, SI, Y9, 32, Y2, Y6)
	EXP256(Y2, Y3, Y4, Y5, Y7, Y8)
	VMOVUPD      Y4, (DI)
	EXP256(Y6, Y3, Y4, Y5, Y7, Y8)
	VMOVUPD      Y4, 32(DI)
	ADDQ         $64, SI
	ADDQ         $64, DI
	ADDQ         $64, DX
	SUBQ         $8, CX
	JMP          gb_loop

gb_rowdone:
	ADDQ BX, R8
	ADDQ BX, R12
	ADDQ $8, R9
	DECQ R10
	JNZ  gb_row

gb_done:
	VZEROUPPER
	RET
