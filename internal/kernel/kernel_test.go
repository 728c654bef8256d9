package kernel

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/otverify/otverify/numerics"
)

// Every variant is compared bit for bit with the portable code ("same"
// below: equal bits, or both NaN), on random inputs and on edge cases:
// lengths 0…40 (not multiples of the vector width) and a few long ones,
// ±Inf, NaN, ±0, subnormals, huge and tiny magnitudes, and slices with
// NaN-filled margins on both sides so that a read or write out of bounds
// changes a result or a margin (gonum's internal/asm/f64 tests).

const margin = 16

var (
	nan  = math.NaN()
	pinf = math.Inf(1)
	ninf = math.Inf(-1)
)

// guarded returns a copy of data inside NaN margins, and the whole backing
// slice.
func guarded(data []float64) (v, whole []float64) {
	whole = make([]float64, len(data)+2*margin)
	for i := range whole {
		whole[i] = nan
	}
	copy(whole[margin:], data)
	return whole[margin : margin+len(data) : margin+len(data)], whole
}

func marginsIntact(t *testing.T, name string, whole []float64, n int) {
	t.Helper()
	for k, v := range whole {
		if (k < margin || k >= margin+n) && !math.IsNaN(v) {
			t.Fatalf("%s: guard at %d written (%v)", name, k-margin, v)
		}
	}
}

func same(a, b float64) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

func sameSlice(a, b []float64) int {
	for i := range a {
		if !same(a[i], b[i]) {
			return i
		}
	}
	return -1
}

// ulps returns the distance between a and b in units in the last place
// (0 for equal values, +Inf for different signs or a NaN).
func ulps(a, b float64) float64 {
	if a == b {
		return 0
	}
	if a != a || b != b || math.Signbit(a) != math.Signbit(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return math.Inf(1)
	}
	ia, ib := int64(math.Float64bits(math.Abs(a))), int64(math.Float64bits(math.Abs(b)))
	return math.Abs(float64(ia - ib))
}

// withVariant runs f under each compiled-in vector variant.
func forVectorVariants(t *testing.T, f func(t *testing.T)) {
	vs := Variants()
	if len(vs) == 1 {
		t.Skip("no vector variant on this machine or build (noasm)")
	}
	for _, name := range vs[1:] {
		t.Run(name, func(t *testing.T) {
			restore, err := SetVariant(name)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			f(t)
		})
	}
}

func generic(f func()) {
	restore, _ := SetVariant("generic")
	defer restore()
	f()
}

var specials = []float64{0, math.Copysign(0, -1), 1, -1, nan, pinf, ninf, 709.78, 709.79, -745.13, -745.14,
	-708.4, -708.39, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, -1e-300, 1e300, -1e300,
	math.MaxFloat64, -math.MaxFloat64, 0.5 * math.Ln2, -0.5 * math.Ln2, 710, -746, 1e-17, -1e-17}

// testLengths are the lengths the variant tests run: all below 41 and a
// few long ones around multiples of 8 and 16.
var testLengths = func() []int {
	var l []int
	for n := range 41 {
		l = append(l, n)
	}
	return append(l, 63, 64, 65, 127, 1000, 1003)
}()

// input draws a vector: mode 0 moderate values, 1 wide magnitudes,
// 2 with special values sprinkled in.
func input(r *rand.Rand, n, mode int) []float64 {
	x := make([]float64, n)
	for i := range x {
		switch mode {
		case 0:
			x[i] = 20 * (r.Float64() - 0.5)
		case 1:
			x[i] = math.Ldexp(r.Float64()-0.5, r.IntN(24)-12) * 1500
		default:
			if r.IntN(4) == 0 {
				x[i] = specials[r.IntN(len(specials))]
			} else {
				x[i] = 1400 * (r.Float64() - 0.5)
			}
		}
	}
	return x
}

// ln2Digits is ln 2 to 100 digits.
const ln2Digits = "0.6931471805599453094172321214581765680755001343602552541206800094933936219696947156058633269964186875"

