package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"
	"golang.org/x/perf/benchunit"
)

// Benchmark files are in the standard Go benchmark format
// (golang.org/design/14313-benchmark-format): configuration lines
// "key: value" (ours add cpu-features and kernel to go test's goos, goarch,
// pkg and cpu), result lines "BenchmarkName/key=value-P N value unit …",
// and unit metadata lines "Unit GB/s better=higher". The comparison is
// benchstat's, computed with golang.org/x/perf: results are split into
// tables by their configuration (so results from different machines or
// kernel variants are never compared, unless the differing keys are
// ignored) and by unit, into rows by full benchmark name; each row's OLD
// and NEW samples are summarised by their median with a 95% confidence
// interval and compared with the Mann–Whitney U test (benchmath's
// AssumeNothing, exactly the numbers benchstat prints).

// ReadBenchResults reads every benchmark result from r (name is the file name the
// results are attributed to, their .file key). Lines that are not part of
// the format (PASS, ok …) are skipped; malformed benchmark lines are
// errors. Unit metadata lines are returned too. Each result carries name
// in its internal .file key.
func ReadBenchResults(name string, r io.Reader) ([]*benchfmt.Result, benchfmt.UnitMetadataMap, error) {
	rd := benchfmt.NewReader(r, name)
	var out []*benchfmt.Result
	var errs []error
	for rd.Scan() {
		switch rec := rd.Result().(type) {
		case *benchfmt.Result:
			c := rec.Clone()
			c.SetConfig(".file", name) // what benchfmt.Files does
			out = append(out, c)
		case *benchfmt.SyntaxError:
			errs = append(errs, rec)
		}
	}
	if err := rd.Err(); err != nil {
		return nil, nil, err
	}
	return out, rd.Units(), errors.Join(errs...)
}

// WriteBenchResults writes results and unit metadata in the benchmark format,
// configuration lines first and whenever they change (benchfmt.Writer).
func WriteBenchResults(w io.Writer, results []*benchfmt.Result, units benchfmt.UnitMetadataMap) error {
	bw := benchfmt.NewWriter(w)
	keys := make([]benchfmt.UnitMetadataKey, 0, len(units))
	for k := range units {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b benchfmt.UnitMetadataKey) int {
		return strings.Compare(a.Unit+"\x00"+a.Key, b.Unit+"\x00"+b.Key)
	})
	for _, r := range results {
		if err := bw.Write(r); err != nil {
			return err
		}
	}
	for _, k := range keys {
		if err := bw.Write(units[k]); err != nil {
			return err
		}
	}
	return nil
}

// BenchCompareOptions are the parameters of CompareBench.
type BenchCompareOptions struct {
	// Threshold is the relative change beyond which a significant
	// slow-down counts as a regression (0.05 = 5%).
	Threshold float64
	// Alpha is the significance level of the Mann–Whitney U test
	// (benchstat's -alpha; 0.05). A change is significant when p ≤ Alpha,
	// as benchstat decides.
	Alpha float64
	// Confidence is the level of the intervals around the medians (0.95).
	Confidence float64
	// Ignore lists configuration keys whose differences are ignored
	// (benchstat's -ignore), e.g. "kernel" to compare variants.
	Ignore []string
	// Filter is a benchfilter query selecting benchmarks ("*" or "" for
	// all), e.g. "/impl:avx512".
	Filter string
}

// DefaultBenchCompareOptions returns threshold 5%, alpha 0.05, 95%
// intervals, nothing ignored.
func DefaultBenchCompareOptions() BenchCompareOptions {
	return BenchCompareOptions{Threshold: 0.05, Alpha: 0.05, Confidence: 0.95}
}

// BenchStat is a sample's median with its confidence interval.
type BenchStat struct {
	Center, Lo, Hi float64
	N              int
	Range          string // "±2%" as benchstat prints it
}

