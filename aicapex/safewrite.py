"""Writing files safely: atomic, durable, never over someone else's work.

:func:`atomic_write` writes through a temporary file in the same folder, flushed to disk
(``fsync``), renamed over the target (atomic on POSIX), and the folder flushed too: a process
killed at any moment leaves the old file or the new one, whole. Temporary files are named
``.<name>.<pid>.<random>.aicapex-tmp``; one left by a killed process is removed by the next
write in that folder (when its process is gone, or when it is older than
:data:`STALE_SECONDS`). A path that is a symbolic link is written where the link points (the
link stays a link); a path that is not a regular file (``/dev/stdout``, ``/dev/null``, a named
pipe) is written into as it is, never replaced (such a file cannot be replaced atomically, and
replacing it would put a regular file in its place). A write that fails raises
:class:`WriteError`, naming the path asked for (never the temporary file) and why.

:func:`guarded_write` is what ``Ledger.save`` uses: under an exclusive lock of the folder (one
writer at a time, across processes), it refuses to overwrite a file whose content is not the one
expected (it changed since it was read) or that holds comments a person wrote (a canonical
rewrite would drop them), then writes atomically. Two processes saving over one file they both
read cannot both succeed: the second finds the first one's content and is refused.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import re
import secrets
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "STALE_SECONDS",
    "TEMP_SUFFIX",
    "WriteError",
    "WriteRefused",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_files",
    "comment_line",
    "folder_lock",
    "guarded_write",
    "is_folder",
    "is_present",
    "make_folder",
    "sha256_file",
    "sha256_text",
]

#: The suffix of the temporary files of writes.
TEMP_SUFFIX = ".aicapex-tmp"

#: Temporary files older than this (seconds) are stale even if their process still runs.
STALE_SECONDS = 60.0


class WriteError(OSError):
    """A file or folder that could not be written: ``path`` (the one asked for, never a
    temporary file) and ``reason`` (``permission denied``, ``the folder out does not exist``,
    ...); ``errno`` as the system gave it. Its text is ``<path>: cannot write: <reason>``."""

    def __init__(self, path: str | os.PathLike[str], reason: str, code: int | None = None) -> None:
        super().__init__(code, reason, os.fspath(path))
        self.path, self.reason = Path(path), reason

    def __str__(self) -> str:
        return f"{self.path}: cannot write: {self.reason}"


def is_folder(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a folder (following links); ``False`` where it cannot be looked at (a
    name too long, a parent that cannot be read): the write that follows says why."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def is_present(path: str | os.PathLike[str]) -> bool:
    """Whether something is at ``path`` (a link too, even dangling); ``False`` where it cannot
    be looked at (see :func:`is_folder`)."""
    try:
        os.lstat(path)
    except (OSError, ValueError):
        return False
    return True


def _is_link(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


def _reason(target: Path, exc: OSError) -> str:
    """Why ``target`` could not be written, in words: the system's reason, lower case, with the
    folder that is missing or is a file named."""
    if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EEXIST):
        for folder in (target.parent, *target.parent.parents):
            if is_folder(folder):
                break
            if is_present(folder):
                return f"{folder} is not a folder"
        if not is_folder(target.parent):
            return f"the folder {target.parent} does not exist"
    if exc.errno == errno.EISDIR:
        return "it is a folder"
    text = exc.strerror or str(exc)
    return text[:1].lower() + text[1:]


def _write_error(target: Path, exc: OSError) -> WriteError:
    if isinstance(exc, WriteError):
        return exc
    return WriteError(target, _reason(target, exc), exc.errno)


def make_folder(path: str | os.PathLike[str]) -> Path:
    """Make the folder ``path`` and its parents if missing; :class:`WriteError` naming it when
    that cannot be done (a parent is a file, permission denied, ...)."""
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if is_present(folder) and not is_folder(folder):
            raise WriteError(folder, "it is a file, not a folder", exc.errno) from None
        raise WriteError(folder, _reason(folder / "x", exc), exc.errno) from None
    return folder


def final_path(path: str | os.PathLike[str]) -> Path:
    """The file a write of ``path`` changes: ``path``, or where it points when it is a symbolic
    link (so that a write keeps the link)."""
    target = Path(path)
    return Path(os.path.realpath(target)) if _is_link(target) else target


class WriteRefused(Exception):
    """A write that would lose someone's work; ``code`` is ``file-changed``,
    ``hand-comments`` or ``foreign-file``, ``found`` says what was found."""

    def __init__(self, code: str, expected: str, found: str, line: int | None = None) -> None:
        self.code, self.expected, self.found, self.line = code, expected, found, line
        super().__init__(f"{expected}, got {found}")


def sha256_text(text: str) -> str:
    """The SHA-256 of ``text`` as UTF-8, in hex (what a file holding it hashes to)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_file(path: str | os.PathLike[str]) -> str | None:
    """The SHA-256 of a file's bytes (``None`` when there is no such file)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike[str]) -> Iterator[None]:
    """An exclusive lock of ``folder`` across processes (``flock`` on the folder itself: no lock
    file to leave behind, and released when a process dies). Where ``flock`` does not exist
    (Windows), no lock: the content check still refuses most lost saves."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process
        return True
    return True