// bigExp returns e^x correctly rounded, computed with 256-bit arithmetic
// (math.Exp is not a usable reference near overflow: the amd64 assembly
// returns +Inf above about 709.09).
func bigExp(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return math.Exp(x)
	}
	if x > 710 {
		return math.Inf(1)
	}
	if x < -746 {
		return 0
	}
	const prec = 256
	ln2, _, _ := big.ParseFloat(ln2Digits, 10, prec, big.ToNearestEven)
	k := math.Round(x / math.Ln2)
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	r := new(big.Float).SetPrec(prec).Mul(ln2, new(big.Float).SetFloat64(k))
	r.Sub(bx, r)
	sum := new(big.Float).SetPrec(prec).SetFloat64(1)
	term := new(big.Float).SetPrec(prec).SetFloat64(1)
	for n := 1; n < 45; n++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetFloat64(float64(n)))
		sum.Add(sum, term)
	}
	if k < -1000 {
		// Round to a multiple of the smallest subnormal explicitly.
		sum.SetMantExp(sum, int(k)+1074)
		f, _ := sum.Float64()
		return math.Ldexp(math.RoundToEven(f), -1074)
	}
	sum.SetMantExp(sum, int(k))
	f, _ := sum.Float64()
	return f
}

func TestExpAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	worst, worstX := 0.0, 0.0
	check := func(x float64) {
		got, want := exp1(x), bigExp(x)
		if math.IsNaN(want) {
			if !math.IsNaN(got) {
				t.Fatalf("exp(%v) = %v, want NaN", x, got)
			}
			return
		}
		u := ulps(got, want)
		if want < 0x1p-1022 {
			// Subnormal or zero result: in units of the smallest subnormal.
			u = math.Abs(got-want) / 0x1p-1074
		}
		if u > worst {
			worst, worstX = u, x
		}
		if u > 1 {
			t.Errorf("exp(%v) = %v, correctly rounded %v: %v ulps", x, got, want, u)
		}
	}
	for range 6000 {
		check(-745.2 + r.Float64()*(709.8+745.2))
		check(r.NormFloat64())
	}
	for _, x := range specials {
		check(x)
	}
	for x := -746.0; x < 711; x += 0.737 {
		check(x)
	}
	for x := -0.35; x < 0.35; x += 0.0037 {
		check(x)
	}
	t.Logf("largest error: %v ulps at x = %v", worst, worstX)
}

func TestExpSpecial(t *testing.T) {
	// 709.782712893384 is 2.4e-14 below ln 2^1024 and its exponential is
	// finite (math.Exp's overflow threshold is one float lower: it returns
	// +Inf there); 709.7827128933841 is above. e^−745.1332191019412 is just below
	// 2^−1075 (half the smallest subnormal) and rounds to 0.
	x := []float64{pinf, ninf, nan, 710, -746, 709.78, 709.782712893384, 709.7827128933841, -745.1332191019412, -745.13321910194, 0}
	want := []float64{pinf, 0, nan, pinf, 0, bigExp(709.78), 1.7976931348622732e+308, pinf, 0, 5e-324, 1}
	for _, name := range Variants() {
		restore, _ := SetVariant(name)
		dst := make([]float64, len(x))
		Exp(dst, x)
		restore()
		if i := sameSlice(dst, want); i >= 0 {
			t.Errorf("%s: exp(%v) = %v, want %v", name, x[i], dst[i], want[i])
		}
	}
}

func TestExpVariants(t *testing.T) {
	forVectorVariants(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(3, 4))
		for _, n := range testLengths {
			for mode := range 3 {
				x := input(r, n, mode)
				xg, xw := guarded(x)
				dst, dw := guarded(make([]float64, n))
				Exp(dst, xg)
				marginsIntact(t, "dst", dw, n)
				marginsIntact(t, "x", xw, n)
				if i := sameSlice(xg, x); i >= 0 {
					t.Fatalf("x modified at %d", i)
				}
				want := make([]float64, n)
				expGeneric(want, x)
				if i := sameSlice(dst, want); i >= 0 {
					t.Fatalf("n=%d: exp(%v) = %v, generic %v", n, x[i], dst[i], want[i])
				}
			}
		}
	})
}

