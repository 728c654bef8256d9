//go:build !noasm && gc

// AVX-512 (F, DQ) variants of the kernels. Each computes exactly the
// operations of its ...Generic twin in generic.go, eight lanes at a time,
// on slices whose length is a multiple of 8 (the Go callers finish the
// tail). Operand order is Go's (sources first, destination last): for
// VMAXPD b, a, d Intel's MAXPD gives d = a > b ? a : b; for VSUBPD b, a, d,
// d = a − b; VFNMADD231PD c, b, d gives d = −(b·c) + d; VFMADD213PD c, b, d
// gives d = b·d + c.
//
// Registers Z11–Z14 and Z16–Z29 hold the constants and the table of the
// exponential. Z15 is used only by relaxAVX512: these are ABI0 functions,
// and the ABI wrapper zeroes X15 again on return, as Go's register ABI
// requires.
//
// EXP512 and its sums are defined here; the blocks shared with
// avx2_amd64.s (AFFINE2, MAX4, HSUM256, …) are in macros_amd64.h.

#include "textflag.h"
#include "consts_amd64.h"
#include "macros_amd64.h"

#define LOADC512 \
	VBROADCASTSD KLO, Z11; \
	VBROADCASTSD KHI, Z12; \
	VBROADCASTSD KINV16, Z13; \
	VBROADCASTSD KSHIFT, Z14; \
	VBROADCASTSD KL2H, Z16; \
	VBROADCASTSD KL2L, Z17; \
	VBROADCASTSD KC7, Z18; \
	VBROADCASTSD KC6, Z19; \
	VBROADCASTSD KC5, Z20; \
	VBROADCASTSD KC4, Z21; \
	VBROADCASTSD KC3, Z22; \
	VBROADCASTSD KC2, Z23; \
	VBROADCASTSD KONE, Z24; \
	VBROADCASTSD KSIXTEENTH, Z25; \
	VMOVUPD      exptab<>+0(SB), Z26; \
	VMOVUPD      exptab<>+64(SB), Z27; \
	VMOVUPD      exptab<>+128(SB), Z28; \
	VMOVUPD      exptab<>+192(SB), Z29

// EXP512 sets p = exp1(x) lane by lane; x (which ends as r), k and t are
// scratch. The table 2^(j/16) (Z26, Z27: high parts; Z28, Z29: low parts)
// is read with VPERMI2PD, whose index is the low four bits of
// 1.5·2^52 + kk. The scaling by 2^floor(kk/16) is one VSCALEFPD: t·2^k
// rounded once, which is what exp1's two products (t·2^k1)·2^k2 give
// (t·2^k1 is a normal number, so the first product is exact), overflow to
// +Inf and gradual underflow included.
#define EXP512(x, k, p, t) \
	VMAXPD       x, Z11, x; \
	VMINPD       x, Z12, x; \
	VMOVAPD      Z14, k; \
	VFMADD231PD  Z13, x, k; \
	VMOVAPD      k, t; \
	VSUBPD       Z14, k, k; \
	VFNMADD231PD Z16, k, x; \
	VFNMADD231PD Z17, k, x; \
	VMOVAPD      Z18, p; \
	VFMADD213PD  Z19, x, p; \
	VFMADD213PD  Z20, x, p; \
	VFMADD213PD  Z21, x, p; \
	VFMADD213PD  Z22, x, p; \
	VFMADD213PD  Z23, x, p; \
	VFMADD213PD  Z24, x, p; \
	VMULPD       x, p, p; \
	VMOVAPD      t, x; \
	VPERMI2PD    Z29, Z28, x; \
	VPERMI2PD    Z27, Z26, t; \
	VFMADD213PD  x, t, p; \
	VADDPD       t, p, p; \
	VMULPD       Z25, k, k; \
	VSCALEFPD    k, p, p

// SUMEXP512 adds exp1(Z1 − m) to acc: one group of eight terms of a
// shifted sum of exponentials. Z1–Z4 are clobbered (EXP512 with p = Z3);
// m is unchanged.
#define SUMEXP512(m, acc) \
	VSUBPD m, Z1, Z1; \
	EXP512(Z1, Z2, Z3, Z4); \
	VADDPD Z3, acc, acc

