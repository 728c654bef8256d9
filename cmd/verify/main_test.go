package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otverify/otverify/protocol/protocoltest"
	"github.com/otverify/otverify/reports"
)

func TestMain(m *testing.M) {
	protocoltest.MaybeRunChild()
	os.Exit(m.Run())
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(strings.NewReader(""), &out, &errb, args)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"nosuchcommand"},
		{"run", "--checks", "0"},
		{"run", "--seed", "0"},
		{"run", "--format", "yaml"},
		{"run", "--family", "nosuchfamily"},
		{"run", "--claim", "no.such-claim"},
		{"run", "extra"},
		{"impl"},
		{"list", "--format", "xml"},
	} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("verify %v: exit %d, want 2", args, code)
		}
	}
	if code, out, _ := runCLI(t, "help"); code != 0 || !strings.Contains(out, "Exit codes") {
		t.Errorf("verify help: exit %d, output %q", code, out)
	}
}

func TestListJSON(t *testing.T) {
	code, out, _ := runCLI(t, "list", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var v struct {
		Claims []struct {
			ID, Family, Title, Source string
			Ops                       []string
		}
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range v.Claims {
		ids[c.ID] = true
		if c.Family == "" || c.Source == "" || c.Ops == nil {
			t.Errorf("incomplete entry %+v", c)
		}
	}
	for _, id := range []string{"ot1d.inverse-transform", "discrete.strong-duality", "entropic.gibbs-form", "sliced.lower-bound"} {
		if !ids[id] {
			t.Errorf("verify list lacks %s", id)
		}
	}
}

func TestRunFormats(t *testing.T) {
	dir := t.TempDir()
	args := []string{"run", "--family", "discrete", "--checks", "10", "--seed", "3"}
	code, out, _ := runCLI(t, args...)
	if code != 0 || !strings.Contains(out, "passed, 0 failed") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	jf := filepath.Join(dir, "r.json")
	if code, _, _ := runCLI(t, append(args, "--format", "json", "--out", jf)...); code != 0 {
		t.Fatalf("json exit %d", code)
	}
	b, _ := os.ReadFile(jf)
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"seed", "summary", "claims"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("JSON report lacks %q", k)
		}
	}
	claim := raw["claims"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "status", "checks", "duration_s"} {
		if _, ok := claim[k]; !ok {
			t.Errorf("JSON claim lacks %q", k)
		}
	}
	xf := filepath.Join(dir, "r.xml")
	if code, _, _ := runCLI(t, append(args, "--format", "junit", "--out", xf)...); code != 0 {
		t.Fatalf("junit exit %d", code)
	}
	xb, _ := os.ReadFile(xf)
	var suites struct {
		Tests int `xml:"tests,attr"`
	}
	if err := xml.Unmarshal(xb, &suites); err != nil || suites.Tests == 0 {
		t.Fatalf("junit: %v, %d tests", err, suites.Tests)
	}
}

// TestRunDeterministic: the same seed gives byte-identical JSON apart from
// timings, whatever the parallelism.
func TestRunDeterministic(t *testing.T) {
	get := func(parallel string) []byte {
		code, out, _ := runCLI(t, "run", "--family", "ot1d,discrete", "--checks", "20", "--seed", "5", "--format", "json", "--parallel", parallel)
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
		r, err := reports.ReadJSON(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		r.Normalize()
		var b bytes.Buffer
		_ = reports.WriteJSON(&b, r)
		return b.Bytes()
	}
	if a, b := get("1"), get("4"); !bytes.Equal(a, b) {
		t.Fatal("reports differ between --parallel 1 and 4")
	}
}

func TestImpl(t *testing.T) {
	code, out, _ := runCLI(t, "impl", "--cmd", protocoltest.Command(protocoltest.Ref), "--family", "discrete", "--checks", "10")
	if code != 0 {
		t.Fatalf("impl against the reference: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "impl", "--cmd", protocoltest.Command(protocoltest.WrongEMD), "--family", "discrete", "--checks", "20")
	if code != 1 || !strings.Contains(out, "FAIL  discrete.plan-feasible") || !strings.Contains(out, "reproduce: ") {
		t.Fatalf("impl against a wrong EMD: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "impl", "--cmd", protocoltest.Command(protocoltest.NoHello), "--hello-timeout", "300ms")
	if code != 1 || !strings.Contains(out, "PROTOCOL FAULT") {
		t.Fatalf("impl against a mute child: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "impl", "--cmd", protocoltest.Command(protocoltest.CrashOnOp), "--family", "discrete", "--checks", "5", "--timeout", "1s")
	if code != 1 || !strings.Contains(out, "ERROR") || !strings.Contains(out, "crashing on purpose") {
		t.Fatalf("impl against a crashing child: exit %d\n%s", code, out)
	}
}

// TestShardMerge: the merged reports of all shards equal the unsharded
// report for the same seed, timings aside.
func TestShardMerge(t *testing.T) {
	dir := t.TempDir()
	base := []string{"run", "--family", "ot1d,discrete", "--checks", "10", "--seed", "9", "--format", "json"}
	var files []string
	for _, s := range []string{"0/3", "1/3", "2/3"} {
		f := filepath.Join(dir, strings.ReplaceAll(s, "/", "-")+".json")
		if code, _, _ := runCLI(t, append(base, "--shard", s, "--out", f)...); code != 0 {
			t.Fatalf("shard %s: exit %d", s, code)
		}
		files = append(files, f)
	}
	// One report rendered as text (merge of a single report).
	if code, text, errOut := runCLI(t, "merge", "--format", "text", files[0]); code != 0 || !strings.Contains(text, "passed") {
		t.Fatalf("merge --format text: exit %d\n%s%s", code, text, errOut)
	}
	code, merged, _ := runCLI(t, append([]string{"merge"}, files...)...)
	if code != 0 {
		t.Fatalf("merge: exit %d", code)
	}
	_, whole, _ := runCLI(t, base...)
	norm := func(s string) []byte {
		r, err := reports.ReadJSON(strings.NewReader(s))
		if err != nil {
			t.Fatal(err)
		}
		r.Normalize()
		var b bytes.Buffer
		_ = reports.WriteJSON(&b, r)
		return b.Bytes()
	}
	if !bytes.Equal(norm(merged), norm(whole)) {
		t.Fatal("merged shards differ from the unsharded report")
	}
}