// BenchDelta is one benchmark in one unit, compared between OLD and NEW.
type BenchDelta struct {
	// Config is the table's configuration, "key=value" pairs.
	Config string
	Unit   string
	Name   string
	// Old and New are nil when the benchmark is missing on that side.
	Old, New *BenchStat
	// P is the Mann–Whitney p-value (NaN when a side is missing).
	P float64
	// Delta is New.Center/Old.Center − 1.
	Delta float64
	// Better is +1 if higher values of Unit are better, −1 if lower, 0
	// unknown.
	Better int
	// Significant: p ≤ alpha. Regression: significant and worse than the
	// threshold in the direction Better says (gated units only: time and
	// throughput). Improvement: significant and better beyond it.
	Significant, Regression, Improvement bool
}

// BenchComparison is the outcome of CompareBench.
type BenchComparison struct {
	OldName, NewName string
	Options          BenchCompareOptions
	Rows             []BenchDelta
	// Warnings are about the inputs: benchmarks only on one side,
	// configurations that split OLD and NEW, too few runs for a test.
	Warnings []string
}

// Regressions returns the rows flagged as regressions.
func (c *BenchComparison) Regressions() []BenchDelta {
	var out []BenchDelta
	for _, r := range c.Rows {
		if r.Regression {
			out = append(out, r)
		}
	}
	return out
}

// gated reports whether a slow-down in unit is a regression: durations
// (sec/op, sec/iter, …) and rates (…/s).
func gated(unit string) bool {
	return strings.HasPrefix(unit, "sec/") || strings.HasSuffix(unit, "/s")
}

// better returns +1 if higher is better for unit, −1 if lower, using the
// unit metadata, then benchfmt's defaults, then the rule that rates (…/s)
// are better higher and durations (sec/…) lower.
func better(units benchfmt.UnitMetadataMap, unit string) int {
	if b := units.GetBetter(unit); b != 0 {
		return b
	}
	switch {
	case strings.HasSuffix(unit, "/s"):
		return 1
	case strings.HasPrefix(unit, "sec/"):
		return -1
	}
	return 0
}