// SUMEXP512X2 is SUMEXP512 for two groups, Z1 then Z5, both exponentials
// computed before either is added: acc += exp1(Z1 − m), then
// acc += exp1(Z5 − m). Z1–Z8 are clobbered; m is unchanged.
#define SUMEXP512X2(m, acc) \
	VSUBPD m, Z1, Z1; \
	VSUBPD m, Z5, Z5; \
	EXP512(Z1, Z2, Z3, Z4); \
	EXP512(Z5, Z6, Z7, Z8); \
	VADDPD Z3, acc, acc; \
	VADDPD Z7, acc, acc

// func expAVX512(dst, x []float64)
TEXT ·expAVX512(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	LOADC512
	CMPQ CX, $16
	JL   exp_one

exp_two:
	VMOVUPD (SI), Z0
	VMOVUPD 64(SI), Z4
	EXP512(Z0, Z1, Z2, Z3)
	EXP512(Z4, Z5, Z6, Z7)
	VMOVUPD Z2, (DI)
	VMOVUPD Z6, 64(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	SUBQ    $16, CX
	CMPQ    CX, $16
	JGE     exp_two

exp_one:
	TESTQ   CX, CX
	JE      exp_done
	VMOVUPD (SI), Z0
	EXP512(Z0, Z1, Z2, Z3)
	VMOVUPD Z2, (DI)

exp_done:
	VZEROUPPER
	RET

// MAXCOMBINE512 folds the accumulators Z1–Z3 into Z0 (later chunks as the
// first operand, so that a tie keeps the earlier value).
#define MAXCOMBINE512 \
	VMAXPD Z0, Z1, Z0; \
	VMAXPD Z0, Z2, Z0; \
	VMAXPD Z0, Z3, Z0

// func maxAVX512(lanes *[8]float64, x []float64)
TEXT ·maxAVX512(SB), NOSPLIT, $0-32
	MOVQ         lanes+0(FP), AX
	MOVQ         x_base+8(FP), SI
	MOVQ         x_len+16(FP), CX
	VMOVUPD      (AX), Z0
	VBROADCASTSD KNEGINF, Z1
	VMOVAPD      Z1, Z2
	VMOVAPD      Z1, Z3

max_four:
	CMPQ    CX, $32
	JL      max_one
	LOADU4(SI, 64, Z4, Z5, Z6, Z7)
	MAX4(Z4, Z5, Z6, Z7, Z0, Z1, Z2, Z3)
	ADDQ    $256, SI
	SUBQ    $32, CX
	JMP     max_four

max_one:
	TESTQ   CX, CX
	JE      max_done
	VMOVUPD (SI), Z4
	VMAXPD  Z0, Z4, Z0
	ADDQ    $64, SI
	SUBQ    $8, CX
	JMP     max_one

max_done:
	MAXCOMBINE512
	VMOVUPD Z0, (AX)
	VZEROUPPER
	RET

// func maxAffineAVX512(lanes *[8]float64, v, c []float64, s float64)
TEXT ·maxAffineAVX512(SB), NOSPLIT, $0-64
	MOVQ         lanes+0(FP), AX
	MOVQ         v_base+8(FP), SI
	MOVQ         v_len+16(FP), CX
	MOVQ         c_base+32(FP), DX
	VBROADCASTSD s+56(FP), Z9
	VMOVUPD      (AX), Z0
	VBROADCASTSD KNEGINF, Z1
	VMOVAPD      Z1, Z2
	VMOVAPD      Z1, Z3

maxa_four:
	CMPQ         CX, $32
	JL           maxa_one
	AFFINE4(SI, DX, Z9, 64, Z4, Z5, Z6, Z7)
	MAX4(Z4, Z5, Z6, Z7, Z0, Z1, Z2, Z3)
	ADDQ         $256, SI
	ADDQ         $256, DX
	SUBQ         $32, CX
	JMP          maxa_four

maxa_one:
	TESTQ        CX, CX
	JE           maxa_done
	VMOVUPD      (SI), Z4
	VFNMADD231PD (DX), Z9, Z4
	VMAXPD       Z0, Z4, Z0
	ADDQ         $64, SI
	ADDQ         $64, DX
	SUBQ         $8, CX
	JMP          maxa_one

maxa_done:
	MAXCOMBINE512
	VMOVUPD Z0, (AX)
	VZEROUPPER
	RET

// func sumExpAffineAVX512(lanes *[8]float64, v, c []float64, s, m float64)
TEXT ·sumExpAffineAVX512(SB), NOSPLIT, $0-72
	MOVQ         lanes+0(FP), AX
	MOVQ         v_base+8(FP), SI
	MOVQ         v_len+16(FP), CX
	MOVQ         c_base+32(FP), DX
	VBROADCASTSD s+56(FP), Z9
	VBROADCASTSD m+64(FP), Z10
	VMOVUPD      (AX), Z0
	LOADC512
	CMPQ         CX, $16
	JL           sea_one

sea_two:
	AFFINE2(SI, DX, Z9, 64, Z1, Z5)
	SUMEXP512X2(Z10, Z0)
	ADDQ         $128, SI
	ADDQ         $128, DX
	SUBQ         $16, CX
	CMPQ         CX, $16
	JGE          sea_two

sea_one:
	TESTQ        CX, CX
	JE           sea_done
	VMOVUPD      (SI), Z1
	VFNMADD231PD (DX), Z9, Z1
	SUMEXP512(Z10, Z0)

sea_done:
	VMOVUPD Z0, (AX)
	VZEROUPPER
	RET

// func sumExpShiftAVX512(lanes *[8]float64, x []float64, m float64)
TEXT ·sumExpShiftAVX512(SB), NOSPLIT, $0-40
	MOVQ         lanes+0(FP), AX
	MOVQ         x_base+8(FP), SI
	MOVQ         x_len+16(FP), CX
	VBROADCASTSD m+32(FP), Z10
	VMOVUPD      (AX), Z0
	LOADC512
	CMPQ         CX, $16
	JL           ses_one

ses_two:
	VMOVUPD (SI), Z1
	VMOVUPD 64(SI), Z5
	SUMEXP512X2(Z10, Z0)
	ADDQ    $128, SI
	SUBQ    $16, CX
	CMPQ    CX, $16
	JGE     ses_two

ses_one:
	TESTQ   CX, CX
	JE      ses_done
	VMOVUPD (SI), Z1
	SUMEXP512(Z10, Z0)

ses_done:
	VMOVUPD Z0, (AX)
	VZEROUPPER
	RET

// func expShiftSumAVX512(lanes *[8]float64, dst, x []float64, m float64)
TEXT ·expShiftSumAVX512(SB), NOSPLIT, $0-64
	MOVQ         lanes+0(FP), AX
	MOVQ         dst_base+8(FP), DI
	MOVQ         x_base+32(FP), SI
	MOVQ         x_len+40(FP), CX
	VBROADCASTSD m+56(FP), Z10
	VMOVUPD      (AX), Z0
	LOADC512
	CMPQ         CX, $16
	JL           ess_one

ess_two:
	VMOVUPD (SI), Z1
	VMOVUPD 64(SI), Z5
	VSUBPD  Z10, Z1, Z1
	VSUBPD  Z10, Z5, Z5
	EXP512(Z1, Z2, Z3, Z4)
	EXP512(Z5, Z6, Z7, Z8)
	VMOVUPD Z3, (DI)
	VMOVUPD Z7, 64(DI)
	VADDPD  Z3, Z0, Z0
	VADDPD  Z7, Z0, Z0
	ADDQ    $128, SI
	ADDQ    $128, DI
	SUBQ    $16, CX
	CMPQ    CX, $16
	JGE     ess_two

ess_one:
	TESTQ   CX, CX
	JE      ess_done
	VMOVUPD (SI), Z1
	VSUBPD  Z10, Z1, Z1
	EXP512(Z1, Z2, Z3, Z4)
	VMOVUPD Z3, (DI)
	VADDPD  Z3, Z0, Z0

ess_done:
	VMOVUPD Z0, (AX)
	VZEROUPPER
	RET

// func scalAVX512(a float64, x []float64)
TEXT ·scalAVX512(SB), NOSPLIT, $0-32
	VBROADCASTSD a+0(FP), Z9
	MOVQ         x_base+8(FP), SI
	MOVQ         x_len+16(FP), CX
	CMPQ         CX, $32
	JL           scal_one

scal_four:
	VMULPD  (SI), Z9, Z0
	VMULPD  64(SI), Z9, Z1
	VMULPD  128(SI), Z9, Z2
	VMULPD  192(SI), Z9, Z3
	STOREU4(SI, 64, Z0, Z1, Z2, Z3)
	ADDQ    $256, SI
	SUBQ    $32, CX
	CMPQ    CX, $32
	JGE     scal_four

scal_one:
	TESTQ   CX, CX
	JE      scal_done
	VMULPD  (SI), Z9, Z0
	VMOVUPD Z0, (SI)
	ADDQ    $64, SI
	SUBQ    $8, CX
	JMP     scal_one

scal_done:
	VZEROUPPER
	RET

// func colStripAVX512(out *[16]float64, c []float64, ldc int, u []float64, s float64, hinted int)
TEXT ·colStripAVX512(SB), NOSPLIT, $0-80
	MOVQ         out+0(FP), AX
	MOVQ         c_base+8(FP), R8
	MOVQ         ldc+32(FP), BX
	SHLQ         $3, BX
	MOVQ         u_base+40(FP), R9
	MOVQ         u_len+48(FP), R10
	VBROADCASTSD s+64(FP), Z9
	MOVQ         hinted+72(FP), R11
	TESTQ        R11, R11
	JE           cs_nohint
	VMOVUPD      (AX), Z0
	JMP          cs_pass2

cs_nohint:
	VBROADCASTSD KNEGINF, Z0

	// Pass 1: the maximum of each column.
	MOVQ R8, SI
	MOVQ R9, DX
	MOVQ R10, CX

cs_max:
	VBROADCASTSD (DX), Z1
	VFNMADD231PD (SI), Z9, Z1
	VMAXPD       Z0, Z1, Z0
	ADDQ         BX, SI
	ADDQ         $8, DX
	DECQ         CX
	JNZ          cs_max

	// Pass 2: the sums, two rows at a time (in row order).
cs_pass2:
	LOADC512
	VXORPD Z10, Z10, Z10
	MOVQ   R8, SI
	MOVQ   R9, DX
	MOVQ   R10, CX
	CMPQ   CX, $2
	JL     cs_one

cs_two:
	PREFETCHT0   64(SI)
	PREFETCHT0   64(SI)(BX*1)
	VBROADCASTSD (DX), Z1
	VBROADCASTSD 8(DX), Z5
	VFNMADD231PD (SI), Z9, Z1
	ADDQ         BX, SI
	VFNMADD231PD (SI), Z9, Z5
	ADDQ         BX, SI
	SUMEXP512X2(Z0, Z10)
	ADDQ         $16, DX
	SUBQ         $2, CX
	CMPQ         CX, $2
	JGE          cs_two

cs_one:
	TESTQ        CX, CX
	JE           cs_done
	VBROADCASTSD (DX), Z1
	VFNMADD231PD (SI), Z9, Z1
	SUMEXP512(Z0, Z10)

cs_done:
	VMOVUPD Z0, (AX)
	VMOVUPD Z10, 64(AX)
	VZEROUPPER
	RET

// func sqDistRowAVX512(dst, x, yT []float64, ldy int)
TEXT ·sqDistRowAVX512(SB), NOSPLIT, $0-80
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), R8
	MOVQ x_len+32(FP), R9
	MOVQ yT_base+48(FP), SI
	MOVQ ldy+72(FP), BX
	SHLQ $3, BX

sq_four:
	CMPQ   CX, $32
	JL     sq_one
	ZERO4(Z0, Z1, Z2, Z3)
	MOVQ   SI, R10
	MOVQ   R8, R11
	MOVQ   R9, R12

sq_four_k:
	VBROADCASTSD (R11), Z8
	SQDIFF4(R10, 64, Z8, Z4, Z5, Z6, Z7, Z0, Z1, Z2, Z3)
	ADDQ         BX, R10
	ADDQ         $8, R11
	DECQ         R12
	JNZ          sq_four_k
	STOREU4(DI, 64, Z0, Z1, Z2, Z3)
	ADDQ         $256, DI
	ADDQ         $256, SI
	SUBQ         $32, CX
	JMP          sq_four

sq_one:
	TESTQ  CX, CX
	JE     sq_done
	VXORPD Z0, Z0, Z0
	MOVQ   SI, R10
	MOVQ   R8, R11
	MOVQ   R9, R12

sq_one_k:
	VBROADCASTSD (R11), Z8
	VSUBPD       (R10), Z8, Z4
	VMULPD       Z4, Z4, Z4
	VADDPD       Z4, Z0, Z0
	ADDQ         BX, R10
	ADDQ         $8, R11
	DECQ         R12
	JNZ          sq_one_k
	VMOVUPD      Z0, (DI)
	ADDQ         $64, DI
	ADDQ         $64, SI
	SUBQ         $8, CX
	JMP          sq_one

sq_done:
	VZEROUPPER
	RET

// func relaxAVX512(lanes *[48]float64, d []float64, pred []int32, row, v, busy []float64, h float64, i int32)
//
// Two sets of eight lanes (Z0–Z2 for the first eight columns of each 16,
// Z11–Z13 for the second), so that the two selection chains overlap.
TEXT ·relaxAVX512(SB), NOSPLIT, $0-140
	MOVQ          lanes+0(FP), AX
	MOVQ          d_base+8(FP), DI
	MOVQ          d_len+16(FP), CX
	MOVQ          pred_base+32(FP), R8
	MOVQ          row_base+56(FP), SI
	MOVQ          v_base+80(FP), DX
	MOVQ          busy_base+104(FP), R9
	VBROADCASTSD  h+128(FP), Z9
	MOVL          i+136(FP), R11
	VPBROADCASTD  R11, Z10
	VMOVUPD       (AX), Z0
	VMOVUPD       64(AX), Z1
	VMOVUPD       128(AX), Z2
	VMOVUPD       192(AX), Z11
	VMOVUPD       256(AX), Z12
	VMOVUPD       320(AX), Z13
	VMOVUPD       lane<>(SB), Z3
	VBROADCASTSD  KEIGHT, Z4
	VADDPD        Z4, Z3, Z14

relax_two:
	CMPQ      CX, $16
	JL        relax_loop
	VMOVUPD   (SI), Z5
	VMOVUPD   64(SI), Z15
	VADDPD    Z9, Z5, Z5
	VADDPD    Z9, Z15, Z15
	VSUBPD    (DX), Z5, Z5
	VSUBPD    64(DX), Z15, Z15
	VMOVUPD   (DI), Z6
	VMOVUPD   64(DI), Z16
	VCMPPD    $1, Z6, Z5, K2
	VCMPPD    $1, Z16, Z15, K6
	VMOVAPD   Z5, K2, Z6
	VMOVAPD   Z15, K6, Z16
	VMOVUPD   Z6, (DI)
	VMOVUPD   Z16, 64(DI)
	VMOVDQU32 Z10, K2, (R8)
	VMOVDQU32 Z10, K6, 32(R8)
	VMOVUPD   (R9), Z7
	VMOVUPD   64(R9), Z17
	VCMPPD    $1, Z0, Z6, K3
	VCMPPD    $1, Z11, Z16, K7
	VCMPPD    $0, Z0, Z6, K4
	VCMPPD    $0, Z11, Z16, K1
	VCMPPD    $1, Z1, Z7, K4, K5
	VCMPPD    $1, Z12, Z17, K1, K2
	KORW      K5, K3, K3
	KORW      K2, K7, K7
	VMOVAPD   Z6, K3, Z0
	VMOVAPD   Z16, K7, Z11
	VMOVAPD   Z7, K3, Z1
	VMOVAPD   Z17, K7, Z12
	VMOVAPD   Z3, K3, Z2
	VMOVAPD   Z14, K7, Z13
	VADDPD    Z4, Z3, Z3
	VADDPD    Z4, Z3, Z3
	VADDPD    Z4, Z14, Z14
	VADDPD    Z4, Z14, Z14
	ADDQ      $128, SI
	ADDQ      $128, DX
	ADDQ      $128, DI
	ADDQ      $128, R9
	ADDQ      $64, R8
	SUBQ      $16, CX
	JMP       relax_two

relax_loop:
	TESTQ     CX, CX
	JE        relax_done
	VMOVUPD   (SI), Z5
	VADDPD    Z9, Z5, Z5
	VSUBPD    (DX), Z5, Z5
	VMOVUPD   (DI), Z6
	VCMPPD    $1, Z6, Z5, K2
	VMOVAPD   Z5, K2, Z6
	VMOVUPD   Z6, (DI)
	VMOVDQU32 Z10, K2, (R8)
	VMOVUPD   (R9), Z7
	VCMPPD    $1, Z0, Z6, K3
	VCMPPD    $0, Z0, Z6, K4
	VCMPPD    $1, Z1, Z7, K4, K5
	KORW      K5, K3, K3
	VMOVAPD   Z6, K3, Z0
	VMOVAPD   Z7, K3, Z1
	VMOVAPD   Z3, K3, Z2
	VADDPD    Z4, Z3, Z3
	ADDQ      $64, SI
	ADDQ      $64, DX
	ADDQ      $64, DI
	ADDQ      $64, R9
	ADDQ      $32, R8
	SUBQ      $8, CX
	JMP       relax_loop

relax_done:
	VMOVUPD Z0, (AX)
	VMOVUPD Z1, 64(AX)
	VMOVUPD Z2, 128(AX)
	VMOVUPD Z11, 192(AX)
	VMOVUPD Z12, 256(AX)
	VMOVUPD Z13, 320(AX)
	VZEROUPPER
	RET

// func rowLSEAVX512(out []float64, c []float64, ldc int, v []float64, s float64, hint []float64)
//
// For each row i < len(out)/2 of c (leading dimension ldc), with m = len(v)
// a positive multiple of 8: out[2i] = M_i = max_j fma(−s, c_ij, v_j)
// (NaN ignored; equal to maxAffineGeneric's up to the sign of a zero) and
// out[2i+1] = Σ_j exp(fma(−s, c_ij, v_j) − M_i) in the canonical lane
// order. Rows with an infinite M_i have a meaningless sum. With a nonempty
// hint, M_i is hint[i] instead (no maximum pass).
TEXT ·rowLSEAVX512(SB), NOSPLIT, $0-112
	MOVQ         out_base+0(FP), DI
	MOVQ         out_len+8(FP), R10
	SHRQ         $1, R10
	MOVQ         c_base+24(FP), R8
	MOVQ         ldc+48(FP), BX
	SHLQ         $3, BX
	MOVQ         v_base+56(FP), R9
	MOVQ         v_len+64(FP), R11
	VBROADCASTSD s+80(FP), Z9
	MOVQ         hint_base+88(FP), R12
	MOVQ         hint_len+96(FP), R13
	LOADC512
	TESTQ        R10, R10
	JE           rl_done

rl_row:
	TESTQ        R13, R13
	JE           rl_nohint
	VMOVSD       (R12), X0
	ADDQ         $8, R12
	JMP          rl_gotmax

rl_nohint:
	MOVQ         R8, SI
	MOVQ         R9, DX
	MOVQ         R11, CX
	VBROADCASTSD KNEGINF, Z0
	VMOVAPD      Z0, Z1
	VMOVAPD      Z0, Z2
	VMOVAPD      Z0, Z3

rl_max4:
	CMPQ         CX, $32
	JL           rl_max1
	AFFINE4(DX, SI, Z9, 64, Z4, Z5, Z6, Z7)
	MAX4(Z4, Z5, Z6, Z7, Z0, Z1, Z2, Z3)
	ADDQ         $256, SI
	ADDQ         $256, DX
	SUBQ         $32, CX
	JMP          rl_max4

rl_max1:
	TESTQ        CX, CX
	JE           rl_maxdone
	VMOVUPD      (DX), Z4
	VFNMADD231PD (SI), Z9, Z4
	VMAXPD       Z0, Z4, Z0
	ADDQ         $64, SI
	ADDQ         $64, DX
	SUBQ         $8, CX
	JMP          rl_max1

rl_maxdone:
	MAXCOMBINE512
	VEXTRACTF64X4 $1, Z0, Y1
	VMAXPD        Y0, Y1, Y0
	HMAX256(Y0, X0, X1)

rl_gotmax:
	VMOVSD        X0, (DI)
	VBROADCASTSD  X0, Z10

	MOVQ   R8, SI
	MOVQ   R9, DX
	MOVQ   R11, CX
	VXORPD Z8, Z8, Z8

rl_sum2:
	CMPQ         CX, $16
	JL           rl_sum1
	PREFETCHT0   (SI)(BX*1)
	PREFETCHT0   64(SI)(BX*1)
	AFFINE2(DX, SI, Z9, 64, Z1, Z4)
	VSUBPD       Z10, Z1, Z1
	VSUBPD       Z10, Z4, Z4
	EXP512(Z1, Z2, Z3, Z0)
	EXP512(Z4, Z5, Z6, Z0)
	VADDPD       Z3, Z8, Z8
	VADDPD       Z6, Z8, Z8
	ADDQ         $128, SI
	ADDQ         $128, DX
	SUBQ         $16, CX
	JMP          rl_sum2

rl_sum1:
	TESTQ        CX, CX
	JE           rl_sumdone
	VMOVUPD      (DX), Z1
	VFNMADD231PD (SI), Z9, Z1
	VSUBPD       Z10, Z1, Z1
	EXP512(Z1, Z2, Z3, Z0)
	VADDPD       Z3, Z8, Z8

rl_sumdone:
	VEXTRACTF64X4 $1, Z8, Y1
	VADDPD        Y1, Y8, Y8
	HSUM256(Y8, X8, X1)
	VMOVSD        X8, 8(DI)
	ADDQ          $16, DI
	ADDQ          BX, R8
	DECQ          R10
	JNZ           rl_row

rl_done:
	VZEROUPPER
	RET

// func peakAVX512(n int)
//
// n iterations of 12 independent 8-lane fused multiply-adds (192 flops per
// iteration, no memory traffic): the FLOP roof of the machine.
TEXT ·peakAVX512(SB), NOSPLIT, $0-8
	MOVQ         n+0(FP), CX
	VBROADCASTSD KONE, Z12
	VBROADCASTSD KHALF, Z13
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	ZERO4(Z8, Z9, Z10, Z11)
	TESTQ        CX, CX
	JE           peak_done

peak_loop:
	FMADD4(Z12, Z13, Z0, Z1, Z2, Z3)
	FMADD4(Z12, Z13, Z4, Z5, Z6, Z7)
	FMADD4(Z12, Z13, Z8, Z9, Z10, Z11)
	DECQ        CX
	JNZ         peak_loop

peak_done:
	VZEROUPPER
	RET

// func dotRowsAVX512(lanes []float64, a []float64, lda int, x []float64)
//
// For each row i < len(lanes)/8 of a (leading dimension lda) and m =
// len(x) a multiple of 8: lanes[8i+k] = Σ_{j ≡ k mod 8} a_ij·x_j, each lane
// accumulated in j order with fused multiply-adds.
TEXT ·dotRowsAVX512(SB), NOSPLIT, $0-80
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
	VXORPD Z0, Z0, Z0

dr_four:
	CMPQ        CX, $32
	JL          dr_one
	LOADU4(DX, 64, Z1, Z2, Z3, Z4)
	VFMADD231PD (SI), Z1, Z0
	VFMADD231PD 64(SI), Z2, Z0
	VFMADD231PD 128(SI), Z3, Z0
	VFMADD231PD 192(SI), Z4, Z0
	ADDQ        $256, SI
	ADDQ        $256, DX
	SUBQ        $32, CX
	JMP         dr_four

dr_one:
	TESTQ       CX, CX
	JE          dr_rowdone
	VMOVUPD     (DX), Z1
	VFMADD231PD (SI), Z1, Z0
	ADDQ        $64, SI
	ADDQ        $64, DX
	SUBQ        $8, CX
	JMP         dr_one

dr_rowdone:
	VMOVUPD Z0, (DI)
	ADDQ    $64, DI
	ADDQ    BX, R8
	DECQ    R10
	JNZ     dr_row

dr_done:
	VZEROUPPER
	RET

// func axpyRowsAVX512(dst []float64, a []float64, lda int, x []float64)
//
// dst_j = fma(x_i, a_ij, dst_j) for i = 0, 1, …, len(x)−1 in order, j <
// len(dst) (a multiple of 8): strips of 32 (then 8) columns held in
// registers while the rows stream by.
TEXT ·axpyRowsAVX512(SB), NOSPLIT, $0-80
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), R8
	MOVQ lda+48(FP), BX
	SHLQ $3, BX
	MOVQ x_base+56(FP), R9
	MOVQ x_len+64(FP), R10

