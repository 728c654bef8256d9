package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/otverify/otverify/theorems"
)

// Figure is one figure of the HTML report: a picture of a construction of
// the source documents computed by the reference implementation (package
// reports/figures builds them), with the claims it illustrates.
type Figure struct {
	// ID is the figure's anchor in the page ("fig-sinkhorn-eps"); it must be
	// unique and made of lower-case letters, digits and '-'.
	ID string
	// Title is a short name; Caption says what is drawn, with the numbers
	// measured on the drawn instance (crossing counts, costs, entropies).
	Title, Caption string
	// Source is the section of the documents the figure reproduces.
	Source string
	// Claims are the catalog ids the figure illustrates; the page shows the
	// status each had in the same run.
	Claims []string
	// SVG is the figure as a standalone SVG document (gonum/plot's SVG
	// backend); its XML prolog is dropped when it is inlined.
	SVG []byte
	// Err, if not empty, says why the figure could not be computed; the
	// page shows it in place of the picture.
	Err string
}

// BenchTable is a benchmark result file summarised for the report: one row
// per benchmark name and unit, with the median over repeated runs.
type BenchTable struct {
	File   string      // the file it was read from
	Config [][2]string // file-level configuration (goos, cpu, cpu-features, …)
	Rows   []BenchRow
}

// BenchRow is one benchmark and unit of a BenchTable.
type BenchRow struct {
	Name   string
	Unit   string
	Median float64
	Runs   int
}

// HTMLOptions carry what the HTML report shows besides the run itself.
type HTMLOptions struct {
	// Title of the page (default "otverify report").
	Title string
	// Figures, in page order.
	Figures []Figure
	// Bench is the latest benchmark table, or nil.
	Bench *BenchTable
	// CPU and CPUFeatures describe the processor the report was made on.
	CPU         string
	CPUFeatures []string
	// Note is a line under the title (for example how the run was made).
	Note string
}

// WriteHTML writes the report as one self-contained HTML page: inline CSS,
// inline SVG figures, no external resource and no script framework (one
// short inline script marks the page once every figure has a non-empty
// layout box, which the browser test reads). The claim table is filtered
// by family with CSS alone. The markup is well-formed XML (every element
// closed, attributes quoted), which the tests check with encoding/xml.
func WriteHTML(w io.Writer, r *Report, o HTMLOptions) error {
	if o.Title == "" {
		o.Title = "otverify report"
	}
	seen := map[string]bool{}
	for _, f := range o.Figures {
		if !figureID.MatchString(f.ID) {
			return fmt.Errorf("reports: figure id %q: want lower-case letters, digits and '-'", f.ID)
		}
		if seen[f.ID] {
			return fmt.Errorf("reports: duplicate figure id %q", f.ID)
		}
		seen[f.ID] = true
	}
	page, err := buildPage(r, o)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, page); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

var (
	figureID  = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	xmlProlog = regexp.MustCompile(`(?s)^\s*<\?xml[^>]*\?>\s*(<!--.*?-->\s*)?`)
	unsafeCSS = regexp.MustCompile(`[^a-z0-9-]`)
)

type familyRow struct {
	Name                           string
	Class                          string
	Pass, Fail, Skip, Error, Total int
}

type claimRow struct {
	Anchor, Label, Family, Class string
	Statement, Source, Tolerance string
	Status, Message, Kind        string
	Checks                       int
	Truncated                    bool
	Ratio                        string
	Bar                          int // width of the closeness bar in % (0–100)
	BarClass                     string
	Duration                     string
	Repro                        string
	Violation                    string
}

type figClaim struct {
	ID, Anchor, Status string
	Checks             int
	InRun, Truncated   bool
}

type figView struct {
	ID, Title, Caption, Source, Err string
	SVG                             template.HTML
	Claims                          []figClaim
	ClaimList                       string
}

type pageView struct {
	Title, Note   string
	R             *Report
	Summary       Summary
	Families      []familyRow
	Claims        []claimRow
	Figures       []figView
	Bench         *BenchTable
	BenchRows     []benchView
	CPU           string
	CPUFeatures   string
	CSS           template.CSS
	JS            template.JS
	Machine       *Machine
	Impl          *Implementation
	Duration      string
	FigureTotal   int
	FiguresFailed int
}

type benchView struct {
	Name, Unit, Median string
	Runs               int
}