// CompareBench compares the benchmark results of OLD and NEW as benchstat
// does (see the top of this file) and flags regressions: a row of a gated
// unit whose change is significant (p ≤ Alpha) and worse than Threshold.
func CompareBench(oldName string, old io.Reader, newName string, new io.Reader, opts BenchCompareOptions) (*BenchComparison, error) {
	if !(opts.Threshold >= 0) || !(opts.Alpha > 0 && opts.Alpha < 1) || !(opts.Confidence > 0 && opts.Confidence < 1) {
		return nil, fmt.Errorf("reports: bad comparison options (threshold %v ≥ 0, alpha %v and confidence %v in (0, 1))",
			opts.Threshold, opts.Alpha, opts.Confidence)
	}
	if oldName == newName {
		oldName, newName = oldName+" (old)", newName+" (new)"
	}
	q := opts.Filter
	if q == "" {
		q = "*"
	}
	filter, err := benchproc.NewFilter(q)
	if err != nil {
		return nil, fmt.Errorf("reports: filter %q: %w", q, err)
	}
	var parser benchproc.ProjectionParser
	tableBy, unitField, err := parser.ParseWithUnit(".config", filter)
	if err != nil {
		return nil, err
	}
	rowBy, err := parser.Parse(".fullname", filter)
	if err != nil {
		return nil, err
	}
	colBy, err := parser.Parse(".file", filter)
	if err != nil {
		return nil, err
	}
	if len(opts.Ignore) > 0 {
		if _, err := parser.Parse(strings.Join(opts.Ignore, ","), filter); err != nil {
			return nil, fmt.Errorf("reports: ignore: %w", err)
		}
	}

	type cellKey struct{ table, row, col benchproc.Key }
	cells := map[cellKey][]float64{}
	var tables, rows []benchproc.Key
	seenT, seenR := map[benchproc.Key]bool{}, map[benchproc.Key]bool{}
	var cols []benchproc.Key
	units := benchfmt.UnitMetadataMap{}
	for _, in := range []struct {
		name string
		r    io.Reader
	}{{oldName, old}, {newName, new}} {
		res, um, err := ReadBenchResults(in.name, in.r)
		if err != nil {
			return nil, fmt.Errorf("reports: reading %s: %w", in.name, err)
		}
		if len(res) == 0 {
			return nil, fmt.Errorf("reports: %s has no benchmark results", in.name)
		}
		for k, v := range um {
			units[k] = v
		}
		var col benchproc.Key
		for _, r := range res {
			if ok, err := filter.Apply(r); !ok {
				if err != nil {
					return nil, err
				}
				continue
			}
			col = colBy.Project(r)
			row := rowBy.Project(r)
			if !seenR[row] {
				seenR[row] = true
				rows = append(rows, row)
			}
			for i, tk := range tableBy.ProjectValues(r) {
				if !seenT[tk] {
					seenT[tk] = true
					tables = append(tables, tk)
				}
				k := cellKey{tk, row, col}
				cells[k] = append(cells[k], r.Values[i].Value)
			}
		}
		if col.IsZero() {
			return nil, fmt.Errorf("reports: no result of %s matches the filter %q", in.name, q)
		}
		cols = append(cols, col)
	}
	benchproc.SortKeys(tables)
	benchproc.SortKeys(rows)

	cmp := &BenchComparison{OldName: oldName, NewName: newName, Options: opts}
	th := benchmath.Thresholds{CompareAlpha: opts.Alpha}
	summarize := func(s *benchmath.Sample, a benchmath.Assumption) *BenchStat {
		sum := a.Summary(s, opts.Confidence)
		return &BenchStat{Center: sum.Center, Lo: sum.Lo, Hi: sum.Hi, N: len(s.Values), Range: "±" + sum.PctRangeString()}
	}
	onlyOld, onlyNew := 0, 0
	for _, tk := range tables {
		unit := tk.Get(unitField)
		assume := units.GetAssumption(unit)
		cfg := configString(tk, unitField)
		for _, rk := range rows {
			ov, hasOld := cells[cellKey{tk, rk, cols[0]}]
			nv, hasNew := cells[cellKey{tk, rk, cols[1]}]
			if !hasOld && !hasNew {
				continue
			}
			row := BenchDelta{Config: cfg, Unit: unit, Name: rk.StringValues(), P: math.NaN(), Delta: math.NaN(),
				Better: better(units, unit)}
			var so, sn *benchmath.Sample
			if hasOld {
				so = benchmath.NewSample(slices.Clone(ov), &th)
				row.Old = summarize(so, assume)
			}
			if hasNew {
				sn = benchmath.NewSample(slices.Clone(nv), &th)
				row.New = summarize(sn, assume)
			}
			switch {
			case !hasOld:
				onlyNew++
			case !hasNew:
				onlyOld++
			default:
				c := assume.Compare(so, sn)
				// x/perf's Mann–Whitney two-sided p is twice a one-sided
				// tail, which exceeds 1 for small samples with ties (old
				// [1500], new [1500, 1700] gave 1.33; FuzzCompareBench soak,
				// TestCompareBenchPValueAtMostOne): a p-value is at most 1.
				c.P = math.Min(c.P, 1)
				row.P = c.P
				if row.Old.Center != 0 {
					row.Delta = row.New.Center/row.Old.Center - 1
				} else if row.New.Center == 0 {
					row.Delta = 0
				}
				row.Significant = c.P <= opts.Alpha
				for _, w := range c.Warnings {
					if !gated(unit) {
						continue // e.g. "all samples are equal" for allocs/op
					}
					cmp.Warnings = append(cmp.Warnings, fmt.Sprintf("%s (%s): %v", row.Name, unit, w))
				}
				worse := float64(-row.Better) * row.Delta // > 0 when worse
				if row.Significant && gated(unit) && row.Better != 0 {
					row.Regression = worse > opts.Threshold
					row.Improvement = -worse > opts.Threshold
				}
			}
			cmp.Rows = append(cmp.Rows, row)
		}
	}
	if onlyOld+onlyNew > 0 {
		cmp.Warnings = append(cmp.Warnings, fmt.Sprintf(
			"%d results only in %s and %d only in %s: benchmark sets or configurations differ (a configuration key such as kernel or cpu-features that differs splits the tables; --ignore KEY compares across it)",
			onlyOld, oldName, onlyNew, newName))
	}
	return cmp, nil
}

