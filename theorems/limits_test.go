package theorems_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/protocol"
	"github.com/otverify/otverify/theorems"
)

func TestCheckElements(t *testing.T) {
	for _, c := range []struct {
		rows, cols int
		ok         bool
	}{
		{0, 5, true}, {-1, 1 << 40, true}, {1, 1, true},
		{8000, 8000, true}, {8192, 8192, true}, {8193, 8192, false},
		{31623, 31623, false}, {1 << 40, 1 << 40, false}, {1<<63 - 1, 1<<63 - 1, false},
	} {
		err := theorems.CheckElements("C", c.rows, c.cols)
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, numerics.ErrInvalid)) {
			t.Errorf("CheckElements(%d, %d) = %v", c.rows, c.cols, err)
		}
	}
}

// line returns points 0, 1, …, n−1 in R¹ and uniform weights as JSON.
func line(n int) (pts, w string) {
	var p, q strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			p.WriteByte(',')
			q.WriteByte(',')
		}
		fmt.Fprintf(&p, "[%d]", i)
		fmt.Fprintf(&q, "%.17g", 1/float64(n))
	}
	return "[" + p.String() + "]", "[" + q.String() + "]"
}

// elementRequests are requests whose derived matrices have more than n²
// entries although they carry only O(n) numbers.
func elementRequests(n int) map[string]string {
	x, w := line(n)
	return map[string]string{
		theorems.OpEMD:                fmt.Sprintf(`{"a":%s,"b":%s,"x":%s,"y":%s,"cost":"sqeuclidean","plan_format":"sparse"}`, w, w, x, x),
		theorems.OpSinkhorn:           fmt.Sprintf(`{"a":%s,"b":%s,"x":%s,"y":%s,"cost":"sqeuclidean","eps":1,"plan_format":"none"}`, w, w, x, x),
		theorems.OpAssignment:         fmt.Sprintf(`{"x":%s,"y":%s,"cost":"sqeuclidean"}`, x, x),
		theorems.OpSinkhornDivergence: fmt.Sprintf(`{"x":%s,"y":%s,"a":%s,"b":%s,"eps":1}`, x, x, w, w),
		theorems.OpAttnGamma:          fmt.Sprintf(`{"Q":[[1]],"K":[[1]],"V":[[1]],"x":%s}`, x),
	}
}

// TestReferenceOpsEnforceElementLimit: with the limit lowered to 64, every
// operation that derives a quadratic-size matrix from linear-size input
// answers a 9-point request (81 entries) with ErrInvalid. This checks the
// wiring of CheckElements into each reference entry cheaply; the real
// limit is then exercised by TestHugeDerivedMatrixRejected.
func TestReferenceOpsEnforceElementLimit(t *testing.T) {
	restore := theorems.SetElementLimit(64)
	defer restore()
	ops := theorems.ReferenceOps()
	var missing []string
	wired := 0
	for _, op := range sortedOps(elementRequests(9)) {
		raw := elementRequests(9)[op]
		oi, _ := theorems.LookupOp(op)
		if !oi.Has(&ops) {
			continue
		}
		_, err := oi.Invoke(&ops, []byte(raw))
		if errors.Is(err, numerics.ErrInvalid) && strings.Contains(err.Error(), "MaxElements") {
			wired++
			continue
		}
		missing = append(missing, fmt.Sprintf("%s (err = %v)", op, err))
	}
	if wired+len(missing) == 0 {
		t.Fatal("no operation of elementRequests is in the reference table")
	}
	for _, m := range missing {
		t.Errorf("%s: a derived matrix over the element limit is accepted; its reference entry must call theorems.CheckElements before allocating", m)
	}
}

func sortedOps(m map[string]string) []string {
	var ops []string
	for op := range m {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	return ops
}

// TestHugeDerivedMatrixRejected: a request of 31 623 points per side
// (≈ 0.5 MB of JSON, far under the message limit) that asks for a
// 10⁹-entry matrix gets an "invalid" answer from `verify serve`'s server
// instead of an 8 GB allocation. Each op is sent only if its wiring passed
// at the lowered limit, so a missing limit fails the test above rather than
// exhausting memory here.
func TestHugeDerivedMatrixRejected(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 0.5 MB requests")
	}
	ops := theorems.ReferenceOps()
	wired := map[string]bool{}
	func() {
		restore := theorems.SetElementLimit(64)
		defer restore()
		for op, raw := range elementRequests(9) {
			if oi, _ := theorems.LookupOp(op); oi.Has(&ops) {
				_, err := oi.Invoke(&ops, []byte(raw))
				wired[op] = err != nil && strings.Contains(err.Error(), "MaxElements")
			}
		}
	}()
	var in bytes.Buffer
	var sent []string
	id := 0
	for op, raw := range elementRequests(31623) {
		if !wired[op] {
			continue
		}
		id++
		fmt.Fprintf(&in, `{"id":%d,"op":%q,"args":%s}`+"\n", id, op, raw)
		sent = append(sent, op)
	}
	if len(sent) == 0 {
		t.Fatal("no operation enforces the element limit (see TestReferenceOpsEnforceElementLimit)")
	}
	var out bytes.Buffer
	s := &protocol.Server{Ops: &ops, Name: "limits", Version: "0"}
	if err := s.Serve(&in, &out); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&out)
	for _, op := range sent {
		var resp protocol.Response
		if err := dec.Decode(&resp); err != nil {
			t.Fatal(err)
		}
		if resp.Error == nil || resp.Error.Code != protocol.CodeInvalid {
			t.Errorf("%s with a 10⁹-entry derived matrix answered %+v, want invalid", op, resp)
		}
	}
}
