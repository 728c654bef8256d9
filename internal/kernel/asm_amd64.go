//go:build !noasm && gc

package kernel

// asmAvailable reports whether the assembly variants are compiled in.
const asmAvailable = true

// The assembly variants, in *_amd64.s. Each computes exactly what its
// ...Generic twin in generic.go computes, on whole groups of eight
// elements (len(x) is a multiple of 8; the callers in kernel.go pass
// slices of consistent lengths and finish the tail); reductions update the
// eight lanes passed in (lane k holds the elements j ≡ k mod 8), which the
// caller reduces. colStrip handles one strip of exactly 8 columns and
// writes the lanes of the maximum and of the sum to out[0:8] and out[8:16];
// relax updates lanes[0:8] (best d), lanes[8:16] (its busy flag) and
// lanes[16:24] (its index, −1 if none), and the AVX-512 variant a second
// such set in lanes[24:48].

//go:noescape
func expAVX2(dst, x []float64)

//go:noescape
func expAVX512(dst, x []float64)

//go:noescape
func maxAVX2(lanes *[8]float64, x []float64)

//go:noescape
func maxAVX512(lanes *[8]float64, x []float64)

//go:noescape
func maxAffineAVX2(lanes *[8]float64, v, c []float64, s float64)

//go:noescape
func maxAffineAVX512(lanes *[8]float64, v, c []float64, s float64)

//go:noescape
func sumExpAffineAVX2(lanes *[8]float64, v, c []float64, s, m float64)

//go:noescape
func sumExpAffineAVX512(lanes *[8]float64, v, c []float64, s, m float64)

//go:noescape
func sumExpShiftAVX2(lanes *[8]float64, x []float64, m float64)

//go:noescape
func sumExpShiftAVX512(lanes *[8]float64, x []float64, m float64)

//go:noescape
func expShiftSumAVX2(lanes *[8]float64, dst, x []float64, m float64)

//go:noescape
func expShiftSumAVX512(lanes *[8]float64, dst, x []float64, m float64)

//go:noescape
func scalAVX2(a float64, x []float64)

//go:noescape
func scalAVX512(a float64, x []float64)

//go:noescape
func colStripAVX2(out *[16]float64, c []float64, ldc int, u []float64, s float64, hinted int)

//go:noescape
func colStripAVX512(out *[16]float64, c []float64, ldc int, u []float64, s float64, hinted int)

//go:noescape
func sqDistRowAVX2(dst, x, yT []float64, ldy int)

//go:noescape
func sqDistRowAVX512(dst, x, yT []float64, ldy int)

//go:noescape
func relaxAVX2(lanes *[48]float64, d []float64, pred []int32, row, v, busy []float64, h float64, i int32)

//go:noescape
func relaxAVX512(lanes *[48]float64, d []float64, pred []int32, row, v, busy []float64, h float64, i int32)

//go:noescape
func rowLSEAVX2(out []float64, c []float64, ldc int, v []float64, s float64, hint []float64)

//go:noescape
func rowLSEAVX512(out []float64, c []float64, ldc int, v []float64, s float64, hint []float64)

//go:noescape
func peakAVX2(n int)

//go:noescape
func peakAVX512(n int)

//go:noescape
func dotRowsAVX2(lanes []float64, a []float64, lda int, x []float64)

//go:noescape
func dotRowsAVX512(lanes []float64, a []float64, lda int, x []float64)

//go:noescape
func axpyRowsAVX2(dst []float64, a []float64, lda int, x []float64)

//go:noescape
func axpyRowsAVX512(dst []float64, a []float64, lda int, x []float64)

//go:noescape
func gibbsAVX2(dst []float64, c []float64, ld int, u, v []float64, s float64)

//go:noescape
func gibbsAVX512(dst []float64, c []float64, ld int, u, v []float64, s float64)
