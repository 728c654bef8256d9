package theorems

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/otverify/otverify/numerics"
)

func TestDecodeArgsNullPath(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{`{"a":null}`, "args.a is null"},
		{`{"a":[1,2,null]}`, "args.a[2] is null"},
		{`{"x":[[1,2],[3,null]],"a":[1]}`, "args.x[1][1] is null"},
		{`{"s":"null","o":{"p":[{"q":1},{"r":null}]}}`, "args.o.p[1].r is null"},
		{`{"b":[1],"a":{"c":[],"d":null}}`, "args.a.d is null"},
	} {
		var dst map[string]any
		err := DecodeArgs([]byte(tc.raw), nil, &dst)
		if err == nil || !errors.Is(err, numerics.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.raw, err, tc.want)
		}
	}
	// "null" inside strings, escaped quotes included, is not a null.
	var dst struct {
		S string    `json:"s"`
		A []float64 `json:"a"`
	}
	if err := DecodeArgs([]byte(`{"s":"a\"null\\","a":[1]}`), []string{"a"}, &dst); err != nil || dst.S != `a"null\` {
		t.Errorf("string containing null: %v, %q", err, dst.S)
	}
	for _, raw := range []string{`[1]`, `1`, `"x"`, ` null`, `{"a":1} {}`, `{`} {
		if err := DecodeArgs([]byte(raw), nil, &dst); err == nil || !errors.Is(err, numerics.ErrInvalid) {
			t.Errorf("%q accepted or error not ErrInvalid: %v", raw, err)
		}
	}
}

// TestDecodeArgsMemoryLinear: decoding a request of S bytes allocates a
// small multiple of S (the generic decode it replaced took about 100·S).
func TestDecodeArgsMemoryLinear(t *testing.T) {
	const n = 1 << 20
	var b bytes.Buffer
	b.WriteString(`{"a":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('0')
	}
	b.WriteString(`]}`)
	raw := b.Bytes()
	var dst struct {
		A []float64 `json:"a"`
	}
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	if err := DecodeArgs(raw, []string{"a"}, &dst); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&m1)
	alloc := float64(m1.TotalAlloc - m0.TotalAlloc)
	// The typed result alone is 8 bytes per one-byte number (plus slice
	// growth, ≤ 2×): allow 40 bytes per input byte.
	t.Logf("%.1f bytes allocated per input byte", alloc/float64(len(raw)))
	if per := alloc / float64(len(raw)); per > 40 {
		t.Errorf("DecodeArgs allocated %.0f bytes per input byte", per)
	}
	if len(dst.A) != n {
		t.Fatalf("decoded %d numbers", len(dst.A))
	}
}