func TestReductionVariants(t *testing.T) {
	forVectorVariants(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(5, 6))
		for _, n := range testLengths {
			for mode := range 3 {
				v, vw := guarded(input(r, n, mode))
				c, cw := guarded(input(r, n, mode))
				for _, s := range []float64{1, 0.37, 1e3, 0, -2} {
					// The maximum may differ from the portable one in the
					// sign of a zero (the vector code keeps several
					// accumulators); everything computed from it may not.
					var m float64
					generic(func() { m = maxAffine(v, c, s) })
					if got := maxAffine(v, c, s); !same(got, m) && got != m {
						t.Fatalf("maxAffine n=%d s=%v: %v, generic %v", n, s, got, m)
					}
					if math.IsInf(m, 0) || math.IsNaN(m) {
						m = 0
					}
					var want float64
					generic(func() { want = sumExpAffine(v, c, s, m) })
					if got := sumExpAffine(v, c, s, m); !same(got, want) {
						t.Fatalf("sumExpAffine n=%d s=%v: %v, generic %v", n, s, got, want)
					}
					generic(func() { want = LSEAffine(v, c, s) })
					if got := LSEAffine(v, c, s); !same(got, want) {
						t.Fatalf("LSEAffine n=%d s=%v: %v, generic %v", n, s, got, want)
					}
				}
				var want float64
				generic(func() { want = maxv(v) })
				if got := maxv(v); !same(got, want) && got != want {
					t.Fatalf("max n=%d: %v, generic %v", n, got, want)
				}
				generic(func() { want = LogSumExp(v) })
				if got := LogSumExp(v); !same(got, want) {
					t.Fatalf("LogSumExp n=%d: %v, generic %v", n, got, want)
				}
				m := 3.5
				generic(func() { want = sumExpShift(v, m) })
				if got := sumExpShift(v, m); !same(got, want) {
					t.Fatalf("sumExpShift n=%d: %v, generic %v", n, got, want)
				}
				d1, d1w := guarded(make([]float64, n))
				d2 := make([]float64, n)
				generic(func() { want = expShiftSum(d2, v, m) })
				if got := expShiftSum(d1, v, m); !same(got, want) {
					t.Fatalf("expShiftSum n=%d: %v, generic %v", n, got, want)
				}
				if i := sameSlice(d1, d2); i >= 0 {
					t.Fatalf("expShiftSum n=%d: dst[%d] = %v, generic %v", n, i, d1[i], d2[i])
				}
				marginsIntact(t, "expShiftSum dst", d1w, n)
				copy(d2, d1)
				scal(-1.7, d1)
				generic(func() { scal(-1.7, d2) })
				if i := sameSlice(d1, d2); i >= 0 {
					t.Fatalf("scal n=%d: dst[%d] = %v, generic %v", n, i, d1[i], d2[i])
				}
				marginsIntact(t, "scal", d1w, n)
				marginsIntact(t, "v", vw, n)
				marginsIntact(t, "c", cw, n)
			}
		}
	})
}

// matrix returns an n×m matrix inside NaN margins, with leading dimension
// ld ≥ m (the entries between m and ld are NaN too).
func matrix(r *rand.Rand, n, m, ld, mode int) (C, whole []float64) {
	data := make([]float64, max(0, (n-1)*ld+m))
	for i := range data {
		data[i] = nan
	}
	for i := range n {
		copy(data[i*ld:i*ld+m], input(r, m, mode))
	}
	return guarded(data)
}

