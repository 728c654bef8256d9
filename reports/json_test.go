package reports

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/otverify/otverify/theorems"
)

// nested returns a value nested depth levels deep: [[[…[1]…]]].
func nested(depth int) any {
	var v any = 1.0
	for i := 0; i < depth; i++ {
		v = []any{v}
	}
	return v
}

// TestWriteJSONDeepNestingLinear: WriteJSON indented every level, so its
// output grew with the square of the nesting depth of a recorded value: an
// 8 KB report nested 4000 deep was rewritten as 32 MB (10 000 deep, the
// limit of encoding/json: 200 MB). Values below the skeleton are now
// compact: the output is linear in the input.
func TestWriteJSONDeepNestingLinear(t *testing.T) {
	for _, depth := range []int{4000, 9000} {
		r := &Report{Robustness: []Finding{{Op: "x", Case: "deep", Args: nested(depth)}},
			Claims: []theorems.Result{{ID: "c", Counterexample: &theorems.Case{Calls: []theorems.Call{{Op: "x", Args: nested(depth)}}}}}}
		compact, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		start := time.Now()
		if err := WriteJSON(&b, r); err != nil {
			t.Fatal(err)
		}
		if el := time.Since(start); el > 5*time.Second {
			t.Errorf("depth %d: WriteJSON took %v", depth, el)
		}
		if b.Len() > 14*len(compact)+1 {
			t.Fatalf("depth %d: %d bytes written for %d compact", depth, b.Len(), len(compact))
		}
		r2, err := ReadJSON(&b)
		if err != nil {
			t.Fatalf("depth %d: reading back: %v", depth, err)
		}
		again, _ := json.Marshal(r2)
		if !bytes.Equal(again, compact) {
			t.Fatalf("depth %d: round trip changed the report", depth)
		}
	}
}

// TestWriteJSONSkeletonIndented: down to 6 levels the output is exactly
// json.MarshalIndent's (the report skeleton: claims, results, calls);
// deeper values are compact.
func TestWriteJSONSkeletonIndented(t *testing.T) {
	shallow := `{"a":[],"b":{},"c":[1,"x\"]{,:",{"d":[true,null]}],"e":{"f":{"g":[{"h":1}]}}}`
	var want bytes.Buffer
	if err := json.Indent(&want, []byte(shallow), "", "  "); err != nil {
		t.Fatal(err)
	}
	if got := indentJSON(nil, []byte(shallow), 6); string(got) != want.String() {
		t.Fatalf("indentJSON =\n%s\nwant\n%s", got, want.String())
	}
	deep := `{"a":{"b":{"c":[{"d":[1,{"e":2}],"s":"{[,:"}]}}}`
	got := string(indentJSON(nil, []byte(deep), 2))
	wantDeep := "{\n  \"a\": {\n    \"b\": {\"c\":[{\"d\":[1,{\"e\":2}],\"s\":\"{[,:\"}]}\n  }\n}"
	if got != wantDeep {
		t.Fatalf("indentJSON depth 2 =\n%s\nwant\n%s", got, wantDeep)
	}
	// A whole report with a recorded call: the skeleton is indented, the
	// arguments compact, and WriteJSON is deterministic.
	r := &Report{Claims: []theorems.Result{{ID: "c", Counterexample: &theorems.Case{
		Calls: []theorems.Call{{Op: "ot.emd", Args: map[string]any{"C": [][]float64{{0, 1}, {1, 0}}}}}}}}}
	var b1, b2 bytes.Buffer
	if err := WriteJSON(&b1, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&b2, r); err != nil || !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Fatalf("WriteJSON not deterministic (%v)", err)
	}
	if !strings.Contains(b1.String(), "\"op\": \"ot.emd\",\n") || !strings.Contains(b1.String(), `"args": {"C":[[0,1],[1,0]]}`) {
		t.Fatalf("skeleton not indented or args not compact:\n%s", b1.String())
	}
}
