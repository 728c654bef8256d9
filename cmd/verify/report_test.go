package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportCommand runs `verify report` on one family, then again from
// the JSON report of `verify run`, and checks the pages.
func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "r.html")
	code, out, errs := runCLI(t, "report", "--family", "ot1d", "--checks", "5", "--out", page, "--bench-dir", filepath.Join(dir, "none"))
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	for _, want := range []string{`id="claim-ot1d.inverse-transform"`, `id="fig-sinkhorn-eps"`, `id="fig-sampling"`, `data-figures-total="9"`, "<svg"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(html, `id="claim-discrete.`) {
		t.Error("--family ot1d page has discrete rows")
	}
	if strings.Contains(html, "could not be computed") {
		t.Error("a figure could not be computed")
	}

	js := filepath.Join(dir, "r.json")
	if code, _, errs := runCLI(t, "run", "--family", "autoreg", "--checks", "5", "--format", "json", "--out", js); code != 0 {
		t.Fatalf("verify run: exit %d\n%s", code, errs)
	}
	page2 := filepath.Join(dir, "r2.html")
	if code, out, errs := runCLI(t, "report", "--from", js, "--no-figures", "--out", page2); code != 0 {
		t.Fatalf("verify report --from: exit %d\n%s\n%s", code, out, errs)
	}
	b, err = os.ReadFile(page2)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, `id="claim-autoreg.next-token-worked-example"`) || strings.Contains(s, "<svg") ||
		!strings.Contains(s, "read from "+js) {
		t.Errorf("page from JSON is not the JSON's report without figures")
	}
	for _, args := range [][]string{
		{"report", "--from", filepath.Join(dir, "missing.json"), "--out", page2},
		{"report", "--checks", "0", "--out", page2},
		{"report", "--family", "nosuchfamily", "--out", page2},
		{"report", "extra"},
	} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("verify %v: exit %d, want 2", args, code)
		}
	}
}
