package fuzzseed

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// same reports whether x and y are the same float64 bit for bit (so NaN
// equals NaN and −0 differs from 0).
func same(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }

func TestDecF(t *testing.T) {
	raw8 := func(tag byte, v float64) []byte {
		b := []byte{tag}
		return append(b, NewEnc().F(v).Bytes()[1:]...) // drop the encoder's 0xFF tag
	}
	tests := []struct {
		name string
		in   []byte
		want []float64 // successive F results
	}{
		{"grid-zero", []byte{96}, []float64{0}},
		{"grid-low", []byte{0}, []float64{-12}},
		{"grid-high", []byte{0xBF}, []float64{11.875}},
		{"grid-step", []byte{97, 95, 104}, []float64{0.125, -0.125, 1}},
		{"special-0xC0", []byte{0xC0}, []float64{0}},
		{"special-negzero", []byte{0xC1}, []float64{math.Copysign(0, -1)}},
		{"special-0xCB-nan", []byte{0xCB}, []float64{math.NaN()}},
		{"special-mod16", []byte{0xD9, 0xEC, 0xED, 0xEE, 0xEF}, []float64{math.MaxFloat64, math.Inf(1), math.Inf(-1), 1e8, 1e-8}},
		{"special-tiny", []byte{0xC4, 0xC5, 0xC8}, []float64{1e-300, -1e-300, 5e-324}},
		{"raw-0xFF", raw8(0xFF, math.Pi), []float64{math.Pi}},
		{"raw-0xF0", raw8(0xF0, -0.1), []float64{-0.1}},
		{"raw-nan-payload", append([]byte{0xFF}, 1, 0, 0, 0, 0, 0, 0xF8, 0x7F), []float64{math.Float64frombits(0x7FF8000000000001)}},
		{"raw-then-grid", append(raw8(0xFF, 1e300), 100), []float64{1e300, 0.5}},
		// Exhausted input is the byte 0, whose grid value is −12.
		{"exhausted", nil, []float64{-12, -12}},
		{"truncated-raw", []byte{0xFF, 1, 2, 3, 4, 5, 6, 7}, []float64{0, -12}},
		{"truncated-raw-consumes-rest", []byte{0xF3, 100}, []float64{0, -12}},
		{"truncated-raw-empty", []byte{0xF0}, []float64{0, -12}},
	}
	for _, tc := range tests {
		d := NewDec(tc.in)
		for i, w := range tc.want {
			if got := d.F(); !same(got, w) {
				t.Errorf("%s: F #%d = %v (%#x), want %v (%#x)", tc.name, i, got, math.Float64bits(got), w, math.Float64bits(w))
			}
		}
	}
}

func TestDecSpecialTable(t *testing.T) {
	for b := 0xC0; b < 0xF0; b++ {
		if got, want := NewDec([]byte{byte(b)}).F(), special[b%16]; !same(got, want) {
			t.Errorf("F(%#x) = %v, want special[%d] = %v", b, got, b%16, want)
		}
	}
	for b := range 0xC0 {
		if got, want := NewDec([]byte{byte(b)}).F(), float64(b-96)/8; got != want {
			t.Errorf("F(%#x) = %v, want %v", b, got, want)
		}
	}
}

func TestDecU8N(t *testing.T) {
	d := NewDec([]byte{7, 255, 10})
	if got := d.U8(); got != 7 {
		t.Errorf("U8 = %d, want 7", got)
	}
	if got := d.N(1, 4); got != 1+255%4 {
		t.Errorf("N(1, 4) of 255 = %d, want %d", got, 1+255%4)
	}
	if got := d.N(-3, -3); got != -3 {
		t.Errorf("N(-3, -3) = %d, want -3", got)
	}
	if got := d.U8(); got != 0 {
		t.Errorf("U8 on exhausted input = %d, want 0", got)
	}
	if got := d.N(2, 9); got != 2 {
		t.Errorf("N(2, 9) on exhausted input = %d, want 2", got)
	}
}

