package figures

import (
	"bytes"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Colours shared by the figures, after the documents' conventions: data
// and targets in blue, noise and sources in red, pairings in gray, moving
// samples in yellow.
var (
	colBlue   = color.NRGBA{R: 0x1f, G: 0x62, B: 0xb4, A: 0xff}
	colRed    = color.NRGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	colGray   = color.NRGBA{R: 0x70, G: 0x70, B: 0x70, A: 0xff}
	colYellow = color.NRGBA{R: 0xe8, G: 0xa8, B: 0x00, A: 0xff}
	colAqua   = color.NRGBA{R: 0x17, G: 0xa2, B: 0xb8, A: 0xff}
	colGreen  = color.NRGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}
	colPurple = color.NRGBA{R: 0x80, G: 0x3c, B: 0xb0, A: 0xff}
	colOrange = color.NRGBA{R: 0xf2, G: 0x8e, B: 0x2b, A: 0xff}
	colBlack  = color.NRGBA{A: 0xff}
	// modeColors tell mixture components (and the atoms they land on) apart.
	modeColors = []color.NRGBA{colBlue, colGreen, colPurple, colOrange, colAqua}
	// trajColors tell trajectories apart by the atom or mode they reach,
	// avoiding the red and blue of the endpoints.
	trajColors = []color.NRGBA{colGreen, colPurple, colOrange, colAqua}
)

// alpha returns c with opacity a ∈ [0, 1].
func alpha(c color.NRGBA, a float64) color.NRGBA {
	c.A = uint8(math.Round(255 * math.Max(0, math.Min(1, a))))
	return c
}

// mix returns (1 − f)·c0 + f·c1 channel by channel.
func mix(c0, c1 color.NRGBA, f float64) color.NRGBA {
	f = math.Max(0, math.Min(1, f))
	l := func(a, b uint8) uint8 { return uint8(math.Round((1-f)*float64(a) + f*float64(b))) }
	return color.NRGBA{R: l(c0.R, c1.R), G: l(c0.G, c1.G), B: l(c0.B, c1.B), A: l(c0.A, c1.A)}
}

var sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

// newPanel returns a plot with the report's fonts and a title.
func newPanel(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sansFont, 11)
	p.Title.Padding = vg.Points(4)
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(sansFont, 10)
		ax.Tick.Label.Font = font.From(sansFont, 8.5)
	}
	p.Legend.TextStyle.Font = font.From(sansFont, 9)
	p.Legend.ThumbnailWidth = vg.Points(16)
	p.Legend.Padding = vg.Points(2)
	return p
}

// geometryPanel is a panel for pictures in the plane: no axes, equal scales
// on both axes over the box [x0, x1]×[y0, y1] (enlarged to the panel's
// aspect ratio w:h of its data area).
func geometryPanel(title string, x0, x1, y0, y1 float64, w, h vg.Length) *plot.Plot {
	p := newPanel(title)
	p.HideAxes()
	setAspect(p, x0, x1, y0, y1, w, h)
	return p
}

// setAspect sets the axis ranges to [x0, x1]×[y0, y1] enlarged so that one
// unit has the same length on both axes in a data area of size w×h.
func setAspect(p *plot.Plot, x0, x1, y0, y1 float64, w, h vg.Length) {
	dx, dy := x1-x0, y1-y0
	want := float64(w) / float64(h)
	if dx/dy < want {
		extra := (dy*want - dx) / 2
		x0, x1 = x0-extra, x1+extra
	} else {
		extra := (dx/want - dy) / 2
		y0, y1 = y0-extra, y1+extra
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = x0, x1, y0, y1
}

// panelSize is the data-area size of one panel of a grid of the given
// overall size, for setAspect: the title and the tile padding are taken off.
func panelSize(w, h vg.Length, rows, cols int, titled bool) (vg.Length, vg.Length) {
	pw := (w - vg.Length(cols-1)*padX - 2*padOuter) / vg.Length(cols)
	ph := (h - vg.Length(rows-1)*padY - 2*padOuter) / vg.Length(rows)
	if titled {
		ph -= vg.Points(11*1.2) + vg.Points(4)
	}
	return pw, ph
}

const (
	padX     = vg.Length(14)
	padY     = vg.Length(14)
	padOuter = vg.Length(6)
)

// render draws a grid of panels (rows of plots; a nil entry leaves its tile
// empty) on one SVG canvas of size w×h and returns the SVG document.
func render(panels [][]*plot.Plot, w, h vg.Length) ([]byte, error) {
	rows := len(panels)
	if rows == 0 || len(panels[0]) == 0 {
		return nil, fmt.Errorf("figures: no panel to render")
	}
	cols := len(panels[0])
	c := vgsvg.New(w, h)
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: padX, PadY: padY,
		PadTop: padOuter, PadBottom: padOuter, PadLeft: padOuter, PadRight: padOuter}
	for j := 0; j < rows; j++ {
		if len(panels[j]) != cols {
			return nil, fmt.Errorf("figures: ragged panel grid")
		}
		for i := 0; i < cols; i++ {
			if p := panels[j][i]; p != nil {
				p.Draw(tiles.At(dc, i, j))
			}
		}
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// polyline is a path in data coordinates with its style.
type polyline struct {
	X, Y  []float64
	Style draw.LineStyle
}

// lines draws polylines (clipped to the data area).
type lines []polyline

func (ls lines) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	for _, l := range ls {
		pts := make([]vg.Point, len(l.X))
		for i := range l.X {
			pts[i] = vg.Point{X: tx(l.X[i]), Y: ty(l.Y[i])}
		}
		c.StrokeLines(l.Style, c.ClipLinesXY(pts)...)
	}
}

func (ls lines) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, l := range ls {
		for i := range l.X {
			xmin, xmax = math.Min(xmin, l.X[i]), math.Max(xmax, l.X[i])
			ymin, ymax = math.Min(ymin, l.Y[i]), math.Max(ymax, l.Y[i])
		}
	}
	return
}

