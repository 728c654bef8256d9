package protocol

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/theorems"
)

// Server answers otv/1 requests with an Ops table.
type Server struct {
	Ops      *theorems.Ops
	Name     string
	Version  string
	Features []string
	// MaxMessage bounds a request line (DefaultMaxMessage if 0); a larger
	// request is answered with an "invalid" error and otherwise ignored.
	MaxMessage int
}

// Serve reads requests from r and writes responses to w until bye, end of
// input or a write error. Every request gets exactly one response; a panic
// inside an operation is answered with "failed" and serving continues.
func (s *Server) Serve(r io.Reader, w io.Writer) error {
	lr := NewLineReader(r, s.MaxMessage)
	for {
		line, err := lr.ReadLine()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var resp Response
		stop := false
		switch {
		case errors.Is(err, ErrTooLarge):
			resp = Response{ID: peekID(line), Error: &ErrorBody{Code: CodeInvalid,
				Message: fmt.Sprintf("request exceeds the size limit of %d bytes", lr.max)}}
		case err != nil:
			return err
		case len(strings.TrimSpace(string(line))) == 0:
			continue
		default:
			resp, stop = s.handle(line)
		}
		out, err := encodeLine(resp)
		if err != nil {
			return err
		}
		if _, err := w.Write(out); err != nil {
			return err
		}
		if stop {
			return nil
		}
	}
}

func (s *Server) handle(line []byte) (resp Response, stop bool) {
	var req struct {
		ID   *int64          `json:"id"`
		Op   *string         `json:"op"`
		Args json.RawMessage `json:"args"`
	}
	if err := json.Unmarshal(line, &req); err != nil {
		return Response{ID: peekID(line), Error: &ErrorBody{Code: CodeInvalid, Message: "malformed request: " + err.Error()}}, false
	}
	resp.ID = req.ID
	if req.ID == nil || req.Op == nil {
		resp.Error = &ErrorBody{Code: CodeInvalid, Message: "request needs an integer id and an op"}
		return resp, false
	}
	args := req.Args
	if len(args) == 0 || string(args) == "null" {
		args = json.RawMessage("{}")
	}
	switch *req.Op {
	case "hello":
		var h struct {
			Protocol string `json:"protocol"`
		}
		if err := json.Unmarshal(args, &h); err != nil || h.Protocol != Version {
			resp.Error = &ErrorBody{Code: CodeUnsupported, Message: fmt.Sprintf("only protocol %q is spoken", Version)}
			return resp, false
		}
		resp.Result = mustJSON(HelloResult{Name: s.Name, Version: s.Version, Ops: nonNil(s.Ops.List()), Features: s.Features})
		return resp, false
	case "bye":
		resp.Result = json.RawMessage("{}")
		return resp, true
	}
	oi, ok := theorems.LookupOp(*req.Op)
	if !ok {
		resp.Error = &ErrorBody{Code: CodeUnsupported, Message: fmt.Sprintf("unknown op %q", *req.Op)}
		return resp, false
	}
	result, err := s.invoke(oi, args)
	if err != nil {
		resp.Error = classify(err)
		return resp, false
	}
	b, err := json.Marshal(result)
	if err != nil {
		// NaN or Inf in a result: protocol.md says the implementation
		// answers "failed" rather than send a non-JSON number.
		resp.Error = &ErrorBody{Code: CodeFailed, Message: "result is not finite: " + err.Error()}
		return resp, false
	}
	resp.Result = b
	return resp, false
}

func (s *Server) invoke(oi theorems.OpInfo, args []byte) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error (panic): %v\n%s", r, debug.Stack())
		}
	}()
	return oi.Invoke(s.Ops, args)
}

func classify(err error) *ErrorBody {
	switch {
	case errors.Is(err, theorems.ErrUnsupported):
		return &ErrorBody{Code: CodeUnsupported, Message: err.Error()}
	case errors.Is(err, numerics.ErrInvalid):
		return &ErrorBody{Code: CodeInvalid, Message: err.Error()}
	default:
		return &ErrorBody{Code: CodeFailed, Message: err.Error()}
	}
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
