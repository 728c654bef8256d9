package interp

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/mixture"
	"github.com/otverify/otverify/reference/schedule"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol) {
		t.Errorf("%s = %.17g, want %.17g (tol %g)", what, got, want, tol)
	}
}

func diracs(t *testing.T, w []float64, mu [][]float64) *mixture.Mixture {
	t.Helper()
	m, err := mixture.NewDiracs(w, mu)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// One atom c: Z_t = a c + b Y, so v_t(z) = a' c + (b'/b)(z − a c) exactly.
func TestVelocitySingleAtom(t *testing.T) {
	c := 1.5
	m := diracs(t, []float64{1}, [][]float64{{c}})
	for _, name := range schedule.Names {
		s, _ := schedule.ByName(name)
		p, err := NewNoising(m, 0.7, s)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []float64{1e-6, 0.3, 0.5, 0.999999} {
			k := s.Coef(tt)
			for _, z := range []float64{0, 2, -1e6} {
				v, err := p.Velocity(nil, tt, []float64{z})
				if err != nil {
					t.Fatal(err)
				}
				want := k.DA*c + k.DB/k.B*(z-k.A*c)
				near(t, name+" v", v[0], want, 1e-14*math.Max(1, math.Abs(want)))
			}
		}
	}
}

// Away from a_t = 0, v_t = (a'/a) z + (a' b²/a − b' b) σ² s_t(z) ([C] §
// "Variations on the interpolant"); VP gives −z − σ² s, linear
// −(z + tσ² s)/(1 − t).
func TestVelocityTweedieForm(t *testing.T) {
	m := diracs(t, []float64{0.2, 0.3, 0.5}, [][]float64{{0, 1}, {2, -1}, {-1, -1}})
	sigma := 0.8
	for _, name := range schedule.Names {
		s, _ := schedule.ByName(name)
		p, _ := NewNoising(m, sigma, s)
		for _, tt := range []float64{0.1, 0.3, 0.7, 0.9} {
			k := s.Coef(tt)
			for _, z := range [][]float64{{0, 0}, {1, 1}, {-3, 0.5}} {
				v, _ := p.Velocity(nil, tt, z)
				sc, _ := p.Score(nil, tt, z)
				for i := range z {
					want := k.DA/k.A*z[i] + (k.DA*k.B*k.B/k.A-k.DB*k.B)*sigma*sigma*sc[i]
					near(t, name+" v", v[i], want, 1e-12*math.Max(1, math.Abs(k.DA/k.A*z[i])))
				}
				if name == "vp" {
					for i := range z {
						near(t, "vp v", v[i], -z[i]-sigma*sigma*sc[i], 1e-12)
					}
				}
				// Noise posterior: E[Y|Z] = −b σ² s.
				ey, _ := p.NoisePosterior(nil, tt, z)
				for i := range z {
					near(t, name+" E[Y|Z]", ey[i], -k.B*sigma*sigma*sc[i], 1e-12)
				}
			}
		}
	}
}

func TestVelocityAtOvershootZeroAndFarAway(t *testing.T) {
	m := diracs(t, []float64{0.25, 0.75}, [][]float64{{1}, {-1}})
	p, _ := NewNoising(m, 1, schedule.Overshoot{})
	// a_t = 0 at t = ½: Z = bY carries no information, E[X|Z] = E[X] = −½, and
	// v = a' E[X] + (b'/b) z = (−1)(−½) + 2z.
	v, err := p.Velocity(nil, 0.5, []float64{0.3})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "v at a=0", v[0], 0.5+0.6, 1e-15)
	lin, _ := NewNoising(m, 1, schedule.Linear{})
	for _, tt := range []float64{1e-9, 0.5, 1 - 1e-9} {
		for _, z := range []float64{1e6, -1e6, 0} {
			v, err := lin.Velocity(nil, tt, []float64{z})
			if err != nil || !numerics.AllFinite(v) {
				t.Fatalf("t=%g z=%g: %v %v", tt, z, v, err)
			}
		}
	}
}

func TestMarginal(t *testing.T) {
	m := diracs(t, []float64{0.5, 0.5}, [][]float64{{2}, {-2}})
	p, _ := NewNoising(m, 3, schedule.Linear{})
	law, err := p.Marginal(0.25)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "center", law.Mean(0)[0], 1.5, 0)
	near(t, "variance", law.Var(0), 0.75*0.75, 1e-15) // (b σ)² = (0.25·3)²
	if _, err := p.Marginal(1); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("t = 1 outside (0,1): %v", err)
	}
}

// One atom: the flow map of v_t(z) = a'c + (b'/b)(z − ac) is
// z ↦ a_1 c + (b_1/b_0)(z − a_0 c).
func TestFlowSingleAtomIsAffine(t *testing.T) {
	c := []float64{1, -2}
	m := diracs(t, []float64{1}, [][]float64{c})
	for _, name := range schedule.Names {
		s, _ := schedule.ByName(name)
		p, _ := NewNoising(m, 1, s)
		t0, t1 := 0.9, 0.05
		if name == "overshoot" {
			t0, t1 = 0.45, 0.05
		}
		z0 := [][]float64{{0, 0}, {3, 1}}
		z1, err := p.Flow(t0, t1, z0, numerics.Options{RelTol: 1e-10, AbsTol: 1e-12})
		if err != nil {
			t.Fatal(err)
		}
		k0, k1 := s.Coef(t0), s.Coef(t1)
		for r := range z0 {
			for i := range c {
				want := k1.A*c[i] + k1.B/k0.B*(z0[r][i]-k0.A*c[i])
				near(t, name+" flow", z1[r][i], want, 1e-8)
			}
		}
	}
}