func TestLSEVariants(t *testing.T) {
	forVectorVariants(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(7, 8))
		sizes := [][2]int{{1, 1}, {3, 5}, {7, 8}, {9, 17}, {16, 24}, {5, 33}, {33, 5}, {40, 41}, {100, 67}}
		for _, nm := range sizes {
			n, m := nm[0], nm[1]
			for mode := range 3 {
				C, Cw := matrix(r, n, m, m, mode)
				u, _ := guarded(input(r, n, mode))
				v, _ := guarded(input(r, m, mode))
				for _, s := range []float64{1, 0.01, 250} {
					row, roww := guarded(make([]float64, n))
					col, colw := guarded(make([]float64, m))
					RowLSE(row, C, v, s)
					ColLSE(col, C, u, s)
					marginsIntact(t, "row", roww, n)
					marginsIntact(t, "col", colw, m)
					marginsIntact(t, "C", Cw, n*m)
					wr, wc := make([]float64, n), make([]float64, m)
					generic(func() {
						RowLSE(wr, C, v, s)
						ColLSE(wc, C, u, s)
					})
					if i := sameSlice(row, wr); i >= 0 {
						t.Fatalf("RowLSE %d×%d s=%v mode %d: [%d] %v, generic %v", n, m, s, mode, i, row[i], wr[i])
					}
					if j := sameSlice(col, wc); j >= 0 {
						t.Fatalf("ColLSE %d×%d s=%v mode %d: [%d] %v, generic %v", n, m, s, mode, j, col[j], wc[j])
					}
				}
			}
		}
	})
}

func TestSoftmaxSqDistVariants(t *testing.T) {
	forVectorVariants(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(9, 10))
		for _, nm := range [][2]int{{1, 1}, {2, 7}, {3, 8}, {4, 9}, {5, 31}, {6, 40}, {3, 100}} {
			n, m := nm[0], nm[1]
			for mode := range 3 {
				x, _ := guarded(input(r, n*m, mode))
				got, gw := guarded(make([]float64, n*m))
				want := make([]float64, n*m)
				SoftmaxRows(got, x, m)
				generic(func() { SoftmaxRows(want, x, m) })
				marginsIntact(t, "softmax", gw, n*m)
				if i := sameSlice(got, want); i >= 0 {
					t.Fatalf("SoftmaxRows %d×%d: [%d] %v, generic %v", n, m, i, got[i], want[i])
				}
			}
			for _, d := range []int{1, 2, 3, 8, 17} {
				x, _ := guarded(input(r, n*d, 1))
				y, _ := guarded(input(r, m*d, 1))
				got, gw := guarded(make([]float64, n*m))
				SqDistPar(got, x, y, d, 2)
				marginsIntact(t, "sqdist", gw, n*m)
				for i := range n {
					for j := range m {
						s := 0.0
						for k := range d {
							t := x[i*d+k] - y[j*d+k]
							s += t * t
						}
						if !same(got[i*m+j], s) {
							t.Fatalf("SqDist %d×%d d=%d [%d,%d]: %v, plain loop %v", n, m, d, i, j, got[i*m+j], s)
						}
					}
				}
			}
		}
	})
}

func TestRelaxMinVariants(t *testing.T) {
	forVectorVariants(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(11, 12))
		for _, n := range testLengths {
			for trial := range 6 {
				d0 := make([]float64, n)
				busy := make([]float64, n)
				row := make([]float64, n)
				v := make([]float64, n)
				for j := range n {
					// Integer values make ties common, the case the busy flag
					// decides.
					d0[j] = float64(r.IntN(6))
					if r.IntN(4) == 0 {
						d0[j] = nan
					}
					if trial == 5 {
						d0[j] = nan
					}
					busy[j] = float64(r.IntN(2))
					row[j] = float64(r.IntN(8))
					v[j] = float64(r.IntN(3))
				}
				h := float64(r.IntN(3)) - 1
				d1, dw := guarded(d0)
				d2 := slices.Clone(d0)
				p1w := make([]int32, n+2*margin)
				for k := range p1w {
					p1w[k] = -7
				}
				p1 := p1w[margin : margin+n]
				p2 := slices.Repeat([]int32{-7}, n)
				rg, _ := guarded(row)
				vg, _ := guarded(v)
				bg, _ := guarded(busy)
				got := RelaxMin(d1, p1, rg, vg, bg, h, 42)
				var want int
				generic(func() { want = RelaxMin(d2, p2, row, v, busy, h, 42) })
				if got != want {
					t.Fatalf("n=%d trial %d: RelaxMin = %d, generic %d", n, trial, got, want)
				}
				if i := sameSlice(d1, d2); i >= 0 {
					t.Fatalf("n=%d: d[%d] = %v, generic %v", n, i, d1[i], d2[i])
				}
				if !slices.Equal(p1, p2) {
					t.Fatalf("n=%d: pred %v, generic %v", n, p1, p2)
				}
				marginsIntact(t, "d", dw, n)
				for k, p := range p1w {
					if (k < margin || k >= margin+n) && p != -7 {
						t.Fatalf("pred guard at %d written", k-margin)
					}
				}
			}
		}
	})
}

