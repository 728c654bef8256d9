//go:build linux

package protocol

import (
	"os/exec"
	"syscall"
)

// isolate puts the child in its own process group (so that the whole group
// — the shell and what it started — can be killed) and asks the kernel to
// kill it if the verifier dies first.
func isolate(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup kills the child's process group.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Process.Kill()
	}
}
