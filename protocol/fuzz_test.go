package protocol_test

// Native Go fuzz targets for the otv/1 server's request dispatch
// (Server.Serve on arbitrary input) and for the reader of test vectors
// (ReadVectors, then CheckVectors replaying them against the reference)
// (issue 9). Properties: no panic, no hang; the server answers every
// non-blank request line (up to bye) with exactly one well-formed response
// — the request's id, exactly one of result and error, an error code of
// otv/1, never a recovered panic — and, for a well-formed request, the
// answer of the direct call of the operation (the non-fuzzed path);
// oversized lines get "invalid". ReadVectors rejects malformed files with an
// error and what it accepts can be replayed without a panic.
//
// Seeds: testdata/fuzz/FuzzXxx/seed-*, written by
//
//	go test ./protocol -run TestFuzzSeedCorpus -fuzzseeds.write
//
// Run one target: go test ./protocol -run '^$' -fuzz '^FuzzServe$' -fuzztime 60s -parallel 1

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/otverify/otverify/protocol"
	"github.com/otverify/otverify/theorems"

	"github.com/otverify/otverify/internal/fuzzseed"
)

var refOps = theorems.ReferenceOps()

// fuzzMaxMessage is the line limit of the fuzzed server: small, so that the
// fuzzer reaches the oversized-request path with small inputs.
const fuzzMaxMessage = 2048

// expectedResponses mirrors the server's framing: lines split at '\n',
// trailing '\r' removed, blank lines skipped, a line over the limit
// answered without being parsed, serving stopped after a parsed bye.
type expectedLine struct {
	raw      []byte
	tooLarge bool
}

func splitRequests(in []byte, max int) []expectedLine {
	var out []expectedLine
	for len(in) > 0 {
		i := bytes.IndexByte(in, '\n')
		var line []byte
		terminated := i >= 0
		if terminated {
			line, in = in[:i], in[i+1:]
		} else {
			line, in = in, nil
		}
		n := len(line)
		if terminated {
			n++ // the limit counts the terminator
		}
		if n > max+1 {
			out = append(out, expectedLine{raw: line, tooLarge: true})
			continue
		}
		if terminated {
			line = bytes.TrimRight(line, "\r\n")
		}
		if len(strings.TrimSpace(string(line))) == 0 {
			continue
		}
		out = append(out, expectedLine{raw: line})
		var req struct {
			ID *int64  `json:"id"`
			Op *string `json:"op"`
		}
		if json.Unmarshal(line, &req) == nil && req.ID != nil && req.Op != nil && *req.Op == "bye" {
			break
		}
	}
	return out
}