// The portable definitions against plain formulas.

func TestRelaxMinSemantics(t *testing.T) {
	d := []float64{5, nan, 3, 4, 3, 9}
	pred := []int32{0, 0, 0, 0, 0, 0}
	row := []float64{1, 0, 5, 0, 1, 0}
	v := []float64{0, 0, 0, 0, 0, 0}
	busy := []float64{1, 0, 1, 1, 0, 1}
	// h = 2: nd = 3, _, 7, 2, 3, 2 → d = 3, NaN, 3, 2, 3, 2; minimum 2 at
	// j = 3 (busy) and j = 5 (busy): the first, 3.
	for _, name := range Variants() {
		restore, _ := SetVariant(name)
		dd, pp := slices.Clone(d), slices.Clone(pred)
		j := RelaxMin(dd, pp, row, v, busy, 2, 9)
		restore()
		if j != 3 || !same(dd[0], 3) || !math.IsNaN(dd[1]) || dd[3] != 2 || dd[5] != 2 || !slices.Equal(pp, []int32{9, 0, 0, 9, 0, 9}) {
			t.Errorf("%s: RelaxMin = %d, d = %v, pred = %v", name, j, dd, pp)
		}
	}
	// A free column wins a tie.
	busy[5] = 0
	if j := RelaxMin(slices.Clone(d), slices.Clone(pred), row, v, busy, 2, 9); j != 5 {
		t.Errorf("tie with a free column: %d, want 5", j)
	}
	if j := RelaxMin([]float64{nan, nan}, []int32{0, 0}, []float64{1, 1}, []float64{0, 0}, []float64{0, 0}, 0, 1); j != -1 {
		t.Errorf("all scanned: %d, want -1", j)
	}
}

func TestLSESemantics(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, name := range Variants() {
		restore, _ := SetVariant(name)
		for _, n := range []int{1, 5, 8, 100} {
			x := input(r, n, 1)
			if got, want := LogSumExp(x), numerics.LogSumExp(x); ulps(got, want) > 4 && math.Abs(got-want) > 1e-15*math.Abs(want) {
				t.Errorf("%s: LogSumExp = %v, numerics %v", name, got, want)
			}
		}
		cases := []struct {
			x    []float64
			want float64
		}{
			{nil, ninf}, {[]float64{ninf, ninf}, ninf}, {[]float64{1, pinf}, pinf},
			{[]float64{pinf, nan}, nan}, {[]float64{ninf, nan}, nan}, {[]float64{1, nan, 2}, nan},
			{[]float64{1000, 1000}, 1000 + math.Ln2}, {[]float64{-1000, -1000}, -1000 + math.Ln2},
			{[]float64{0, ninf}, 0},
		}
		for _, c := range cases {
			if got := LogSumExp(c.x); !same(got, c.want) && ulps(got, c.want) > 1 {
				t.Errorf("%s: LogSumExp(%v) = %v, want %v", name, c.x, got, c.want)
			}
		}
		// Row and column LSE against the plain formula on a small matrix.
		n, m := 13, 11
		C, u, v := input(r, n*m, 0), input(r, n, 0), input(r, m, 0)
		s := 0.7
		row, col := make([]float64, n), make([]float64, m)
		RowLSE(row, C, v, s)
		ColLSE(col, C, u, s)
		for i := range n {
			sum := 0.0
			for j := range m {
				sum += math.Exp(v[j] - s*C[i*m+j])
			}
			if w := math.Log(sum); math.Abs(row[i]-w) > 1e-13*max(1, math.Abs(w)) {
				t.Errorf("%s: RowLSE[%d] = %v, want %v", name, i, row[i], w)
			}
		}
		for j := range m {
			sum := 0.0
			for i := range n {
				sum += math.Exp(u[i] - s*C[i*m+j])
			}
			if w := math.Log(sum); math.Abs(col[j]-w) > 1e-13*max(1, math.Abs(w)) {
				t.Errorf("%s: ColLSE[%d] = %v, want %v", name, j, col[j], w)
			}
		}
		// Softmax rows sum to 1; special rows are NaN.
		x := []float64{1, 2, 3, 800, 801, 802, ninf, ninf, ninf, 0, pinf, 1, nan, 0, 0}
		sm := make([]float64, len(x))
		SoftmaxRows(sm, x, 3)
		for i := range 2 {
			if sum := sm[3*i] + sm[3*i+1] + sm[3*i+2]; math.Abs(sum-1) > 3e-16 {
				t.Errorf("%s: softmax row %d sums to %v", name, i, sum)
			}
		}
		if ulps(sm[0], sm[3]) > 2 || !hasNaN(sm[6:9]) || !hasNaN(sm[9:12]) || !hasNaN(sm[12:15]) {
			t.Errorf("%s: softmax = %v", name, sm)
		}
		restore()
	}
}

