package reports

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/otverify/otverify/reports/figures"
	"github.com/otverify/otverify/theorems"
)

// The browser tests open the HTML report in headless Chromium (Debian's
// package "chromium"; scripts/ci-browser.sh installs it). They are skipped,
// with a message saying so, when the browser is absent (they fail instead
// when OTV_REQUIRE_BROWSER is set, as in CI). OTV_CHROMIUM
// overrides the browser's path; OTV_SCREENSHOT_DIR, if set, receives the
// page and its screenshot; OTV_REPORT_PAGE names a page written by
// `verify report` for TestBrowserReportPage to check as well.

func chromium(t *testing.T) string {
	t.Helper()
	path := os.Getenv("OTV_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("OTV_REQUIRE_BROWSER") != "" {
			t.Fatalf("OTV_REQUIRE_BROWSER is set and %s is not usable: %v", path, err)
		}
		t.Skipf("browser test NOT RUN: %s not found (apt-get update && apt-get install -y chromium, or set OTV_CHROMIUM; scripts/ci-browser.sh does both)", path)
	}
	return path
}

// runChromium runs headless Chromium on a local file with a fresh profile,
// no network services and console logging on stderr.
func runChromium(t *testing.T, browser string, page string, extra ...string) (stdout, stderr []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0", "--hide-scrollbars"}
	args = append(args, extra...)
	args = append(args, "file://"+page)
	cmd := exec.CommandContext(ctx, browser, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", browser, err, tail(errb.String(), 2000))
	}
	return out.Bytes(), errb.Bytes()
}

var consoleLine = regexp.MustCompile(`(?m)^.*(:CONSOLE[:(]|Uncaught).*$`)

// pageProblems inspects Chromium's dumped DOM and log: it reports console
// messages and script errors (the report logs nothing), and a page whose
// figures were not all laid out with a non-empty box.
func pageProblems(dom, log []byte) []string {
	var probs []string
	for _, l := range consoleLine.FindAllString(string(log), -1) {
		probs = append(probs, "console: "+strings.TrimSpace(l))
	}
	total := attr(dom, "data-figures-total")
	rendered := attr(dom, "data-figures-rendered")
	switch {
	case total == "":
		probs = append(probs, "the dumped DOM has no data-figures-total attribute: the page did not load")
	case rendered == "":
		probs = append(probs, "the render check script did not run (no data-figures-rendered attribute)")
	case rendered != total:
		probs = append(probs, fmt.Sprintf("%s of %s figures have a non-empty layout box", rendered, total))
	}
	return probs
}

