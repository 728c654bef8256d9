//go:build goexperiment.simd && amd64 && !noasm

package benches

import (
	"fmt"
	"testing"

	"github.com/otverify/otverify/internal/kernel"
)

// BenchmarkExpSIMD: the exponential written with simd/archsimd against the
// same algorithm in assembly (GOEXPERIMENT=simd go test -bench ExpSIMD).
func BenchmarkExpSIMD(b *testing.B) {
	const n = 4096
	x := randVec(3, n, -50, 50)
	dst := make([]float64, n)
	b.Run(fmt.Sprintf("impl=archsimd/n=%d", n), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			kernel.ExpSIMD(dst, x)
		}
		perSec(b, n, 1e9, "Gexp/s")
	})
	b.Run(fmt.Sprintf("impl=avx512/n=%d", n), func(b *testing.B) {
		withVariant(b, "avx512", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				kernel.Exp(dst, x)
			}
			perSec(b, n, 1e9, "Gexp/s")
		})
	})
}
