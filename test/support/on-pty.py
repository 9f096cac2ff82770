"""Run a command on a pseudo-terminal: its output is copied to stdout, stdin is
copied to the terminal (so a test can type keys). Exits with the command's
status (128+N if signal N killed it).  python3 on-pty.py ROWS COLS -- CMD ARGS..."""
import fcntl
import os
import pty
import select
import struct
import sys
import termios

rows, cols, cmd = int(sys.argv[1]), int(sys.argv[2]), sys.argv[4:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
inputs = [fd, 0]
while True:
    ready, _, _ = select.select(inputs, [], [])
    if fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the command closed the terminal
            data = b""
        if not data:
            break
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 1024)
        if data:
            os.write(fd, data)
        else:
            inputs.remove(0)
_, status = os.waitpid(pid, 0)
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
