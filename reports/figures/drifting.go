package figures

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/drift"
)

// Drifting draws [C]'s figure "Drifting trajectories for a small particle
// generator": 45 particles started in a clump off the data, moved by
// explicit Euler steps of the normalised Gaussian-kernel field
// (drift.DriftParticles) towards a data set of three blue modes — on the
// left by the attraction B_ε[β] alone, on the right by the self-corrected
// field B_ε[β] − B_ε[μ_t], μ_t the current particles. The caption counts
// the particles that end near each mode and quotes the energy distance to
// the data (numerics.EnergyDistance) before and after.
func Drifting() (Figure, error) {
	rng := rand.New(rand.NewPCG(3, 4))
	centers := [][]float64{{-1.6, 1}, {1.6, 1}, {0, -1.6}}
	var data [][]float64
	for _, c := range centers {
		z, err := numerics.NormalRows(rng, 25, 2)
		if err != nil {
			return Figure{}, err
		}
		for _, q := range z {
			data = append(data, []float64{c[0] + 0.2*q[0], c[1] + 0.2*q[1]})
		}
	}
	x, err := numerics.NormalRows(rng, 45, 2)
	if err != nil {
		return Figure{}, err
	}
	for _, q := range x {
		q[0], q[1] = 2.4+0.3*q[0], -1.2+0.3*q[1]
	}
	const (
		eps   = 1.0
		step  = 0.5
		steps = 200
	)
	e0, err := numerics.EnergyDistance(x, data, numerics.VStatistic)
	if err != nil {
		return Figure{}, err
	}
	const W, H = 860, 360
	pw, ph := panelSize(W, H, 1, 2, true)
	x0, x1, y0, y1 := -2.6, 3.3, -2.6, 2.1
	var row []*plot.Plot
	var notes []string
	for _, raw := range []bool{true, false} {
		paths := make([][][]float64, len(x))
		p := x
		for i, q := range p {
			paths[i] = [][]float64{{q[0], q[1]}}
		}
		for k := 0; k < steps; k++ {
			p, err = drift.DriftParticles(p, data, drift.DriftOptions{Kernel: drift.Gaussian, Tau: eps, Step: step, Steps: 1, Raw: raw})
			if err != nil {
				return Figure{}, err
			}
			for i, q := range p {
				paths[i] = append(paths[i], []float64{q[0], q[1]})
			}
		}
		e1, err := numerics.EnergyDistance(p, data, numerics.VStatistic)
		if err != nil {
			return Figure{}, err
		}
		near := make([]int, len(centers))
		for _, q := range p {
			for j, c := range centers {
				if math.Hypot(q[0]-c[0], q[1]-c[1]) < 0.7 {
					near[j]++
				}
			}
		}
		title := "attraction only: B_ε[β]"
		if !raw {
			title = "self-corrected: B_ε[β] − B_ε[μ_t]"
		}
		notes = append(notes, fmt.Sprintf("%s: %d, %d and %d particles end near the three modes, energy distance %.3f → %.4f",
			title, near[0], near[1], near[2], e0, e1))
		pl := geometryPanel(title, x0, x1, y0, y1, pw, ph)
		var ls lines
		var ds dots
		for _, q := range data {
			ds = append(ds, dot{X: q[0], Y: q[1], Color: alpha(colBlue, 0.55), R: 2})
		}
		for _, path := range paths {
			ls = append(ls, polyline{X: column(path, 0), Y: column(path, 1), Style: lineStyle(alpha(colGray, 0.45), 0.7)})
		}
		for _, path := range paths {
			ds = append(ds, dot{X: path[0][0], Y: path[0][1], Color: colRed, R: 1.8})
			last := path[len(path)-1]
			ds = append(ds, dot{X: last[0], Y: last[1], Color: colYellow, R: 2.6})
		}
		pl.Add(ls, ds)
		row = append(row, pl)
	}
	svg, err := render([][]*plot.Plot{row}, vg.Points(W), vg.Points(H))
	if err != nil {
		return Figure{}, err
	}
	cap := fmt.Sprintf("A data set β of three modes (blue, 25 points each) and 45 particles started in a clump between two of them (red); "+
		"gray lines are the particle trajectories over %d Euler steps of size %g of the normalised Gaussian-kernel field (ε = %g), yellow the final positions. "+
		"The attraction B_ε[β](x) = E_K[y − x] alone is a mean-shift: every particle falls into the nearest mode of K_ε*β and the particles collapse there, "+
		"while the far mode attracts none. The self-corrected field B_ε[β] − B_ε[μ_t] = ε∇log(K_ε*β / K_ε*μ_t) also repels the particles from their own concentration, "+
		"so the longer integration spreads them over all three modes. Measured: %s; %s.",
		steps, step, eps, notes[0], notes[1])
	return Figure{
		Caption: cap,
		Source:  "[C] § Self-corrected drifting fields (figure “Drifting trajectories for a small particle generator”)",
		Claims:  []string{"drift.particles-converge", "drift.normalized-field-is-score", "drift.log-ratio", "drift.antisymmetry"},
		SVG:     svg,
	}, nil
}
