package protocol_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/otverify/otverify/protocol"
	"github.com/otverify/otverify/theorems"
)

var update = flag.Bool("update", false, "rewrite the committed test vectors under ../vectors")

// TestVectorsCommitted fails when the generator and the committed vectors
// drift apart; regenerate with `go test ./protocol -run TestVectorsCommitted -update`
// (or `go run ./cmd/verify vectors --out vectors`).
func TestVectorsCommitted(t *testing.T) {
	ref := theorems.ReferenceOps()
	files, err := protocol.GenerateVectors(&ref, "1")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	if err := protocol.WriteVectors(tmp, files); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := protocol.WriteVectors("../vectors", files); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		name := f.Family + "_test.json"
		want, _ := os.ReadFile(filepath.Join(tmp, name))
		got, err := os.ReadFile(filepath.Join("../vectors", name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("vectors/%s differs from the generator's output: run `go run ./cmd/verify vectors --out vectors`", name)
		}
	}
	// Generating twice gives the same bytes.
	again, _ := protocol.GenerateVectors(&ref, "1")
	tmp2 := t.TempDir()
	_ = protocol.WriteVectors(tmp2, again)
	for _, f := range files {
		a, _ := os.ReadFile(filepath.Join(tmp, f.Family+"_test.json"))
		b, _ := os.ReadFile(filepath.Join(tmp2, f.Family+"_test.json"))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: generation is not deterministic", f.Family)
		}
	}
}

func TestVectorsReplay(t *testing.T) {
	ref := theorems.ReferenceOps()
	files, err := protocol.GenerateVectors(&ref, "1")
	if err != nil {
		t.Fatal(err)
	}
	fails, n := protocol.CheckVectors(files, nil, protocol.InProcess(&ref))
	if len(fails) > 0 || n == 0 {
		t.Fatalf("the reference fails %d of %d of its own vectors: %+v", len(fails), n, fails)
	}
	// A faulty EMD (plan scaled) and a sinkhorn that ignores eps are caught.
	bad := theorems.ReferenceOps()
	refEMD := bad.EMD
	bad.EMD = func(a theorems.EMDArgs) (theorems.EMDResult, error) {
		r, err := refEMD(a)
		for _, row := range r.Plan {
			for j := range row {
				row[j] *= 0.99
			}
		}
		return r, err
	}
	refSink := bad.Sinkhorn
	bad.Sinkhorn = func(a theorems.SinkhornArgs) (theorems.SinkhornResult, error) {
		a.Eps *= 2
		return refSink(a)
	}
	fails, _ = protocol.CheckVectors(files, []string{theorems.OpEMD, theorems.OpSinkhorn}, protocol.InProcess(&bad))
	ops := map[string]bool{}
	for _, f := range fails {
		ops[f.Op] = true
	}
	if !ops[theorems.OpEMD] || !ops[theorems.OpSinkhorn] {
		t.Fatalf("faulty ops not caught by the vectors: %+v", fails)
	}
}
