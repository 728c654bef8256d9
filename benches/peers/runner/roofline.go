package main

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/otverify/otverify/internal/kernel"
	"github.com/otverify/otverify/reference/discrete"
)

// roofRow is one kernel's measured rate against its roof.
type roofRow struct {
	Kernel   string  `json:"kernel"`
	Size     string  `json:"size"`
	Bound    string  `json:"bound"` // what limits it: "FMA pipes", "memory read", …
	Rate     float64 `json:"rate"`
	Unit     string  `json:"unit"`
	Roof     float64 `json:"roof"`
	Fraction float64 `json:"fraction"`
	Note     string  `json:"note"`
}

// cpuTime is the CPU time of the calling thread (the caller locks it to
// its goroutine): single-threaded rates are measured in CPU time, so that
// other processes on a shared machine do not count against the kernel.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// best returns the smallest thread CPU time of f over runs that each last
// at least 50 ms (f is repeated inside a run as needed), per call of f.
func best(f func()) float64 {
	reps := 1
	for {
		t0 := cpuTime()
		for range reps {
			f()
		}
		if d := cpuTime() - t0; d > 50*time.Millisecond || reps > 1<<20 {
			break
		}
		reps *= 4
	}
	b := math.Inf(1)
	for range 5 {
		t0 := cpuTime()
		for range reps {
			f()
		}
		b = min(b, (cpuTime()-t0).Seconds()/float64(reps))
	}
	return b
}

// bestWall is best in wall time, for the multi-threaded measurements.
func bestWall(f func()) float64 {
	b := math.Inf(1)
	for range 7 {
		t0 := time.Now()
		f()
		b = min(b, time.Since(t0).Seconds())
	}
	return b
}

// fmaOps is the number of instructions on the FMA/multiply pipes per 8
// exponentials of the variant (the rest go to other pipes): AVX-512 13
// (one FMA for k, two for r, six for the polynomial, a product, an FMA with
// the table, the 1/16 scaling and VSCALEFPD); AVX2 15 per 8 = 2×(… with
// two products for 2^k and two for the exponent split) counted per lane
// group as the hardware issues them: 30 per 8.
func fmaOps() float64 {
	switch kernel.Variant() {
	case "avx512":
		return 13
	case "avx2":
		return 30
	}
	return math.NaN()
}

// lanes is the vector width of the variant in doubles.
func lanes() float64 {
	switch kernel.Variant() {
	case "avx512":
		return 8
	case "avx2":
		return 4
	}
	return 1
}

