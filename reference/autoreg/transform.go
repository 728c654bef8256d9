package autoreg

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"

	"github.com/otverify/otverify/numerics"
)

// Haar2 returns the 2-point Haar coordinates of a 2-pixel patch ([P] §
// Frequency Space): y_low = (x1 + x2)/√2 (shared brightness), y_high =
// (x1 − x2)/√2 (signed contrast). (0.6, 0.6) ↦ (0.8485…, 0). Orthonormal:
// y_low² + y_high² = x1² + x2² up to rounding. Edge case: where x1 ± x2
// overflows although its quotient by √2 fits (entries near MaxFloat64) it is
// formed as x1/√2 ± x2/√2 (one more rounding); a coordinate that does not
// fit float64 (|x1 ± x2|/√2 > MaxFloat64) is ±Inf (Haar reports it as an
// error).
func Haar2(x1, x2 float64) (lo, hi float64) {
	return sumOverSqrt2(x1, x2), sumOverSqrt2(x1, -x2)
}

// sumOverSqrt2 returns (a + b)/√2, dividing before summing when a + b
// overflows.
func sumOverSqrt2(a, b float64) float64 {
	if s := a + b; !math.IsInf(s, 0) {
		return s / math.Sqrt2
	}
	return a/math.Sqrt2 + b/math.Sqrt2
}

// InverseHaar2 inverts Haar2: x1 = (lo + hi)/√2, x2 = (lo − hi)/√2, with
// the same edge cases.
func InverseHaar2(lo, hi float64) (x1, x2 float64) {
	return sumOverSqrt2(lo, hi), sumOverSqrt2(lo, -hi)
}

// ErrOverflow is wrapped by the errors of valid inputs whose result does not
// fit float64 (a Haar coefficient beyond MaxFloat64). It does not wrap
// numerics.ErrInvalid.
var ErrOverflow = errors.New("autoreg: result overflows float64")

func checkHaar(x []float64, levels int) error {
	if levels < 1 || levels > 30 || len(x) == 0 || len(x)%(1<<levels) != 0 {
		return numerics.Invalidf("autoreg: Haar needs levels in [1, 30] and a length divisible by 2^levels (len %d, levels %d)", len(x), levels)
	}
	if !numerics.AllFinite(x) {
		return numerics.Invalidf("autoreg: Haar input is not finite")
	}
	return nil
}

// Haar returns the multilevel orthonormal Haar transform of x with the
// given number of levels (coarse-to-fine coordinates, [P] § Practical
// Wavelet View): level 1 maps x to [a | d], a_k = (x_{2k} + x_{2k+1})/√2,
// d_k = (x_{2k} − x_{2k+1})/√2; each further level transforms the current
// approximation a in place. The output is [a_L | d_L | d_{L−1} | … | d_1]
// (coarsest approximation first). It is an orthogonal linear map.
// Preconditions (else ErrInvalid): x finite, 1 ≤ levels ≤ 30, len(x)
// divisible by 2^levels. Accuracy: each output within ≈ 2·levels·eps·‖x‖.
// Sums that overflow are formed after the division by √2 (see Haar2), so
// Haar answers whenever every coefficient fits float64; a coefficient that
// does not (|Σ x_i|/2^{L/2} > MaxFloat64, entries near MaxFloat64 of equal
// sign) returns an error wrapping ErrOverflow.
func Haar(x []float64, levels int) ([]float64, error) {
	if err := checkHaar(x, levels); err != nil {
		return nil, err
	}
	y := append([]float64(nil), x...)
	tmp := make([]float64, len(x))
	n := len(x)
	for l := 0; l < levels; l++ {
		h := n / 2
		for k := 0; k < h; k++ {
			tmp[k], tmp[h+k] = Haar2(y[2*k], y[2*k+1])
		}
		copy(y[:n], tmp[:n])
		n = h
	}
	if !numerics.AllFinite(y) {
		return nil, fmt.Errorf("%w: Haar coefficient of x", ErrOverflow)
	}
	return y, nil
}

// InverseHaar inverts Haar with the same number of levels.
// Preconditions, accuracy and edge cases: as Haar (ErrOverflow for an
// output that does not fit float64).
func InverseHaar(y []float64, levels int) ([]float64, error) {
	if err := checkHaar(y, levels); err != nil {
		return nil, err
	}
	x := append([]float64(nil), y...)
	tmp := make([]float64, len(y))
	n := len(y) >> (levels - 1)
	for l := 0; l < levels; l++ {
		h := n / 2
		for k := 0; k < h; k++ {
			tmp[2*k], tmp[2*k+1] = InverseHaar2(x[k], x[h+k])
		}
		copy(x[:n], tmp[:n])
		n *= 2
	}
	if !numerics.AllFinite(x) {
		return nil, fmt.Errorf("%w: inverse Haar output", ErrOverflow)
	}
	return x, nil
}

// MaxDFT bounds the length accepted by DFT (the direct method is O(N²)).
const MaxDFT = 1 << 14