// FuzzServe: the reference server answers arbitrary input as otv/1 requires.
func FuzzServe(f *testing.F) {
	f.Fuzz(func(t *testing.T, in []byte) {
		s := &protocol.Server{Ops: &refOps, Name: "fuzz", Version: "0", MaxMessage: fuzzMaxMessage}
		var out bytes.Buffer
		if err := s.Serve(bytes.NewReader(in), &out); err != nil {
			t.Fatalf("Serve returned %v", err)
		}
		want := splitRequests(in, fuzzMaxMessage)
		got := bytes.Split(bytes.TrimSuffix(out.Bytes(), []byte("\n")), []byte("\n"))
		if out.Len() == 0 {
			got = nil
		}
		if len(got) != len(want) {
			t.Fatalf("%d responses to %d requests:\n%q\n→\n%s", len(got), len(want), in, out.Bytes())
		}
		for k, line := range got {
			var resp struct {
				ID     *int64              `json:"id"`
				Result json.RawMessage     `json:"result"`
				Error  *protocol.ErrorBody `json:"error"`
			}
			if err := json.Unmarshal(line, &resp); err != nil {
				t.Fatalf("response %q is not JSON: %v", line, err)
			}
			if (resp.Result == nil) == (resp.Error == nil) {
				t.Fatalf("response %s has not exactly one of result and error", line)
			}
			req := want[k]
			if req.tooLarge {
				if resp.Error == nil || resp.Error.Code != protocol.CodeInvalid {
					t.Fatalf("oversized request answered %s", line)
				}
				continue
			}
			if resp.Error != nil {
				switch resp.Error.Code {
				case protocol.CodeInvalid, protocol.CodeUnsupported, protocol.CodeFailed:
				default:
					t.Fatalf("unknown error code in %s", line)
				}
				if strings.Contains(resp.Error.Message, "panic") {
					t.Fatalf("request %q made the server panic: %s", req.raw, resp.Error.Message)
				}
			}
			var r struct {
				ID   *int64          `json:"id"`
				Op   *string         `json:"op"`
				Args json.RawMessage `json:"args"`
			}
			if json.Unmarshal(req.raw, &r) != nil || r.ID == nil || r.Op == nil {
				if resp.Error == nil || resp.Error.Code != protocol.CodeInvalid {
					t.Fatalf("malformed request %q answered %s", req.raw, line)
				}
				continue
			}
			if resp.ID == nil || *resp.ID != *r.ID {
				t.Fatalf("request %q answered with id %v", req.raw, resp.ID)
			}
			oi, ok := theorems.LookupOp(*r.Op)
			if !ok {
				continue
			}
			args := []byte(r.Args)
			if len(args) == 0 || string(args) == "null" {
				args = []byte("{}")
			}
			res, err := oi.Invoke(&refOps, args)
			if err != nil {
				if resp.Error == nil {
					t.Fatalf("%q: the server answered %s, the direct call erred %v", req.raw, line, err)
				}
				continue
			}
			b, err := json.Marshal(res)
			if err != nil {
				if resp.Error == nil || resp.Error.Code != protocol.CodeFailed {
					t.Fatalf("%q: non-finite result answered %s", req.raw, line)
				}
				continue
			}
			if resp.Error != nil || !bytes.Equal(resp.Result, b) {
				t.Fatalf("%q: the server answered %s, the direct call %s", req.raw, line, b)
			}
		}
	})
}

// FuzzReadVectors: ReadVectors never panics; what it accepts replays
// against the reference (CheckVectors) without a panic, with a failure
// count no larger than the number of cases run.
func FuzzReadVectors(f *testing.F) {
	f.Fuzz(func(t *testing.T, file []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "fuzz_test.json"), file, 0o644); err != nil {
			t.Fatal(err)
		}
		files, err := protocol.ReadVectors(dir)
		if err != nil {
			return
		}
		if len(files) != 1 || files[0].Schema != protocol.VectorSchema {
			t.Fatalf("ReadVectors returned %d files, schema %q", len(files), files[0].Schema)
		}
		cases := 0
		for _, g := range files[0].TestGroups {
			cases += len(g.Tests)
			if cases > 200 {
				return // keep one input fast
			}
		}
		fails, run := protocol.CheckVectors(files, nil, protocol.InProcess(&refOps))
		if run > cases || len(fails) > run {
			t.Fatalf("CheckVectors ran %d of %d cases with %d failures", run, cases, len(fails))
		}
	})
}

// ---------------------------------------------------------------------------
// Seed corpora.

