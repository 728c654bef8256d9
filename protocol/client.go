package protocol

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/otverify/otverify/theorems"
)

// ClientOptions configure a child implementation.
type ClientOptions struct {
	// Command is run with `sh -c`.
	Command string
	// Dir is the child's working directory (default: the verifier's).
	Dir string
	// Timeout bounds each request (default 10 s, protocol.md). A child that
	// does not answer in time is killed and restarted for the next request.
	Timeout time.Duration
	// HelloTimeout bounds start-up and hello (default 30 s: interpreters
	// such as Python importing numerical libraries start slowly).
	HelloTimeout time.Duration
	// MaxMessage bounds one response line (DefaultMaxMessage if 0).
	MaxMessage int
	// MaxRestarts bounds how often a crashed or killed child is restarted
	// (default 20); after that every request fails at once.
	MaxRestarts int
	// StderrLines is how many of the child's last stderr lines are kept
	// (default 40).
	StderrLines int
}

// ProtocolError is an answer that breaks otv/1 (garbage, wrong id, wrong
// shape, timeout, crash): a fault of the implementation, not a wrong value.
type ProtocolError struct{ Msg string }

func (e *ProtocolError) Error() string { return "protocol violation: " + e.Msg }

// RemoteError is a well-formed error response of the child.
type RemoteError struct {
	Op   string
	Code string
	Msg  string
}

func (e *RemoteError) Error() string { return fmt.Sprintf("%s: %s error: %s", e.Op, e.Code, e.Msg) }

// Client is an otv/1 client of one child process, restarted after a crash.
// It is safe for concurrent use; requests are serialised.
type Client struct {
	opts  ClientOptions
	mu    sync.Mutex
	proc  *child
	hello HelloResult
	next  int64

	restarts int
	faults   []string
	stderr   *tail
}

type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan lineOrErr
	quit  chan struct{} // closed by kill: the reader stops delivering
	done  chan struct{} // closed when the process has exited
	err   error         // exit status, valid after done
}

type lineOrErr struct {
	line []byte
	err  error
}

