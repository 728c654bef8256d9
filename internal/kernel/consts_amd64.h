// Constants shared by the amd64 kernels (the values of generic.go).
//
// kc<> holds each constant replicated four times (32 bytes), so that AVX2
// code can use it as a 256-bit memory operand; AVX-512 code broadcasts the
// first copy. Each .s file that includes this header gets its own
// file-local copy.

// KCONST4 sets the four float64s at byte offset off of kc<> to the bit
// pattern bits (a $-prefixed 64-bit constant).
#define KCONST4(off, bits) \
	DATA kc<>+(off)(SB)/8, bits; \
	DATA kc<>+(off+8)(SB)/8, bits; \
	DATA kc<>+(off+16)(SB)/8, bits; \
	DATA kc<>+(off+24)(SB)/8, bits

// -746.0
#define KLO kc<>+0(SB)
KCONST4(0, $0xc087500000000000)
// 710.0
#define KHI kc<>+32(SB)
KCONST4(32, $0x4086300000000000)
// 23.083120654223414
#define KINV16 kc<>+64(SB)
KCONST4(64, $0x40371547652b82fe)
// 6755399441055744.0
#define KSHIFT kc<>+96(SB)
KCONST4(96, $0x4338000000000000)
// 0.043321698780346196
#define KL2H kc<>+128(SB)
KCONST4(128, $0x3fa62e42fef00000)
// 4.650385693757748e-12
#define KL2L kc<>+160(SB)
KCONST4(160, $0x3d9473de6af278ed)
// 0.0001984126984126984
#define KC7 kc<>+192(SB)
KCONST4(192, $0x3f2a01a01a01a01a)
// 0.001388888888888889
#define KC6 kc<>+224(SB)
KCONST4(224, $0x3f56c16c16c16c17)
// 0.008333333333333333
#define KC5 kc<>+256(SB)
KCONST4(256, $0x3f81111111111111)
// 0.041666666666666664
#define KC4 kc<>+288(SB)
KCONST4(288, $0x3fa5555555555555)
// 0.16666666666666666
#define KC3 kc<>+320(SB)
KCONST4(320, $0x3fc5555555555555)
// 0.5
#define KC2 kc<>+352(SB)
KCONST4(352, $0x3fe0000000000000)
// 1.0
#define KONE kc<>+384(SB)
KCONST4(384, $0x3ff0000000000000)
// 0.0625
#define KSIXTEENTH kc<>+416(SB)
KCONST4(416, $0x3fb0000000000000)
// 0.5
#define KHALF kc<>+448(SB)
KCONST4(448, $0x3fe0000000000000)
// 4503599627371519.0
#define KMAGIC kc<>+480(SB)
KCONST4(480, $0x43300000000003ff)
// -inf
#define KNEGINF kc<>+512(SB)
KCONST4(512, $0xfff0000000000000)
// inf
#define KPOSINF kc<>+544(SB)
KCONST4(544, $0x7ff0000000000000)
// 8.0
#define KEIGHT kc<>+576(SB)
KCONST4(576, $0x4020000000000000)
// 4.0
#define KFOUR kc<>+608(SB)
KCONST4(608, $0x4010000000000000)
// 15 as a 64-bit integer (the table index mask)
#define KMASK15 kc<>+640(SB)
KCONST4(640, $0x000000000000000f)

GLOBL kc<>(SB), RODATA|NOPTR, $672

// exptab<> is expTabHi (16 doubles, 2^(j/16) rounded) then expTabLo (the
// remainders), as in generic.go.
DATA exptab<>+0(SB)/8, $0x3ff0000000000000
DATA exptab<>+8(SB)/8, $0x3ff0b5586cf9890f
DATA exptab<>+16(SB)/8, $0x3ff172b83c7d517b
DATA exptab<>+24(SB)/8, $0x3ff2387a6e756238
DATA exptab<>+32(SB)/8, $0x3ff306fe0a31b715
DATA exptab<>+40(SB)/8, $0x3ff3dea64c123422
DATA exptab<>+48(SB)/8, $0x3ff4bfdad5362a27
DATA exptab<>+56(SB)/8, $0x3ff5ab07dd485429
DATA exptab<>+64(SB)/8, $0x3ff6a09e667f3bcd
DATA exptab<>+72(SB)/8, $0x3ff7a11473eb0187
DATA exptab<>+80(SB)/8, $0x3ff8ace5422aa0db
DATA exptab<>+88(SB)/8, $0x3ff9c49182a3f090
DATA exptab<>+96(SB)/8, $0x3ffae89f995ad3ad
DATA exptab<>+104(SB)/8, $0x3ffc199bdd85529c
DATA exptab<>+112(SB)/8, $0x3ffd5818dcfba487
DATA exptab<>+120(SB)/8, $0x3ffea4afa2a490da
DATA exptab<>+128(SB)/8, $0x0000000000000000
DATA exptab<>+136(SB)/8, $0x3c98a62e4adc610b
DATA exptab<>+144(SB)/8, $0xbc819041b9d78a76
DATA exptab<>+152(SB)/8, $0x3c99b07eb6c70573
DATA exptab<>+160(SB)/8, $0x3c86f46ad23182e4
DATA exptab<>+168(SB)/8, $0x3c8ada0911f09ebc
DATA exptab<>+176(SB)/8, $0x3c7d4397afec42e2
DATA exptab<>+184(SB)/8, $0x3c96324c054647ad
DATA exptab<>+192(SB)/8, $0xbc9bdd3413b26456
DATA exptab<>+200(SB)/8, $0xbc841577ee04992f
DATA exptab<>+208(SB)/8, $0x3c96e9f156864b27
DATA exptab<>+216(SB)/8, $0x3c7c7c46b071f2be
DATA exptab<>+224(SB)/8, $0x3c97a1cd345dcc81
DATA exptab<>+232(SB)/8, $0x3c811065895048dd
DATA exptab<>+240(SB)/8, $0x3c82ed02d75b3707
DATA exptab<>+248(SB)/8, $0xbc9e9c23179c2893
GLOBL exptab<>(SB), RODATA|NOPTR, $256
#define KTABHI exptab<>+0(SB)
#define KTABLO exptab<>+128(SB)

// lane<> is 0, 1, …, 7 as float64: the lane indices.
DATA lane<>+0(SB)/8, $0x0000000000000000
DATA lane<>+8(SB)/8, $0x3ff0000000000000
DATA lane<>+16(SB)/8, $0x4000000000000000
DATA lane<>+24(SB)/8, $0x4008000000000000
DATA lane<>+32(SB)/8, $0x4010000000000000
DATA lane<>+40(SB)/8, $0x4014000000000000
DATA lane<>+48(SB)/8, $0x4018000000000000
DATA lane<>+56(SB)/8, $0x401c000000000000
GLOBL lane<>(SB), RODATA|NOPTR, $64