func serveSeeds() map[string]string {
	hello := `{"id":0,"op":"hello","args":{"protocol":"otv/1"}}`
	emd := `{"id":1,"op":"ot.emd","args":{"a":[0.5,0.5],"b":[0.5,0.5],"C":[[0,1],[1,0]]}}`
	return map[string]string{
		"empty":           "",
		"blank-lines":     "\n\r\n   \n",
		"session":         hello + "\n" + emd + "\n" + `{"id":2,"op":"bye"}` + "\n" + emd + "\n",
		"hello-other":     `{"id":0,"op":"hello","args":{"protocol":"otv/2"}}` + "\n",
		"no-newline":      emd,
		"crlf":            emd + "\r\n" + emd + "\r\n",
		"not-json":        "hello\n{\n[1,2]\n\"x\"\n",
		"no-id":           `{"op":"ot.emd","args":{}}` + "\n",
		"string-id":       `{"id":"1","op":"ot.emd","args":{}}` + "\n",
		"float-id":        `{"id":1.5,"op":"ot.emd","args":{}}` + "\n",
		"huge-id":         `{"id":99999999999999999999,"op":"ot.emd","args":{}}` + "\n",
		"unknown-op":      `{"id":3,"op":"ot.nope","args":{}}` + "\n",
		"null-args":       `{"id":4,"op":"ot.emd","args":null}` + "\n",
		"args-array":      `{"id":5,"op":"ot.emd","args":[1]}` + "\n",
		"oversized":       `{"id":6,"op":"ot.emd1d","args":{"x":[` + strings.Repeat("0,", 1500) + `0]}}` + "\n" + emd + "\n",
		"oversized-no-id": `{"op":"x","pad":"` + strings.Repeat("y", 3000) + `"}` + "\n",
		"deep":            `{"id":7,"op":"ot.emd","args":{"a":` + strings.Repeat("[", 900) + strings.Repeat("]", 900) + `}}` + "\n",
		"points":          `{"id":8,"op":"ot.emd","args":{"a":[0.5,0.5],"b":[1],"x":[[0],[1]],"y":[[2]],"cost":"sqeuclidean","plan_format":"sparse"}}` + "\n",
		"huge-numbers":    `{"id":9,"op":"ot.emd","args":{"a":[1],"b":[1],"C":[[1e400]]}}` + "\n" + `{"id":10,"op":"ot.assignment","args":{"C":[[1.7976931348623157e308,-1.7976931348623157e308],[-1.7976931348623157e308,1.7976931348623157e308]]}}` + "\n",
		"zero-weights":    `{"id":11,"op":"ot.emd","args":{"a":[0,1],"b":[1,0],"C":[[0,1],[1,0]]}}` + "\n",
		"gauss":           `{"id":12,"op":"gauss.bures","args":{"m0":[0],"S0":[[1e8]],"m1":[0],"S1":[[1e-8]]}}` + "\n",
		"duplicate-keys":  `{"id":13,"id":14,"op":"ot.emd","op":"bye"}` + "\n" + emd + "\n",
	}
}

func vectorsSeeds(t *testing.T) map[string]string {
	// A small valid file: the first two groups of the ar family, two cases each.
	b, err := os.ReadFile(filepath.Join("..", "vectors", "ar_test.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vf protocol.VectorFile
	if err := json.Unmarshal(b, &vf); err != nil {
		t.Fatal(err)
	}
	for i := range vf.TestGroups {
		vf.TestGroups[i].Tests = vf.TestGroups[i].Tests[:min(2, len(vf.TestGroups[i].Tests))]
	}
	small, _ := json.Marshal(vf)
	return map[string]string{
		"valid-small":    string(small),
		"empty":          "",
		"empty-object":   "{}",
		"wrong-schema":   `{"family":"x","schema":"other","testGroups":[]}`,
		"unknown-field":  `{"family":"x","schema":"otv_vectors_v1","bogus":1}`,
		"null-groups":    `{"family":"x","schema":"otv_vectors_v1","testGroups":null}`,
		"bad-case":       `{"family":"x","schema":"otv_vectors_v1","testGroups":[{"op":"ot.emd","comparison":"x","tests":[{"tcId":1,"args":{"a":[1]},"expected":{"cost":1e400},"result":"valid"}]}]}`,
		"unknown-op":     `{"family":"x","schema":"otv_vectors_v1","testGroups":[{"op":"ot.nope","tests":[{"tcId":1,"args":{},"result":"valid"}]}]}`,
		"invalid-result": `{"family":"x","schema":"otv_vectors_v1","testGroups":[{"op":"ar.sample","tests":[{"tcId":1,"args":{"p":[1],"u":0},"expected":null,"result":"maybe"}]}]}`,
		"deep":           `{"family":"x","schema":"otv_vectors_v1","header":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`,
	}
}

func TestFuzzSeedCorpus(t *testing.T) {
	for target, seeds := range map[string]map[string]string{"FuzzServe": serveSeeds(), "FuzzReadVectors": vectorsSeeds(t)} {
		names := make([]string, 0, len(seeds))
		for k := range seeds {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, name := range names {
			path := filepath.Join("testdata", "fuzz", target, "seed-"+name)
			// valid-small follows the committed vectors; it is rewritten
			// with them, not compared.
			fuzzseed.File(t, path, []any{[]byte(seeds[name])}, !(target == "FuzzReadVectors" && name == "valid-small"))
		}
	}
}