func TestDecFsMat(t *testing.T) {
	d := NewDec([]byte{96, 104, 112, 88, 0xCC})
	if got := d.Fs(0); len(got) != 0 {
		t.Errorf("Fs(0) = %v, want empty", got)
	}
	M := d.Mat(2, 2)
	want := [][]float64{{0, 1}, {2, -1}}
	if fmt.Sprint(M) != fmt.Sprint(want) {
		t.Errorf("Mat(2, 2) = %v, want %v", M, want)
	}
	if got := d.Fs(3); !math.IsInf(got[0], 1) || got[1] != -12 || got[2] != -12 {
		t.Errorf("Fs(3) past the end = %v, want [+Inf -12 -12]", got)
	}
}

func TestEncDecRoundTrip(t *testing.T) {
	xs := []float64{
		0, math.Copysign(0, -1), 1, -1, 0.125, -12, 11.875, 12, -12.125, 0.1, 1.0 / 3,
		1e-300, -1e-300, 1e300, 5e-324, math.SmallestNonzeroFloat64 * 3, math.MaxFloat64, -math.MaxFloat64,
		math.NaN(), math.Float64frombits(0x7FF0000000000001), math.Inf(1), math.Inf(-1), 1e8, 1e-8,
	}
	e := NewEnc().U8(3, 200).F(xs...).Rows([]float64{1, 2}, []float64{0.3, math.Inf(-1)})
	d := NewDec(e.Bytes())
	if a, b := d.U8(), d.U8(); a != 3 || b != 200 {
		t.Fatalf("U8 read back %d, %d, want 3, 200", a, b)
	}
	for i, x := range xs {
		if got := d.F(); !same(got, x) {
			t.Errorf("F #%d read back %v (%#x), want %v (%#x)", i, got, math.Float64bits(got), x, math.Float64bits(x))
		}
	}
	M := d.Mat(2, 2)
	if M[0][0] != 1 || M[0][1] != 2 || M[1][0] != 0.3 || !math.IsInf(M[1][1], -1) {
		t.Errorf("Mat read back %v", M)
	}
	if d.U8() != 0 || len(d.b) != 0 {
		t.Errorf("input not consumed exactly: %d bytes left", len(d.b))
	}
}

func TestEncBytes(t *testing.T) {
	// Grid values are one byte; −0, off-grid and out-of-range values are 0xFF + 8 raw bytes.
	tests := []struct {
		x    float64
		want string
	}{
		{0, "\x60"},
		{-12, "\x00"},
		{11.875, "\xbf"},
		{12, "\xff\x00\x00\x00\x00\x00\x00\x28\x40"},
		{math.Copysign(0, -1), "\xff\x00\x00\x00\x00\x00\x00\x00\x80"},
		{1e8, "\xff\x00\x00\x00\x00\x84\xd7\x97\x41"},
	}
	for _, tc := range tests {
		if got := string(NewEnc().F(tc.x).Bytes()); got != tc.want {
			t.Errorf("F(%v) = %q, want %q", tc.x, got, tc.want)
		}
	}
	if got := NewEnc().Bytes(); len(got) != 0 {
		t.Errorf("empty encoder Bytes = %q", got)
	}
}

func TestCorpusFile(t *testing.T) {
	got, err := CorpusFile([]any{[]byte{0, 'a', 0xFF, '\n'}, "x\"y", []byte(nil)})
	want := "go test fuzz v1\n[]byte(\"\\x00a\\xff\\n\")\nstring(\"x\\\"y\")\n[]byte(\"\")\n"
	if err != nil || got != want {
		t.Errorf("CorpusFile = %q, %v; want %q, nil", got, err, want)
	}
	if got, err := CorpusFile(nil); err != nil || got != "go test fuzz v1\n" {
		t.Errorf("CorpusFile(nil) = %q, %v", got, err)
	}
	for _, bad := range []any{1, 1.5, true, nil, []int{1}} {
		got, err := CorpusFile([]any{[]byte("ok"), bad})
		if err == nil || got != "" || !strings.Contains(err.Error(), "argument 1") {
			t.Errorf("CorpusFile with %T = %q, %v; want an error naming argument 1", bad, got, err)
		}
	}
}

