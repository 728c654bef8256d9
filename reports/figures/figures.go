package figures

import "fmt"

// Figure is one figure: the SVG drawn by gonum/plot, its caption, the
// section of the documents it reproduces and the claims it illustrates. Its
// fields match reports.Figure, to which it converts.
type Figure struct {
	ID, Title, Caption string
	Source             string
	Claims             []string
	SVG                []byte
	Err                string
}

// Builder computes one figure.
type Builder struct {
	ID    string
	Title string
	Build func() (Figure, error)
}

// Builders lists the figures in page order (the order of issue 8's list).
func Builders() []Builder {
	return []Builder{
		{"fig-interpolants", "Straight-line interpolants: random pairing, exact OT, curved bridge", Interpolants},
		{"fig-bridge-1d", "One-dimensional diffusion bridge of a Gaussian mixture", Bridge1D},
		{"fig-noising-2d", "Two-dimensional noising paths from three Dirac masses", Noising2D},
		{"fig-reverse-2d", "Reverse probability-flow trajectories and OT rays", Reverse2D},
		{"fig-drifting", "Drifting particles: attraction only vs the self-corrected field", Drifting},
		{"fig-closures", "Gaussian closures: W2 geodesic, Sinkhorn-style, drifting-style", Closures},
		{"fig-kr-brenier", "Knothe–Rosenblatt vs Brenier, and the flow-matching map vs Brenier", KRBrenier},
		{"fig-sinkhorn-eps", "Sinkhorn plans at increasing ε", SinkhornEps},
		{"fig-sampling", "Inverse-transform sampling and next-token sampling", Sampling},
	}
}

// All builds every figure in page order. A figure that cannot be computed
// (an error or a panic of the code it calls) is returned with Err set and
// no SVG, so one broken figure does not hide the others.
func All() []Figure {
	var out []Figure
	for _, b := range Builders() {
		out = append(out, build(b))
	}
	return out
}

// Build builds the figure with the given id.
func Build(id string) (Figure, error) {
	for _, b := range Builders() {
		if b.ID == id {
			f := build(b)
			if f.Err != "" {
				return f, fmt.Errorf("figure %s: %s", id, f.Err)
			}
			return f, nil
		}
	}
	return Figure{}, fmt.Errorf("figures: no figure %q", id)
}

func build(b Builder) (f Figure) {
	defer func() {
		if r := recover(); r != nil {
			f = Figure{ID: b.ID, Title: b.Title, Err: fmt.Sprintf("panic: %v", r)}
		}
	}()
	f, err := b.Build()
	f.ID, f.Title = b.ID, b.Title
	if err != nil {
		f.SVG = nil
		f.Err = err.Error()
	}
	return f
}
