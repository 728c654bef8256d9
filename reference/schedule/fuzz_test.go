package schedule_test

// Native Go fuzz target for package schedule (issue 9): ByName, Check, Coef
// and Domain of every named schedule, CosineAsVP and Reparametrized.
// Property: no panic; Check accepts exactly the finite t inside the open
// Domain; inside it Coef is finite and its derivatives agree with a central
// finite difference of the coefficients (relative 1e-5 of the scale, away
// from the ends of the range); CosineAsVP agrees with Cosine.
//
// Seeds: testdata/fuzz/FuzzSchedule/seed-*, written by
//
//	go test ./reference/schedule -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run: go test ./reference/schedule -run '^$' -fuzz '^FuzzSchedule$' -fuzztime 60s -parallel 1

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/internal/fuzzseed"
	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/schedule"
)

var fzSeeds = map[string][]fuzzseed.Seed{
	"FuzzSchedule": {
		{Name: "linear-mid", Args: []any{"linear", fuzzseed.NewEnc().F(0.5).Bytes()}},
		{Name: "vp-small", Args: []any{"vp", fuzzseed.NewEnc().F(1e-300).Bytes()}},
		{Name: "vp-large", Args: []any{"vp", fuzzseed.NewEnc().F(1e300).Bytes()}},
		{Name: "cosine-end", Args: []any{"cosine", fuzzseed.NewEnc().F(math.Nextafter(1, 0)).Bytes()}},
		{Name: "overshoot-zero", Args: []any{"overshoot", fuzzseed.NewEnc().F(0.5).Bytes()}},
		{Name: "overshoot-near", Args: []any{"overshoot", fuzzseed.NewEnc().F(math.Nextafter(0.5, 1)).Bytes()}},
		{Name: "outside", Args: []any{"linear", fuzzseed.NewEnc().F(1).Bytes()}},
		{Name: "unknown", Args: []any{"nope", fuzzseed.NewEnc().F(0.5).Bytes()}},
		{Name: "nan", Args: []any{"vp", fuzzseed.NewEnc().F(math.NaN()).Bytes()}},
	},
}

func TestFuzzSeedCorpus(t *testing.T) { fuzzseed.Check(t, fzSeeds) }

func FuzzSchedule(f *testing.F) {
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		d := fuzzseed.NewDec(data)
		tt := d.F()
		s, err := schedule.ByName(name)
		if err != nil {
			if !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("ByName(%q): %v", name, err)
			}
			return
		}
		lo, hi := s.Domain()
		inside := !math.IsNaN(tt) && !math.IsInf(tt, 0) && tt > lo && tt < hi
		if err := schedule.Check(s, tt); (err == nil) != inside {
			t.Fatalf("Check(%s, %v) = %v, inside (%v, %v) = %v", name, tt, err, lo, hi, inside)
		}
		if !inside {
			return
		}
		c := s.Coef(tt)
		if !numerics.AllFinite([]float64{c.A, c.B, c.DA, c.DB}) {
			t.Fatalf("%s.Coef(%v) = %+v is not finite inside the range", name, tt, c)
		}
		// Derivatives against central differences, away from the ends.
		h := 1e-5 * math.Max(1, math.Abs(tt))
		if tt-2*h > lo && tt+2*h < hi && math.Abs(tt) < 1e6 {
			p, m := s.Coef(tt+h), s.Coef(tt-h)
			fdA, fdB := (p.A-m.A)/(2*h), (p.B-m.B)/(2*h)
			scaleA := math.Abs(c.DA) + (math.Abs(p.A)+math.Abs(m.A))/h*1e-15 + 1e-6
			scaleB := math.Abs(c.DB) + (math.Abs(p.B)+math.Abs(m.B))/h*1e-15 + 1e-6
			// Second derivatives bounded on compact subsets: relative 1e-4
			// of the derivative scale (h² ≈ 1e-10 truncation).
			curvA := math.Abs(p.DA-m.DA) / (2 * h)
			curvB := math.Abs(p.DB-m.DB) / (2 * h)
			if math.Abs(fdA-c.DA) > 1e-4*scaleA+h*curvA || math.Abs(fdB-c.DB) > 1e-4*scaleB+h*curvB {
				t.Fatalf("%s at t = %v: a' = %v (FD %v), b' = %v (FD %v)", name, tt, c.DA, fdA, c.DB, fdB)
			}
		}
		if name == "cosine" {
			v := schedule.CosineAsVP().Coef(tt)
			if math.Abs(v.A-c.A) > 1e-12 || math.Abs(v.B-c.B) > 1e-12 {
				t.Fatalf("CosineAsVP(%v) = %+v, Cosine %+v", tt, v, c)
			}
		}
	})
}
