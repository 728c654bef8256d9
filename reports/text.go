package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/otverify/otverify/theorems"
)

// WriteText writes the report for people: one line per claim, and for each
// failure the statement, source, shrunk counterexample, violated relation
// with its tolerance, and the command that reproduces it. With verbose,
// passing claims show their checks and closeness to tolerance too.
func WriteText(w io.Writer, r *Report, verbose bool) error {
	ew := &errWriter{w: w}
	head := "otverify: every claim against the reference implementation"
	if r.Mode == "impl" && r.Implementation != nil {
		head = fmt.Sprintf("otverify: claims against %q", r.Implementation.Command)
		if r.Implementation.Name != "" {
			head += fmt.Sprintf(" (%s %s)", r.Implementation.Name, r.Implementation.Version)
		}
	}
	ew.printf("%s\nseed %d, %d checks per claim, budget %gs", head, r.Seed, r.Checks, r.Budget)
	if r.Shard != "" {
		ew.printf(", shard %s", r.Shard)
	}
	ew.printf("\n\n")
	if r.Implementation != nil {
		for _, f := range r.Implementation.Faults {
			ew.printf("PROTOCOL FAULT  %s\n", f)
		}
	}
	width := 0
	for _, c := range r.Claims {
		width = max(width, len(Label(c)))
	}
	for _, c := range r.Claims {
		c.ID = Label(c)
		tag := strings.ToUpper(string(c.Status))
		switch c.Status {
		case theorems.Pass:
			extra := fmt.Sprintf("%4d checks", c.Checks)
			if c.Truncated {
				extra += " (budget)"
			}
			if c.Witness != nil {
				extra += "  witness found"
			}
			if verbose && c.WorstRatio > 0 {
				extra += fmt.Sprintf("  worst %.2g of tolerance", c.WorstRatio)
			}
			ew.printf("%-5s %-*s %s  %6.2fs\n", tag, width, c.ID, extra, c.Duration)
			if verbose && c.Witness != nil {
				ew.printf("      witness: %s\n", compact(c.Witness, 300))
			}
		case theorems.Skip:
			ew.printf("%-5s %-*s %s\n", tag, width, c.ID, c.Message)
		default:
			ew.printf("%-5s %-*s after %d checks  %6.2fs\n", tag, width, c.ID, c.Checks, c.Duration)
			ew.printf("      claim:     %s\n", c.Statement)
			ew.printf("      source:    %s\n", c.Source)
			ew.printf("      tolerance: %s\n", c.Tolerance)
			ew.printf("      failure:   %s\n", c.Message)
			if ce := c.Counterexample; ce != nil {
				ew.printf("      counterexample (size %d, shrunk):\n", ce.Size())
				keys := make([]string, 0, len(ce.Inputs))
				for k := range ce.Inputs {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					ew.printf("        input %s = %s\n", k, compact(ce.Inputs[k], 400))
				}
				for _, call := range ce.Calls {
					ew.printf("        %s %s\n", call.Op, compact(call.Args, 400))
					if call.Error != "" {
						ew.printf("          → error: %s\n", call.Error)
					} else {
						ew.printf("          → %s\n", compact(call.Result, 400))
					}
				}
				if m := ce.Mismatch; m != nil && m.Tolerance > 0 {
					ew.printf("        violated: %s: got %s, want %s, |error| %.3g > tolerance %.3g\n",
						m.What, compact(m.Got, 200), compact(m.Want, 200), m.Error, m.Tolerance)
				}
			}
			for _, l := range c.Log {
				ew.printf("        %s\n", l)
			}
			if c.Repro != "" {
				ew.printf("      reproduce: %s\n", c.Repro)
			}
		}
	}
	if r.RobustnessCases > 0 && len(r.Robustness) == 0 {
		ew.printf("\nrobustness: %d bad-input requests, every one answered as protocol.md requires (no findings)\n", r.RobustnessCases)
	}
	if len(r.Robustness) > 0 {
		if r.RobustnessCases > 0 {
			ew.printf("\nrobustness findings (%d of %d bad-input requests):\n", len(r.Robustness), r.RobustnessCases)
		} else {
			ew.printf("\nrobustness findings (%d):\n", len(r.Robustness))
		}
		for _, f := range r.Robustness {
			ew.printf("  %s [%s]: expected %s, got %s\n", f.Op, f.Case, f.Expected, f.Got)
		}
	}
	if r.Implementation != nil && len(r.Implementation.StderrTail) > 0 && (r.Summary.Fail > 0 || r.Summary.Error > 0) {
		ew.printf("\nimplementation stderr (last lines):\n")
		for _, l := range r.Implementation.StderrTail {
			ew.printf("  | %s\n", l)
		}
	}
	s := r.Summary
	ew.printf("\n%d passed, %d failed, %d skipped, %d errors in %.1fs\n", s.Pass, s.Fail, s.Skip, s.Error, r.Duration)
	return ew.err
}

// Label is the claim id, with the size for large-tier results ("id [n=1000]").
func Label(c theorems.Result) string {
	if c.Size > 0 {
		return fmt.Sprintf("%s [n=%d]", c.ID, c.Size)
	}
	return c.ID
}

// compact renders v as one line of JSON, cut to at most n characters.
func compact(v any, n int) string {
	b, err := json.Marshal(v)
	s := string(b)
	if err != nil {
		s = fmt.Sprintf("%v", v)
	}
	if len(s) > n {
		s = s[:n] + fmt.Sprintf("… (%d chars)", len(s))
	}
	return s
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