func buildPage(r *Report, o HTMLOptions) (*pageView, error) {
	p := &pageView{Title: o.Title, Note: o.Note, R: r, Summary: r.Summary, Machine: r.Machine,
		Impl: r.Implementation, CPU: o.CPU, CPUFeatures: strings.Join(o.CPUFeatures, " "),
		Bench: o.Bench, Duration: fmt.Sprintf("%.1f s", r.Duration), FigureTotal: len(o.Figures)}
	fams := map[string]*familyRow{}
	var order []string
	byID := map[string]theorems.Result{}
	for _, c := range r.Claims {
		fam := c.Family
		if fam == "" {
			fam, _, _ = strings.Cut(c.ID, ".")
		}
		fr, ok := fams[fam]
		if !ok {
			fr = &familyRow{Name: fam, Class: "fam-" + unsafeCSS.ReplaceAllString(fam, "_")}
			fams[fam] = fr
			order = append(order, fam)
		}
		fr.Total++
		switch c.Status {
		case theorems.Pass:
			fr.Pass++
		case theorems.Fail:
			fr.Fail++
		case theorems.Skip:
			fr.Skip++
		default:
			fr.Error++
		}
		if prev, dup := byID[c.ID]; !dup || (prev.Tier != "" && c.Tier == "") {
			byID[c.ID] = c
		}
		row := claimRow{Anchor: claimAnchor(Label(c)), Label: Label(c), Family: fam, Class: fr.Class,
			Statement: c.Statement, Source: c.Source, Tolerance: c.Tolerance, Status: string(c.Status),
			Message: c.Message, Kind: c.Kind, Checks: c.Checks, Truncated: c.Truncated,
			Duration: fmt.Sprintf("%.2f", c.Duration), Repro: c.Repro}
		if ce := c.Counterexample; ce != nil && ce.Mismatch != nil && ce.Mismatch.Tolerance > 0 && c.Status != theorems.Pass {
			m := ce.Mismatch
			row.Violation = fmt.Sprintf("violated: %s: got %s, want %s, |error| %.3g > tolerance %.3g",
				m.What, compact(m.Got, 120), compact(m.Want, 120), m.Error, m.Tolerance)
		}
		if c.WorstRatio > 0 && !math.IsNaN(c.WorstRatio) {
			row.Ratio = fmt.Sprintf("%.2g", c.WorstRatio)
			// The bar is logarithmic: 1e-12 of the tolerance is empty, the
			// tolerance itself is full.
			f := (math.Log10(c.WorstRatio) + 12) / 12
			row.Bar = int(math.Round(100 * math.Max(0, math.Min(1, f))))
			switch {
			case c.WorstRatio > 1:
				row.BarClass = "over"
			case c.WorstRatio > 0.1:
				row.BarClass = "near"
			default:
				row.BarClass = "far"
			}
		}
		p.Claims = append(p.Claims, row)
	}
	sort.Strings(order)
	for _, f := range order {
		p.Families = append(p.Families, *fams[f])
	}
	p.CSS = template.CSS(baseCSS + familyCSS(p.Families))
	p.JS = template.JS(renderCheckJS)
	for _, f := range o.Figures {
		v := figView{ID: f.ID, Title: f.Title, Caption: f.Caption, Source: f.Source, Err: f.Err,
			ClaimList: strings.Join(f.Claims, " ")}
		if f.Err == "" {
			if len(f.SVG) == 0 {
				return nil, fmt.Errorf("reports: figure %s has neither an SVG nor an error", f.ID)
			}
			svg := xmlProlog.ReplaceAll(f.SVG, nil)
			if !bytes.HasPrefix(bytes.TrimSpace(svg), []byte("<svg")) {
				return nil, fmt.Errorf("reports: figure %s is not an SVG document", f.ID)
			}
			v.SVG = template.HTML(svg) // produced by our own code (gonum/plot), not user input
		} else {
			p.FiguresFailed++
		}
		for _, id := range f.Claims {
			fc := figClaim{ID: id, Anchor: claimAnchor(id)}
			if c, ok := byID[id]; ok {
				fc.InRun, fc.Status, fc.Checks, fc.Truncated = true, string(c.Status), c.Checks, c.Truncated
				fc.Anchor = claimAnchor(Label(c))
			}
			v.Claims = append(v.Claims, fc)
		}
		p.Figures = append(p.Figures, v)
	}
	if o.Bench != nil {
		for _, b := range o.Bench.Rows {
			p.BenchRows = append(p.BenchRows, benchView{Name: b.Name, Unit: b.Unit, Median: formatBench(b.Median, b.Unit), Runs: b.Runs})
		}
	}
	return p, nil
}