def remove_stale(target: Path) -> list[Path]:
    """Remove the temporary files of writes of ``target`` whose process is gone or that are
    older than :data:`STALE_SECONDS`; return them."""
    removed: list[Path] = []
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)\.[0-9a-f]+{re.escape(TEMP_SUFFIX)}$")
    try:
        entries = list(os.scandir(target.parent or "."))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = pattern.match(entry.name)
        if match is None:
            continue
        pid = int(match[1])
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
        except OSError:
            continue
        if (pid == os.getpid() or not _alive(pid) or old) and pid != 0:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where folders can be opened: not on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - file systems that cannot sync folders
        pass
    finally:
        os.close(fd)


def _special(target: Path) -> bool:
    """Whether ``target`` exists and is neither a regular file nor a folder: a device
    (``/dev/null``), a named pipe, a terminal (``/dev/stdout``)."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _stage(
    target: Path, write: Callable[[BinaryIO], object], staged: list[tuple[Path, Path]]
) -> None:
    """Write a temporary file beside ``target`` through ``write``, flushed to disk, with the
    mode of the file it replaces (0o644 for a new one); recorded in ``staged`` as ``(temporary
    file, target)`` once created, before it is written, so that the caller removes it on
    error."""
    name = f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
    tmp = (target.parent if str(target.parent) else Path(".")) / name
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    staged.append((tmp, target))
    with os.fdopen(fd, "wb") as out:
        write(out)
        out.flush()
        os.fsync(out.fileno())
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    os.chmod(tmp, mode)


def atomic_write_bytes(
    path: str | os.PathLike[str],
    write: Callable[[BinaryIO], object],
    *,
    locked: bool = False,
) -> Path:
    """Write a file through ``write(binary file)`` atomically and durably (see the module docs):
    readers see the old file or the new one, never half of one, and a crash keeps one of them;
    when ``write`` raises, the old file stays as it was and no temporary file is left. Stale
    temporary files of ``path`` are removed first. ``locked``: the caller holds
    :func:`folder_lock`. Returns the path. Raises :class:`WriteError` (an ``OSError``) naming
    ``path`` when it cannot be written; what ``write`` raises otherwise passes through."""
    asked = Path(path)
    if _special(asked):
        try:
            with open(asked, "wb") as out:
                write(out)
        except OSError as exc:
            raise _write_error(asked, exc) from None
        return asked
    target = final_path(asked)
    if is_folder(target):
        raise WriteError(asked, "it is a folder; give the path of a file", errno.EISDIR)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        with contextlib.nullcontext() if locked else folder_lock(folder):
            remove_stale(target)
            staged: list[tuple[Path, Path]] = []
            try:
                _stage(target, write, staged)
                os.replace(staged[0][0], target)
            except BaseException:
                for tmp, _ in staged:
                    with contextlib.suppress(OSError):
                        os.unlink(tmp)
                raise
            _fsync_folder(folder)
    except OSError as exc:
        raise _write_error(asked, exc) from None
    return asked


def atomic_write_files(
    folder: str | os.PathLike[str],
    files: Iterable[tuple[str, Callable[[BinaryIO], object]]],
) -> list[Path]:
    """Write files of ``folder`` together: each ``(name, write)`` into a temporary file beside
    its target (flushed to disk), and only once every one of them is written, each renamed over
    its target. An error before that (raised by ``write``, or by ``files`` itself as it makes
    the next file's data) leaves every old file as it was and no temporary file: the folder
    holds the old set or the new one, never a mix of them (short of a crash between the
    renames). Paths as :func:`atomic_write_bytes` takes them (a link written where it points;
    a device or pipe written into at once). Returns the paths; :class:`WriteError` naming the
    one that could not be written."""
    where = Path(folder)
    staged: list[tuple[Path, Path]] = []  # (temporary file, target)
    written: list[Path] = []
    asked = where
    try:
        with folder_lock(where):
            for name, write in files:
                asked = where / name
                if _special(asked):
                    atomic_write_bytes(asked, write, locked=True)
                    written.append(asked)
                    continue
                target = final_path(asked)
                if is_folder(target):
                    raise WriteError(asked, "it is a folder; give the path of a file", errno.EISDIR)
                remove_stale(target)
                _stage(target, write, staged)
                written.append(asked)
            for tmp, target in staged:
                asked = target
                os.replace(tmp, target)
            for parent in dict.fromkeys(target.parent for _, target in staged):
                _fsync_folder(parent)
    except BaseException as exc:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _write_error(asked, exc) from None
        raise
    return written


def atomic_write(path: str | os.PathLike[str], text: str, *, locked: bool = False) -> None:
    """Write ``text`` to ``path`` as UTF-8 (``\\n`` kept as it is) atomically and durably:
    :func:`atomic_write_bytes`."""

    def write(out: BinaryIO) -> None:
        wrapper = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
        wrapper.write(text)
        wrapper.flush()
        wrapper.detach()

    atomic_write_bytes(path, write, locked=locked)


def guarded_write(
    path: str | os.PathLike[str],
    text: str,
    *,
    expected: str | None,
    overwrite: bool = False,
    check_comments: bool = True,
    own_kind: Callable[[str], str | None] | None = None,
) -> str:
    """Write ``text`` over ``path`` atomically unless that would lose someone's work; return the
    SHA-256 of what was written.

    Under :func:`folder_lock`: an existing file whose SHA-256 is not ``expected`` (when given)
    changed since it was read (:class:`WriteRefused` ``file-changed``); an existing file with
    comments a person wrote is refused too (``hand-comments``; ``check_comments=False`` for
    formats without comments); with ``expected`` ``None`` (a file the writer never read), an
    existing, non-empty file whose text ``own_kind`` (when given) says is not of the kind
    written is refused (``foreign-file``: notes or a table named by mistake; ``own_kind``
    returns why, as the problem's ``found``, or ``None`` for a file of the kind).
    ``overwrite=True`` writes anyway.
    """
    target = Path(path) if _special(Path(path)) else final_path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if is_folder(target):
        raise WriteError(path, "it is a folder; give the path of a file", errno.EISDIR)
    try:
        with folder_lock(folder):
            _refuse_losses(target, text, expected, overwrite, check_comments)
            if own_kind is not None and expected is None and not overwrite:
                _refuse_foreign(target, own_kind)
            atomic_write(target, text, locked=True)
    except OSError as exc:  # a folder missing or not a folder, a file that cannot be read
        raise _write_error(Path(path), exc) from None
    return sha256_text(text)


def _refuse_losses(
    target: Path, text: str, expected: str | None, overwrite: bool, check_comments: bool
) -> None:
    """:class:`WriteRefused` where writing ``text`` over ``target`` would lose someone's work
    (see :func:`guarded_write`); the caller holds the folder's lock."""
    if overwrite or not is_present(target) or _special(target):
        return
    current = sha256_file(target)
    if expected is not None and current is not None and current != expected:
        raise WriteRefused(
            "file-changed",
            "the file as this ledger read it (save(..., overwrite=True) to replace it)",
            "a file that changed since (another save or an edit)",
        )
    if check_comments and current != sha256_text(text):
        with contextlib.suppress(OSError, UnicodeDecodeError):
            line = comment_line(target.read_text(encoding="utf-8"))
            if line is not None:
                raise WriteRefused(
                    "hand-comments",
                    "a file without comments (save writes none: "
                    "save(..., overwrite=True) drops them)",
                    f"a comment on line {line}",
                    line,
                )


def _refuse_foreign(target: Path, own_kind: Callable[[str], str | None]) -> None:
    """:class:`WriteRefused` ``foreign-file`` where ``target`` holds text that ``own_kind``
    says is another kind of file (an empty or missing file holds nothing to lose)."""
    if not is_present(target) or _special(target):
        return
    try:
        current = target.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        current = None  # bytes that are no text: no ledger either
    if current is not None and not current.strip():
        return
    why = own_kind(current) if current is not None else "a file that is not text"
    if why is None:
        return
    raise WriteRefused(
        "foreign-file",
        "a ledger file (its top-level keys record kinds, and 'aicapex: 1' if any), one this "
        "ledger read, or a new path (save(..., overwrite=True) to replace it)",
        why,
    )


_KEY_COLUMN = re.compile(r" *(?:- +)*")
_BLOCK_HEADER = re.compile(r"(?:^|[\s:\-?])[|>][-+0-9]*[ \t]*(?:#.*)?$")


def comment_line(text: str) -> int | None:
    """The line of the first YAML comment in ``text`` (a ``#`` at a line's start or after a
    blank, outside quoted text and block scalars), or ``None``. Reads lines, not YAML: quoted
    text spanning lines and block scalars (``|``, ``>``) are followed."""
    if "#" not in text:
        return None
    quote = ""  # the quote of a quoted scalar open at the end of the previous line
    block: int | None = None  # the indentation a block scalar's lines must exceed
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if block is not None:
            if not stripped.strip() or indent > block:
                continue
            block = None
        if quote or "#" in line or "'" in line or '"' in line:
            quote, comment = _scan(line, quote)
            if comment:
                return number
        if not quote and _BLOCK_HEADER.search(line.rstrip()):
            block = _block_parent(line)
    return None


def _block_parent(line: str) -> int:
    """The column a block scalar's lines must be indented past: its key's (``key: |``), or its
    list item's dash (``- |``)."""
    column = _KEY_COLUMN.match(line).end()  # type: ignore[union-attr]
    if line[column : column + 1] in ("|", ">"):
        return line[:column].rstrip().rfind("-")
    return column


def _scan(line: str, quote: str) -> tuple[str, bool]:
    """Scan one line: the quote still open at its end, and whether it has a comment."""
    i, n = 0, len(line)
    while i < n:
        char = line[i]
        if quote == '"':
            if char == "\\":
                i += 2
                continue
            if char == '"':
                quote = ""
        elif quote == "'":
            if char == "'":
                if line[i + 1 : i + 2] == "'":
                    i += 2
                    continue
                quote = ""
        elif char == "#" and (i == 0 or line[i - 1] in " \t"):
            return "", True
        elif char in "\"'" and (i == 0 or line[i - 1] in " \t[{,:-?"):
            quote = char
        i += 1
    return quote, False