func lineStyle(c color.Color, width float64) draw.LineStyle {
	return draw.LineStyle{Color: c, Width: vg.Points(width)}
}

// dashed is a dashed line style.
func dashed(c color.Color, width float64) draw.LineStyle {
	s := lineStyle(c, width)
	s.Dashes = []vg.Length{vg.Points(3), vg.Points(2.5)}
	return s
}

// dot is a marker at a point.
type dot struct {
	X, Y  float64
	Color color.Color
	R     float64 // radius in points
	Ring  bool    // an outline instead of a disc
}

// dots draws markers.
type dots []dot

func (ds dots) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	for _, d := range ds {
		sty := draw.GlyphStyle{Color: d.Color, Radius: vg.Points(d.R), Shape: draw.CircleGlyph{}}
		if d.Ring {
			sty.Shape = draw.RingGlyph{}
		}
		c.DrawGlyph(sty, vg.Point{X: tx(d.X), Y: ty(d.Y)})
	}
}

func (ds dots) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, d := range ds {
		xmin, xmax = math.Min(xmin, d.X), math.Max(xmax, d.X)
		ymin, ymax = math.Min(ymin, d.Y), math.Max(ymax, d.Y)
	}
	return
}

// arrow goes from (X, Y) to (X+DX, Y+DY) in data coordinates.
type arrow struct{ X, Y, DX, DY float64 }

// arrows draws arrows with a head of a fixed size in points.
type arrows struct {
	A     []arrow
	Style draw.LineStyle
	Head  float64 // head length in points
}

func (as arrows) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	for _, a := range as.A {
		p0 := vg.Point{X: tx(a.X), Y: ty(a.Y)}
		p1 := vg.Point{X: tx(a.X + a.DX), Y: ty(a.Y + a.DY)}
		c.StrokeLines(as.Style, c.ClipLinesXY([]vg.Point{p0, p1})...)
		dx, dy := float64(p1.X-p0.X), float64(p1.Y-p0.Y)
		n := math.Hypot(dx, dy)
		if n == 0 {
			continue
		}
		ux, uy := dx/n, dy/n
		h := as.Head
		for _, s := range []float64{1, -1} {
			// The two barbs at ±25° from the shaft.
			cs, sn := math.Cos(25*math.Pi/180), s*math.Sin(25*math.Pi/180)
			bx, by := -(ux*cs-uy*sn)*h, -(ux*sn+uy*cs)*h
			q := vg.Point{X: p1.X + vg.Length(bx), Y: p1.Y + vg.Length(by)}
			c.StrokeLines(as.Style, c.ClipLinesXY([]vg.Point{p1, q})...)
		}
	}
}

func (as arrows) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, a := range as.A {
		for _, q := range [][2]float64{{a.X, a.Y}, {a.X + a.DX, a.Y + a.DY}} {
			xmin, xmax = math.Min(xmin, q[0]), math.Max(xmax, q[0])
			ymin, ymax = math.Min(ymin, q[1]), math.Max(ymax, q[1])
		}
	}
	return
}

// area is a filled polygon in data coordinates.
type area struct {
	X, Y  []float64
	Color color.Color
}

// areas draws filled polygons (clipped to the data area).
type areas []area

func (as areas) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	for _, a := range as {
		pts := make([]vg.Point, len(a.X))
		for i := range a.X {
			pts[i] = vg.Point{X: tx(a.X[i]), Y: ty(a.Y[i])}
		}
		c.FillPolygon(a.Color, c.ClipPolygonXY(pts))
	}
}

