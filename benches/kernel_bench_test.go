package benches

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/otverify/otverify/internal/kernel"
)

// Benchmarks of internal/kernel, one per kernel, size and instruction-set
// variant (sub-benchmark key variant=generic|avx2|avx512, every variant the
// machine supports), with a naive Go baseline in the same table where one
// exists (impl=math: the scalar loop over math.Exp that the kernels
// replace). Custom metrics: GB/s of matrix data streamed, Gexp/s
// (exponentials per second) and iter/s for whole Sinkhorn iterations.

// withVariant runs b under the named kernel variant.
func withVariant(b *testing.B, name string, f func(b *testing.B)) {
	restore, err := kernel.SetVariant(name)
	if err != nil {
		b.Skip(err)
	}
	defer restore()
	f(b)
}

func randVec(seed uint64, n int, lo, hi float64) []float64 {
	r := rand.New(rand.NewPCG(seed, uint64(n)))
	x := make([]float64, n)
	for i := range x {
		x[i] = lo + (hi-lo)*r.Float64()
	}
	return x
}

// sqCost returns the n×n squared Euclidean cost between n random points of
// the unit square and n others (the instances of the Sinkhorn benchmarks
// and of benches/peers).
func sqCost(n int) []float64 {
	x := randVec(1, 2*n, 0, 1)
	y := randVec(2, 2*n, 0, 1)
	C := make([]float64, n*n)
	kernel.SqDist(C, x, y, 2)
	return C
}

// perSec reports a custom rate metric: count per op divided by the time
// per op, scaled by unit (1e9 for G…/s).
func perSec(b *testing.B, count, unit float64, name string) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(count*float64(b.N)/s/unit, name)
	}
}

func BenchmarkExp(b *testing.B) {
	const n = 4096
	x := randVec(3, n, -50, 50)
	dst := make([]float64, n)
	b.Run(fmt.Sprintf("impl=math/n=%d", n), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i, v := range x {
				dst[i] = math.Exp(v)
			}
		}
		perSec(b, n, 1e9, "Gexp/s")
	})
	for _, v := range kernel.Variants() {
		b.Run(fmt.Sprintf("impl=%s/n=%d", v, n), func(b *testing.B) {
			withVariant(b, v, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					kernel.Exp(dst, x)
				}
				perSec(b, n, 1e9, "Gexp/s")
			})
		})
	}
}

// lseInstance is the row/column log-sum-exp of a Sinkhorn iteration at
// n = m and eps = 0.01 on the unit square.
func lseInstance(n int) (C, u []float64, s float64) {
	return sqCost(n), randVec(4, n, -1, 1), 1 / 0.01
}

func BenchmarkLSERows(b *testing.B) {
	for _, n := range []int{500, 2000} {
		C, v, s := lseInstance(n)
		dst := make([]float64, n)
		b.Run(fmt.Sprintf("impl=math/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				naiveRowLSE(dst, C, v, s)
			}
			perSec(b, float64(8*n*n), 1e9, "GB/s")
			perSec(b, float64(n*n), 1e9, "Gexp/s")
		})
		for _, vr := range kernel.Variants() {
			b.Run(fmt.Sprintf("impl=%s/n=%d", vr, n), func(b *testing.B) {
				withVariant(b, vr, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						kernel.RowLSE(dst, C, v, s)
					}
					perSec(b, float64(8*n*n), 1e9, "GB/s")
					perSec(b, float64(n*n), 1e9, "Gexp/s")
				})
			})
		}
	}
}

