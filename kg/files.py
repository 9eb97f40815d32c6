"""Writing files and folders whole or not at all, and never leaving a temporary behind.

Every file :mod:`kg` writes goes through :func:`write_file`, every folder through
:func:`replace_folder`. Both write beside the target under a name that says whose it is
(``.NAME.tmp-PID-TOKEN``) and rename it into place, so that a failure keeps the previous
file or folder. The temporary is removed on every exit Python sees (an error, Ctrl-C,
SIGTERM turned into an exception by the CLI); one left by a process that was killed
outright is removed by the next write to the same target, once its PID is dead.

A target that exists but is not a regular file is not replaced: a symlink is followed
(the file it names is replaced, the link stays), and a named pipe, a device or a socket
(``/dev/stdout``, a FIFO) is written through, as a shell's ``>`` would; a folder is
refused.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_file(folder / "kg.nt", b"<urn:a> <urn:p> <urn:b> .\\n")
>>> (folder / "kg.link").symlink_to(folder / "kg.nt")
>>> write_file(folder / "kg.link", b"new\\n")
>>> (folder / "kg.link").is_symlink(), (folder / "kg.nt").read_bytes()
(True, b'new\\n')
>>> sorted(path.name for path in folder.iterdir())
['kg.link', 'kg.nt']
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
from pathlib import Path
from typing import Callable, Union

from kg.errors import WriteError, display_path

__all__ = ["process_alive", "remove_stale", "replace_folder", "write_file"]


def _temporary(target: Path, kind: str = "tmp") -> Path:
    return target.parent / f".{target.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}"


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` may still be running (another user's process counts as running,
    and so does a number no process can have: what it names is left alone).

    >>> process_alive(os.getpid())
    True
    """
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # someone else's process, or no pid at all
        return True
    return True


def remove_stale(target: Union[str, os.PathLike]) -> list[Path]:
    """Remove what a killed writer of ``target`` left beside it; return what was removed.

    A temporary ``.NAME.tmp-PID-*`` (file or folder) whose process ``PID`` is dead is
    removed. A ``.NAME.old-PID-*`` folder (the previous build, moved aside for the swap)
    is put back when ``target`` is missing, else removed.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / ".build.tmp-999999999-0a1b2c3d").mkdir()
    >>> [path.name for path in remove_stale(folder / "build")]
    ['.build.tmp-999999999-0a1b2c3d']
    """
    target = Path(target).absolute()
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(tmp|old)-(\d+)-[0-9a-f]+")
    removed: list[Path] = []
    try:
        entries = sorted(target.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or process_alive(int(match.group(2))):
            continue
        try:
            if match.group(1) == "old" and not os.path.lexists(target):
                entry.rename(target)
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except OSError:
            continue
        removed.append(entry)
    return removed


def _cannot(path: Path, error: OSError, what: str = "cannot write") -> WriteError:
    return WriteError(f"{display_path(path)}: {what} ({error.strerror or error})")


def write_file(path: Union[str, os.PathLike], data: bytes) -> None:
    """Write ``data`` to ``path``: all or nothing, no temporary left, links and pipes kept.

    A regular file (or a missing one) is replaced in one rename, keeping its permissions
    (a new file gets the usual ones, as the umask says). A symlink is followed; a named
    pipe, device or socket is written through.

    :raises WriteError: the file cannot be written (the previous file, if any, is kept),
        or ``path`` is a folder.
    """
    given = Path(path)
    try:
        info = os.stat(given)  # follows links
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise _cannot(given, error) from error
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise WriteError(f"{display_path(given)}: is a folder; give a file name")
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_through(given, data)
        return
    # A link (even a dangling one) is replaced where it points, so the link stays a link.
    target = Path(os.path.realpath(given)) if given.is_symlink() else given.absolute()
    remove_stale(target)
    temporary = _temporary(target)
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            if info is not None:
                os.chmod(descriptor, mode)  # the umask narrowed it at creation
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view):]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, target)
    except OSError as error:
        raise _cannot(given, error) from error
    finally:
        # Also on Ctrl-C and on SIGTERM (raised as an exception by the CLI).
        if os.path.lexists(temporary):
            os.unlink(temporary)


def _write_through(path: Path, data: bytes) -> None:
    """Write into a pipe, device or socket as it is (it cannot be replaced, and must not be).

    Not atomic, as nothing written into a pipe can be; a named pipe with no reader yet
    waits for one, as a shell's ``>`` does.
    """
    try:
        with open(path, "wb") as out:
            out.write(data)
    except OSError as error:
        raise _cannot(path, error) from error


def replace_folder(target: Union[str, os.PathLike], write: Callable[[Path], None], *, what: str = "the folder") -> None:
    """Run ``write`` on a new folder beside ``target``, then put that folder in its place.

    The parent folders are made if missing. A failure (or Ctrl-C, or SIGTERM raised as an
    exception) keeps the previous folder and removes the new one; what a killed process
    left is cleaned up here first (:func:`remove_stale`).

    :param what: what the folder is, for the error message (``the build``).
    :raises WriteError: the folder cannot be made or written, or ``target`` is a file.
    """
    target = Path(target).absolute()
    if target.is_symlink():  # replace the folder it names; the link stays
        target = Path(os.path.realpath(target))
    if os.path.lexists(target) and not target.is_dir():
        raise WriteError(f"{display_path(target)}: exists and is not a folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _cannot(target.parent, error, "cannot make the folder") from error
    remove_stale(target)
    staging = _temporary(target)
    try:
        staging.mkdir()
        write(staging)
        if target.exists():
            old = _temporary(target, "old")
            target.rename(old)
            try:
                staging.rename(target)
            except BaseException:
                old.rename(target)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(target)
    except OSError as error:
        raise _cannot(target, error, f"cannot write {what}") from error
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