// Start launches the child and exchanges hello. The returned Client must be
// closed.
func Start(opts ClientOptions) (*Client, error) {
	if strings.TrimSpace(opts.Command) == "" {
		return nil, errors.New("empty command")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.HelloTimeout <= 0 {
		opts.HelloTimeout = 30 * time.Second
	}
	if opts.MaxMessage <= 0 {
		opts.MaxMessage = DefaultMaxMessage
	}
	if opts.MaxRestarts <= 0 {
		opts.MaxRestarts = 20
	}
	if opts.StderrLines <= 0 {
		opts.StderrLines = 40
	}
	c := &Client{opts: opts, stderr: newTail(opts.StderrLines)}
	if err := c.spawn(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// spawn starts a fresh child and says hello (c.mu held or not yet shared).
func (c *Client) spawn() error {
	cmd := exec.Command("sh", "-c", c.opts.Command)
	cmd.Dir = c.opts.Dir
	isolate(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	// Our own pipes, not StdoutPipe: cmd.Wait must not close the read ends
	// while a last answer is still in flight.
	outR, outW, err := os.Pipe()
	if err != nil {
		return err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return err
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	err = cmd.Start()
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return fmt.Errorf("starting %q: %w", c.opts.Command, err)
	}
	p := &child{cmd: cmd, stdin: stdin, lines: make(chan lineOrErr, 1), quit: make(chan struct{}), done: make(chan struct{})}
	c.proc = p
	go func() {
		defer outR.Close()
		lr := NewLineReader(outR, c.opts.MaxMessage)
		for {
			line, err := lr.ReadLine()
			var le lineOrErr
			switch {
			case errors.Is(err, ErrTooLarge):
				le.err = &ProtocolError{Msg: fmt.Sprintf("response larger than the %d-byte limit (--max-message)", c.opts.MaxMessage)}
			case err != nil:
				le.err = err
			default:
				le.line = line
			}
			select {
			case p.lines <- le:
			case <-p.quit:
				return
			}
			if err != nil && !errors.Is(err, ErrTooLarge) {
				close(p.lines)
				return
			}
		}
	}()
	go func() {
		defer errR.Close()
		sc := bufio.NewScanner(errR)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			c.stderr.add(sc.Text())
		}
		_, _ = io.Copy(io.Discard, errR)
	}()
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()

	var h HelloResult
	raw, err := c.roundTrip("hello", map[string]string{"protocol": Version}, c.opts.HelloTimeout)
	if err == nil {
		if e := json.Unmarshal(raw, &h); e != nil {
			err = &ProtocolError{Msg: "hello result: " + e.Error()}
		}
	}
	if err != nil {
		c.kill()
		return fmt.Errorf("hello: %w", err)
	}
	c.hello = h
	return nil
}

// roundTrip sends one request and waits for its response (c.mu held).
func (c *Client) roundTrip(op string, args any, timeout time.Duration) (json.RawMessage, error) {
	p := c.proc
	if p == nil {
		return nil, &ProtocolError{Msg: "child not running"}
	}
	c.next++
	id := c.next
	rawArgs, err := json.Marshal(args)
	if err != nil {
		return nil, fmt.Errorf("encoding %s args: %w", op, err)
	}
	line, err := encodeLine(Request{ID: id, Op: op, Args: rawArgs})
	if err != nil {
		return nil, err
	}
	if _, err := p.stdin.Write(line); err != nil {
		return nil, c.crashed(fmt.Sprintf("writing the %s request failed (%v)", op, err))
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case le, ok := <-p.lines:
		if !ok || (le.err != nil && !isProtocolErr(le.err)) {
			return nil, c.crashed(fmt.Sprintf("the child closed its output during %s", op))
		}
		if le.err != nil {
			c.kill()
			return nil, le.err
		}
		return c.decode(op, id, le.line)
	case <-timer.C:
		c.kill()
		return nil, &ProtocolError{Msg: fmt.Sprintf("no answer to %s within %v (child killed)", op, timeout)}
	}
}

func (c *Client) decode(op string, id int64, line []byte) (json.RawMessage, error) {
	var resp struct {
		ID     *int64          `json:"id"`
		Result json.RawMessage `json:"result"`
		Error  *ErrorBody      `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&resp); err != nil {
		c.kill()
		return nil, &ProtocolError{Msg: fmt.Sprintf("answer to %s is not a JSON object: %v: %s", op, err, clip(line))}
	}
	if resp.ID == nil || *resp.ID != id {
		c.kill()
		got := "none"
		if resp.ID != nil {
			got = fmt.Sprint(*resp.ID)
		}
		return nil, &ProtocolError{Msg: fmt.Sprintf("answer to %s (id %d) carries id %s", op, id, got)}
	}
	switch {
	case resp.Error != nil && resp.Result != nil:
		return nil, &ProtocolError{Msg: fmt.Sprintf("answer to %s has both result and error", op)}
	case resp.Error != nil:
		return nil, &RemoteError{Op: op, Code: resp.Error.Code, Msg: resp.Error.Message}
	case resp.Result == nil || string(resp.Result) == "null":
		return nil, &ProtocolError{Msg: fmt.Sprintf("answer to %s has neither result nor error", op)}
	}
	return resp.Result, nil
}

func isProtocolErr(err error) bool {
	var pe *ProtocolError
	return errors.As(err, &pe)
}

// crashed records a crash, waits briefly for the exit status, and returns
// the error for the request that saw it.
func (c *Client) crashed(what string) error {
	p := c.proc
	status := "still running"
	select {
	case <-p.done:
		status = fmt.Sprint(p.err)
		if p.err == nil {
			status = "exit status 0"
		}
	case <-time.After(2 * time.Second):
	}
	c.kill()
	msg := fmt.Sprintf("%s; child %s", what, status)
	c.faults = append(c.faults, "crash: "+msg)
	return &ProtocolError{Msg: msg}
}

// kill ends the current child (c.mu held).
func (c *Client) kill() {
	if c.proc == nil {
		return
	}
	killGroup(c.proc.cmd)
	close(c.proc.quit)
	_ = c.proc.stdin.Close()
	select {
	case <-c.proc.done:
	case <-time.After(5 * time.Second):
	}
	c.proc = nil
}

// Call sends op with args and decodes the result into result. A child that
// crashed or was killed is restarted first (up to MaxRestarts). It
// implements theorems.Caller.
func (c *Client) Call(op string, args, result any) error {
	raw, err := c.CallRaw(op, args)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(result); err != nil {
		return &ProtocolError{Msg: fmt.Sprintf("result of %s does not have the protocol's shape: %v: %s", op, err, clip(raw))}
	}
	return nil
}

// CallRaw sends a request with arbitrary (possibly malformed) args and
// returns the raw result.
func (c *Client) CallRaw(op string, args any) (json.RawMessage, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc == nil {
		if c.restarts >= c.opts.MaxRestarts {
			return nil, &ProtocolError{Msg: fmt.Sprintf("child unavailable after %d restarts", c.restarts)}
		}
		c.restarts++
		if err := c.spawn(); err != nil {
			c.faults = append(c.faults, "restart failed: "+err.Error())
			return nil, &ProtocolError{Msg: "restarting the child: " + err.Error()}
		}
	}
	return c.roundTrip(op, args, c.opts.Timeout)
}

// Hello is the child's hello result.
func (c *Client) Hello() HelloResult { return c.hello }

// Ops returns an Ops table whose entries are the ops the child listed in
// hello, each forwarding to the child.
func (c *Client) Ops() theorems.Ops {
	o := theorems.Ops{Features: append([]string(nil), c.hello.Features...)}
	for _, name := range c.hello.Ops {
		if oi, ok := theorems.LookupOp(name); ok {
			oi.Bind(&o, c)
		}
	}
	return o
}

// Faults returns the protocol faults seen so far (crashes, failed restarts).
func (c *Client) Faults() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.faults...)
}

// Restarts is how often the child was restarted.
func (c *Client) Restarts() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.restarts
}

// StderrTail returns the last lines the child (all its incarnations) wrote
// to standard error.
func (c *Client) StderrTail() []string { return c.stderr.lines() }

// Close says bye, gives the child a moment to exit, and kills its process
// group in any case: no child outlives the client.
func (c *Client) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc == nil {
		return
	}
	_, _ = c.roundTrip("bye", struct{}{}, time.Second)
	if c.proc != nil {
		_ = c.proc.stdin.Close()
		select {
		case <-c.proc.done:
		case <-time.After(time.Second):
		}
	}
	c.kill()
}

func clip(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + fmt.Sprintf("… (%d bytes)", len(b))
	}
	return string(b)
}

// tail keeps the last n lines written to it.
type tail struct {
	mu  sync.Mutex
	n   int
	buf []string
}

func newTail(n int) *tail { return &tail{n: n} }

func (t *tail) add(s string) {
	if len(s) > 500 {
		s = s[:500] + "…"
	}
	t.mu.Lock()
	t.buf = append(t.buf, s)
	if len(t.buf) > t.n {
		t.buf = t.buf[len(t.buf)-t.n:]
	}
	t.mu.Unlock()
}

func (t *tail) lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.buf...)
}