func claimAnchor(label string) string {
	var b strings.Builder
	b.WriteString("claim-")
	for _, r := range label {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '.':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r - 'A' + 'a')
		default:
			b.WriteRune('_')
		}
	}
	return b.String()
}

// familyCSS writes the rules of the CSS-only family filter: a checked radio
// button hides the claim rows of every other family.
func familyCSS(fams []familyRow) string {
	var b strings.Builder
	for _, f := range fams {
		fmt.Fprintf(&b, "#show-%s:checked ~ .claims tbody tr:not(.%s) { display: none; }\n", f.Class, f.Class)
		fmt.Fprintf(&b, "#show-%s:checked ~ .filters label[for=show-%s] { background: #234; color: #fff; }\n", f.Class, f.Class)
	}
	b.WriteString("#show-all:checked ~ .filters label[for=show-all] { background: #234; color: #fff; }\n")
	return b.String()
}

func formatBench(v float64, unit string) string {
	switch unit {
	case "sec/op":
		switch {
		case v >= 1:
			return fmt.Sprintf("%.3g s", v)
		case v >= 1e-3:
			return fmt.Sprintf("%.3g ms", v*1e3)
		case v >= 1e-6:
			return fmt.Sprintf("%.3g µs", v*1e6)
		default:
			return fmt.Sprintf("%.3g ns", v*1e9)
		}
	case "B/op":
		return fmt.Sprintf("%.4g B", v)
	}
	return fmt.Sprintf("%.4g", v)
}

// LatestBench reads the latest benchmark result file (the Go benchmark
// format, *.txt or *.bench) under dir and summarises it; it returns nil, nil
// when dir does not exist or holds no such file. "Latest" is the greatest
// file name: `verify bench` names its files by UTC time
// (reports/bench/20260101-120000-<kernel>.txt), which a checkout keeps and
// modification times do not.
func LatestBench(dir string) (*BenchTable, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	best := ""
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".txt") || strings.HasSuffix(name, ".bench")) {
			continue
		}
		if name > best {
			best = name
		}
	}
	if best == "" {
		return nil, nil
	}
	path := filepath.Join(dir, best)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadBench(f, path)
}

// ReadBench summarises a file in the Go benchmark format (golang.org/x/perf
// benchfmt): the file configuration of its first result and, per benchmark
// name and unit, the median over the repeated runs, in order of first
// appearance.
func ReadBench(rd io.Reader, name string) (*BenchTable, error) {
	t := &BenchTable{File: name}
	br := benchfmt.NewReader(rd, name)
	type key struct{ name, unit string }
	vals := map[key][]float64{}
	var order []key
	first := true
	for br.Scan() {
		res, ok := br.Result().(*benchfmt.Result)
		if !ok {
			continue // syntax errors and unit metadata are not shown
		}
		if first {
			for _, c := range res.Config {
				if c.File {
					t.Config = append(t.Config, [2]string{c.Key, string(c.Value)})
				}
			}
			first = false
		}
		n := string(res.Name.Full())
		for _, v := range res.Values {
			k := key{n, v.Unit}
			if _, ok := vals[k]; !ok {
				order = append(order, k)
			}
			vals[k] = append(vals[k], v.Value)
		}
	}
	if err := br.Err(); err != nil {
		return nil, fmt.Errorf("reports: reading %s: %w", name, err)
	}
	if len(order) == 0 {
		return nil, nil
	}
	for _, k := range order {
		v := append([]float64(nil), vals[k]...)
		sort.Float64s(v)
		med := v[len(v)/2]
		if len(v)%2 == 0 {
			med = (v[len(v)/2-1] + v[len(v)/2]) / 2
		}
		t.Rows = append(t.Rows, BenchRow{Name: k.name, Unit: k.unit, Median: med, Runs: len(v)})
	}
	return t, nil
}