func TestConditionalVelocityWorkedExample(t *testing.T) {
	// x = {0, 2}, y = {2, 0}, product coupling, t = ½: P = (x + y)/2 sends
	// (0,2) and (2,0) to 1 with opposite velocities ±2, so v_{1/2}(1) = 0.
	x, y := [][]float64{{0}, {2}}, [][]float64{{2}, {0}}
	c, err := Product(x, []float64{0.5, 0.5}, y, []float64{0.5, 0.5})
	if err != nil {
		t.Fatal(err)
	}
	atoms, err := ConditionalVelocity(c, Linear{}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	want := []Atom{{Z: []float64{1}, Mass: 0.5, V: []float64{0}}, {Z: []float64{0}, Mass: 0.25, V: []float64{0}}, {Z: []float64{2}, Mass: 0.25, V: []float64{0}}}
	if len(atoms) != len(want) {
		t.Fatalf("atoms = %+v", atoms)
	}
	for i := range want {
		near(t, "z", atoms[i].Z[0], want[i].Z[0], 0)
		near(t, "mass", atoms[i].Mass, want[i].Mass, 0)
		near(t, "v", atoms[i].V[0], want[i].V[0], 0)
	}
	// L_CFM(v) − L_FM(v) = E‖∂_t P − v_t‖² = ½·4 = 2 for any v.
	for _, f := range []VectorField{
		func(z []float64) []float64 { return []float64{0} },
		func(z []float64) []float64 { return []float64{3*z[0] - 1} },
	} {
		cfm, err1 := CFMLoss(c, Linear{}, 0.5, f)
		fm, err2 := FMLoss(c, Linear{}, 0.5, f)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		near(t, "CFM − FM", cfm-fm, 2, 1e-14)
	}
}

func TestExactOT(t *testing.T) {
	// Two points each, uniform: the optimal pairing is the sorted one;
	// with masses (¾, ¼) → (¼, ¾) mass must split.
	x, y := [][]float64{{0}, {1}}, [][]float64{{0.1}, {2}}
	c, err := ExactOT(x, []float64{0.5, 0.5}, y, []float64{0.5, 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Pairs) != 2 || c.Pairs[0] != (Pair{I: 0, J: 0, Mass: 0.5}) || c.Pairs[1] != (Pair{I: 1, J: 1, Mass: 0.5}) {
		t.Fatalf("pairs = %+v", c.Pairs)
	}
	c, err = ExactOT(x, []float64{0.75, 0.25}, y, []float64{0.25, 0.75})
	if err != nil {
		t.Fatal(err)
	}
	want := map[Pair]bool{{I: 0, J: 0, Mass: 0.25}: true, {I: 0, J: 1, Mass: 0.5}: true, {I: 1, J: 1, Mass: 0.25}: true}
	for _, p := range c.Pairs {
		if !want[p] {
			t.Fatalf("unexpected pair %+v in %+v", p, c.Pairs)
		}
	}
}

func TestInterpolantEndpoints(t *testing.T) {
	x, y := []float64{1, 2, 3}, []float64{-1, 0.5, 7}
	for _, P := range []Interpolant{Linear{}, Curved{Kappa: 2, Offset: []float64{1, 1, 1}}, Bridge{schedule.Linear{}}, Bridge{schedule.Cosine{}}, Bridge{schedule.Overshoot{}}} {
		z := make([]float64, 3)
		P.At(z, 0, x, y)
		for i := range z {
			near(t, P.Name()+" P_0", z[i], x[i], 1e-15)
		}
		P.At(z, 1, x, y)
		for i := range z {
			near(t, P.Name()+" P_1", z[i], y[i], 1e-15)
		}
		// ∂_t P_t against a central difference.
		dz, zp, zm := make([]float64, 3), make([]float64, 3), make([]float64, 3)
		P.Deriv(dz, 0.3, x, y)
		P.At(zp, 0.3+1e-6, x, y)
		P.At(zm, 0.3-1e-6, x, y)
		for i := range dz {
			near(t, P.Name()+" ∂P", dz[i], (zp[i]-zm[i])/2e-6, 1e-7)
		}
	}
}

func TestCouplingValidation(t *testing.T) {
	x, y := [][]float64{{0}, {1}}, [][]float64{{0}, {1}}
	if _, err := FromPermutation(x, y, []int{0, 0}); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("not a permutation: %v", err)
	}
	if _, err := FromPlan(x, y, [][]float64{{0.5, 0}, {0, 0.6}}); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("mass 1.1: %v", err)
	}
	if _, err := Product(x, []float64{1}, y, []float64{0.5, 0.5}); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("shape: %v", err)
	}
	if _, err := Product(x, []float64{0.5, 0.5}, [][]float64{{0, 1}}, []float64{1}); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("dimension: %v", err)
	}
	if _, err := IntegrateField(nil, 0, 1, x, numerics.Options{}); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("nil field: %v", err)
	}
}