func TestColLSELd(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	n, m := 37, 51
	C, u := input(r, n*m, 0), input(r, n, 0)
	all := make([]float64, m)
	ColLSE(all, C, u, 0.4)
	for _, name := range Variants() {
		restore, _ := SetVariant(name)
		// Columns 8…39 as a block of a matrix with leading dimension m, and
		// with the full results as hints.
		part := make([]float64, 32)
		ColLSELd(part, C[8:], m, u, 0.4, nil)
		hinted := make([]float64, 32)
		ColLSELd(hinted, C[8:], m, u, 0.4, all[8:40])
		restore()
		for j := range part {
			if !same(part[j], all[8+j]) && !closeLSE(part[j], all[8+j]) {
				t.Fatalf("%s: ColLSELd[%d] = %v, ColLSE %v", name, j, part[j], all[8+j])
			}
			if !closeLSE(hinted[j], all[8+j]) {
				t.Fatalf("%s: hinted ColLSELd[%d] = %v, ColLSE %v", name, j, hinted[j], all[8+j])
			}
		}
	}
}

func TestParallelIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	n, m := 301, 157
	C, u, v := input(r, n*m, 0), input(r, n, 0), input(r, m, 0)
	r1, c1 := make([]float64, n), make([]float64, m)
	RowLSE(r1, C, v, 0.3)
	ColLSE(c1, C, u, 0.3)
	for _, w := range []int{0, 1, 2, 3, 7} {
		r2, c2 := make([]float64, n), make([]float64, m)
		RowLSEPar(r2, C, v, 0.3, w)
		ColLSEPar(c2, C, u, 0.3, w)
		if sameSlice(r1, r2) >= 0 || sameSlice(c1, c2) >= 0 {
			t.Errorf("workers=%d: result differs from the sequential one", w)
		}
	}
}

func TestDispatch(t *testing.T) {
	vs := Variants()
	if vs[0] != "generic" || !slices.Contains(vs, Variant()) {
		t.Fatalf("Variants() = %v, Variant() = %q", vs, Variant())
	}
	if _, err := SetVariant("sse9"); err == nil {
		t.Error("SetVariant(sse9) succeeded")
	}
	if Features() == "" {
		t.Error("empty Features()")
	}
	t.Setenv("OTV_NOASM", "1")
	if l := initialLevel(); l != lvlGeneric {
		t.Errorf("OTV_NOASM=1: level %d", l)
	}
	t.Setenv("OTV_NOASM", "")
	t.Setenv("OTV_KERNEL", "generic")
	if l := initialLevel(); l != lvlGeneric {
		t.Errorf("OTV_KERNEL=generic: level %d", l)
	}
	t.Setenv("OTV_KERNEL", "avx512")
	if l := initialLevel(); l != maxLevel {
		t.Errorf("OTV_KERNEL=avx512: level %d, want %d (capped at the CPU)", l, maxLevel)
	}
	t.Logf("variant %s of %v; cpu %q; features %s", Variant(), vs, CPU(), Features())
}