func (as areas) DataRange() (xmin, xmax, ymin, ymax float64) {
	ls := make(lines, len(as))
	for i, a := range as {
		ls[i] = polyline{X: a.X, Y: a.Y}
	}
	return ls.DataRange()
}

// ellipse returns the closed curve {m + k·S^{1/2} u : |u| = 1} of a 2×2
// covariance S (the k-standard-deviation contour of N(m, S)) as n+1 points.
func ellipse(m []float64, S mat.Symmetric, k float64, n int) (xs, ys []float64, err error) {
	var eig mat.EigenSym
	if !eig.Factorize(S, true) {
		return nil, nil, fmt.Errorf("figures: eigendecomposition of a covariance failed")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	r0, r1 := k*math.Sqrt(math.Max(vals[0], 0)), k*math.Sqrt(math.Max(vals[1], 0))
	for i := 0; i <= n; i++ {
		th := 2 * math.Pi * float64(i) / float64(n)
		u0, u1 := r0*math.Cos(th), r1*math.Sin(th)
		xs = append(xs, m[0]+vecs.At(0, 0)*u0+vecs.At(0, 1)*u1)
		ys = append(ys, m[1]+vecs.At(1, 0)*u0+vecs.At(1, 1)*u1)
	}
	return xs, ys, nil
}

// labelsAt returns a plotter.Labels writing each text at its point.
func labelsAt(xs, ys []float64, texts []string, size float64, offX, offY float64) (*plotter.Labels, error) {
	xyl := plotter.XYLabels{XYs: make(plotter.XYs, len(xs)), Labels: texts}
	for i := range xs {
		xyl.XYs[i] = plotter.XY{X: xs[i], Y: ys[i]}
	}
	l, err := plotter.NewLabels(xyl)
	if err != nil {
		return nil, err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Font = font.From(sansFont, vg.Length(size))
		l.TextStyle[i].XAlign = draw.XCenter
		l.TextStyle[i].YAlign = draw.YCenter
	}
	l.Offset = vg.Point{X: vg.Points(offX), Y: vg.Points(offY)}
	return l, nil
}

// segmentsIntersect reports whether the closed segments [p1, p2] and
// [q1, q2] of the plane meet (orientation tests; collinear overlaps count).
func segmentsIntersect(p1, p2, q1, q2 [2]float64) bool {
	o := func(a, b, c [2]float64) float64 {
		return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
	}
	on := func(a, b, c [2]float64) bool { // c within the bounding box of ab
		return math.Min(a[0], b[0]) <= c[0] && c[0] <= math.Max(a[0], b[0]) &&
			math.Min(a[1], b[1]) <= c[1] && c[1] <= math.Max(a[1], b[1])
	}
	d1, d2 := o(q1, q2, p1), o(q1, q2, p2)
	d3, d4 := o(p1, p2, q1), o(p1, p2, q2)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return (d1 == 0 && on(q1, q2, p1)) || (d2 == 0 && on(q1, q2, p2)) ||
		(d3 == 0 && on(p1, p2, q1)) || (d4 == 0 && on(p1, p2, q2))
}

// pathsCross reports whether two polylines (points as rows) meet anywhere.
func pathsCross(a, b [][]float64) bool {
	for i := 0; i+1 < len(a); i++ {
		for j := 0; j+1 < len(b); j++ {
			if segmentsIntersect([2]float64{a[i][0], a[i][1]}, [2]float64{a[i+1][0], a[i+1][1]},
				[2]float64{b[j][0], b[j][1]}, [2]float64{b[j+1][0], b[j+1][1]}) {
				return true
			}
		}
	}
	return false
}

// crossings counts the pairs of paths that meet at least once.
func crossings(paths [][][]float64) int {
	n := 0
	for i := range paths {
		for j := i + 1; j < len(paths); j++ {
			if pathsCross(paths[i], paths[j]) {
				n++
			}
		}
	}
	return n
}

// bounds returns the bounding box of point clouds (rows of at least two
// coordinates), enlarged by the fraction pad of its size on each side.
func bounds(pad float64, clouds ...[][]float64) (x0, x1, y0, y1 float64) {
	x0, y0 = math.Inf(1), math.Inf(1)
	x1, y1 = math.Inf(-1), math.Inf(-1)
	for _, c := range clouds {
		for _, p := range c {
			x0, x1 = math.Min(x0, p[0]), math.Max(x1, p[0])
			y0, y1 = math.Min(y0, p[1]), math.Max(y1, p[1])
		}
	}
	dx, dy := (x1-x0)*pad, (y1-y0)*pad
	return x0 - dx, x1 + dx, y0 - dy, y1 + dy
}

// column returns coordinate k of every row.
func column(pts [][]float64, k int) []float64 {
	out := make([]float64, len(pts))
	for i, p := range pts {
		out[i] = p[k]
	}
	return out
}