func BenchmarkLSECols(b *testing.B) {
	for _, n := range []int{500, 2000} {
		C, u, s := lseInstance(n)
		dst := make([]float64, n)
		b.Run(fmt.Sprintf("impl=math/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				naiveColLSE(dst, C, u, s)
			}
			perSec(b, float64(8*n*n), 1e9, "GB/s")
			perSec(b, float64(n*n), 1e9, "Gexp/s")
		})
		for _, vr := range kernel.Variants() {
			b.Run(fmt.Sprintf("impl=%s/n=%d", vr, n), func(b *testing.B) {
				withVariant(b, vr, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						kernel.ColLSE(dst, C, u, s)
					}
					perSec(b, float64(8*n*n), 1e9, "GB/s")
					perSec(b, float64(n*n), 1e9, "Gexp/s")
				})
			})
		}
	}
}

// naiveRowLSE is the scalar two-pass row log-sum-exp with math.Exp (what
// reference/entropic's row pass does).
func naiveRowLSE(dst, C, v []float64, s float64) {
	m := len(v)
	for i := range dst {
		row := C[i*m : (i+1)*m]
		mx := math.Inf(-1)
		for j, c := range row {
			mx = max(mx, v[j]-s*c)
		}
		acc := 0.0
		for j, c := range row {
			acc += math.Exp(v[j] - s*c - mx)
		}
		dst[i] = mx + math.Log(acc)
	}
}

// naiveColLSE is the scalar column log-sum-exp in tiles of 32 columns.
func naiveColLSE(dst, C, u []float64, s float64) {
	m := len(dst)
	var mx, acc [32]float64
	for j0 := 0; j0 < m; j0 += 32 {
		w := min(32, m-j0)
		for k := range w {
			mx[k], acc[k] = math.Inf(-1), 0
		}
		for i, ui := range u {
			row := C[i*m+j0 : i*m+j0+w]
			for k, c := range row {
				mx[k] = max(mx[k], ui-s*c)
			}
		}
		for i, ui := range u {
			row := C[i*m+j0 : i*m+j0+w]
			for k, c := range row {
				acc[k] += math.Exp(ui - s*c - mx[k])
			}
		}
		for k := range w {
			dst[j0+k] = mx[k] + math.Log(acc[k])
		}
	}
}

// sinkhornState is one log-domain Sinkhorn iteration on uniform weights:
// g_j = −ε·LSE_i((f_i − C_ij)/ε) + ε log b... written with the scaled
// potentials fa = f/ε + log a, gb = g/ε + log b that the kernels take.
type sinkhornState struct {
	n        int
	C, K     []float64
	fa, gb   []float64
	r        []float64
	rr, c    []float64 // row and column log-sum-exps (hints), or products
	u, v     []float64 // scalings of the kernel-domain iteration
	inv, lgw float64
}

func newSinkhorn(n int, eps float64) *sinkhornState {
	st := &sinkhornState{n: n, C: sqCost(n), fa: make([]float64, n), gb: make([]float64, n),
		r: make([]float64, n), rr: make([]float64, n), c: make([]float64, n),
		inv: 1 / eps, lgw: -math.Log(float64(n))}
	for i := range st.fa {
		st.fa[i], st.gb[i] = st.lgw, st.lgw
	}
	return st
}

// iterate does one full iteration (column update, then row update) with
// the kernels on up to workers goroutines.
func (st *sinkhornState) iterate(workers int) {
	kernel.ColLSEPar(st.c, st.C, st.fa, st.inv, workers)
	for j, c := range st.c { // g_j/ε = −c_j; gb = g/ε + log b
		st.gb[j] = -c + st.lgw
	}
	kernel.RowLSEPar(st.rr, st.C, st.gb, st.inv, workers)
	for i, r := range st.rr {
		st.fa[i] = -r + st.lgw
	}
}

// iterateHinted is iterate with each log-sum-exp shifted by its previous
// value (st.r holds the last row values, st.c the column ones).
func (st *sinkhornState) iterateHinted(workers int) {
	kernel.ColLSEHintPar(st.c, st.C, st.fa, st.inv, st.c, workers)
	for j, c := range st.c {
		st.gb[j] = -c + st.lgw
	}
	kernel.RowLSEHintPar(st.rr, st.C, st.gb, st.inv, st.rr, workers)
	for i, r := range st.rr {
		st.fa[i] = -r + st.lgw
	}
}