// The hinted log-sum-exps: bit-identical across variants, equal to the
// unhinted ones up to rounding for any hint (good, far off, non-finite),
// and correct when the hint aliases the output.
func TestLSEHint(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for _, nm := range [][2]int{{1, 1}, {5, 8}, {9, 16}, {17, 13}, {33, 40}, {70, 24}} {
		n, m := nm[0], nm[1]
		for mode := range 3 {
			C, u, v := input(r, n*m, mode), input(r, n, mode), input(r, m, mode)
			s := 0.9
			wr, wc := make([]float64, n), make([]float64, m)
			generic(func() {
				RowLSE(wr, C, v, s)
				ColLSE(wc, C, u, s)
			})
			for _, shift := range []float64{0, 2.5, -3, 1000, -1000, nan, pinf} {
				hr, hc := make([]float64, n), make([]float64, m)
				for i := range hr {
					hr[i] = wr[i] + shift*float64(1+i%3)/2
				}
				for j := range hc {
					hc[j] = wc[j] + shift
				}
				var gr, gc []float64
				generic(func() {
					gr, gc = slices.Clone(hr), slices.Clone(hc)
					RowLSEHint(gr, C, v, s, gr) // aliased
					ColLSEHint(gc, C, u, s, gc)
				})
				for i := range n {
					if !closeLSE(gr[i], wr[i]) {
						t.Fatalf("%d×%d mode %d shift %v: RowLSEHint[%d] = %v, RowLSE %v", n, m, mode, shift, i, gr[i], wr[i])
					}
				}
				for j := range m {
					if !closeLSE(gc[j], wc[j]) {
						t.Fatalf("%d×%d mode %d shift %v: ColLSEHint[%d] = %v, ColLSE %v", n, m, mode, shift, j, gc[j], wc[j])
					}
				}
				for _, name := range Variants()[1:] {
					restore, _ := SetVariant(name)
					ar, ac := make([]float64, n), make([]float64, m)
					RowLSEHint(ar, C, v, s, hr)
					ColLSEHintPar(ac, C, u, s, hc, 2)
					restore()
					if i := sameSlice(ar, gr); i >= 0 {
						t.Fatalf("%s %d×%d shift %v: RowLSEHint[%d] = %v, generic %v", name, n, m, shift, i, ar[i], gr[i])
					}
					if j := sameSlice(ac, gc); j >= 0 {
						t.Fatalf("%s %d×%d shift %v: ColLSEHint[%d] = %v, generic %v", name, n, m, shift, j, ac[j], gc[j])
					}
				}
			}
		}
	}
}

// closeLSE: equal specials, or within 8 ulps of the larger magnitude plus
// the rounding of log of a sum of up to 100 terms.
func closeLSE(a, b float64) bool {
	if same(a, b) {
		return true
	}
	if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return false
	}
	return math.Abs(a-b) <= 1e-14*max(1, math.Abs(a), math.Abs(b))
}

func TestArgsort(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	for _, n := range []int{0, 1, 2, 5, 63, 64, 65, 1000, 5000} {
		for mode := range 4 {
			x := make([]float64, n)
			for i := range x {
				switch mode {
				case 0:
					x[i] = r.NormFloat64()
				case 1: // many ties, both zeros
					x[i] = []float64{0, math.Copysign(0, -1), 1, -1, 2}[r.IntN(5)]
				case 2:
					x[i] = specials[r.IntN(len(specials))]
				default: // one value: every pass skipped
					x[i] = 3.5
				}
			}
			perm := make([]int, n)
			Argsort(perm, x)
			want := make([]int, n)
			for i := range want {
				want[i] = i
			}
			slices.SortStableFunc(want, func(a, b int) int {
				xa, xb := x[a], x[b]
				switch {
				case xa != xa && xb != xb:
					return 0
				case xa != xa:
					return 1
				case xb != xb:
					return -1
				case xa < xb:
					return -1
				case xa > xb:
					return 1
				}
				return 0
			})
			if !slices.Equal(perm, want) {
				t.Fatalf("n=%d mode %d: Argsort differs from the stable sort", n, mode)
			}
		}
	}
}

