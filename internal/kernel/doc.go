// Package kernel holds the hot inner loops of the reference implementation
// — a vectorised exponential, the row and column log-sum-exps of log-domain
// Sinkhorn, squared-distance matrices, softmax rows and the scan step of the
// shortest-augmenting-path assignment solver — each in instruction-set
// variants: AVX-512 (F, DQ), AVX2 with FMA, and portable Go.
//
// # Variants and dispatch
//
// The variant is chosen once at start-up from the CPU's features (detected
// with github.com/klauspost/cpuid/v2, which also checks that the operating
// system saves the vector registers): "avx512" if AVX512F, AVX512DQ, AVX2
// and FMA3 are present, else "avx2" if AVX2 and FMA3 are, else "generic".
// The assembly lives in *_amd64.s files (Go assembly, as gonum's
// internal/asm); every function there has a portable Go twin in generic.go
// with the same arguments. The portable path is forced by
//
//   - the build tag noasm (go test -tags noasm ./internal/kernel/), or
//   - the environment variable OTV_NOASM=1 at start-up, or
//   - OTV_KERNEL=generic|avx2|avx512 at start-up (a variant above what the
//     CPU supports is ignored), which also selects avx2 on an AVX-512
//     machine for comparisons;
//
// and SetVariant switches it at run time (tests and benchmarks only).
// Variant and Features return the labels that benchmark output carries.
//
// # One answer on every machine
//
// Every variant returns bit-for-bit the same result as the portable Go code,
// on every input including ±Inf, NaN, ±0 and subnormals: the portable code
// is written as the vector code computes (the same fused multiply-adds via
// math.FMA, the same polynomial, and for sums the same order: eight
// interleaved partial sums, lane k holding the terms j ≡ k mod 8, reduced
// as ((s0+s4)+(s2+s6)) + ((s1+s5)+(s3+s7))). So a result never depends on
// the machine, the variant or the number of goroutines, and the tests
// compare variants for exact equality. NaN results are NaN in every
// variant (their payload bits may differ).
//
// # Accuracy of Exp
//
// Exp(x) is computed as 2^k·2^(j/16)·e^r with 16k + j = kk = round(16x/ln 2)
// (a fused multiply-add with 1.5·2^52 rounds and leaves kk in the low bits),
// r = x − kk·ln2/16 in two fused steps (Cody–Waite, |r| ≤ ln2/32),
// e^r − 1 = r·P(r) with P the degree-6 Taylor polynomial of (e^r − 1)/r
// (truncation below 2^−59) by Horner with fused multiply-adds, 2^(j/16)
// from a 16-entry table in two parts (high + low, 107 bits), combined as
// T_hi + (T_hi·(e^r − 1) + T_lo), and 2^k applied with one rounding
// (VSCALEFPD; two exact-then-rounded products elsewhere) so that the
// subnormal range rounds once. Its error against the correctly rounded
// e^x is at most 1 ulp (the tests check ≤ 1 ulp against 256-bit arithmetic
// over random arguments in [−745, 709.8], a sweep of the whole range and
// the edges). e^x overflows to +Inf above ln(MaxFloat64) ≈ 709.78 and
// underflows to 0 below −745.13. (Go's math.Exp is no reference near the
// top: its amd64 assembly returns +Inf from about 709.09 on.) The AVX-512
// variant reads the table with VPERMI2PD, the AVX2 one with VGATHERQPD.
//
// Measured on the development machine (AMD EPYC "Turin", one core): 0.34 ns
// per exponential for AVX-512, 1.3 ns for AVX2 (its table lookups are
// gathers), 6 ns for the portable code, against 6.2 ns for math.Exp
// (benches: BenchmarkExp; docs/performance.md).
//
// # Preconditions
//
// Kernels are building blocks for code that has already validated its
// input: a slice shorter than the stated shape is a programming error and
// panics (as an index out of range would), it is never read or written out
// of bounds. That is why the package is internal: the module's public
// functions (numerics, reference/…) validate user data and return errors,
// then call the kernels with consistent shapes. Values are not checked: NaN and ±Inf propagate as documented
// per function.
//
// # Parallelism
//
// The *Par functions split rows (or column strips) into blocks that up to
// the given number of goroutines take from a shared counter (a slowed
// worker takes fewer); each output entry is computed by the same
// sequential code whatever the split, so results do not depend on the
// number of cores or on the scheduling.
package kernel