const baseCSS = `
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, "DejaVu Sans", "Liberation Sans", sans-serif; margin: 0 auto; max-width: 1280px; padding: 0 24px 48px; color: #1b1f24; background: #fff; }
h1 { font-size: 26px; margin: 24px 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 0 0 6px; }
.note { color: #57606a; margin: 0 0 12px; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d7de; padding: 3px 7px; vertical-align: top; text-align: left; }
th { background: #f6f8fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.meta td:first-child { color: #57606a; }
.status { font-weight: 600; border-radius: 3px; padding: 0 5px; white-space: nowrap; }
.status-pass { background: #dafbe1; color: #116329; }
.status-fail { background: #ffebe9; color: #a40e26; }
.status-error { background: #fff1c2; color: #7d4e00; }
.status-skip, .status-absent { background: #eaeef2; color: #57606a; }
.claims { width: 100%; font-size: 12.5px; line-height: 1.35; }
.claims td.src { font-size: 11.5px; color: #57606a; max-width: 230px; }
.claims td.id { font-family: "DejaVu Sans Mono", monospace; white-space: nowrap; }
.claims td.stmt { min-width: 420px; }
.claims .msg { color: #a40e26; display: block; }
.claims .msg-pass, .claims .msg-skip { color: #57606a; }
.claims .repro { font-family: monospace; font-size: 12px; display: block; color: #57606a; }
.bar { display: inline-block; width: 80px; height: 9px; background: #eaeef2; margin-right: 6px; vertical-align: middle; }
.bar span { display: block; height: 100%; }
.bar .far { background: #4ac26b; } .bar .near { background: #d4a72c; } .bar .over { background: #cf222e; }
.filters { margin: 8px 0; }
.filters label { display: inline-block; border: 1px solid #d0d7de; border-radius: 12px; padding: 1px 10px; margin: 2px; cursor: pointer; font-size: 13px; }
input.filter { position: absolute; opacity: 0; pointer-events: none; }
figure.otv-figure { margin: 28px 0; padding: 14px; border: 1px solid #d0d7de; border-radius: 6px; }
figure.otv-figure svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption { margin-top: 10px; }
figcaption .source { color: #57606a; }
figcaption ul.fig-claims { list-style: none; padding: 0; margin: 6px 0 0; }
figcaption ul.fig-claims li { display: inline-block; margin: 2px 10px 2px 0; font-size: 13px; }
figcaption code { font-size: 12.5px; }
.fig-error { color: #a40e26; font-weight: 600; }
.toc a { margin-right: 12px; }
`

