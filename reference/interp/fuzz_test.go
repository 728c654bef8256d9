package interp_test

// Native Go fuzz targets for the exported functions of package interp
// (issue 9): the noising process of a mixture (NewNoising, Marginal,
// LogDensity, Score, Denoise, NoisePosterior, Velocity, VelocityBatch,
// Flow, Sample) and the couplings (Product, FromPermutation, FromPlan,
// ExactOT, ConditionalVelocity, CFMLoss, FMLoss). Property: no panic, no
// hang, no NaN or ±Inf without an error (errors wrap numerics.ErrInvalid,
// numerics.ErrNotConverged or an overflow error), and for valid input the
// identities: a_t E[X|z] + b_t E[Y|z] = z, Velocity = a'_t E[X|z] +
// b'_t E[Y|z], VelocityBatch = Velocity, CFMLoss(v) ≥ FMLoss(v) (their
// difference is a conditional variance), the atoms' masses sum to 1.
//
// Seeds: testdata/fuzz/FuzzXxx/seed-*, written from fzSeeds by
//
//	go test ./reference/interp -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run one target: go test ./reference/interp -run '^$' -fuzz '^FuzzNoising$' -fuzztime 60s -parallel 1

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/otverify/otverify/internal/fuzzseed"
	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/interp"
	"github.com/otverify/otverify/reference/mixture"
	"github.com/otverify/otverify/reference/schedule"
)

const ulp = 0x1p-52

func okErr(t *testing.T, name string, err error) {
	t.Helper()
	if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, numerics.ErrNotConverged) && !strings.Contains(strings.ToLower(err.Error()), "overflow") {
		t.Fatalf("%s: error %v wraps neither ErrInvalid nor ErrNotConverged nor an overflow", name, err)
	}
}

func normalise(v []float64) []float64 {
	s := 0.0
	for _, x := range v {
		s += math.Abs(x)
	}
	if !(s > 0) || math.IsInf(s, 0) {
		return v
	}
	w := make([]float64, len(v))
	for i, x := range v {
		w[i] = math.Abs(x) / s
	}
	return w
}

var schedules = []string{"linear", "vp", "cosine", "overshoot"}