// DFT returns the orthonormal discrete Fourier transform
// X_k = N^{-1/2} Σ_n x_n e^{−2πi kn/N}, k = 0, …, N−1 ([P] § Practical
// Fourier View), by direct summation with exactly reduced twiddle angles
// (kn mod N). It is unitary: Σ|X_k|² = Σ|x_n|² (Parseval).
// Preconditions (else ErrInvalid): 1 ≤ N ≤ MaxDFT, entries finite.
// Accuracy: ≈ N·eps·‖x‖ per coefficient. Input with entries above 1 in
// magnitude is scaled by an exact power of two 2^{−e} (largest entry at
// most 1) before summing and the result by 2^e after, so partial sums
// cannot overflow; a coefficient that does not fit float64 (entries near
// MaxFloat64 adding up) returns an error wrapping ErrOverflow, never ±Inf
// or NaN.
func DFT(x []complex128) ([]complex128, error) { return dft(x, -1) }

// InverseDFT returns x_n = N^{-1/2} Σ_k X_k e^{+2πi kn/N}, the inverse of DFT.
// Preconditions, accuracy and edge cases: as DFT.
func InverseDFT(X []complex128) ([]complex128, error) { return dft(X, 1) }

func dft(x []complex128, sign float64) ([]complex128, error) {
	N := len(x)
	if N < 1 || N > MaxDFT {
		return nil, numerics.Invalidf("autoreg: DFT length %d, want in [1, %d]", N, MaxDFT)
	}
	big := 0.0
	for i, v := range x {
		if cmplx.IsNaN(v) || cmplx.IsInf(v) {
			return nil, numerics.Invalidf("autoreg: DFT input %d is not finite", i)
		}
		big = math.Max(big, math.Max(math.Abs(real(v)), math.Abs(imag(v))))
	}
	// Exact power-of-two prescaling: with every |x_n| ≤ 1 no partial sum
	// exceeds N ≤ MaxDFT. Inputs already ≤ 1 are left as they are (e = 0).
	e := 0
	if big > 1 {
		_, e = math.Frexp(big)
		sc := make([]complex128, N)
		for i, v := range x {
			sc[i] = complex(math.Ldexp(real(v), -e), math.Ldexp(imag(v), -e))
		}
		x = sc
	}
	tw := make([]complex128, N)
	for m := range tw {
		s, c := math.Sincos(2 * math.Pi * float64(m) / float64(N))
		tw[m] = complex(c, sign*s)
	}
	out := make([]complex128, N)
	scale := 1 / math.Sqrt(float64(N))
	for k := 0; k < N; k++ {
		var s complex128
		for n, v := range x {
			s += v * tw[(k*n)%N]
		}
		out[k] = s * complex(scale, 0)
		if e != 0 {
			out[k] = complex(math.Ldexp(real(out[k]), e), math.Ldexp(imag(out[k]), e))
			if cmplx.IsInf(out[k]) || cmplx.IsNaN(out[k]) {
				return nil, fmt.Errorf("%w: DFT coefficient %d", ErrOverflow, k)
			}
		}
	}
	return out, nil
}

func realToComplex(x []float64) []complex128 {
	z := make([]complex128, len(x))
	for i, v := range x {
		z[i] = complex(v, 0)
	}
	return z
}

// Frequency returns the signed frequency of DFT index k for length N: k for
// k ≤ N/2, k − N above (so index k and N − k carry ±f).
func Frequency(k, N int) int {
	if k <= N/2 {
		return k
	}
	return k - N
}

// LowPass returns the real signal keeping the DFT coefficients of
// frequency |f| ≤ cutoff (Frequency) and zeroing the others: a
// conjugate-symmetric mask, so the result is real; LowPass + HighPass = x
// ([P] § Practical Fourier View: low-pass and high-pass reconstructions).
// Preconditions (else ErrInvalid): x as DFT, cutoff ≥ 0. Accuracy: ≈
// 2N·eps·‖x‖ per entry; ErrOverflow as DFT (entries near MaxFloat64).
func LowPass(x []float64, cutoff int) ([]float64, error) { return pass(x, cutoff, true) }

// HighPass returns the real signal made of the DFT coefficients of
// frequency |f| > cutoff; x = LowPass(x, c) + HighPass(x, c).
// Preconditions and accuracy: as LowPass.
func HighPass(x []float64, cutoff int) ([]float64, error) { return pass(x, cutoff, false) }

func pass(x []float64, cutoff int, low bool) ([]float64, error) {
	if cutoff < 0 {
		return nil, numerics.Invalidf("autoreg: cutoff %d < 0", cutoff)
	}
	X, err := DFT(realToComplex(x))
	if err != nil {
		return nil, err
	}
	N := len(x)
	for k := range X {
		f := Frequency(k, N)
		if f < 0 {
			f = -f
		}
		// For even N the Nyquist index N/2 is its own mirror: kept or
		// dropped as one coefficient, so the mask stays symmetric.
		if (f <= cutoff) != low {
			X[k] = 0
		}
	}
	y, err := InverseDFT(X)
	if err != nil {
		return nil, err
	}
	out := make([]float64, N)
	for i, v := range y {
		out[i] = real(v)
	}
	return out, nil
}
