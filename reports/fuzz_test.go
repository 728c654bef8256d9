package reports_test

// Native Go fuzz targets for the readers of user-supplied files in package
// reports (issue 9): benchmark files (ReadBenchResults, and CompareBench
// as `verify compare` runs it) and JSON run reports (ReadJSON, and Merge as
// `verify merge` runs it). Property: no panic, no hang; what is read
// survives a write/read round trip; a comparison of files read without
// error has finite medians and p-values in [0, 1] (or NaN where the doc
// says a side is missing).
//
// Seeds: testdata/fuzz/FuzzXxx/seed-*, written by
//
//	go test ./reports -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run one target: go test ./reports -run '^$' -fuzz '^FuzzReadBenchResults$' -fuzztime 60s -parallel 1

import (
	"bytes"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/otverify/otverify/reports"

	"github.com/otverify/otverify/internal/fuzzseed"
)

// FuzzReadBenchResults: any input is read or rejected; what is read writes
// and reads back to the same results.
func FuzzReadBenchResults(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		res, units, err := reports.ReadBenchResults("fuzz.txt", bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := reports.WriteBenchResults(&buf, res, units); err != nil {
			t.Fatalf("WriteBenchResults of what was read: %v", err)
		}
		back, _, err := reports.ReadBenchResults("fuzz.txt", &buf)
		if err != nil || len(back) != len(res) {
			t.Fatalf("round trip: %d results, then %d (%v)\n%s", len(res), len(back), err, buf.Bytes())
		}
		for i := range res {
			if res[i].Name.String() != back[i].Name.String() || len(res[i].Values) != len(back[i].Values) {
				t.Fatalf("round trip changed result %d: %v → %v", i, res[i].Name, back[i].Name)
			}
		}
	})
}

// FuzzCompareBench: CompareBench on any two inputs answers or errs, never
// panics; its statistics are finite and its p-values in [0, 1].
func FuzzCompareBench(f *testing.F) {
	f.Fuzz(func(t *testing.T, old, new []byte) {
		c, err := reports.CompareBench("old.txt", bytes.NewReader(old), "new.txt", bytes.NewReader(new), reports.DefaultBenchCompareOptions())
		if err != nil {
			return
		}
		for _, r := range c.Rows {
			for _, s := range []*reports.BenchStat{r.Old, r.New} {
				if s != nil && (math.IsNaN(s.Center) || math.IsNaN(s.Lo) || math.IsNaN(s.Hi)) {
					t.Fatalf("row %s %s: NaN statistic %+v", r.Name, r.Unit, s)
				}
			}
			if r.Old != nil && r.New != nil && !math.IsNaN(r.P) && !(r.P >= 0 && r.P <= 1) {
				t.Fatalf("row %s: p-value %v", r.Name, r.P)
			}
			if r.Regression && !r.Significant {
				t.Fatalf("row %s: a regression that is not significant", r.Name)
			}
		}
	})
}

// FuzzReadJSON: any input is read or rejected; a report that is read
// writes and reads back identically, and merging it alone does not panic.
func FuzzReadJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := reports.ReadJSON(bytes.NewReader(data))
		if err != nil {
			return
		}
		var b1, b2 bytes.Buffer
		if err := reports.WriteJSON(&b1, r); err != nil {
			t.Fatalf("WriteJSON of what was read: %v", err)
		}
		r2, err := reports.ReadJSON(bytes.NewReader(b1.Bytes()))
		if err != nil {
			t.Fatalf("ReadJSON rejects its own output: %v\n%s", err, b1.Bytes())
		}
		if err := reports.WriteJSON(&b2, r2); err != nil || !bytes.Equal(b1.Bytes(), b2.Bytes()) {
			t.Fatalf("JSON round trip is not stable (%v)", err)
		}
		_, _ = reports.Merge([]*reports.Report{r})
		_, _ = reports.Merge([]*reports.Report{r, r2})
	})
}

// ---------------------------------------------------------------------------
// Seed corpora.

const benchOld = `goos: linux
goarch: amd64
cpu-features: avx2
BenchmarkBures/d=16-2   	 1000	   1500 ns/op	  64 B/op	   1 allocs/op
BenchmarkBures/d=16-2   	 1000	   1510 ns/op	  64 B/op	   1 allocs/op
BenchmarkBures/d=16-2   	 1000	   1490 ns/op	  64 B/op	   1 allocs/op
`

const benchNew = `goos: linux
goarch: amd64
cpu-features: avx2
BenchmarkBures/d=16-2   	 1000	   3000 ns/op	  64 B/op	   1 allocs/op
BenchmarkBures/d=16-2   	 1000	   3010 ns/op	  64 B/op	   1 allocs/op
BenchmarkBures/d=16-2   	 1000	   2990 ns/op	  64 B/op	   1 allocs/op
`

func seeds() map[string][][]byte {
	return map[string][][]byte{
		"FuzzReadBenchResults/seed-empty":       {nil},
		"FuzzReadBenchResults/seed-results":     {[]byte(benchOld)},
		"FuzzReadBenchResults/seed-malformed":   {[]byte("BenchmarkX 1 ns/op\nBenchmarkY-2 x 5 ns/op\n")},
		"FuzzReadBenchResults/seed-huge-values": {[]byte("BenchmarkX-2 1 1e308 ns/op\nBenchmarkX-2 1 NaN ns/op\nBenchmarkX-2 1 +Inf ns/op\n")},
		"FuzzReadBenchResults/seed-unit-meta":   {[]byte("Unit ns/op assume=exact\nBenchmarkX-2 1 5 ns/op\n")},
		"FuzzCompareBench/seed-regression":      {[]byte(benchOld), []byte(benchNew)},
		"FuzzCompareBench/seed-one-sided":       {[]byte(benchOld), nil},
		"FuzzCompareBench/seed-ties":            {[]byte(benchOld + benchOld), []byte(benchOld)},
		"FuzzCompareBench/seed-zero":            {[]byte("BenchmarkX-2 1 0 ns/op\n"), []byte("BenchmarkX-2 1 0 ns/op\n")},
		"FuzzCompareBench/seed-config-split":    {[]byte(benchOld), []byte(strings.Replace(benchNew, "avx2", "avx512", 1))},
		"FuzzReadJSON/seed-empty":               {nil},
		"FuzzReadJSON/seed-minimal":             {[]byte(`{"mode":"run","seed":1,"checks":100,"claims":[{"id":"a.b","status":"pass"}]}`)},
		"FuzzReadJSON/seed-nan-strings":         {[]byte(`{"claims":[{"id":"a","status":"fail","counterexample":{"answer":"NaN"}}]}`)},
		"FuzzReadJSON/seed-duplicate-claims":    {[]byte(`{"claims":[{"id":"a"},{"id":"a"}]}`)},
		"FuzzReadJSON/seed-deep":                {[]byte(`{"claims":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}`)},
		"FuzzReadJSON/seed-wrong-types":         {[]byte(`{"seed":"x","claims":{}}`)},
	}
}

func TestFuzzSeedCorpus(t *testing.T) {
	s := seeds()
	names := make([]string, 0, len(s))
	for k := range s {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		args := make([]any, len(s[name]))
		for i, v := range s[name] {
			args[i] = v
		}
		fuzzseed.File(t, filepath.Join("testdata", "fuzz", name), args, true)
	}
}