ax_four:
	CMPQ    CX, $32
	JL      ax_one
	LOADU4(DI, 64, Z0, Z1, Z2, Z3)
	MOVQ    R8, SI
	MOVQ    R9, DX
	MOVQ    R10, R11
	TESTQ   R11, R11
	JE      ax_four_store

ax_four_row:
	PREFETCHT0   256(SI)
	VBROADCASTSD (DX), Z8
	AXPY4(SI, 64, Z8, Z0, Z1, Z2, Z3)
	ADDQ         BX, SI
	ADDQ         $8, DX
	DECQ         R11
	JNZ          ax_four_row

ax_four_store:
	STOREU4(DI, 64, Z0, Z1, Z2, Z3)
	ADDQ    $256, DI
	ADDQ    $256, R8
	SUBQ    $32, CX
	JMP     ax_four

ax_one:
	TESTQ   CX, CX
	JE      ax_done
	VMOVUPD (DI), Z0
	MOVQ    R8, SI
	MOVQ    R9, DX
	MOVQ    R10, R11
	TESTQ   R11, R11
	JE      ax_one_store

ax_one_row:
	VBROADCASTSD (DX), Z8
	VFMADD231PD  (SI), Z8, Z0
	ADDQ         BX, SI
	ADDQ         $8, DX
	DECQ         R11
	JNZ          ax_one_row