// gibbs stores the Gibbs kernel K_ij = exp(fa_i + gb_j − C_ij/ε) of the
// current potentials, with unit scalings.
func (st *sinkhornState) gibbs(workers int) {
	st.K = make([]float64, st.n*st.n)
	kernel.GibbsPar(st.K, st.C, st.fa, st.gb, st.inv, workers)
	st.u, st.v = make([]float64, st.n), make([]float64, st.n)
	for i := range st.u {
		st.u[i], st.v[i] = 1, 1
	}
}

// iterateKernel is one kernel-domain iteration on the stored kernel:
// v = b/(Kᵀu), u = a/(K v) (uniform a = b = 1/n).
func (st *sinkhornState) iterateKernel(workers int) {
	w := 1 / float64(st.n)
	kernel.MatTVecPar(st.c, st.K, st.u, workers)
	for j, c := range st.c {
		st.v[j] = w / c
	}
	kernel.MatVecPar(st.rr, st.K, st.v, workers)
	for i, r := range st.rr {
		st.u[i] = w / r
	}
}

// iterateNaive is the same iteration with the scalar math.Exp loops, rows
// and column tiles split over the same goroutines.
func (st *sinkhornState) iterateNaive(workers int) {
	n := st.n
	split(n/32, workers, func(lo, hi int) {
		hi = min(n, 32*hi)
		if lo == n/32-1 || hi == 32*(n/32) {
			hi = n
		}
		naiveColLSE(st.r[32*lo:hi], st.C[32*lo:], st.fa, st.inv)
	})
	for j, r := range st.r {
		st.gb[j] = -r + st.lgw
	}
	split(n, workers, func(lo, hi int) { naiveRowLSE(st.r[lo:hi], st.C[lo*n:], st.gb, st.inv) })
	for i, r := range st.r {
		st.fa[i] = -r + st.lgw
	}
}

func split(n, workers int, fn func(lo, hi int)) {
	done := make(chan struct{}, workers)
	chunk := (n + workers - 1) / workers
	k := 0
	for lo := 0; lo < n; lo += chunk {
		k++
		go func(lo int) { fn(lo, min(n, lo+chunk)); done <- struct{}{} }(lo)
	}
	for range k {
		<-done
	}
}

// BenchmarkSinkhornStep: one Sinkhorn iteration at eps = 0.01 between
// uniform measures on n points of the unit square, with all cores:
// impl=kernel the log-domain iteration (a column and a row log-sum-exp,
// 2n² exponentials, C streamed twice), impl=hinted the same with each
// log-sum-exp shifted by its previous value (one pass each), impl=math
// the log-domain iteration with scalar math.Exp loops split the same way,
// impl=stabilised the kernel-domain iteration on the stored Gibbs kernel
// (two matrix–vector products; benches/peers/runner/sinkhorn.go adds the
// absorption that keeps it finite).
func BenchmarkSinkhornStep(b *testing.B) {
	workers := runtime.GOMAXPROCS(0)
	for _, n := range []int{1000, 2000, 4000} {
		for _, impl := range []string{"math", "kernel", "hinted", "stabilised"} {
			if impl == "math" && n > 2000 {
				continue
			}
			b.Run(fmt.Sprintf("impl=%s/n=%d/eps=0.01", impl, n), func(b *testing.B) {
				st := newSinkhorn(n, 0.01)
				if impl == "hinted" || impl == "stabilised" {
					st.iterate(workers)
				}
				if impl == "stabilised" {
					st.gibbs(workers)
				}
				b.ReportAllocs()
				for b.Loop() {
					switch impl {
					case "kernel":
						st.iterate(workers)
					case "hinted":
						st.iterateHinted(workers)
					case "stabilised":
						st.iterateKernel(workers)
					default:
						st.iterateNaive(workers)
					}
				}
				perSec(b, 1, 1, "iter/s")
				perSec(b, float64(16*n*n), 1e9, "GB/s")
			})
		}
	}
}

