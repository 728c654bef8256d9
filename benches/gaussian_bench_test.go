package benches

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/gaussian"
	"gonum.org/v1/gonum/mat"
)

// gaussianPair returns two random SPD d×d covariances with condition number
// 100 and independent Haar eigenbases (non-commuting), from a fixed seed.
func gaussianPair(b *testing.B, d int) (*mat.SymDense, *mat.SymDense) {
	b.Helper()
	r := rand.New(rand.NewPCG(2026, uint64(d)))
	S0, err := numerics.RandomSPD(d, r, 100)
	if err != nil {
		b.Fatal(err)
	}
	S1, err := numerics.RandomSPD(d, r, 100)
	if err != nil {
		b.Fatal(err)
	}
	return S0, S1
}

var gaussianDims = []int{2, 16, 64, 256}

// BenchmarkBures: the squared Bures distance (two symmetric square roots
// and the singular values of their product).
func BenchmarkBures(b *testing.B) {
	for _, d := range gaussianDims {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			S0, S1 := gaussianPair(b, d)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := gaussian.BuresSq(S0, S1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBrenierMap: the Brenier map between N(0, S0) and N(0, S1).
func BenchmarkBrenierMap(b *testing.B) {
	for _, d := range gaussianDims {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			S0, S1 := gaussianPair(b, d)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := gaussian.BrenierMap(S0, S1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBuresNaive is the baseline of BenchmarkBures: the textbook
// formula tr S0 + tr S1 − 2 Σ sqrt(eig(S0^{1/2} S1 S0^{1/2})), which forms
// the sandwich product and takes square roots of its eigenvalues (less
// accurate at singular matrices; see gaussian.CrossTrace).
func BenchmarkBuresNaive(b *testing.B) {
	for _, d := range gaussianDims {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			S0, S1 := gaussianPair(b, d)
			b.ReportAllocs()
			for b.Loop() {
				R0, err := numerics.SymSqrt(S0)
				if err != nil {
					b.Fatal(err)
				}
				var P mat.Dense
				P.Product(R0, S1, R0)
				M, err := numerics.SymFromMatrix(&P)
				if err != nil {
					b.Fatal(err)
				}
				var eig mat.EigenSym
				if !eig.Factorize(M, false) {
					b.Fatal("eigen failed")
				}
			}
		})
	}
}
