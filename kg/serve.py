"""A local Oxigraph server on 127.0.0.1, started and stopped from Python.

:class:`OxigraphServer` runs the ``oxigraph`` command (the ``oxigraph`` package on
PyPI) as a child process on ``127.0.0.1``: ``oxigraph serve`` (read-write, in memory or
on a folder) or ``oxigraph serve-read-only`` (on a folder). Entering it waits until the
server answers a query; leaving it always stops the server. The child never outlives
this process: it runs in its own session (so a Ctrl-C reaches this process, which stops
it) and, on Linux, the kernel kills it when this process dies, even by ``kill -9``.

:func:`serving` is what ``kg serve`` runs: a read-only server (unless ``writable``)
holding given triples, counted once it answers.

>>> server = OxigraphServer(port=7878)
>>> server.url
'http://127.0.0.1:7878'
>>> OxigraphServer(port=99999)
Traceback (most recent call last):
...
kg.errors.StoreError: 99999 is not a TCP port (0 to 65535; 0 picks a free one)
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator, Optional, Union

from kg.errors import StoreError
from kg.files import process_alive

__all__ = ["OxigraphServer", "check_port", "free_port", "oxigraph_command", "serve_until_stopped", "serving"]

#: ``prctl`` option: the signal a process gets when its parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1
#: The folders :func:`serving` keeps a read-only store in: ``kg-serve-<pid>-<random>``.
_FOLDER_PREFIX = "kg-serve-"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the moment of asking)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check_port(port: int) -> int:
    """``port`` if it is a TCP port number (``0`` asks for a free one).

    :raises StoreError: it is not.

    >>> check_port(7878)
    7878
    """
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise StoreError(f"{port} is not a TCP port (0 to 65535; 0 picks a free one)")
    return port


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As servers bind: a port closed a moment ago (TIME_WAIT) is free, one listened on is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def oxigraph_command() -> str:
    """The ``oxigraph`` server command: beside this Python's own scripts, else on ``PATH``.

    :raises StoreError: it is not installed.
    """
    beside = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise StoreError("the Oxigraph server is not installed; install it with `pip install oxigraph`")
    return found


def _die_with_parent() -> Optional[Callable[[], None]]:
    """A ``preexec_fn`` that has the kernel kill the child when this process dies (Linux only).

    The signal is sent when the *thread* that started the child ends, so start servers
    from a thread that lives as long as they should.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)

    return preexec


def _child(command: list[str], **kwargs) -> subprocess.Popen:
    """Start ``command`` in its own session, killed by the kernel if we die."""
    return subprocess.Popen(command, start_new_session=True, preexec_fn=_die_with_parent(), **kwargs)


def _stop(process: subprocess.Popen) -> None:
    """Stop ``process`` (politely, then not) and reap it, even if interrupted meanwhile."""
    try:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    except BaseException:  # a second Ctrl-C: no more politeness
        process.kill()
        process.wait()
        raise


