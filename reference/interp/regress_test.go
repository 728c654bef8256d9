package interp_test

// Regression tests for defects found by auditing the exported API for
// inputs the fuzz targets do not reach, each named after its defect.

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/interp"
	"github.com/otverify/otverify/reference/mixture"
	"github.com/otverify/otverify/reference/schedule"
)

// TestMalformedCouplingOrInterpolantIsAnError: literals were trusted.
// CFMLoss panicked on a nil coupling, a nil interpolant and a pair out of
// range, and returned a value without an error for a negative mass or a
// NaN t; ConditionalVelocity, CFMLoss and FMLoss panicked on a Curved
// whose Offset is shorter than d, a Bridge without a schedule or with a
// zero TimeChange, and nil *Curved / *Linear / *Bridge pointers
// (Bridge.Name panicked too). The methods of a nil *Noising panicked, and
// Velocity of the zero Noising{} or of a path over the zero
// mixture.Mixture{} too (a division by d = 0), as did Marginal of a path
// with a zero TimeChange schedule. All now return errors wrapping
// numerics.ErrInvalid.
func TestMalformedCouplingOrInterpolantIsAnError(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := [][]float64{{0, 0}, {1, 1}}
	good, err := interp.Product(x, []float64{0.5, 0.5}, x, []float64{0.5, 0.5})
	if err != nil {
		t.Fatal(err)
	}
	v := func([]float64) []float64 { return []float64{0, 0} }
	type call struct {
		name string
		f    func() error
	}
	var cases []call
	couplings := []struct {
		name string
		c    *interp.Coupling
	}{
		{"nil coupling", nil},
		{"pair out of range", &interp.Coupling{X: x, Y: x, Pairs: []interp.Pair{{I: 5, J: 0, Mass: 1}}}},
		{"negative mass", &interp.Coupling{X: x, Y: x, Pairs: []interp.Pair{{I: 0, J: 1, Mass: -1}}}},
		{"infinite mass", &interp.Coupling{X: x, Y: x, Pairs: []interp.Pair{{I: 0, J: 1, Mass: math.Inf(1)}}}},
	}
	for _, cc := range couplings {
		c := cc.c
		cases = append(cases,
			call{"ConditionalVelocity " + cc.name, func() error { _, err := interp.ConditionalVelocity(c, interp.Linear{}, 0.5); return err }},
			call{"CFMLoss " + cc.name, func() error { _, err := interp.CFMLoss(c, interp.Linear{}, 0.5, v); return err }},
			call{"FMLoss " + cc.name, func() error { _, err := interp.FMLoss(c, interp.Linear{}, 0.5, v); return err }})
	}
	interpolants := []struct {
		name string
		P    interp.Interpolant
	}{
		{"nil interpolant", nil},
		{"Curved with a short Offset", interp.Curved{Kappa: 1, Offset: []float64{1}}},
		{"Curved with a NaN κ", interp.Curved{Kappa: math.NaN()}},
		{"Bridge without a schedule", interp.Bridge{}},
		{"Bridge with a zero TimeChange", interp.Bridge{S: schedule.TimeChange{}}},
		{"nil *Curved", (*interp.Curved)(nil)},
		{"nil *Linear", (*interp.Linear)(nil)},
		{"nil *Bridge", (*interp.Bridge)(nil)},
	}
	for _, pc := range interpolants {
		P := pc.P
		cases = append(cases,
			call{"ConditionalVelocity " + pc.name, func() error { _, err := interp.ConditionalVelocity(good, P, 0.5); return err }},
			call{"CFMLoss " + pc.name, func() error { _, err := interp.CFMLoss(good, P, 0.5, v); return err }},
			call{"FMLoss " + pc.name, func() error { _, err := interp.FMLoss(good, P, 0.5, v); return err }})
	}
	cases = append(cases, call{"CFMLoss at t = NaN", func() error { _, err := interp.CFMLoss(good, interp.Linear{}, math.NaN(), v); return err }})

	data, err := mixture.New([]float64{1}, [][]float64{{0}}, []float64{1})
	if err != nil {
		t.Fatal(err)
	}
	overZero, err := interp.NewNoising(&mixture.Mixture{}, 1, schedule.Linear{})
	if err != nil {
		t.Fatal(err)
	}
	badSched, err := interp.NewNoising(data, 1, schedule.TimeChange{Lo: 0, Hi: 1})
	if err != nil {
		t.Fatal(err)
	}
	z := []float64{0.5}
	for _, pc := range []struct {
		name string
		p    *interp.Noising
	}{{"nil Noising", nil}, {"zero Noising", &interp.Noising{}}, {"Noising over a zero Mixture", overZero}, {"Noising with a zero TimeChange", badSched}} {
		p := pc.p
		cases = append(cases,
			call{pc.name + " Marginal", func() error { _, err := p.Marginal(0.5); return err }},
			call{pc.name + " Sample", func() error { _, err := p.Sample(rng, 0.5, 1); return err }},
			call{pc.name + " LogDensity", func() error { _, err := p.LogDensity(0.5, z); return err }},
			call{pc.name + " Score", func() error { _, err := p.Score(nil, 0.5, z); return err }},
			call{pc.name + " Denoise", func() error { _, err := p.Denoise(nil, 0.5, z); return err }},
			call{pc.name + " NoisePosterior", func() error { _, err := p.NoisePosterior(nil, 0.5, z); return err }},
			call{pc.name + " Velocity", func() error { _, err := p.Velocity(nil, 0.5, z); return err }},
			call{pc.name + " VelocityBatch", func() error { return p.VelocityBatch([]float64{0}, 0.5, z) }},
			call{pc.name + " Flow", func() error { _, err := p.Flow(0.5, 0.4, [][]float64{z}, numerics.Options{}); return err }})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.f(); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
	if n := (interp.Bridge{}).Name(); n != "bridge(<nil>)" {
		t.Errorf("Bridge{}.Name() = %q", n)
	}
	var np *interp.Noising
	if np.Data() != nil || np.Sigma() != 0 || np.Schedule() != nil {
		t.Errorf("accessors of a nil *Noising: %v, %v, %v", np.Data(), np.Sigma(), np.Schedule())
	}
	// Well-formed inputs are unaffected, a Bridge at the ends included.
	for _, P := range []interp.Interpolant{interp.Linear{}, interp.Curved{Kappa: 1, Offset: []float64{1, 2}}, interp.Bridge{S: schedule.Linear{}}, &interp.Curved{Kappa: 0.5}} {
		for _, tt := range []float64{0, 0.5, 1} {
			if _, err := interp.CFMLoss(good, P, tt, v); err != nil {
				t.Errorf("CFMLoss(%s, t = %g): %v", P.Name(), tt, err)
			}
		}
	}
}
