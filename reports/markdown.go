package reports

import (
	"io"
	"strings"
)

// WriteMarkdown writes the report as a Markdown table (for documents and CI
// summaries).
func WriteMarkdown(w io.Writer, r *Report) error {
	ew := &errWriter{w: w}
	s := r.Summary
	ew.printf("# otverify report\n\nseed %d · %d checks per claim · %d pass · %d fail · %d skip · %d error\n\n",
		r.Seed, r.Checks, s.Pass, s.Fail, s.Skip, s.Error)
	ew.printf("| claim | status | checks | source | note |\n|---|---|---|---|---|\n")
	for _, c := range r.Claims {
		note := c.Message
		if c.Repro != "" {
			note += " — `" + c.Repro + "`"
		}
		ew.printf("| `%s` | %s | %d | %s | %s |\n", c.ID, c.Status, c.Checks, mdEscape(c.Source), mdEscape(note))
	}
	return ew.err
}

func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}
