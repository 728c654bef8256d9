// Package protocol implements otv/1 (../shared/protocol.md): JSON Lines
// requests and responses over a child process's standard input and output.
// It holds the codec, the server (an Ops table behind otv/1: `verify serve`)
// and the client (an Ops table backed by another program: `verify impl`).
package protocol
