"""Safe files: the one atomic writer, links and pipes kept, no temporary left, SIGTERM during a build.

Real files, a real FIFO and symlinks, real ``kg`` subprocesses.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time

import pytest

from benchmarks.synth import write_synthetic
from kg.build import build
from kg.errors import WriteError
from kg.files import remove_stale, write_file
from tests.conftest import ROOT, write_project

KG = [sys.executable, "-m", "kg"]


def kg(*argv, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([*KG, *map(str, argv)], env=env, capture_output=True, timeout=300, **kwargs)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = write_project(tmp_path_factory.mktemp("files") / "project")
    build(project, project.default_build_dir)
    return project


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


# -- write_file ------------------------------------------------------------------------


def test_a_symlink_stays_a_link_and_its_file_gets_the_data(built, tmp_path):
    real = tmp_path / "real" / "kg.ttl"
    real.parent.mkdir()
    real.write_bytes(b"old\n")
    link = tmp_path / "kg.ttl"
    link.symlink_to(real)
    done = kg("--root", built.root, "export", "-o", link)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes().startswith(b"@prefix")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.ttl", "real"]
    assert [p.name for p in real.parent.iterdir()] == ["kg.ttl"]


def test_a_dangling_symlink_is_written_where_it_points(tmp_path):
    link = tmp_path / "kg.nt"
    link.symlink_to(tmp_path / "target.nt")
    write_file(link, b"data\n")
    assert link.is_symlink() and (tmp_path / "target.nt").read_bytes() == b"data\n"


def test_a_named_pipe_is_written_through_not_replaced(built, tmp_path):
    fifo = tmp_path / "kg.pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    done = kg("--root", built.root, "export", "--format", "nt", "-o", fifo)
    reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and received[0].count(b"\n") > 100
    assert [p.name for p in tmp_path.iterdir()] == ["kg.pipe"]


def test_a_link_to_standard_output_writes_to_the_pipe(built, tmp_path):
    """``-o /dev/stdout`` (here a link to it, so a failure cannot harm the system's own)."""
    link = tmp_path / "stdout"
    link.symlink_to("/dev/stdout")
    done = kg("--root", built.root, "export", "--format", "nt", "-o", link)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(b" .\n") > 100  # the triples came through the pipe
    assert link.is_symlink() and os.readlink(link) == "/dev/stdout"
    assert stat.S_ISLNK(os.lstat("/dev/stdout").st_mode) or stat.S_ISCHR(os.lstat("/dev/stdout").st_mode)


def test_a_device_stays_a_device(tmp_path):
    write_file("/dev/null", b"nothing\n")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_folder_is_refused(built, tmp_path):
    done = kg("--root", built.root, "export", "-o", tmp_path)
    assert done.returncode == 2
    assert b"is a folder" in done.stderr and b"Traceback" not in done.stderr


def test_permissions_follow_the_umask_or_the_file_replaced(tmp_path):
    old = os.umask(0o022)
    try:
        write_file(tmp_path / "new.nt", b"x\n")
        kept = tmp_path / "kept.nt"
        kept.write_bytes(b"old\n")
        kept.chmod(0o600)
        write_file(kept, b"new\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.nt").stat().st_mode) == 0o644
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and kept.read_bytes() == b"new\n"


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()], ids=["full", "ctrl-c"])
def test_no_temporary_is_left_when_writing_fails(tmp_path, monkeypatch, error):
    target = tmp_path / "kg.nt"
    target.write_bytes(b"previous\n")

    def fail(*args):
        raise error

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(WriteError if isinstance(error, OSError) else KeyboardInterrupt):
        write_file(target, b"new\n")
    assert target.read_bytes() == b"previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.nt"]


def test_the_template_writer_leaves_no_temporary_on_failure(tmp_path, monkeypatch):
    from rdflib import Graph

    from kg.template import write_turtle

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(WriteError, match="No space left"):
        write_turtle(Graph(), tmp_path / "rows.ttl")
    assert list(tmp_path.iterdir()) == []


def test_a_temporary_of_a_dead_process_is_removed_at_the_next_write(tmp_path):
    pid = dead_pid()
    stale = tmp_path / f".kg.nt.tmp-{pid}-0a1b2c3d"
    stale.write_bytes(b"half")
    mine = tmp_path / f".kg.nt.tmp-{os.getpid()}-0a1b2c3d"  # a live process's: kept
    mine.write_bytes(b"busy")
    write_file(tmp_path / "kg.nt", b"x\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["kg.nt", mine.name])


def test_a_previous_build_moved_aside_by_a_killed_swap_is_put_back(tmp_path):
    pid = dead_pid()
    old = tmp_path / f".build.old-{pid}-0a1b2c3d"
    old.mkdir()
    (old / "graph.trig").write_text("")
    assert remove_stale(tmp_path / "build") == []
    assert (tmp_path / "build" / "graph.trig").is_file() and not old.exists()


# -- kg build --out --------------------------------------------------------------------


def test_build_into_a_folder_that_cannot_be_made_is_an_error_without_traceback(built, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    done = kg("--root", built.root, "build", "--out", blocker / "build")
    assert done.returncode == 2
    assert done.stderr.decode().startswith("kg: error: ") and b"cannot make the folder" in done.stderr
    assert b"Traceback" not in done.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; the case above runs the same code")
def test_build_into_a_read_only_folder_is_an_error_without_traceback(built, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    done = kg("--root", built.root, "build", "--out", locked / "build")
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert b"Permission denied" in done.stderr


@pytest.mark.parametrize("signum, said", [(signal.SIGTERM, b"kg: terminated"), (signal.SIGHUP, b"kg: hung up")],
                         ids=["SIGTERM", "SIGHUP"])
def test_sigterm_during_a_build_removes_its_temporary_folder(tmp_path, signum, said):
    """A real build of a synthetic project, stopped by SIGTERM (or a closed terminal's SIGHUP) while it
    writes its files."""
    project = write_project(tmp_path / "project")
    write_synthetic(project.data_dir / "synth.ttl", companies=2)
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen([*KG, "--root", str(project.root), "build", "--out", str(out)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while not any(p.name.startswith(".out.tmp-") for p in tmp_path.iterdir()):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.005)
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 128 + signum, err
    assert said in err and b"Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]


def test_a_stale_build_folder_of_a_dead_process_is_removed_at_the_next_build(built, tmp_path):
    pid = dead_pid()
    stale = tmp_path / f".build.tmp-{pid}-0a1b2c3d"
    stale.mkdir()
    (stale / "asserted.nt").write_text("half\n")
    done = kg("--root", built.root, "build", "--out", tmp_path / "build")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_kg_restores_the_signal_handlers_it_takes(capsys):
    from kg.cli import main

    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    assert main(["--root", str(ROOT), "queries"]) == 0
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == before
