package figures

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/otverify/otverify/reference/autoreg"
	"github.com/otverify/otverify/reference/mixture"
	"github.com/otverify/otverify/reference/ot1d"
)

// Sampling draws [P]'s two interactive sampling panels as still pictures.
//
// Left, "Inverse Transform Sampling": the target is a two-bump density
// p(x) (a one-dimensional Gaussian mixture, reference/mixture) discretised
// on a fine grid into the measure Σ_k p_k δ_{x_k} of reference/ot1d; the
// blue curve is its quantile function x = F^{-1}(u) = min{x : F(x) ≥ u}
// (ot1d.Measure.Quantile), the density is drawn along the vertical axis,
// the orange area is the mass F(F^{-1}(u₀)) = u₀ below the chosen level,
// and the gray histogram is the law of F^{-1}(u_k) on the grid u_k =
// (k − ½)/N — the density again.
//
// Right, "Next-Token Inverse CDF Sampling": the vocabulary {apple, banana,
// cherry} with p = (0.6, 0.3, 0.1) partitions [0, 1) by its CDF
// (autoreg.CDF); the staircase is the token autoreg.Sample(p, u) returns for
// each u, and u = 0.75 picks "banana".
func Sampling() (Figure, error) {
	mix, err := mixture.New([]float64{0.35, 0.65}, [][]float64{{-1.6}, {1.1}}, []float64{0.45 * 0.45, 0.8 * 0.8})
	if err != nil {
		return Figure{}, err
	}
	const K = 801
	xs := make([]float64, K)
	ps := make([]float64, K)
	dens := make([]float64, K)
	sum := 0.0
	for k := range xs {
		xs[k] = -4 + 8*float64(k)/(K-1)
		lp, err := mix.LogDensity([]float64{xs[k]})
		if err != nil {
			return Figure{}, err
		}
		dens[k] = math.Exp(lp)
		sum += dens[k]
	}
	for k := range ps {
		ps[k] = dens[k] / sum
	}
	meas, err := ot1d.NewMeasure(xs, ps)
	if err != nil {
		return Figure{}, err
	}
	const u0 = 0.7
	x0, err := meas.Quantile(u0)
	if err != nil {
		return Figure{}, err
	}
	var qu, qx []float64
	for i := 1; i < 1000; i++ {
		u := float64(i) / 1000
		x, err := meas.Quantile(u)
		if err != nil {
			return Figure{}, err
		}
		qu, qx = append(qu, u), append(qx, x)
	}
	// The law of F^{-1} on a deterministic grid of N levels: a histogram
	// with bins of width 0.25.
	const N = 4000
	const binW = 0.25
	bins := make([]float64, int(8/binW))
	for k := 0; k < N; k++ {
		x, err := meas.Quantile((float64(k) + 0.5) / N)
		if err != nil {
			return Figure{}, err
		}
		b := int(math.Floor((x + 4) / binW))
		b = max(0, min(len(bins)-1, b))
		bins[b]++
	}
	pmax := 0.0
	for _, d := range dens {
		pmax = math.Max(pmax, d)
	}
	const side = 0.32 // width of the sideways density, in units of u
	scale := side / pmax
	left := newPanel("inverse transform: x = F⁻¹(u)")
	left.X.Label.Text, left.Y.Label.Text = "u ~ U(0, 1)   (left of 0: the target density p(x))", "x"
	// The histogram as a sideways step line (density estimate c/(N·binW)).
	hx, hy := []float64{0}, []float64{-4}
	for b, c := range bins {
		h := c / N / binW * scale
		y0, y1 := -4+float64(b)*binW, -4+float64(b+1)*binW
		hx, hy = append(hx, -h, -h), append(hy, y0, y1)
	}
	hx, hy = append(hx, 0), append(hy, 4)
	hist := lines{{X: hx, Y: hy, Style: lineStyle(alpha(colBlack, 0.55), 0.9)}}
	var dX, dY, fX, fY []float64
	fX, fY = append(fX, 0), append(fY, xs[0])
	for k := range xs {
		dX, dY = append(dX, -dens[k]*scale), append(dY, xs[k])
		if xs[k] <= x0 {
			fX, fY = append(fX, -dens[k]*scale), append(fY, xs[k])
		}
	}
	fX, fY = append(fX, 0), append(fY, x0)
	left.Add(areas{{X: fX, Y: fY, Color: alpha(colOrange, 0.55)}}, hist,
		lines{
			{X: dX, Y: dY, Style: lineStyle(colRed, 1.3)},
			{X: qu, Y: qx, Style: lineStyle(colBlue, 2)},
			{X: []float64{u0, u0, -side}, Y: []float64{-4, x0, x0}, Style: dashed(colBlack, 0.8)},
			{X: []float64{0, 0}, Y: []float64{-4, 4}, Style: lineStyle(colBlack, 0.5)},
		},
		dots{{X: u0, Y: x0, Color: colBlue, R: 3.5}, {X: u0, Y: -4, Color: colBlack, R: 3}})
	lab, err := labelsAt([]float64{u0 + 0.02}, []float64{x0 - 0.45}, []string{fmt.Sprintf("u₀ = %.1f ↦ x = %.2f", u0, x0)}, 9, 0, 0)
	if err != nil {
		return Figure{}, err
	}
	lab.TextStyle[0].XAlign = draw.XLeft
	left.Add(lab)
	left.X.Min, left.X.Max, left.Y.Min, left.Y.Max = -side-0.02, 1, -4, 4
	left.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 0.25, Label: "0.25"}, {Value: 0.5, Label: "0.5"}, {Value: 0.75, Label: "0.75"}, {Value: 1, Label: "1"}})

	// Next-token sampling.
	p := []float64{0.6, 0.3, 0.1}
	names := []string{"apple", "banana", "cherry"}
	F := autoreg.CDF(p)
	pick, err := autoreg.Sample(p, 0.75)
	if err != nil {
		return Figure{}, err
	}
	right := newPanel("next token: index(u) = min{i : F_i > u}")
	right.X.Label.Text, right.Y.Label.Text = "u ~ U(0, 1)", "token"
	var bands areas
	lo := 0.0
	for i := range p {
		c := modeColors[i%len(modeColors)]
		bands = append(bands, area{X: []float64{lo, F[i], F[i], lo}, Y: []float64{-0.5, -0.5, 2.5, 2.5}, Color: alpha(c, 0.10)})
		lo = F[i]
	}
	// The staircase, evaluated by the sampler on a fine grid of u.
	var sx, sy []float64
	counts := make([]int, len(p))
	const G = 1000
	for k := 0; k < G; k++ {
		u := float64(k) / G
		i, err := autoreg.Sample(p, u)
		if err != nil {
			return Figure{}, err
		}
		counts[i]++
		if len(sy) > 0 && sy[len(sy)-1] != float64(i) {
			sx, sy = append(sx, u), append(sy, sy[len(sy)-1])
		}
		sx, sy = append(sx, u), append(sy, float64(i))
	}
	sx, sy = append(sx, 1), append(sy, sy[len(sy)-1])
	maxDev := 0.0
	for i := range p {
		maxDev = math.Max(maxDev, math.Abs(float64(counts[i])/G-p[i]))
	}
	right.Add(bands, lines{
		{X: sx, Y: sy, Style: lineStyle(colBlue, 2)},
		{X: []float64{0.75, 0.75, 0}, Y: []float64{-0.5, float64(pick), float64(pick)}, Style: dashed(colBlack, 0.8)},
	}, dots{{X: 0.75, Y: float64(pick), Color: colRed, R: 4}})
	cdfX := []float64{}
	cdfY := []float64{}
	cdfT := []string{}
	prev := 0.0
	for i := range p {
		cdfX, cdfY = append(cdfX, (prev+F[i])/2), append(cdfY, 2.25)
		cdfT = append(cdfT, fmt.Sprintf("p = %.1f", p[i]))
		prev = F[i]
	}
	plab, err := labelsAt(cdfX, cdfY, cdfT, 9, 0, 0)
	if err != nil {
		return Figure{}, err
	}
	right.Add(plab)
	right.X.Min, right.X.Max, right.Y.Min, right.Y.Max = 0, 1, -0.5, 2.5
	xt := []plot.Tick{{Value: 0, Label: "0"}}
	for i := range F {
		xt = append(xt, plot.Tick{Value: F[i], Label: fmt.Sprintf("%.1f", F[i])})
	}
	xt = append(xt, plot.Tick{Value: 0.75, Label: "u = 0.75"})
	right.X.Tick.Marker = plot.ConstantTicks(xt)
	var yt []plot.Tick
	for i, nm := range names {
		yt = append(yt, plot.Tick{Value: float64(i), Label: nm})
	}
	right.Y.Tick.Marker = plot.ConstantTicks(yt)

	svg, err := render([][]*plot.Plot{{left, right}}, vg.Points(860), vg.Points(330))
	if err != nil {
		return Figure{}, err
	}
	cap := fmt.Sprintf("Left: the quantile function F⁻¹ of a two-bump target (blue) turns uniform noise into samples; "+
		"the target density is drawn along the vertical axis (red), and the orange area is the mass below F⁻¹(u₀) for u₀ = %.1f: F(F⁻¹(u₀)) = %.4f on the discretised target; "+
		"and the gray steps are the histogram of F⁻¹(u_k) on the deterministic grid u_k = (k − ½)/%d, which reproduces the density. "+
		"Right: next-token sampling with p = (0.6, 0.3, 0.1) is the same rule on a discrete CDF, here computed as (%.1f, %.1f, %.1f); "+
		"u = 0.75 picks token %d, “%s”; on the grid u = k/%d the frequencies of the three tokens differ from p by at most %.2g (1/N = %.0e).",
		u0, meas.CDF(x0), N, F[0], F[1], F[2], pick, names[pick], G, maxDev, 1.0/G)
	return Figure{
		Caption: cap,
		Source:  "[P] § The 1D Case: Inverse Transform Sampling (“Inverse Transform Sampling”); § Example: LLMs as Classification (“Next-Token Inverse CDF Sampling”)",
		Claims: []string{"ot1d.inverse-transform", "ot1d.probability-integral-transform", "ot1d.monotone-map",
			"autoreg.next-token-worked-example", "autoreg.grid-frequencies", "autoreg.never-zero-probability"},
		SVG: svg,
	}, nil
}
