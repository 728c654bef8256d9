package autoreg

import (
	"math"
	"math/cmplx"

	"github.com/otverify/otverify/numerics"
)

// Haar2 returns the 2-point Haar coordinates of a 2-pixel patch ([P] §
// Frequency Space): y_low = (x1 + x2)/√2 (shared brightness), y_high =
// (x1 − x2)/√2 (signed contrast). (0.6, 0.6) ↦ (0.8485…, 0). Orthonormal:
// y_low² + y_high² = x1² + x2² up to rounding.
func Haar2(x1, x2 float64) (lo, hi float64) {
	return (x1 + x2) / math.Sqrt2, (x1 - x2) / math.Sqrt2
}

// InverseHaar2 inverts Haar2: x1 = (lo + hi)/√2, x2 = (lo − hi)/√2.
func InverseHaar2(lo, hi float64) (x1, x2 float64) {
	return (lo + hi) / math.Sqrt2, (lo - hi) / math.Sqrt2
}

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
	return y, nil
}

// InverseHaar inverts Haar with the same number of levels.
// Preconditions and accuracy: as Haar.
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
	return x, nil
}

// MaxDFT bounds the length accepted by DFT (the direct method is O(N²)).
const MaxDFT = 1 << 14

// DFT returns the orthonormal discrete Fourier transform
// X_k = N^{-1/2} Σ_n x_n e^{−2πi kn/N}, k = 0, …, N−1 ([P] § Practical
// Fourier View), by direct summation with exactly reduced twiddle angles
// (kn mod N). It is unitary: Σ|X_k|² = Σ|x_n|² (Parseval).
// Preconditions (else ErrInvalid): 1 ≤ N ≤ MaxDFT, entries finite.
// Accuracy: ≈ N·eps·‖x‖ per coefficient.
func DFT(x []complex128) ([]complex128, error) { return dft(x, -1) }

// InverseDFT returns x_n = N^{-1/2} Σ_k X_k e^{+2πi kn/N}, the inverse of DFT.
// Preconditions and accuracy: as DFT.
func InverseDFT(X []complex128) ([]complex128, error) { return dft(X, 1) }

func dft(x []complex128, sign float64) ([]complex128, error) {
	N := len(x)
	if N < 1 || N > MaxDFT {
		return nil, numerics.Invalidf("autoreg: DFT length %d, want in [1, %d]", N, MaxDFT)
	}
	for i, v := range x {
		if cmplx.IsNaN(v) || cmplx.IsInf(v) {
			return nil, numerics.Invalidf("autoreg: DFT input %d is not finite", i)
		}
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
// Preconditions (else ErrInvalid): x as DFT, cutoff ≥ 0.
// Accuracy: ≈ 2N·eps·‖x‖ per entry.
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