var fzSeeds = map[string][]fuzzseed.Seed{
	"FuzzNoising": {
		{Name: "linear-two-atoms", Args: []any{fuzzseed.NewEnc().U8(2, 1, 0).F(1, 1, -1, 1, 1, 0.5, 0.5).Bytes()}},
		{Name: "vp-far-1e6", Args: []any{fuzzseed.NewEnc().U8(2, 1, 1).F(1, 1, -1, 1, 1, 0.5, 1e6).Bytes()}},
		{Name: "cosine-duplicates", Args: []any{fuzzseed.NewEnc().U8(2, 1, 2).F(1, 1, 2, 2, 1, 0.5, 2).Bytes()}},
		{Name: "overshoot-half", Args: []any{fuzzseed.NewEnc().U8(2, 1, 3).F(1, 1, -1, 1, 1, 0.5, 0.25).Bytes()}},
		{Name: "small-t", Args: []any{fuzzseed.NewEnc().U8(2, 1, 0).F(1, 1, -1, 1, 1, 1e-300, 0.25).Bytes()}},
		{Name: "tiny-sigma", Args: []any{fuzzseed.NewEnc().U8(1, 1, 1).F(1, 0, 1e-300, 0.5, 0.25).Bytes()}},
		{Name: "huge", Args: []any{fuzzseed.NewEnc().U8(1, 1, 0).F(1, 1e300, 1, 0.5, -1e300).Bytes()}},
	},
	"FuzzCoupling": {
		{Name: "product", Args: []any{fuzzseed.NewEnc().U8(2, 2, 1, 0).F(0, 1, 1, 1, 2, 3, 1, 1, 0.5).Bytes()}},
		{Name: "permutation", Args: []any{fuzzseed.NewEnc().U8(2, 2, 1, 1).F(0, 1, 1, 1, 2, 3, 1, 1, 0.5).Bytes()}},
		{Name: "exact-ot", Args: []any{fuzzseed.NewEnc().U8(3, 2, 1, 2).F(0, 1, 2, 1, 1, 1, 5, 6, 1, 1, 0.25).Bytes()}},
		{Name: "duplicates", Args: []any{fuzzseed.NewEnc().U8(2, 2, 1, 0).F(1, 1, 1, 1, 1, 1, 1, 1, 0.5).Bytes()}},
		{Name: "t-end", Args: []any{fuzzseed.NewEnc().U8(1, 1, 1, 0).F(0, 1, 1, 1, 1).Bytes()}},
		{Name: "far-1e6", Args: []any{fuzzseed.NewEnc().U8(2, 1, 1, 2).F(0, 1e6, 1, 1, 3, 1, 0.5).Bytes()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fuzzseed.Check(t, fzSeeds) }

// FuzzNoising: Z_t = a_t X + b_t Y for Dirac data X and Y ~ N(0, σ² I).
func FuzzNoising(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		k, dim, si := d.N(0, 3), d.N(0, 2), d.U8()
		w := normalise(d.Fs(k))
		mu := d.Mat(k, dim)
		sigma, tt := d.F(), d.F()
		z := d.Fs(dim)
		m, err := mixture.NewDiracs(w, mu)
		if err != nil {
			okErr(t, "NewDiracs", err)
			return
		}
		sch, err := schedule.ByName(schedules[int(si)%len(schedules)])
		if err != nil {
			t.Fatal(err)
		}
		p, err := interp.NewNoising(m, sigma, sch)
		if err != nil {
			okErr(t, "NewNoising", err)
			return
		}
		v, err := p.Velocity(nil, tt, z)
		if err != nil {
			okErr(t, "Velocity", err)
			return
		}
		if !numerics.AllFinite(v) || len(v) != dim {
			t.Fatalf("Velocity = %v without an error", v)
		}
		batch := make([]float64, 2*dim)
		if err := p.VelocityBatch(batch, tt, append(append([]float64(nil), z...), z...)); err != nil || !reflect.DeepEqual(batch[:dim], v) || !reflect.DeepEqual(batch[dim:], v) {
			t.Fatalf("VelocityBatch = %v (%v), Velocity = %v", batch, err, v)
		}
		ex, err1 := p.Denoise(nil, tt, z)
		ey, err2 := p.NoisePosterior(nil, tt, z)
		if err1 != nil || err2 != nil {
			if err1 != nil {
				okErr(t, "Denoise", err1)
			}
			if err2 != nil {
				okErr(t, "NoisePosterior", err2)
			}
			return
		}
		if !numerics.AllFinite(ex) || !numerics.AllFinite(ey) {
			t.Fatalf("Denoise = %v, NoisePosterior = %v without an error", ex, ey)
		}
		c := sch.Coef(tt)
		scale := numerics.MaxAbs(z)
		for j := 0; j < k; j++ {
			scale = math.Max(scale, math.Abs(c.A)*numerics.MaxAbs(m.Mean(j)))
		}
		for i := range z {
			back := c.A*ex[i] + c.B*ey[i]
			if math.Abs(back-z[i]) > 1e-9*(scale+math.Abs(c.B*ey[i]))+4*5e-324 {
				t.Fatalf("a_t E[X|z] + b_t E[Y|z] = %v, z = %v (t = %v, %s)", back, z[i], tt, sch.Name())
			}
			want := c.DA*ex[i] + c.DB*ey[i]
			terms := math.Abs(c.DA*ex[i]) + math.Abs(c.DB*ey[i])
			if math.Abs(v[i]-want) > 1e-9*terms+1e-300 && numerics.AllFinite([]float64{want}) {
				t.Fatalf("Velocity = %v, a'_t E[X|z] + b'_t E[Y|z] = %v (t = %v, %s)", v[i], want, tt, sch.Name())
			}
		}
		if s, err := p.Score(nil, tt, z); err != nil {
			okErr(t, "Score", err)
		} else if !numerics.AllFinite(s) {
			t.Fatalf("Score = %v without an error", s)
		}
		if _, err := p.Marginal(tt); err != nil {
			okErr(t, "Marginal", err)
		}
		rng := rand.New(rand.NewPCG(uint64(k), uint64(dim)))
		if X, err := p.Sample(rng, tt, 2); err != nil {
			okErr(t, "Sample", err)
		} else {
			for _, x := range X {
				if !numerics.AllFinite(x) {
					t.Fatalf("Sample = %v without an error", X)
				}
			}
		}
		if dim >= 1 && k <= 2 {
			lo, hi := sch.Domain()
			t1 := math.Min(hi, 2*tt)
			if t1 > lo && t1 < hi {
				out, err := p.Flow(tt, (tt+t1)/2, [][]float64{z}, numerics.Options{MaxSteps: 500})
				if err != nil {
					okErr(t, "Flow", err)
				} else if len(out) != 1 || !numerics.AllFinite(out[0]) {
					t.Fatalf("Flow = %v without an error", out)
				}
			}
		}
	})
}

// FuzzCoupling: the couplings and the flow-matching losses.
func FuzzCoupling(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		d := fuzzseed.NewDec(data)
		n, m, dim, kind := d.N(0, 3), d.N(0, 3), d.N(0, 2), d.U8()%4
		x, y := d.Mat(n, dim), d.Mat(m, dim)
		a, b := normalise(d.Fs(n)), normalise(d.Fs(m))
		tt := d.F()
		var c *interp.Coupling
		var err error
		switch kind {
		case 0:
			c, err = interp.Product(x, a, y, b)
		case 1:
			perm := make([]int, n)
			for i := range perm {
				perm[i] = (i + 1) % max(n, 1)
			}
			c, err = interp.FromPermutation(x, y, perm)
		case 2:
			c, err = interp.ExactOT(x, a, y, b)
		default:
			plan := make([][]float64, n)
			for i := range plan {
				plan[i] = make([]float64, m)
				for j := range plan[i] {
					plan[i][j] = a[i] * b[j]
				}
			}
			c, err = interp.FromPlan(x, y, plan)
		}
		if err != nil {
			okErr(t, "coupling", err)
			return
		}
		for _, P := range []interp.Interpolant{interp.Linear{}, interp.Bridge{S: mustSchedule("vp")}} {
			atoms, err := interp.ConditionalVelocity(c, P, tt)
			if err != nil {
				okErr(t, "ConditionalVelocity", err)
				continue
			}
			mass := 0.0
			for _, at := range atoms {
				mass += at.Mass
				if !numerics.AllFinite(at.Z) || !numerics.AllFinite(at.V) || !(at.Mass >= 0) {
					t.Fatalf("ConditionalVelocity atom %+v", at)
				}
			}
			if len(atoms) > 0 && math.Abs(mass-1) > 1e-9 {
				t.Fatalf("atoms' masses sum to %v", mass)
			}
			zero := func(z []float64) []float64 { return make([]float64, len(z)) }
			cfm, err1 := interp.CFMLoss(c, P, tt, zero)
			fm, err2 := interp.FMLoss(c, P, tt, zero)
			if err1 != nil || err2 != nil {
				if err1 != nil {
					okErr(t, "CFMLoss", err1)
				}
				if err2 != nil {
					okErr(t, "FMLoss", err2)
				}
				continue
			}
			if !numerics.AllFinite([]float64{cfm, fm}) || fm < 0 || cfm < fm*(1-1e-12)-1e-300 {
				t.Fatalf("CFMLoss = %v, FMLoss = %v (want CFM ≥ FM ≥ 0)", cfm, fm)
			}
		}
	})
}

func mustSchedule(name string) schedule.Schedule {
	s, err := schedule.ByName(name)
	if err != nil {
		panic(err)
	}
	return s
}
