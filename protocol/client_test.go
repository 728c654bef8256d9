package protocol_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otverify/otverify/protocol"
	"github.com/otverify/otverify/protocol/protocoltest"
	"github.com/otverify/otverify/theorems"
)

func TestMain(m *testing.M) {
	protocoltest.MaybeRunChild()
	os.Exit(m.Run())
}

var emdArgs = theorems.EMDArgs{A: []float64{0.5, 0.5}, B: []float64{0.5, 0.5}, C: [][]float64{{0, 1}, {1, 0}}}

func TestClientReference(t *testing.T) {
	c, err := protocol.Start(protocol.ClientOptions{Command: protocoltest.Command(protocoltest.Ref)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ops := c.Ops()
	r, err := ops.EMD(emdArgs)
	if err != nil || r.Cost != 0 || r.Plan[0][0] != 0.5 {
		t.Fatalf("EMD over otv/1 = %+v, %v", r, err)
	}
	if _, err := ops.EMD(theorems.EMDArgs{A: []float64{1}, B: []float64{0.5, 0.5}, C: [][]float64{{0}}}); err == nil {
		t.Fatal("malformed request accepted")
	} else {
		var re *protocol.RemoteError
		if !errors.As(err, &re) || re.Code != protocol.CodeInvalid {
			t.Fatalf("want an invalid error, got %v", err)
		}
	}
	if len(protocol.Robustness(c, ops.List())) != 0 {
		t.Fatalf("the reference has robustness findings: %+v", protocol.Robustness(c, ops.List()))
	}
}

func TestClientMisbehaviour(t *testing.T) {
	tests := []struct {
		behaviour string
		want      string
	}{
		{protocoltest.CrashOnOp, "closed its output"},
		{protocoltest.Hang, "no answer"},
		{protocoltest.Garbage, "not a JSON object"},
		{protocoltest.WrongID, "carries id"},
		{protocoltest.Flood, "byte limit"},
	}
	for _, tc := range tests {
		t.Run(tc.behaviour, func(t *testing.T) {
			c, err := protocol.Start(protocol.ClientOptions{Command: protocoltest.Command(tc.behaviour),
				Timeout: 500 * time.Millisecond, MaxMessage: 1 << 20, MaxRestarts: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			start := time.Now()
			ops := c.Ops()
			_, err = ops.EMD(emdArgs)
			var pe *protocol.ProtocolError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a protocol error mentioning %q", err, tc.want)
			}
			// The child is restarted for the next request and fails again;
			// after MaxRestarts every request fails at once.
			for i := 0; i < 4; i++ {
				if _, err := ops.EMD(emdArgs); err == nil {
					t.Fatal("misbehaving child answered")
				}
			}
			if time.Since(start) > 10*time.Second {
				t.Fatalf("took %v", time.Since(start))
			}
			if c.Restarts() != 2 {
				t.Fatalf("restarts = %d, want 2", c.Restarts())
			}
		})
	}
}

func TestClientCrashOnceRestarts(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "crashed")
	c, err := protocol.Start(protocol.ClientOptions{Command: protocoltest.Command(protocoltest.CrashOnce, "OTV_FAKE_MARKER="+marker)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ops := c.Ops()
	if _, err := ops.EMD(emdArgs); err == nil {
		t.Fatal("first request should see the crash")
	}
	if r, err := ops.EMD(emdArgs); err != nil || r.Cost != 0 {
		t.Fatalf("after restart: %+v, %v", r, err)
	}
	if f := c.Faults(); len(f) != 1 || !strings.Contains(f[0], "crash") {
		t.Fatalf("faults = %v", f)
	}
	if tail := strings.Join(c.StderrTail(), "\n"); !strings.Contains(tail, "fake child") {
		t.Fatalf("stderr tail = %q", tail)
	}
}

func TestClientNoHello(t *testing.T) {
	start := time.Now()
	_, err := protocol.Start(protocol.ClientOptions{Command: protocoltest.Command(protocoltest.NoHello), HelloTimeout: 500 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "hello") {
		t.Fatalf("got %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("took %v", time.Since(start))
	}
	if _, err := protocol.Start(protocol.ClientOptions{Command: "exit 7"}); err == nil {
		t.Fatal("a command that exits at once was accepted")
	}
}

// TestNoChildOutlives: the child's own children are killed with it.
func TestNoChildOutlives(t *testing.T) {
	c, err := protocol.Start(protocol.ClientOptions{Command: protocoltest.Command(protocoltest.Grandchild)})
	if err != nil {
		t.Fatal(err)
	}
	var pid string
	for i := 0; i < 50 && pid == ""; i++ {
		for _, l := range c.StderrTail() {
			if p, ok := strings.CutPrefix(l, "grandchild pid "); ok {
				pid = p
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if pid == "" {
		t.Fatal("grandchild did not report its pid")
	}
	c.Close()
	deadline := time.Now().Add(3 * time.Second)
	for {
		b, err := os.ReadFile("/proc/" + pid + "/stat")
		if err != nil || strings.Contains(string(b), ") Z ") {
			return // gone (or a zombie awaiting its reaper)
		}
		if time.Now().After(deadline) {
			t.Fatalf("grandchild %s survived the client", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
