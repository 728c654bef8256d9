// Package protocoltest provides misbehaving otv/1 children for tests of
// the verifier: a test binary calls MaybeRunChild from TestMain, and a test
// starts "<test binary>" with OTV_FAKE_CHILD=<behaviour> in the command.
package protocoltest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/otverify/otverify/protocol"
	"github.com/otverify/otverify/theorems"
)

// Env is the environment variable that selects the behaviour.
const Env = "OTV_FAKE_CHILD"

// Behaviours:
//
//	ref            the reference implementation (passes everything)
//	wrong-emd      the reference, but ot.emd's plan is scaled by 0.9
//	crash-on-op    answers hello, exits with status 3 on the first op
//	crash-once     crashes on its first op in its first incarnation only
//	hang           answers hello, never answers an op
//	garbage        answers hello, answers ops with a line that is not JSON
//	wrong-id       answers hello, answers ops with the wrong id
//	flood          answers hello, answers ops with a 3 MB line
//	no-hello       reads input, never answers anything
//	grandchild     starts a background `sleep 1000`, then serves the reference
const (
	Ref        = "ref"
	WrongEMD   = "wrong-emd"
	CrashOnOp  = "crash-on-op"
	CrashOnce  = "crash-once"
	Hang       = "hang"
	Garbage    = "garbage"
	WrongID    = "wrong-id"
	Flood      = "flood"
	NoHello    = "no-hello"
	Grandchild = "grandchild"
)

// Command returns the shell command that runs the current test binary as a
// fake child with the given behaviour. Extra environment (KEY=VALUE) may be
// added.
func Command(behaviour string, extraEnv ...string) string {
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	env := append([]string{Env + "=" + behaviour}, extraEnv...)
	return strings.Join(env, " ") + " " + shellQuote(exe)
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// MaybeRunChild runs the fake child and exits if the environment asks for
// one; otherwise it returns. Call it first in TestMain.
func MaybeRunChild() {
	b := os.Getenv(Env)
	if b == "" {
		return
	}
	os.Exit(runChild(b))
}

func runChild(b string) int {
	ops := theorems.ReferenceOps()
	switch b {
	case Ref:
		s := &protocol.Server{Ops: &ops, Name: "fake-ref", Version: "0"}
		_ = s.Serve(os.Stdin, os.Stdout)
		return 0
	case WrongEMD:
		ref := ops.EMD
		ops.EMD = func(a theorems.EMDArgs) (theorems.EMDResult, error) {
			r, err := ref(a)
			for _, row := range r.Plan {
				for j := range row {
					row[j] *= 0.9
				}
			}
			return r, err
		}
		s := &protocol.Server{Ops: &ops, Name: "fake-wrong-emd", Version: "0"}
		_ = s.Serve(os.Stdin, os.Stdout)
		return 0
	case Grandchild:
		cmd := exec.Command("sleep", "1000")
		if err := cmd.Start(); err == nil {
			fmt.Fprintf(os.Stderr, "grandchild pid %d\n", cmd.Process.Pid)
		}
		s := &protocol.Server{Ops: &ops, Name: "fake-grandchild", Version: "0"}
		_ = s.Serve(os.Stdin, os.Stdout)
		return 0
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var req protocol.Request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			continue
		}
		if b == NoHello {
			continue
		}
		if req.Op == "hello" {
			fmt.Fprintf(out, `{"id":%d,"result":{"name":"fake-%s","version":"0","ops":["ot.emd","ot.assignment"]}}`+"\n", req.ID, b)
			out.Flush()
			continue
		}
		if req.Op == "bye" {
			fmt.Fprintf(out, `{"id":%d,"result":{}}`+"\n", req.ID)
			return 0
		}
		fmt.Fprintf(os.Stderr, "fake child (%s) got %s\n", b, req.Op)
		switch b {
		case CrashOnOp:
			fmt.Fprintln(os.Stderr, "fake child: crashing on purpose")
			return 3
		case CrashOnce:
			marker := os.Getenv("OTV_FAKE_MARKER")
			if _, err := os.Stat(marker); err != nil {
				_ = os.WriteFile(marker, []byte("crashed"), 0o644)
				return 3
			}
			s := &protocol.Server{Ops: &ops, Name: "fake", Version: "0"}
			line := append(append([]byte(nil), in.Bytes()...), '\n')
			_ = s.Serve(strings.NewReader(string(line)), out)
			out.Flush()
		case Hang:
			time.Sleep(time.Hour)
		case Garbage:
			fmt.Fprintln(out, "this is not JSON")
		case WrongID:
			fmt.Fprintf(out, `{"id":%d,"result":{"perm":[0]}}`+"\n", req.ID+1)
		case Flood:
			out.WriteString(`{"id":` + fmt.Sprint(req.ID) + `,"result":{"junk":"`)
			out.WriteString(strings.Repeat("x", 3<<20))
			out.WriteString("\"}}\n")
		}
		out.Flush()
	}
	return 0
}
