//go:build !amd64 || noasm || !gc

package kernel

// asmAvailable reports whether the assembly variants are compiled in.
const asmAvailable = false

// Stand-ins for the assembly variants, never called (detect returns the
// generic level).

func expAVX2(dst, x []float64)                                         { panic("kernel: no assembly") }
func expAVX512(dst, x []float64)                                       { panic("kernel: no assembly") }
func maxAVX2(lanes *[8]float64, x []float64)                           { panic("kernel: no assembly") }
func maxAVX512(lanes *[8]float64, x []float64)                         { panic("kernel: no assembly") }
func maxAffineAVX2(lanes *[8]float64, v, c []float64, s float64)       { panic("kernel: no assembly") }
func maxAffineAVX512(lanes *[8]float64, v, c []float64, s float64)     { panic("kernel: no assembly") }
func sumExpAffineAVX2(lanes *[8]float64, v, c []float64, s, m float64) { panic("kernel: no assembly") }
func sumExpAffineAVX512(lanes *[8]float64, v, c []float64, s, m float64) {
	panic("kernel: no assembly")
}
func sumExpShiftAVX2(lanes *[8]float64, x []float64, m float64)        { panic("kernel: no assembly") }
func sumExpShiftAVX512(lanes *[8]float64, x []float64, m float64)      { panic("kernel: no assembly") }
func expShiftSumAVX2(lanes *[8]float64, dst, x []float64, m float64)   { panic("kernel: no assembly") }
func expShiftSumAVX512(lanes *[8]float64, dst, x []float64, m float64) { panic("kernel: no assembly") }
func scalAVX2(a float64, x []float64)                                  { panic("kernel: no assembly") }
func scalAVX512(a float64, x []float64)                                { panic("kernel: no assembly") }
func colStripAVX2(out *[16]float64, c []float64, ldc int, u []float64, s float64, hinted int) {
	panic("kernel: no assembly")
}
func colStripAVX512(out *[16]float64, c []float64, ldc int, u []float64, s float64, hinted int) {
	panic("kernel: no assembly")
}
func sqDistRowAVX2(dst, x, yT []float64, ldy int)   { panic("kernel: no assembly") }
func sqDistRowAVX512(dst, x, yT []float64, ldy int) { panic("kernel: no assembly") }
func relaxAVX2(lanes *[48]float64, d []float64, pred []int32, row, v, busy []float64, h float64, i int32) {
	panic("kernel: no assembly")
}
func relaxAVX512(lanes *[48]float64, d []float64, pred []int32, row, v, busy []float64, h float64, i int32) {
	panic("kernel: no assembly")
}
func rowLSEAVX2(out []float64, c []float64, ldc int, v []float64, s float64, hint []float64) {
	panic("kernel: no assembly")
}
func rowLSEAVX512(out []float64, c []float64, ldc int, v []float64, s float64, hint []float64) {
	panic("kernel: no assembly")
}
func peakAVX2(n int)                                                   { panic("kernel: no assembly") }
func peakAVX512(n int)                                                 { panic("kernel: no assembly") }
func dotRowsAVX2(lanes []float64, a []float64, lda int, x []float64)   { panic("kernel: no assembly") }
func dotRowsAVX512(lanes []float64, a []float64, lda int, x []float64) { panic("kernel: no assembly") }
func axpyRowsAVX2(dst []float64, a []float64, lda int, x []float64)    { panic("kernel: no assembly") }
func axpyRowsAVX512(dst []float64, a []float64, lda int, x []float64)  { panic("kernel: no assembly") }
func gibbsAVX2(dst []float64, c []float64, ld int, u, v []float64, s float64) {
	panic("kernel: no assembly")
}
func gibbsAVX512(dst []float64, c []float64, ld int, u, v []float64, s float64) {
	panic("kernel: no assembly")
}