func BenchmarkSqDist(b *testing.B) {
	for _, d := range []int{2, 16} {
		n := 2000
		x := randVec(5, n*d, 0, 1)
		y := randVec(6, n*d, 0, 1)
		C := make([]float64, n*n)
		for _, vr := range kernel.Variants() {
			b.Run(fmt.Sprintf("impl=%s/n=%d/d=%d", vr, n, d), func(b *testing.B) {
				withVariant(b, vr, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						kernel.SqDist(C, x, y, d)
					}
					perSec(b, float64(8*n*n), 1e9, "GB/s")
					perSec(b, float64(3*d*n*n), 1e9, "GFLOP/s")
				})
			})
		}
	}
}

func BenchmarkSoftmaxRows(b *testing.B) {
	n, m := 1000, 1000
	x := randVec(7, n*m, -30, 30)
	dst := make([]float64, n*m)
	for _, vr := range kernel.Variants() {
		b.Run(fmt.Sprintf("impl=%s/n=%d/m=%d", vr, n, m), func(b *testing.B) {
			withVariant(b, vr, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					kernel.SoftmaxRows(dst, x, m)
				}
				perSec(b, float64(16*n*m), 1e9, "GB/s")
			})
		})
	}
}

// BenchmarkArgsort: the stable order of n normal samples, by the radix
// Argsort kernel and by slices.SortFunc on (value, index) pairs (what a
// comparison sort of a quantile function does).
func BenchmarkArgsort(b *testing.B) {
	for _, n := range []int{100000, 1000000} {
		x := randVec(8, n, -1, 1)
		perm := make([]int, n)
		b.Run(fmt.Sprintf("impl=radix/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				kernel.Argsort(perm, x)
			}
			perSec(b, float64(n), 1e6, "Melem/s")
		})
		b.Run(fmt.Sprintf("impl=pdqsort/n=%d", n), func(b *testing.B) {
			type vi struct {
				x float64
				i int
			}
			p := make([]vi, n)
			b.ReportAllocs()
			for b.Loop() {
				for i, v := range x {
					p[i] = vi{v, i}
				}
				slices.SortFunc(p, func(a, b vi) int {
					switch {
					case a.x < b.x:
						return -1
					case a.x > b.x:
						return 1
					}
					return a.i - b.i
				})
			}
			perSec(b, float64(n), 1e6, "Melem/s")
		})
	}
}

// BenchmarkRoofline measures the roofs that the kernels are held against
// (docs/performance.md): op=fma the FLOP rate of independent fused
// multiply-adds in registers (kernel.PeakFMA) per variant on one core;
// op=read the bandwidth of a streaming read of 256 MiB (kernel.Max) on 1
// and on all cores; op=rw that of an in-place scaling (read and write).
func BenchmarkRoofline(b *testing.B) {
	for _, v := range kernel.Variants() {
		b.Run("op=fma/impl="+v, func(b *testing.B) {
			withVariant(b, v, func(b *testing.B) {
				b.ReportAllocs()
				flops := 0.0
				for b.Loop() {
					flops = kernel.PeakFMA(1 << 20)
				}
				perSec(b, flops, 1e9, "GFLOP/s")
			})
		})
	}
	const n = 1 << 25
	x := randVec(9, n, 0, 1)
	for _, w := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("op=read/workers=%d", w), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				split(n, w, func(lo, hi int) { kernel.Max(x[lo:hi]) })
			}
			perSec(b, 8*n, 1e9, "GB/s")
		})
		b.Run(fmt.Sprintf("op=rw/workers=%d", w), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				split(n, w, func(lo, hi int) { kernel.Scale(1, x[lo:hi]) })
			}
			perSec(b, 16*n, 1e9, "GB/s")
		})
	}
}