// recTB records the failures of Check instead of failing the test.
type recTB struct {
	testing.TB
	errs []string
}

func (r *recTB) Helper()                        {}
func (r *recTB) Errorf(format string, a ...any) { r.errs = append(r.errs, fmt.Sprintf(format, a...)) }
func (r *recTB) Fatal(a ...any)                 { r.errs = append(r.errs, fmt.Sprint(a...)); r.FailNow() }
func (r *recTB) Fatalf(format string, a ...any) { r.Fatal(fmt.Sprintf(format, a...)) }
func (r *recTB) FailNow()                       { panic("recTB.FailNow") }

func setWrite(t *testing.T, v bool) {
	old := *write
	*write = v
	t.Cleanup(func() { *write = old })
}

func TestCheck(t *testing.T) {
	t.Chdir(t.TempDir())
	seeds := map[string][]Seed{
		"FuzzB": {{"one", []any{NewEnc().U8(1).F(0.5, math.NaN()).Bytes()}}},
		"FuzzA": {{"s", []any{"hi", []byte{}}}, {"empty", []any{[]byte(nil)}}},
	}
	files := map[string]string{
		"testdata/fuzz/FuzzB/seed-one":   "go test fuzz v1\n[]byte(\"\\x01d\\xff\\x01\\x00\\x00\\x00\\x00\\x00\\xf8\\x7f\")\n",
		"testdata/fuzz/FuzzA/seed-s":     "go test fuzz v1\nstring(\"hi\")\n[]byte(\"\")\n",
		"testdata/fuzz/FuzzA/seed-empty": "go test fuzz v1\n[]byte(\"\")\n",
	}

	// Compare mode on an empty directory: every file is missing, none is written.
	r := &recTB{TB: t}
	setWrite(t, false)
	Check(r, seeds)
	if len(r.errs) != 3 {
		t.Errorf("check of missing files: %d errors, want 3: %q", len(r.errs), r.errs)
	}
	if _, err := os.Stat("testdata"); !os.IsNotExist(err) {
		t.Errorf("check mode created testdata (stat error %v)", err)
	}

	// Write mode creates the files with the exact bytes.
	*write = true
	r = &recTB{TB: t}
	Check(r, seeds)
	if len(r.errs) != 0 {
		t.Errorf("write: %q", r.errs)
	}
	for path, want := range files {
		got, err := os.ReadFile(filepath.FromSlash(path))
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", path, got, err, want)
		}
	}

	// Compare mode now passes, and ignores files not in the table.
	*write = false
	if err := os.WriteFile(filepath.Join("testdata", "fuzz", "FuzzA", "0123abcd"), []byte("finding"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = &recTB{TB: t}
	Check(r, seeds)
	if len(r.errs) != 0 {
		t.Errorf("check after write: %q", r.errs)
	}

	// A stale file is reported (and not rewritten).
	stale := filepath.Join("testdata", "fuzz", "FuzzA", "seed-s")
	if err := os.WriteFile(stale, []byte("go test fuzz v1\nstring(\"ho\")\n[]byte(\"\")\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = &recTB{TB: t}
	Check(r, seeds)
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "seed-s is missing or stale") {
		t.Errorf("stale file: errors %q, want one naming seed-s", r.errs)
	}

	// An unsupported argument type and a duplicate name are errors, not panics.
	r = &recTB{TB: t}
	Check(r, map[string][]Seed{"FuzzC": {{"int", []any{42}}, {"d", []any{"x"}}, {"d", []any{"y"}}}})
	if len(r.errs) != 3 || !strings.Contains(r.errs[0], "type int") || !strings.Contains(r.errs[2], "duplicate") {
		t.Errorf("bad seeds: errors %q, want int type, missing d, duplicate d", r.errs)
	}
}