// renderCheckJS marks the page once every inline figure has a laid-out box
// of non-zero size (read by the browser test from the dumped DOM). It uses
// no '<' or '&' so that the page stays well-formed XML.
const renderCheckJS = `
(function () {
  var figs = document.querySelectorAll("figure.otv-figure svg");
  var ok = 0;
  figs.forEach(function (s) {
    var b = s.getBoundingClientRect();
    if (Math.min(b.width, b.height) > 0) { ok++; }
  });
  document.documentElement.setAttribute("data-figures-rendered", String(ok));
})();
`

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"lower": strings.ToLower,
}).Parse(`<!DOCTYPE html>
<html lang="en" data-figures-total="{{.FigureTotal}}">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{{.Title}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{if .Note}}<p class="note">{{.Note}}</p>{{end}}
<p class="toc"><a href="#summary">Summary</a> <a href="#figures">Figures</a>{{if .Bench}} <a href="#benchmarks">Benchmarks</a>{{end}} <a href="#claims">Claims</a></p>

<h2 id="summary">Summary</h2>
<table class="meta">
<tbody>
<tr><td>mode</td><td>{{.R.Mode}}{{with .Impl}} — <code>{{.Command}}</code>{{if .Name}} ({{.Name}} {{.Version}}){{end}}{{end}}</td></tr>
<tr><td>claims</td><td><span class="status status-pass">{{.Summary.Pass}} pass</span> <span class="status status-fail">{{.Summary.Fail}} fail</span> <span class="status status-skip">{{.Summary.Skip}} skip</span> <span class="status status-error">{{.Summary.Error}} error</span></td></tr>
<tr><td>seed</td><td>{{.R.Seed}}</td></tr>
<tr><td>checks per claim</td><td>{{.R.Checks}} (budget {{.R.Budget}} s{{if .R.Shard}}, shard {{.R.Shard}}{{end}})</td></tr>
<tr><td>duration</td><td>{{.Duration}}</td></tr>
{{with .Machine}}<tr><td>machine</td><td>{{.GOOS}}/{{.GOARCH}}, {{.CPUs}} CPUs, GOMAXPROCS {{.GOMAXPROCS}}, {{.GoVersion}}, started {{.StartedAt}}</td></tr>{{end}}
{{if .CPU}}<tr><td>CPU</td><td>{{.CPU}}</td></tr>{{end}}
{{if .CPUFeatures}}<tr><td>CPU features</td><td><code>{{.CPUFeatures}}</code></td></tr>{{end}}
<tr><td>figures</td><td>{{.FigureTotal}}{{if .FiguresFailed}} ({{.FiguresFailed}} could not be computed){{end}}</td></tr>
</tbody>
</table>

<h3 style="margin-top:16px">By family</h3>
<table class="families">
<thead><tr><th>family</th><th class="num">pass</th><th class="num">fail</th><th class="num">skip</th><th class="num">error</th><th class="num">total</th></tr></thead>
<tbody>
{{range .Families}}<tr class="{{.Class}}"><td>{{.Name}}</td><td class="num">{{.Pass}}</td><td class="num">{{.Fail}}</td><td class="num">{{.Skip}}</td><td class="num">{{.Error}}</td><td class="num">{{.Total}}</td></tr>
{{end}}</tbody>
</table>

<h2 id="figures">Figures</h2>
<p class="note">Every figure is computed by the reference implementation when the report is made; the numbers in the captions are measured on the instance drawn, and each caption lists the claims the figure illustrates with their status in this run.</p>
{{range .Figures}}<figure class="otv-figure" id="{{.ID}}" data-claims="{{.ClaimList}}">
<h3>{{.Title}}</h3>
{{if .Err}}<p class="fig-error">This figure could not be computed: {{.Err}}</p>{{else}}{{.SVG}}{{end}}
<figcaption>{{.Caption}} <span class="source">Source: {{.Source}}.</span>
<ul class="fig-claims">{{range .Claims}}<li>{{if .InRun}}<a href="#{{.Anchor}}"><code>{{.ID}}</code></a> <span class="status status-{{.Status}}">{{.Status}}</span> ({{.Checks}} checks{{if .Truncated}}, stopped by the budget{{end}}){{else}}<code>{{.ID}}</code> <span class="status status-absent">not in this run</span>{{end}}</li>{{end}}</ul>
</figcaption>
</figure>
{{end}}
{{if .Bench}}
<h2 id="benchmarks">Benchmarks</h2>
<p class="note">Latest benchmark file: <code>{{.Bench.File}}</code>{{range .Bench.Config}} · {{index . 0}}: {{index . 1}}{{end}}</p>
<table class="bench">
<thead><tr><th>benchmark</th><th>unit</th><th class="num">median</th><th class="num">runs</th></tr></thead>
<tbody>
{{range .BenchRows}}<tr><td><code>{{.Name}}</code></td><td>{{.Unit}}</td><td class="num">{{.Median}}</td><td class="num">{{.Runs}}</td></tr>
{{end}}</tbody>
</table>
{{end}}
<h2 id="claims">Claims</h2>
<p class="note">Worst observed error relative to the claim's tolerance, over the checks run (logarithmic bar: empty at 1e-12, full at the tolerance).</p>
<input class="filter" type="radio" name="family" id="show-all" checked="checked" />
{{range .Families}}<input class="filter" type="radio" name="family" id="show-{{.Class}}" />
{{end}}<div class="filters">Family: <label for="show-all">all</label>{{range .Families}}<label for="show-{{.Class}}">{{.Name}} ({{.Total}})</label>{{end}}</div>
<table class="claims">
<thead><tr><th>claim</th><th>statement</th><th>source</th><th>status</th><th class="num">checks</th><th>worst error / tolerance</th><th class="num">time (s)</th></tr></thead>
<tbody>
{{range .Claims}}<tr id="{{.Anchor}}" class="{{.Class}} row-{{.Status}}"><td class="id">{{.Label}}</td><td class="stmt">{{.Statement}}{{if .Message}}<span class="msg msg-{{.Status}}">{{.Message}}</span>{{end}}{{if .Violation}}<span class="msg msg-{{.Status}}">{{.Violation}}</span>{{end}}{{if .Repro}}<span class="repro">{{.Repro}}</span>{{end}}</td><td class="src">{{.Source}}</td><td><span class="status status-{{.Status}}">{{.Status}}</span>{{if eq .Kind "existence"}} (existence){{end}}</td><td class="num">{{.Checks}}{{if .Truncated}}*{{end}}</td><td>{{if .Ratio}}<span class="bar"><span class="{{.BarClass}}" style="width: {{.Bar}}%"></span></span>{{.Ratio}}{{else}}—{{end}}</td><td class="num">{{.Duration}}</td></tr>
{{end}}</tbody>
</table>
<p class="note">* stopped by the time budget before the requested number of checks.</p>
<script>{{.JS}}</script>
</body>
</html>
`))