class OxigraphServer:
    """An Oxigraph SPARQL server on ``127.0.0.1``; use it as a context manager.

    :param port: the port (default, or ``0``: a free one).
    :param location: a folder to keep the store in (default: in memory).
    :param read_only: run ``oxigraph serve-read-only`` (needs ``location``): no update,
        Graph Store write or form-encoded update is accepted.
    :param startup: seconds to wait for the server to answer.
    """

    def __init__(
        self,
        *,
        port: Optional[int] = None,
        location: Union[str, os.PathLike, None] = None,
        read_only: bool = False,
        startup: float = 30.0,
    ):
        self._pick_port = not port
        self.port = check_port(port) if port else free_port()
        if read_only and location is None:
            raise StoreError("a read-only Oxigraph server needs a store folder (location)")
        self.location = location
        self.read_only = read_only
        self.startup = startup
        self.process: Optional[subprocess.Popen] = None
        self._log: Optional[IO[bytes]] = None

    @property
    def url(self) -> str:
        """The server's root URL (its query endpoint is ``/query``, Graph Store ``/store``)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "OxigraphServer":
        """Start the server and wait until it answers; stopped again if anything (Ctrl-C too) interrupts that.

        :raises StoreError: it is not installed, exited (the port is taken, say) or did not answer in time.
        """
        for attempt in range(3):
            try:
                return self._start()
            except _PortTaken:
                self.stop()
                # A port we picked may have been taken by another process before the server bound it.
                if not self._pick_port or attempt == 2:
                    raise
            except BaseException:
                self.stop()
                raise
            self.port = free_port()
        raise AssertionError("unreachable")

    def _start(self) -> "OxigraphServer":
        # Else the server already there would answer our readiness probe, and get our data.
        if not _port_free(self.port):
            raise _PortTaken(f"port {self.port} of 127.0.0.1 is in use; choose another port")
        command = [oxigraph_command(), "serve-read-only" if self.read_only else "serve", "--bind", f"127.0.0.1:{self.port}"]
        if self.location is not None:
            command += ["--location", str(self.location)]
        self._log = tempfile.TemporaryFile()
        self.process = _child(command, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.startup
        while True:
            if self.process.poll() is not None:
                log = self._output()
                kind = _PortTaken if re.search(r"in use|AddrInUse", log) else StoreError
                raise kind(f"the Oxigraph server on port {self.port} stopped at once: {log or 'no message'}")
            if self._answers() and self.process.poll() is None:
                return self
            if time.monotonic() > deadline:
                raise StoreError(f"the Oxigraph server on port {self.port} did not answer within {self.startup:g} s")
            time.sleep(0.05)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/query?query=ASK%7B%7D", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def _output(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return " ".join(self._log.read()[-2000:].decode("utf-8", "replace").split())

    def wait(self, timeout: Optional[float] = None) -> int:
        """Block until the server exits (or ``timeout`` seconds pass:
        :class:`subprocess.TimeoutExpired`); its exit code."""
        assert self.process is not None, "the server was not started"
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        """Stop the server (politely, then not); safe to call twice."""
        try:
            if self.process is not None:
                _stop(self.process)
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None

    def __enter__(self) -> "OxigraphServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


class _PortTaken(StoreError):
    """The port was in use (another server got there first)."""


def _load_folder(folder: Path, data: bytes) -> None:
    """Load N-Triples ``data`` into a new Oxigraph store in ``folder`` with ``oxigraph load``."""
    process = _child(
        [oxigraph_command(), "load", "--location", str(folder), "--format", "nt"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        output, _ = process.communicate(data)
    finally:
        _stop(process)
    if process.returncode != 0:
        message = " ".join(output[-2000:].decode("utf-8", "replace").split())
        raise StoreError(f"oxigraph load could not fill the store for the server: {message or process.returncode}")


def _remove_stale_folders(parent: Path) -> None:
    """Remove store folders that a ``kg serve`` killed before it could clean up left behind."""
    for folder in parent.glob(f"{_FOLDER_PREFIX}*"):
        match = re.fullmatch(rf"{_FOLDER_PREFIX}(\d+)-\w+", folder.name)
        if match and folder.is_dir() and not process_alive(int(match[1])):  # its kg serve is gone
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def serving(triples: Iterable, *, port: Optional[int] = None, writable: bool = False) -> Iterator[tuple[OxigraphServer, int]]:
    """An Oxigraph server on 127.0.0.1 holding ``triples`` in its default graph; the server and
    the number of triples it holds (counted through its query endpoint).

    Read-only unless ``writable``: the triples go into a temporary store folder with
    ``oxigraph load`` and ``oxigraph serve-read-only`` serves it. The folder goes when
    the server does (or, after a ``kill -9``, at the next call).

    :raises StoreError: the server cannot start or load, or holds another number of triples.
    """
    import pyoxigraph

    from kg.store import Credentials, SparqlEndpoint, replace_graph

    triples = list(triples)
    data = pyoxigraph.serialize(sorted(set(triples), key=str), format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert data is not None  # bytes when no output is given
    expected = data.count(b"\n")
    temporary = Path(tempfile.gettempdir())
    _remove_stale_folders(temporary)
    with tempfile.TemporaryDirectory(prefix=f"{_FOLDER_PREFIX}{os.getpid()}-", dir=temporary) as folder:
        if writable:
            server = OxigraphServer(port=port)  # in memory
        else:
            _load_folder(Path(folder) / "store", data)
            server = OxigraphServer(port=port, location=Path(folder) / "store", read_only=True)
        with server:
            endpoint = SparqlEndpoint(server.url, credentials=Credentials())
            count = replace_graph(endpoint, triples).triples if writable else endpoint.count()
            if count != expected:
                raise StoreError(f"the Oxigraph server at {server.url} holds {count} triples, not the {expected} loaded")
            yield server, count


def serve_until_stopped(triples: Iterable, *, port: Optional[int] = None, writable: bool = False,
                        ready: Callable[[OxigraphServer, int], None] = lambda server, count: None) -> None:
    """Serve ``triples`` (see :func:`serving`) until Ctrl-C, then stop the server; call ``ready``
    with the server and its triple count once it answers.

    Ctrl-C (SIGINT) stops it even when a shell started the process in the background, which
    would have it ignore SIGINT; so does any signal the caller turns into
    :class:`KeyboardInterrupt` (``kg`` does so for SIGTERM and SIGHUP). From ``ready`` on,
    such a stop is the normal end: this returns.

    :raises StoreError: the server cannot start, or stopped by itself.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    stopping = _noting_stops()
    try:
        with serving(triples, port=port, writable=writable) as (server, count):
            try:  # from the first word of ``ready`` on, a stop is a normal stop
                ready(server, count)
                code = _wait(server, stopping)
            except KeyboardInterrupt:
                return
    finally:
        stopping.restore()
    raise StoreError(f"the Oxigraph server stopped by itself (exit code {code})")


class _Stops:
    """Which stopping signals arrived, noted by handlers that then do what the ones they
    wrap did (raise :class:`KeyboardInterrupt`). Python drops an exception raised while it
    runs its own after-fork hooks (``Exception ignored in: <function _releaseLock>``): a
    Ctrl-C that lands while a child process is being started is otherwise lost, and the
    server would run on."""

    def __init__(self) -> None:
        self.seen = False
        self._previous: dict[int, object] = {}

    def restore(self) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]


def _noting_stops() -> _Stops:
    stops = _Stops()
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        previous = signal.getsignal(number) if number is not None else None
        if number is None or not callable(previous):  # ignored or the default: nothing raises to note
            continue

        def noting(signum, frame, previous=previous):
            stops.seen = True
            previous(signum, frame)

        stops._previous[number] = previous
        signal.signal(number, noting)
    return stops


def _wait(server: OxigraphServer, stopping: _Stops) -> int:
    """Wait for ``server`` to exit, and its exit code; :class:`KeyboardInterrupt` as soon as
    a stop is noted, even one whose exception Python dropped."""
    while True:
        if stopping.seen:
            raise KeyboardInterrupt
        try:
            return server.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            continue