ax_one_store:
	VMOVUPD Z0, (DI)
	ADDQ    $64, DI
	ADDQ    $64, R8
	SUBQ    $8, CX
	JMP     ax_one

ax_done:
	VZEROUPPER
	RET

// func gibbsAVX512(dst []float64, c []float64, ld int, u, v []float64, s float64)
//
// dst[i·ld+j] = exp1(fma(−s, c[i·ld+j], v_j + u_i)) for i < len(u) and j <
// len(v) (a multiple of 8): the Gibbs kernel e^{(u_i + v_j) − s·C_ij}.
TEXT ·gibbsAVX512(SB), NOSPLIT, $0-112
	MOVQ         dst_base+0(FP), R12
	MOVQ         c_base+24(FP), R8
	MOVQ         ld+48(FP), BX
	SHLQ         $3, BX
	MOVQ         u_base+56(FP), R9
	MOVQ         u_len+64(FP), R10
	MOVQ         v_base+80(FP), R13
	MOVQ         v_len+88(FP), R11
	VBROADCASTSD s+104(FP), Z9
	LOADC512
	TESTQ        R10, R10
	JE           gb_done

gb_row:
	VBROADCASTSD (R9), Z10
	MOVQ         R8, SI
	MOVQ         R12, DI
	MOVQ         R13, DX
	MOVQ         R11, CX

gb_two:
	CMPQ         CX, $16
	JL           gb_one
	SHIFTAFFINE2(DX, Z10, SI, Z9, 64, Z1, Z5)
	EXP512(Z1, Z2, Z3, Z4)
	EXP512(Z5, Z6, Z7, Z8)
	VMOVUPD      Z3, (DI)
	VMOVUPD      Z7, 64(DI)
	ADDQ         $128, SI
	ADDQ         $128, DI
	ADDQ         $128, DX
	SUBQ         $16, CX
	JMP          gb_two

gb_one:
	TESTQ        CX, CX
	JE           gb_rowdone
	VADDPD       (DX), Z10, Z1
	VFNMADD231PD (SI), Z9, Z1
	EXP512(Z1, Z2, Z3, Z4)
	VMOVUPD      Z3, (DI)

gb_rowdone:
	ADDQ BX, R8
	ADDQ BX, R12
	ADDQ $8, R9
	DECQ R10
	JNZ  gb_row

gb_done:
	VZEROUPPER
	RET