// configString renders a table key without its unit as key=value pairs.
func configString(k benchproc.Key, unit *benchproc.Field) string {
	var parts []string
	for _, f := range k.Projection().FlattenedFields() {
		if f == unit {
			continue
		}
		if v := k.Get(f); v != "" {
			parts = append(parts, f.Name+"="+v)
		}
	}
	return strings.Join(parts, " ")
}

// WriteText prints the comparison as tables (one per configuration and
// unit): benchmark, OLD median ± interval, NEW median ± interval, the
// change ("~" when not significant) with its p-value and sample sizes,
// and a verdict; then the regressions and the warnings. It is for people;
// the rows themselves are in c.Rows.
func (c *BenchComparison) WriteText(w io.Writer) error {
	var buf bytes.Buffer
	prevCfg := "\x00"
	for lo := 0; lo < len(c.Rows); {
		hi := lo + 1
		for hi < len(c.Rows) && c.Rows[hi].Config == c.Rows[lo].Config && c.Rows[hi].Unit == c.Rows[lo].Unit {
			hi++
		}
		group := c.Rows[lo:hi]
		lo = hi
		if cfg := group[0].Config; cfg != prevCfg {
			fmt.Fprintf(&buf, "%s\n", orNone(cfg))
			prevCfg = cfg
		}
		tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "%s\t%s\t%s\tvs base\t\n", group[0].Unit, c.OldName, c.NewName)
		for _, r := range group {
			// One scale per row (benchstat's choice): the two medians.
			var vals []float64
			for _, s := range []*BenchStat{r.Old, r.New} {
				if s != nil {
					vals = append(vals, s.Center)
				}
			}
			sc := benchunit.CommonScale(vals, benchunit.ClassOf(r.Unit))
			cell := func(s *BenchStat) string {
				if s == nil {
					return "—"
				}
				return sc.Format(s.Center) + " " + s.Range
			}
			delta, stat := "", ""
			if !math.IsNaN(r.P) {
				delta = "~"
				if r.Significant {
					delta = fmt.Sprintf("%+.2f%%", 100*r.Delta)
				}
				stat = fmt.Sprintf(" (p=%s n=%d+%d)", pString(r.P), r.Old.N, r.New.N)
			}
			verdict := ""
			switch {
			case r.Regression:
				verdict = "REGRESSION"
			case r.Improvement:
				verdict = "improvement"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s%s\t%s\n", r.Name, cell(r.Old), cell(r.New), delta, stat, verdict)
		}
		tw.Flush()
		fmt.Fprintln(&buf)
	}
	reg := c.Regressions()
	fmt.Fprintf(&buf, "%d regression(s) beyond %.3g%% at alpha %.3g", len(reg), 100*c.Options.Threshold, c.Options.Alpha)
	if len(reg) > 0 {
		fmt.Fprint(&buf, ":")
		for _, r := range reg {
			fmt.Fprintf(&buf, "\n  %s [%s] %+.1f%% (p=%s)", r.Name, r.Unit, 100*r.Delta, pString(r.P))
		}
	}
	fmt.Fprintln(&buf)
	for _, wmsg := range c.Warnings {
		fmt.Fprintf(&buf, "warning: %s\n", wmsg)
	}
	// tabwriter pads the last cells; drop trailing blanks.
	lines := strings.Split(buf.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n"))
	return err
}

// pString prints a p-value as benchstat does, with two significant digits
// below 0.001.
func pString(p float64) string {
	if p < 0.001 {
		return fmt.Sprintf("%.2g", p)
	}
	return fmt.Sprintf("%.3f", p)
}

func orNone(s string) string {
	if s == "" {
		return "(no configuration)"
	}
	return s
}