func attr(dom []byte, name string) string {
	m := regexp.MustCompile(`<html[^>]*\s` + regexp.QuoteMeta(name) + `="([^"]*)"`).FindSubmatch(dom)
	if m == nil {
		return ""
	}
	return string(m[1])
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// catalogReport is a report with one passing row per catalog claim (the
// browser test is about rendering, not about the claims' outcome).
func catalogReport() *Report {
	var res []theorems.Result
	for _, c := range theorems.All() {
		res = append(res, theorems.Result{ID: c.ID, Family: c.Family(), Title: c.Title, Source: c.Source,
			Statement: c.Statement, Tolerance: c.Tolerance, Ops: c.Ops, Kind: "property", Status: theorems.Pass, Checks: 1})
	}
	r := &Report{Tool: "otverify", Mode: "reference", Seed: 1, Checks: 1, Budget: 1, Claims: res}
	r.Summary = Summarize(res)
	return r
}

func allFigures(t *testing.T) []Figure {
	t.Helper()
	var figs []Figure
	for _, f := range figures.All() {
		if f.Err != "" {
			t.Errorf("figure %s: %s", f.ID, f.Err)
		}
		figs = append(figs, Figure(f))
	}
	return figs
}

// TestReportFiguresAndCatalog builds the real report: every figure is
// computed, names only claims of the catalog, and appears in the page with
// every catalog claim's row.
func TestReportFiguresAndCatalog(t *testing.T) {
	r := catalogReport()
	figs := allFigures(t)
	if len(figs) != len(figures.Builders()) || len(figs) < 9 {
		t.Fatalf("%d figures", len(figs))
	}
	for _, f := range figs {
		for _, id := range f.Claims {
			if _, ok := theorems.Lookup(id); !ok {
				t.Errorf("figure %s names %s, which is not in the catalog", f.ID, id)
			}
		}
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, r, HTMLOptions{Figures: figs}); err != nil {
		t.Fatal(err)
	}
	doc, err := ParseHTMLDoc(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.ClaimRows) != len(r.Claims) {
		t.Errorf("%d claim rows for %d claims", len(doc.ClaimRows), len(r.Claims))
	}
	for _, f := range figs {
		e := doc.ByID[f.ID]
		if e == nil || !e.Contains("svg") {
			t.Errorf("figure %s missing or without its SVG", f.ID)
		}
	}
	if err := doc.SelfContained(); err != nil {
		t.Error(err)
	}
}

// TestBrowserRender opens the real report in headless Chromium: the page
// must load without any console message or script error, every figure must
// be laid out, and the screenshot must show a drawn page.
func TestBrowserRender(t *testing.T) {
	browser := chromium(t)
	r := catalogReport()
	figs := allFigures(t)
	var buf bytes.Buffer
	if err := WriteHTML(&buf, r, HTMLOptions{Figures: figs, Note: "browser test page"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, log := runChromium(t, browser, page, "--dump-dom")
	for _, p := range pageProblems(dom, log) {
		t.Error(p)
	}
	if got := attr(dom, "data-figures-rendered"); got != strconv.Itoa(len(figs)) {
		t.Errorf("%s figures rendered, want %d", got, len(figs))
	}
	shot := filepath.Join(dir, "report.png")
	_, log = runChromium(t, browser, page, "--window-size=1280,12000", "--screenshot="+shot)
	for _, l := range consoleLine.FindAllString(string(log), -1) {
		t.Errorf("console during the screenshot: %s", l)
	}
	checkScreenshot(t, shot, 1280, 12000)
	if out := os.Getenv("OTV_SCREENSHOT_DIR"); out != "" {
		for _, name := range []string{"report.html", "report.png"} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err == nil {
				err = os.WriteFile(filepath.Join(out, name), b, 0o644)
			}
			if err != nil {
				t.Errorf("saving %s: %v", name, err)
			}
		}
		t.Logf("page and screenshot saved in %s", out)
	}
}

// checkScreenshot fails unless the PNG has the window's size and shows a
// drawn page: many colours and a good share of non-white pixels.
func checkScreenshot(t *testing.T, path string, w, h int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	b := img.Bounds()
	if b.Dx() != w || b.Dy() != h {
		t.Errorf("screenshot is %dx%d, want %dx%d", b.Dx(), b.Dy(), w, h)
	}
	colours := map[uint32]bool{}
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				ink++
			}
			colours[(r>>11)<<10|(g>>11)<<5|bl>>11] = true
		}
	}
	frac := float64(ink) / float64((b.Dx()/2)*(b.Dy()/2))
	if len(colours) < 50 || frac < 0.02 {
		t.Errorf("the screenshot looks blank: %d colours, %.1f%% non-white pixels", len(colours), 100*frac)
	}
}

// TestBrowserCatchesFaults is the self-test of the browser check: a page
// with a script error, and a page whose figure is not laid out, must both
// be reported.
func TestBrowserCatchesFaults(t *testing.T) {
	browser := chromium(t)
	r := sampleReport()
	o := sampleOptions()
	o.Figures = o.Figures[:1]
	for name, mutate := range map[string]func(string) string{
		"script error": func(s string) string {
			return strings.Replace(s, "</body>", "<script>throw new Error(\"planted\");</script></body>", 1)
		},
		"figure not laid out": func(s string) string {
			return strings.Replace(s, "</style>", "figure.otv-figure svg { display: none; }</style>", 1)
		},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteHTML(&buf, r, o); err != nil {
				t.Fatal(err)
			}
			page := filepath.Join(t.TempDir(), "bad.html")
			if err := os.WriteFile(page, []byte(mutate(buf.String())), 0o644); err != nil {
				t.Fatal(err)
			}
			dom, log := runChromium(t, browser, page, "--dump-dom")
			if probs := pageProblems(dom, log); len(probs) == 0 {
				t.Errorf("planted fault %q not detected", name)
			} else {
				t.Logf("detected: %v", probs)
			}
		})
	}
}

// TestBrowserReportPage checks a page written by `verify report` (named by
// OTV_REPORT_PAGE; skipped otherwise) the same way as TestBrowserRender.
func TestBrowserReportPage(t *testing.T) {
	page := os.Getenv("OTV_REPORT_PAGE")
	if page == "" {
		t.Skip("OTV_REPORT_PAGE not set (scripts/ci-browser.sh sets it to the page of `verify report`)")
	}
	browser := chromium(t)
	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	dom, log := runChromium(t, browser, abs, "--dump-dom")
	for _, p := range pageProblems(dom, log) {
		t.Error(p)
	}
	if got := attr(dom, "data-figures-rendered"); got != strconv.Itoa(len(figures.Builders())) {
		t.Errorf("%s figures rendered, want %d", got, len(figures.Builders()))
	}
	shot := filepath.Join(filepath.Dir(abs), strings.TrimSuffix(filepath.Base(abs), ".html")+".png")
	_, log = runChromium(t, browser, abs, "--window-size=1280,12000", "--screenshot="+shot)
	for _, l := range consoleLine.FindAllString(string(log), -1) {
		t.Errorf("console during the screenshot: %s", l)
	}
	checkScreenshot(t, shot, 1280, 12000)
	t.Logf("screenshot of %s saved as %s", page, shot)
}
