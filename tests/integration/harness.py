"""Integration-test harness: start a memcached-compatible server, talk to it over raw sockets.

Design
- The target is chosen by the environment: RC_TARGET=memcached starts /usr/bin/memcached (the
  oracle); anything else starts $RINGCACHED (default <repo>/build/src/server/ringcached). Both get
  the same memcached flags, always on 127.0.0.1 with UDP off.
- A port is found by binding port 0, then the server is started on it; readiness is a bounded loop
  of connection attempts that also notices the process dying (a port clash), in which case a new
  port is tried. Servers are stopped by PID (SIGTERM, then SIGKILL after a bounded wait), and
  also get SIGTERM from the kernel should the test process die first (PR_SET_PDEATHSIG).
- Every socket read has a deadline; a reply that does not come is a failure with what did come.
- Keys are made unique per test with ukey(), so tests can share one server per module.
"""

import ctypes
import itertools
import os
import signal
import socket
import subprocess
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = "memcached" if os.environ.get("RC_TARGET") == "memcached" else "ringcached"
MEMCACHED = os.environ.get("MEMCACHED", "/usr/bin/memcached")
RINGCACHED = os.environ.get("RINGCACHED", os.path.join(REPO, "build", "src", "server", "ringcached"))
TIMEOUT = float(os.environ.get("RC_IO_TIMEOUT", "5"))

_seq = itertools.count()


def ukey(prefix="k"):
    """A key unique to this process and call: tests sharing a server never collide."""
    return "%s_%d_%d" % (prefix, os.getpid(), next(_seq))


def server_binary():
    return MEMCACHED if TARGET == "memcached" else RINGCACHED


def base_argv():
    """The server binary plus the flags every start needs (memcached refuses root without -u)."""
    argv = [server_binary()]
    if TARGET == "memcached" and os.geteuid() == 0:
        argv += ["-u", "root"]
    return argv


def _die_with_parent():
    """Runs in the child before exec: the server gets SIGTERM if the test process dies (e.g. the
    suite's overall timeout), so no server outlives its test run."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerError(Exception):
    pass


class Server:
    """One server process on 127.0.0.1:<ephemeral port>, stopped by PID."""

    def __init__(self, args=(), start_timeout=10.0):
        self.args = list(args)
        self.proc = None
        self.port = None
        self.start_timeout = start_timeout

    def start(self):
        last = ""
        for _ in range(5):  # a port taken between bind and start is a clash: retry with another
            self.port = free_port()
            argv = base_argv() + ["-l", "127.0.0.1", "-p", str(self.port), "-U", "0"] + self.args
            # stderr to a file, not a pipe: a chatty server must never block on a full pipe
            self.errfile = tempfile.TemporaryFile()
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.errfile,
                                         stderr=self.errfile, preexec_fn=_die_with_parent)
            if self._wait_ready():
                return self
            last = self.stop()
        raise ServerError("server did not start: %s" % last)

    def _wait_ready(self):
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return True
            except OSError:
                time.sleep(0.01)  # bounded retry of the connect event; not a synchronisation sleep
        return False

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """Stops the process by PID; returns what it wrote on stdout and stderr."""
        if self.proc is None:
            return ""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.errfile.seek(0)
        err = self.errfile.read().decode(errors="replace")
        self.errfile.close()
        self.proc = None
        return err

    def connect(self, timeout=TIMEOUT):
        return Conn(("127.0.0.1", self.port), timeout)

    def addr(self):
        return "127.0.0.1:%d" % self.port

    def stats(self, group=None):
        with self.connect() as c:
            return c.stats(group)


class Conn:
    """A raw client connection with deadline-bounded reads and a receive buffer."""

    def __init__(self, addr, timeout=TIMEOUT):
        self.sock = socket.create_connection(addr, timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.buf = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def _fill(self, deadline):
        """Reads what is available into buf; False on EOF. Raises TimeoutError at the deadline."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no reply before deadline; have %r" % self.buf[:400])
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(1 << 16)
        except socket.timeout:
            raise TimeoutError("no reply before deadline; have %r" % self.buf[:400]) from None
        except ConnectionResetError:
            return False
        if not chunk:
            return False
        self.buf += chunk
        return True

    def read_exact(self, n, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while len(self.buf) < n:
            if not self._fill(deadline):
                raise EOFError("connection closed; have %r" % self.buf[:400])
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_line(self, timeout=None):
        """One line including its \\r\\n."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while b"\r\n" not in self.buf:
            if not self._fill(deadline):
                raise EOFError("connection closed; have %r" % self.buf[:400])
        i = self.buf.index(b"\r\n") + 2
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def read_until(self, marker, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while marker not in self.buf:
            if not self._fill(deadline):
                raise EOFError("connection closed; have %r" % self.buf[-400:])
        i = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def expect(self, want, timeout=None):
        """Reads exactly len(want) bytes and asserts they are want."""
        if isinstance(want, str):
            want = want.encode()
        got = self.read_exact(len(want), timeout)
        assert got == want, "expected %r, got %r (then %r)" % (want, got, self.buf[:200])

    def cmd(self, line, reply):
        """Sends line (\\r\\n added) and expects reply exactly."""
        self.send(line + "\r\n" if isinstance(line, str) else line + b"\r\n")
        self.expect(reply)

    def closed_by_peer(self, timeout=None):
        """True when the server closes the connection (after any pending bytes) within timeout."""
        deadline = time.monotonic() + (timeout or self.timeout)
        try:
            while self._fill(deadline):
                pass
        except TimeoutError:
            return False
        return True

    def sync(self):
        """Round-trips a version command: every reply before it has been read and checked."""
        self.send(b"version\r\n")
        line = self.read_line()
        assert line.startswith(b"VERSION "), "unexpected %r (then %r)" % (line, self.buf[:200])

    def stats(self, group=None):
        self.send(("stats %s\r\n" % group) if group else "stats\r\n")
        out = {}
        while True:
            line = self.read_line().decode()
            if line == "END\r\n":
                return out
            parts = line.split()
            assert parts[0] == "STAT", line
            out[parts[1]] = " ".join(parts[2:])

    def get(self, key):
        """Value of key (bytes) or None, via text get."""
        self.send("get %s\r\n" % key)
        line = self.read_line()
        if line == b"END\r\n":
            return None
        parts = line.split()
        assert parts[0] == b"VALUE" and parts[1] == key.encode(), line
        data = self.read_exact(int(parts[3]) + 2)
        self.expect(b"END\r\n")
        return data[:-2]

    def set(self, key, value, flags=0, exptime=0):
        if isinstance(value, str):
            value = value.encode()
        self.send(b"set %s %d %d %d\r\n%s\r\n" % (key.encode(), flags, exptime, len(value), value))
        self.expect(b"STORED\r\n")


def poll_until(pred, timeout, what):
    """Calls pred() until it is true or timeout seconds pass (for clock-driven server behaviour
    such as expiry, where there is no event to wait on); fails with what."""
    deadline = time.monotonic() + timeout
    while True:
        if pred():
            return
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)
