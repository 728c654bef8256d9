package protocol

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
)

// Version is the protocol name exchanged in hello.
const Version = "otv/1"

// DefaultMaxMessage bounds one request or response line (64 MiB): enough
// for a dense 1000×1000 cost matrix written with round-trip precision
// (≈ 25 MB), small enough that a flood cannot exhaust memory.
const DefaultMaxMessage = 64 << 20

// Error codes of otv/1.
const (
	CodeUnsupported = "unsupported"
	CodeInvalid     = "invalid"
	CodeFailed      = "failed"
)

// Request is one otv/1 request.
type Request struct {
	ID   int64           `json:"id"`
	Op   string          `json:"op"`
	Args json.RawMessage `json:"args"`
}

// ErrorBody is the error member of a response.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Response is one otv/1 response: exactly one of Result and Error is set.
type Response struct {
	ID     *int64          `json:"id"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *ErrorBody      `json:"error,omitempty"`
}

// HelloResult is the result of hello.
type HelloResult struct {
	Name     string   `json:"name"`
	Version  string   `json:"version"`
	Ops      []string `json:"ops"`
	Features []string `json:"features,omitempty"`
}

// ErrTooLarge is returned by LineReader for a line over its limit.
var ErrTooLarge = errors.New("message exceeds the size limit")

// LineReader reads '\n'-terminated lines with a size limit; an oversized
// line is consumed and discarded, and reported as ErrTooLarge together with
// its first bytes (from which an id may still be recovered).
type LineReader struct {
	r   *bufio.Reader
	max int
}

// NewLineReader reads lines of at most max bytes (DefaultMaxMessage if max ≤ 0).
func NewLineReader(r io.Reader, max int) *LineReader {
	if max <= 0 {
		max = DefaultMaxMessage
	}
	return &LineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// ReadLine returns the next line without its terminator. At end of input
// it returns io.EOF (a final unterminated line is returned first).
func (lr *LineReader) ReadLine() ([]byte, error) {
	var buf []byte
	tooLarge := false
	var head []byte
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if !tooLarge {
			if len(buf)+len(chunk) > lr.max+1 {
				tooLarge = true
				head = append(buf, chunk[:min(len(chunk), 256)]...)
				if len(head) > 256 {
					head = head[:256]
				}
				buf = nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		switch {
		case err == nil:
			if tooLarge {
				return head, ErrTooLarge
			}
			return bytes.TrimRight(buf, "\r\n"), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if tooLarge {
				return head, ErrTooLarge
			}
			if len(buf) > 0 {
				return buf, nil
			}
			return nil, io.EOF
		default:
			return nil, err
		}
	}
}

var idPattern = regexp.MustCompile(`^\s*\{\s*"id"\s*:\s*(-?\d+)`)

// peekID recovers the id of a message from its first bytes, if it leads.
func peekID(head []byte) *int64 {
	m := idPattern.FindSubmatch(head)
	if m == nil {
		return nil
	}
	id, err := strconv.ParseInt(string(m[1]), 10, 64)
	if err != nil {
		return nil
	}
	return &id
}

// encodeLine marshals v as one JSON line.
func encodeLine(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("otv/1: encoding message: %w", err)
	}
	return append(b, '\n'), nil
}