func roofline() []roofRow {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var rows []roofRow
	add := func(r roofRow) {
		if r.Roof > 0 {
			r.Fraction = r.Rate / r.Roof
		}
		rows = append(rows, r)
	}
	r := rand.New(rand.NewPCG(1, 2))
	vec := func(n int, lo, hi float64) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = lo + (hi-lo)*r.Float64()
		}
		return x
	}

	// The roofs: FMA throughput in registers, streaming read and
	// read-write bandwidth, on one core and on all.
	const peakN = 1 << 22
	tf := best(func() { kernel.PeakFMA(peakN) })
	flops := kernel.PeakFMA(1) * peakN / tf // flop/s
	fmaInstr := flops / (2 * lanes())       // FMA instructions per second
	add(roofRow{Kernel: "roof: fused multiply-add", Size: "12 chains", Bound: "FMA pipes", Rate: flops / 1e9, Unit: "GFLOP/s", Note: kernel.Variant()})
	const bwN = 1 << 25 // 256 MiB
	big := vec(bwN, 0, 1)
	tr := best(func() { kernel.Max(big) })
	readBW := 8 * bwN / tr
	add(roofRow{Kernel: "roof: streaming read", Size: "256 MiB, 1 core", Bound: "memory", Rate: readBW / 1e9, Unit: "GB/s"})
	tw := best(func() { kernel.Scale(1, big) })
	rwBW := 16 * bwN / tw
	add(roofRow{Kernel: "roof: read+write", Size: "256 MiB, 1 core", Bound: "memory", Rate: rwBW / 1e9, Unit: "GB/s"})
	w := runtime.GOMAXPROCS(0)
	split := func(n int, fn func(lo, hi int)) {
		var wg sync.WaitGroup
		for k := range w {
			wg.Add(1)
			go func(k int) {
				defer wg.Done()
				fn(k*n/w, (k+1)*n/w)
			}(k)
		}
		wg.Wait()
	}
	trAll := bestWall(func() { split(bwN, func(lo, hi int) { kernel.Max(big[lo:hi]) }) })
	readAll := 8 * bwN / trAll
	add(roofRow{Kernel: "roof: streaming read", Size: "256 MiB, all cores", Bound: "memory", Rate: readAll / 1e9, Unit: "GB/s"})
	big = nil
	runtime.GC()

	// Exponential-bound kernels: their roof is the FMA pipes' instruction
	// rate divided by the FMA-pipe instructions per element.
	perExp := fmaOps() / 8
	x := vec(4096, -50, 50)
	dst := make([]float64, 4096)
	te := best(func() { kernel.Exp(dst, x) }) / 4096
	add(roofRow{Kernel: "Exp", Size: "n=4096 (L1)", Bound: "FMA pipes", Rate: 1 / te / 1e9, Unit: "Gexp/s",
		Roof: fmaInstr / perExp / 1e9, Note: "math.Exp: see BenchmarkExp"})
	n := 2000
	xs, ys := vec(2*n, 0, 1), vec(2*n, 0, 1)
	C := make([]float64, n*n)
	kernel.SqDist(C, xs, ys, 2)
	v := vec(n, -1, 1)
	out := make([]float64, n)
	s := 100.0
	// Two passes (max, then sum with an exponential): FMA-pipe work per
	// element = one FMA for t in each pass plus the exponential.
	perLSE := perExp + 2.0/8
	t1 := best(func() { kernel.RowLSE(out, C, v, s) }) / float64(n*n)
	add(roofRow{Kernel: "RowLSE (two passes)", Size: "2000×2000", Bound: "FMA pipes", Rate: 1 / t1 / 1e9, Unit: "Gelem/s",
		Roof: fmaInstr / perLSE / 1e9, Note: "C read once from memory (next row prefetched)"})
	kernel.RowLSE(out, C, v, s)
	hint := append([]float64(nil), out...)
	perHint := perExp + 1.0/8
	t2 := best(func() { kernel.RowLSEHint(out, C, v, s, hint) }) / float64(n*n)
	add(roofRow{Kernel: "RowLSEHint (one pass)", Size: "2000×2000", Bound: "FMA pipes", Rate: 1 / t2 / 1e9, Unit: "Gelem/s",
		Roof: fmaInstr / perHint / 1e9})
	t3 := best(func() { kernel.ColLSE(out, C, v, s) }) / float64(n*n)
	add(roofRow{Kernel: "ColLSE (two passes)", Size: "2000×2000", Bound: "FMA pipes", Rate: 1 / t3 / 1e9, Unit: "Gelem/s",
		Roof: fmaInstr / perLSE / 1e9, Note: "strips of 8 columns, next strip prefetched"})
	kernel.ColLSE(out, C, v, s)
	copy(hint, out)
	t4 := best(func() { kernel.ColLSEHint(out, C, v, s, hint) }) / float64(n*n)
	add(roofRow{Kernel: "ColLSEHint (one pass)", Size: "2000×2000", Bound: "FMA pipes", Rate: 1 / t4 / 1e9, Unit: "Gelem/s",
		Roof: fmaInstr / perHint / 1e9})
	// Softmax rows: maximum, exponential and sum, scaling (a product).
	X := vec(1000*1000, -30, 30)
	Y := make([]float64, len(X))
	t5 := best(func() { kernel.SoftmaxRows(Y, X, 1000) }) / float64(len(X))
	add(roofRow{Kernel: "SoftmaxRows", Size: "1000×1000", Bound: "FMA pipes", Rate: 1 / t5 / 1e9, Unit: "Gelem/s",
		Roof: fmaInstr / (perExp + 1.0/8) / 1e9})
	// A whole log-domain Sinkhorn iteration on all cores (2n² elements,
	// hinted passes), in wall time against all cores' FMA pipes.
	u := make([]float64, n)
	kernel.ColLSEPar(out, C, u, s, 0)
	g := append([]float64(nil), out...)
	rr := make([]float64, n)
	kernel.RowLSEPar(rr, C, g, s, 0)
	t6 := bestWall(func() {
		kernel.ColLSEHintPar(out, C, u, s, out, 0)
		kernel.RowLSEHintPar(rr, C, g, s, rr, 0)
	}) / float64(2*n*n)
	add(roofRow{Kernel: "Sinkhorn iteration (all cores)", Size: "n=2000", Bound: "FMA pipes", Rate: 1 / t6 / 1e9, Unit: "Gelem/s",
		Roof: float64(w) * fmaInstr / perHint / 1e9, Note: "wall time; 2n² exponentials"})
	// The kernel-domain Sinkhorn products: one streaming read of the
	// 32 MB kernel each, memory bound.
	Kg := make([]float64, n*n)
	kernel.Gibbs(Kg, C, v, v, s)
	vv := vec(n, 0, 1)
	t13 := best(func() { kernel.MatVec(out, Kg, vv) }) / float64(n*n)
	add(roofRow{Kernel: "MatVec (K v)", Size: "2000×2000", Bound: "memory (read)", Rate: 8 / t13 / 1e9, Unit: "GB/s",
		Roof: readBW / 1e9, Note: "kernel-domain Sinkhorn u-update"})
	t14 := best(func() { kernel.MatTVec(out, Kg, vv) }) / float64(n*n)
	add(roofRow{Kernel: "MatTVec (Kᵀ u)", Size: "2000×2000", Bound: "memory (read)", Rate: 8 / t14 / 1e9, Unit: "GB/s",
		Roof: readBW / 1e9, Note: "strips of 32 columns in registers"})
	t15 := best(func() { kernel.Gibbs(Kg, C, v, v, s) }) / float64(n*n)
	add(roofRow{Kernel: "Gibbs (absorption)", Size: "2000×2000", Bound: "FMA pipes", Rate: 1 / t15 / 1e9, Unit: "Gelem/s",
		Roof: fmaInstr / (perExp + 1.0/8) / 1e9, Note: "recomputes the stabilised kernel"})
	Kg = nil
	// Squared distances: d = 2 writes 8 bytes per entry (plus the
	// write-allocate read): memory bound on the read+write roof; d = 16 is
	// 48 flops per entry without fused operations (sub, mul, add: the
	// plain loop's bits), held against the FMA roof counted in flops.
	t7 := best(func() { kernel.SqDist(C, xs, ys, 2) }) / float64(n*n)
	add(roofRow{Kernel: "SqDist", Size: "2000×2000, d=2", Bound: "memory (write)", Rate: 16 / t7 / 1e9, Unit: "GB/s",
		Roof: rwBW / 1e9, Note: "16 B of traffic per entry"})
	x16, y16 := vec(16*n, 0, 1), vec(16*n, 0, 1)
	t8 := best(func() { kernel.SqDist(C, x16, y16, 16) }) / float64(n*n)
	add(roofRow{Kernel: "SqDist", Size: "2000×2000, d=16", Bound: "flops (no FMA)", Rate: 48 / t8 / 1e9, Unit: "GFLOP/s",
		Roof: flops / 1e9, Note: "sub+mul+add are 3 instructions where an FMA roof counts 2 flops per instruction: at most 75%"})
	// The assignment solver's scan (RelaxMin) on a 2000-column row: five
	// streams from L1/L2, no exponential.
	d := make([]float64, n)
	busy := make([]float64, n)
	pred := make([]int32, n)
	row := C[:n]
	t9 := best(func() {
		for j := range d {
			d[j] = math.Inf(1)
		}
		kernel.RelaxMin(d, pred, row, v, busy, 0.5, 1)
	}) / float64(n)
	add(roofRow{Kernel: "RelaxMin (assignment scan)", Size: "n=2000 (L1/L2)", Bound: "load/store", Rate: 1 / t9 / 1e9, Unit: "Gcol/s",
		Note: "includes resetting d; five 8-byte streams per column"})
	// Exact OT and assignment as whole solvers: combinatorial, latency
	// bound; their rate is reported, not a roof.
	a := make([]float64, 1000)
	for i := range a {
		a[i] = 1.0 / 1000
	}
	C1 := make([]float64, 1000*1000)
	kernel.SqDist(C1, xs[:2000], ys[:2000], 2)
	var pivots int
	t10 := best(func() {
		sol, _ := discrete.EMDWithOptions(a, a, C1, 1000, 1000, discrete.Options{SparseOnly: true})
		pivots = sol.Iterations
	})
	add(roofRow{Kernel: "EMD (network simplex)", Size: "n=1000", Bound: "latency (tree updates, pricing scans)", Rate: float64(pivots) / t10 / 1e6, Unit: "Mpivot/s"})
	t11 := best(func() { discrete.Assignment(C1, 1000) })
	add(roofRow{Kernel: "Assignment", Size: "n=1000", Bound: "RelaxMin scans", Rate: 1 / t11, Unit: "solves/s"})
	xsrt := vec(1000000, -1, 1)
	perm := make([]int, len(xsrt))
	t12 := best(func() { kernel.Argsort(perm, xsrt) }) / float64(len(xsrt))
	add(roofRow{Kernel: "Argsort (radix)", Size: "n=1e6", Bound: "scattered writes (256 streams)", Rate: 1 / t12 / 1e6, Unit: "Melem/s",
		Note: "16-byte pairs, 6 of 8 passes taken; a scatter has no streaming roof"})
	return rows
}
