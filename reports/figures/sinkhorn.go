package figures

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/otverify/otverify/reference/discrete"
	"github.com/otverify/otverify/reference/entropic"
)

// SinkhornEps draws [P]'s "How Sinkhorn Diffuses a Discrete Plan": a small
// fixed balanced problem (5 source atoms z_i, 5 target atoms x_j, unequal
// masses, c_ij = ‖z_i − x_j‖²) solved exactly (discrete.EMD) and by
// log-domain Sinkhorn (entropic.Sinkhorn) at increasing ε; the top row is
// the coupling graph (edge width and opacity ∝ π_ij), the bottom row the
// plan matrix. The caption quotes the entropy H(π_ε), the marginal error,
// the entropic gap ⟨C, π_ε⟩ − OT against its bound ε·min(H(a), H(b)) and the
// distance to the product coupling a⊗b, all measured on the plans drawn.
func SinkhornEps() (Figure, error) {
	// Sources in a left column, targets in a right one (cost = 1 + vertical
	// offset², so the geometry of the matching is read vertically).
	zy := []float64{0.0, 1.0, 1.6, 2.7, 3.6}
	xy := []float64{0.4, 1.3, 2.0, 2.5, 3.9}
	a := []float64{0.10, 0.25, 0.20, 0.30, 0.15}
	b := []float64{0.20, 0.20, 0.25, 0.15, 0.20}
	const n = 5
	z := make([]float64, 0, 2*n)
	x := make([]float64, 0, 2*n)
	for i := 0; i < n; i++ {
		z = append(z, 0, zy[i])
		x = append(x, 1, xy[i])
	}
	C, err := entropic.SqEuclidean(z, x, 2)
	if err != nil {
		return Figure{}, err
	}
	exact, err := discrete.EMD(a, b, C, n, n)
	if err != nil {
		return Figure{}, err
	}
	epss := []float64{0.05, 0.3, 1.5, 8}
	plans := [][]float64{exact.Plan}
	titles := []string{"exact OT (ε = 0)"}
	var notes []string
	Ha, _ := entropic.Entropy(a)
	Hb, _ := entropic.Entropy(b)
	H0, err := entropic.Entropy(exact.Plan)
	if err != nil {
		return Figure{}, err
	}
	routes := 0
	for _, v := range exact.Plan {
		if v > 0 {
			routes++
		}
	}
	notes = append(notes, fmt.Sprintf("ε = 0: H(π) = %.3f, cost %.3f (the optimum)", H0, exact.Cost))
	prod := make([]float64, n*n)
	for i := range a {
		for j := range b {
			prod[i*n+j] = a[i] * b[j]
		}
	}
	worstMarg := 0.0
	for _, eps := range epss {
		res, err := entropic.Sinkhorn(a, b, C, n, n, eps, entropic.Options{})
		if err != nil {
			return Figure{}, fmt.Errorf("sinkhorn at ε = %g: %w", eps, err)
		}
		H, err := entropic.Entropy(res.Plan)
		if err != nil {
			return Figure{}, err
		}
		cost, l1 := 0.0, 0.0
		for k := range C {
			cost += C[k] * res.Plan[k]
			l1 += math.Abs(res.Plan[k] - prod[k])
		}
		worstMarg = math.Max(worstMarg, res.MarginalError)
		notes = append(notes, fmt.Sprintf("ε = %g: H(π_ε) = %.3f, ⟨C, π_ε⟩ − OT = %.3f ≤ ε·min(H(a), H(b)) = %.3f, ‖π_ε − a⊗b‖₁ = %.3f",
			eps, H, cost-exact.Cost, eps*math.Min(Ha, Hb), l1))
		plans = append(plans, res.Plan)
		titles = append(titles, fmt.Sprintf("Sinkhorn, ε = %g", eps))
	}
	pmax := 0.0
	for _, p := range plans {
		for _, v := range p {
			pmax = math.Max(pmax, v)
		}
	}
	const W, H = 900, 430
	var graphs, mats []*plot.Plot
	for k, plan := range plans {
		// The coupling graph.
		g := newPanel(titles[k])
		g.HideAxes()
		g.X.Min, g.X.Max, g.Y.Min, g.Y.Max = -0.35, 1.35, -0.4, 4.3
		var ls lines
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				m := plan[i*n+j] / pmax
				if m < 1e-3 {
					continue
				}
				ls = append(ls, polyline{X: []float64{0, 1}, Y: []float64{zy[i], xy[j]},
					Style: lineStyle(alpha(colGray, 0.15+0.85*m), 0.4+7*m)})
			}
		}
		var ds dots
		var lx, ly []float64
		var lt []string
		for i := 0; i < n; i++ {
			ds = append(ds, dot{X: 0, Y: zy[i], Color: colRed, R: 2 + 12*a[i]})
			ds = append(ds, dot{X: 1, Y: xy[i], Color: colBlue, R: 2 + 12*b[i]})
			lx, ly, lt = append(lx, -0.2, 1.2), append(ly, zy[i], xy[i]), append(lt, fmt.Sprintf("z%d", i+1), fmt.Sprintf("x%d", i+1))
		}
		lab, err := labelsAt(lx, ly, lt, 9, 0, 0)
		if err != nil {
			return Figure{}, err
		}
		g.Add(ls, ds, lab)
		graphs = append(graphs, g)

		// The plan matrix, row i = z_i from the top.
		mp := newPanel("")
		hm := plotter.NewHeatMap(planGrid{plan: plan, n: n}, whiteToBlue(64))
		hm.Min, hm.Max = 0, pmax
		var cx, cy []float64
		var ct []string
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				cx, cy = append(cx, float64(j)), append(cy, float64(n-1-i))
				ct = append(ct, strings.TrimPrefix(fmt.Sprintf("%.2f", plan[i*n+j]), "0"))
			}
		}
		vals, err := labelsAt(cx, cy, ct, 7.5, 0, 0)
		if err != nil {
			return Figure{}, err
		}
		mp.Add(hm, vals)
		var xt, yt []plot.Tick
		for i := 0; i < n; i++ {
			xt = append(xt, plot.Tick{Value: float64(i), Label: fmt.Sprintf("x%d", i+1)})
			yt = append(yt, plot.Tick{Value: float64(n - 1 - i), Label: fmt.Sprintf("z%d", i+1)})
		}
		mp.X.Tick.Marker, mp.Y.Tick.Marker = plot.ConstantTicks(xt), plot.ConstantTicks(yt)
		mp.X.Min, mp.X.Max, mp.Y.Min, mp.Y.Max = -0.5, n-0.5, -0.5, n-0.5
		mp.X.Tick.Length, mp.Y.Tick.Length = 0, 0
		mats = append(mats, mp)
	}
	svg, err := render([][]*plot.Plot{graphs, mats}, vg.Points(W), vg.Points(H))
	if err != nil {
		return Figure{}, err
	}
	cap := fmt.Sprintf("Source atoms z_i (red, area ∝ a_i) and target atoms x_j (blue, area ∝ b_j), cost c_ij = ‖z_i − x_j‖². "+
		"As ε grows the plan keeps its marginals (largest L1 marginal error of the Sinkhorn plans %.1e) but spreads its mass over more pairs, "+
		"from the sparse exact plan (%d routes used, a vertex has at most n+m−1 = 9) towards the product coupling a⊗b. Measured: %s.",
		worstMarg, routes, strings.Join(notes, "; "))
	return Figure{
		Caption: cap,
		Source:  "[P] § Entropic Optimal Transport (“How Sinkhorn Diffuses a Discrete Plan”)",
		Claims: []string{"entropic.marginals", "entropic.more-diffuse-with-eps", "entropic.limit-ot",
			"entropic.limit-product", "entropic.gibbs-form", "discrete.plan-feasible"},
		SVG: svg,
	}, nil
}

// planGrid shows an n×n row-major plan as a heat-map grid, row 0 on top.
type planGrid struct {
	plan []float64
	n    int
}

func (g planGrid) Dims() (c, r int)   { return g.n, g.n }
func (g planGrid) Z(c, r int) float64 { return g.plan[(g.n-1-r)*g.n+c] }
func (g planGrid) X(c int) float64    { return float64(c) }
func (g planGrid) Y(r int) float64    { return float64(r) }

// whiteToBlue is a sequential palette from white to the report's blue.
type whiteToBlue int

func (k whiteToBlue) Colors() []color.Color {
	out := make([]color.Color, int(k))
	for i := range out {
		f := float64(i) / float64(int(k)-1)
		out[i] = mix(color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}, colBlue, math.Pow(f, 0.8))
	}
	return out
}
