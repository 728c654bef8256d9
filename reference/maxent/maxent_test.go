package maxent

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
)

func bumpy(m int) []float64 {
	q := make([]float64, m)
	for k := range q {
		q[k] = 1 + 0.8*math.Sin(float64(3*k)) + 0.1*float64(k%5)
	}
	return q
}

func TestUniform(t *testing.T) {
	g, _ := NewGrid(-1, 3, 40)
	pr := Interval(g)
	q := bumpy(g.M)
	s := 0.0
	for _, v := range q {
		s += v * g.H()
	}
	for k := range q {
		q[k] /= s
	}
	for _, m := range []Metric{Euclidean, Fisher} {
		res, err := pr.Ascend(q, Options{Metric: m, MaxIter: 5000})
		if err != nil {
			t.Fatalf("metric %d: %v", m, err)
		}
		for k, v := range res.P {
			if math.Abs(v-0.25) > 1e-9 {
				t.Fatalf("metric %d: p[%d] = %v, want 1/4 (after %d steps)", m, k, v, res.Iter)
			}
		}
		for i := 1; i < len(res.Entropy); i++ {
			if res.Entropy[i] < res.Entropy[i-1]-1e-13 {
				t.Fatalf("entropy decreased at step %d", i)
			}
		}
		if last := res.Entropy[len(res.Entropy)-1]; math.Abs(last-math.Log(4)) > 1e-12 || last > math.Log(4)+1e-13 {
			t.Fatalf("H = %v, want log 4", last)
		}
		t.Logf("metric %d: %d steps", m, res.Iter)
	}
}

func TestGaussian(t *testing.T) {
	mu, s2 := 0.5, 0.8
	sd := math.Sqrt(s2)
	g, _ := NewGrid(mu-8*sd, mu+8*sd, 64)
	pr, err := MeanVariance(g, mu, s2)
	if err != nil {
		t.Fatal(err)
	}
	p0, err := pr.IProject(bumpy(g.M))
	if err != nil {
		t.Fatal(err)
	}
	if r := pr.Residual(p0); r > 1e-13 {
		t.Fatalf("IProject residual %g", r)
	}
	res, err := pr.Ascend(p0, Options{Metric: Fisher})
	if err != nil {
		t.Fatal(err)
	}
	uni := make([]float64, g.M)
	for k := range uni {
		uni[k] = 1
	}
	star, _ := pr.IProject(uni)
	x := g.X()
	for k, v := range res.P {
		if math.Abs(v-star[k]) > 1e-10 {
			t.Fatalf("p[%d] = %v, I-projection of uniform %v", k, v, star[k])
		}
		phi := math.Exp(-(x[k]-mu)*(x[k]-mu)/(2*s2)) / math.Sqrt(2*math.Pi*s2)
		if math.Abs(v-phi) > 0.01/sd {
			t.Fatalf("p[%d] = %v, Gaussian density %v", k, v, phi)
		}
	}
	H := res.Entropy[len(res.Entropy)-1]
	if G := 0.5 * math.Log(2*math.Pi*math.E*s2); math.Abs(H-G) > 1e-2 {
		t.Fatalf("H = %v, Gaussian %v", H, G)
	}
	t.Logf("Fisher: %d steps, slope %g", res.Iter, res.Slope)
	// Euclidean steps also increase H and keep the constraints.
	p := p0
	H0, _ := Entropy(p, g.H())
	for i := 0; i < 20; i++ {
		d, _, _ := pr.Direction(p, Euclidean)
		eta := math.Inf(1)
		for k := range p {
			eta = math.Min(eta, math.Min(p[k]/(2*math.Abs(d[k])), p[k]/(2*g.H())))
		}
		q, err := pr.Step(p, eta)
		if err != nil {
			t.Fatal(err)
		}
		H1, _ := Entropy(q, g.H())
		if H1 <= H0 || pr.Residual(q) > 1e-13 {
			t.Fatalf("step %d: H %v -> %v, residual %g", i, H0, H1, pr.Residual(q))
		}
		p, H0 = q, H1
	}
}

func TestInvalid(t *testing.T) {
	g, _ := NewGrid(0, 1, 10)
	tests := []struct {
		name string
		f    func() error
	}{
		{"grid", func() error { _, err := NewGrid(1, 0, 10); return err }},
		{"cells", func() error { _, err := NewGrid(0, 1, 1); return err }},
		{"mean outside", func() error { _, err := MeanVariance(g, 2, 0.1); return err }},
		{"variance too large", func() error { _, err := MeanVariance(g, 0.5, 1); return err }},
		{"entropy negative", func() error { _, err := Entropy([]float64{-1, 2}, 0.5); return err }},
		{"ascend infeasible", func() error { _, err := Interval(g).Ascend(make([]float64, 10), Options{}); return err }},
		{"step eta", func() error { _, err := Interval(g).Step([]float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, -1); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.f(); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
}
