"""A local Oxigraph server on 127.0.0.1, started and stopped from Python.

:class:`OxigraphServer` runs the ``oxigraph`` command (the ``oxigraph`` package on
PyPI) as a child process: ``oxigraph serve --bind 127.0.0.1:PORT``, in memory or on a
folder. Entering it waits until the server answers a query; leaving it always stops
the server. ``kg serve`` and the store tests use it.

>>> server = OxigraphServer(port=7878)
>>> server.url
'http://127.0.0.1:7878'
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Optional, Union

from kg.errors import StoreError

__all__ = ["OxigraphServer", "free_port", "oxigraph_command"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the moment of asking)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


class OxigraphServer:
    """An Oxigraph SPARQL server on ``127.0.0.1``; use it as a context manager.

    :param port: the port (default: a free one).
    :param location: a folder to keep the store in (default: in memory).
    :param startup: seconds to wait for the server to answer.
    """

    def __init__(self, *, port: Optional[int] = None, location: Union[str, os.PathLike, None] = None, startup: float = 30.0):
        self.port = port if port is not None else free_port()
        self.location = location
        self.startup = startup
        self.process: Optional[subprocess.Popen] = None
        self._log = None

    @property
    def url(self) -> str:
        """The server's root URL (its query endpoint is ``/query``, Graph Store ``/store``)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "OxigraphServer":
        """Start the server and wait until it answers.

        :raises StoreError: it is not installed, exited (the port is taken, say) or did not answer in time.
        """
        command = [oxigraph_command(), "serve", "--bind", f"127.0.0.1:{self.port}"]
        # Else the server already there would answer our readiness probe, and get our data.
        if not _port_free(self.port):
            raise StoreError(f"port {self.port} of 127.0.0.1 is in use; choose another port")
        if self.location is not None:
            command += ["--location", str(self.location)]
        self._log = tempfile.TemporaryFile()
        # In our process group: whatever stops the group (Ctrl-C, a job control kill) stops the server too.
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.startup
        while True:
            if self.process.poll() is not None:
                log = self._output()
                self.stop()
                raise StoreError(f"the Oxigraph server on port {self.port} stopped at once: {log or 'no message'}")
            if self._answers() and self.process.poll() is None:
                return self
            if time.monotonic() > deadline:
                self.stop()
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

    def wait(self) -> int:
        """Block until the server exits; its exit code."""
        assert self.process is not None, "the server was not started"
        return self.process.wait()

    def stop(self) -> None:
        """Stop the server (politely, then not); safe to call twice."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> "OxigraphServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