func TestLinalgVariants(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	for _, nm := range [][2]int{{1, 1}, {3, 7}, {5, 8}, {9, 17}, {70, 33}, {13, 100}, {40, 41}} {
		n, m := nm[0], nm[1]
		for mode := range 3 {
			A, A_ := matrix(r, n, m, m, mode)
			x, _ := guarded(input(r, m, mode))
			y, _ := guarded(input(r, n, mode))
			u, v := input(r, n, mode), input(r, m, mode)
			var w1, w2, w3 []float64
			generic(func() {
				w1, w2, w3 = make([]float64, n), make([]float64, m), make([]float64, n*m)
				MatVec(w1, A, x)
				MatTVec(w2, A, y)
				Gibbs(w3, A, u, v, 0.7)
			})
			// The portable results against the plain formulas.
			for i := range n {
				s := 0.0
				for j := range m {
					s += A[i*m+j] * x[j]
				}
				if mode == 0 && math.Abs(w1[i]-s) > 1e-12*(1+math.Abs(s)) {
					t.Fatalf("MatVec[%d] = %v, plain %v", i, w1[i], s)
				}
			}
			for j := range m {
				s := 0.0
				for i := range n {
					s += y[i] * A[i*m+j]
				}
				if mode == 0 && math.Abs(w2[j]-s) > 1e-12*(1+math.Abs(s)) {
					t.Fatalf("MatTVec[%d] = %v, plain %v", j, w2[j], s)
				}
			}
			if mode == 0 {
				for k := range w3 {
					e := math.Exp(u[k/m] + v[k%m] - 0.7*A[k])
					if math.Abs(w3[k]-e) > 1e-14*e {
						t.Fatalf("Gibbs[%d] = %v, exp %v", k, w3[k], e)
					}
				}
			}
			forVectorVariantsNoSkip(t, func(name string) {
				g1, g1w := guarded(make([]float64, n))
				g2, g2w := guarded(make([]float64, m))
				g3, g3w := guarded(make([]float64, n*m))
				MatVecPar(g1, A, x, 2)
				MatTVecPar(g2, A, y, 2)
				GibbsPar(g3, A, u, v, 0.7, 2)
				marginsIntact(t, "MatVec", g1w, n)
				marginsIntact(t, "MatTVec", g2w, m)
				marginsIntact(t, "Gibbs", g3w, n*m)
				marginsIntact(t, "A", A_, n*m)
				if i := sameSlice(g1, w1); i >= 0 {
					t.Fatalf("%s %d×%d: MatVec[%d] = %v, generic %v", name, n, m, i, g1[i], w1[i])
				}
				if j := sameSlice(g2, w2); j >= 0 {
					t.Fatalf("%s %d×%d: MatTVec[%d] = %v, generic %v", name, n, m, j, g2[j], w2[j])
				}
				if k := sameSlice(g3, w3); k >= 0 {
					t.Fatalf("%s %d×%d: Gibbs[%d] = %v, generic %v", name, n, m, k, g3[k], w3[k])
				}
			})
		}
	}
}

// forVectorVariantsNoSkip runs f under each vector variant (none under
// noasm).
func forVectorVariantsNoSkip(t *testing.T, f func(name string)) {
	for _, name := range Variants()[1:] {
		restore, err := SetVariant(name)
		if err != nil {
			t.Fatal(err)
		}
		f(name)
		restore()
	}
}

func hasNaN(x []float64) bool {
	for _, v := range x {
		if v != v {
			return true
		}
	}
	return false
}
