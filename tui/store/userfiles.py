"""Reading a file the user named (a transcript to import, show or hash for the dossier):
regular files only, under a size cap, within a time budget, decoded with care.

Which files are read. A transcript reference may come from an imported notebook, so a
path is read only if it is plausibly the user's own document:
- a regular file: a named pipe, device, socket or folder is refused before it is opened,
  and everything under /proc, /sys and /dev (kernel interfaces: /proc/kmsg looks like a
  file and blocks forever) is refused by its path, but for /dev/shm, where a user's
  ordinary files live in memory;
- not in the system's own folders (/etc, /boot, /usr, /var/lib, ...): /etc/shadow is
  nobody's transcript, and a process run as root owns it, so the owner rule alone would not
  keep it out;
- owned by the user running supportlog (on systems with owners): another account's file is
  not theirs to put in a dossier, even when it is readable.
Links are followed, and the rules apply to the file reached (a link to /etc/shadow is
/etc/shadow). The file is opened non-blocking and checked again on the open descriptor, so
a file swapped for a pipe between the check and the open is refused too.

Bounds: at most HASH_BYTES are hashed and TEXT_BYTES read as text; reading gives up after
READ_SECONDS (a hung network share), in a helper thread so the caller is never stuck.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import StoreError

HASH_BYTES = 50_000_000     # an evidence file hashed for the dossier
TEXT_BYTES = 20_000_000     # a transcript read as text: validate.MAX_TEXT characters fit
READ_SECONDS = 10.0         # one file's time budget
BLOCK = 1 << 20

KERNEL_FOLDERS = ("/proc", "/sys", "/dev")
MEMORY_FOLDERS = ("/dev/shm",)     # under /dev, but files as any folder holds them
SYSTEM_FOLDERS = ("/etc", "/boot", "/usr", "/bin", "/sbin", "/lib", "/lib32",
                  "/lib64", "/libx32", "/var/lib", "/var/log", "/var/spool", "/var/cache",
                  "/var/mail", "/var/db", "/run", "/snap", "/private/etc", "/private/var/db",
                  "/System", "/Library")
KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
         (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


class UnreadableFile(StoreError):
    """A file that was not read. `kind`: "missing", "denied" (the system said no),
    "refused" (these rules said no) or "failed" (another OS error); `reason` says why in a
    few words, `path` is the path as named."""

    def __init__(self, path: Path | str, kind: str, reason: str):
        self.path, self.kind, self.reason = str(path), kind, reason
        super().__init__(f"cannot read {self.path}: {reason}")


@dataclass(frozen=True)
class Digest:
    size: int
    sha256: str


def named_path(ref: str) -> Path:
    return Path(os.path.expanduser(ref))


def digest(path: Path | str) -> Digest:
    """Size and SHA-256 of an evidence file (at most HASH_BYTES), or UnreadableFile."""
    import hashlib  # here: opening a notebook hashes nothing
    hasher = hashlib.sha256()
    size = _bounded(path, HASH_BYTES, hasher.update, cut_ok=False)
    return Digest(size, hasher.hexdigest())


def read_bytes(path: Path | str, limit: int | None = None, cut_ok: bool = False
               ) -> tuple[bytes, bool]:
    """(the bytes, whether they were cut at `limit`, TEXT_BYTES unless given); a larger
    file is refused unless `cut_ok` (a viewer shows the start of it)."""
    limit = TEXT_BYTES if limit is None else limit
    parts: list[bytes] = []
    size = _bounded(path, limit, parts.append, cut_ok=cut_ok)
    data = b"".join(parts)
    return data[:limit], size > limit


def read_text(path: Path | str, limit: int | None = None) -> tuple[str, str | None]:
    """(text, the encoding guessed or None when it said what it is): see decode()."""
    data, _ = read_bytes(path, limit)
    return decode(data, str(path))


def decode(data: bytes, name: str, cut: bool = False) -> tuple[str, str | None]:
    """Text from bytes: UTF-8 (with or without a BOM), UTF-16 or UTF-32 with a BOM; other
    bytes as Windows-1252, else Latin-1, which is a guess (returned, to be said aloud).
    Binary content (a NUL byte outside UTF-16/32: a PDF, an image) is refused. `cut`: the
    bytes are the start of a file, so a character cut at the end is dropped, not an error."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _decoded(data, codec, cut), None
            except UnicodeDecodeError:
                raise UnreadableFile(name, "refused", f"it starts like {codec.upper()} text "
                                     "but is not; save it as UTF-8") from None
    if b"\0" in data:
        raise UnreadableFile(name, "refused", "it is binary, not text (it holds NUL bytes: "
                             "a PDF, an image or a document?); save the transcript as text")
    try:
        return _decoded(data, "utf-8", cut), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252 (cp1252)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1 (ISO-8859-1)"


def _decoded(data: bytes, codec: str, cut: bool) -> str:
    return codecs.getincrementaldecoder(codec)().decode(data, final=not cut)


def _under(path: str, folders: tuple[str, ...]) -> str | None:
    return next((f for f in folders if path == f or path.startswith(f + os.sep)), None)


def _check(path: Path | str) -> os.stat_result:
    """The file's status if these rules allow reading it, else UnreadableFile."""
    name = str(path)
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError) as exc:
        raise UnreadableFile(name, "failed", str(exc)) from None
    try:
        st = os.stat(path)   # a status only: opening a device or /proc file can act
    except FileNotFoundError:
        raise UnreadableFile(name, "missing", "file not found") from None
    except PermissionError:
        raise UnreadableFile(name, "denied", "permission denied") from None
    except (OSError, ValueError) as exc:
        raise UnreadableFile(name, "failed", getattr(exc, "strerror", None) or str(exc)
                             ) from None
    if not stat.S_ISREG(st.st_mode):
        kind = next((what for test, what in KINDS if test(st.st_mode)), "a special file")
        raise UnreadableFile(name, "refused", f"not a regular file ({kind})")
    folder = _under(real, KERNEL_FOLDERS)
    if folder and not _under(real, MEMORY_FOLDERS):
        raise UnreadableFile(name, "refused", f"not a regular file (a kernel interface "
                                              f"under {folder})")
    folder = _under(real, SYSTEM_FOLDERS)
    if folder:
        raise UnreadableFile(name, "refused", f"a system file (under {folder}), not a "
                                              "transcript")
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        raise UnreadableFile(name, "refused", f"owned by another user (uid {st.st_uid}), "
                                              "not yours to read")
    return st


def _bounded(path: Path | str, limit: int, sink, cut_ok: bool) -> int:
    """Feed the file's bytes to `sink`, at most limit + 1 of them, within READ_SECONDS;
    returns how many were read (limit + 1 meaning: there is more)."""
    st = _check(path)
    name = str(path)
    if st.st_size > limit and not cut_ok:
        raise UnreadableFile(name, "refused", f"larger than {limit // 1_000_000} MB "
                                              f"({st.st_size:,} bytes)")
    outcome: dict = {}
    deadline = time.monotonic() + READ_SECONDS

    def read() -> None:
        try:
            outcome["size"] = _read(path, st, limit, sink, deadline)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller
            outcome["error"] = exc

    # A read on a hung network share never returns: the helper is left to it, not us.
    worker = threading.Thread(target=read, name="supportlog-read", daemon=True)
    worker.start()
    worker.join(READ_SECONDS + 1)
    if worker.is_alive():
        raise UnreadableFile(name, "refused", f"too slow to read (over {READ_SECONDS:g} s)")
    error = outcome.get("error")
    if isinstance(error, UnreadableFile):
        raise error
    if isinstance(error, OSError):
        if error.errno in (errno.EACCES, errno.EPERM):
            raise UnreadableFile(name, "denied", "permission denied") from None
        if error.errno == errno.ENOENT:
            raise UnreadableFile(name, "missing", "file not found") from None
        raise UnreadableFile(name, "failed", error.strerror or str(error)) from None
    if error is not None:
        raise error
    if outcome["size"] > limit and not cut_ok:   # it grew while being read
        raise UnreadableFile(name, "refused", f"larger than {limit // 1_000_000} MB")
    return outcome["size"]


def _read(path, st: os.stat_result, limit: int, sink, deadline: float) -> int:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
        | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
            raise UnreadableFile(path, "refused", "replaced while being opened")
        size = 0
        while size <= limit:
            block = os.read(fd, min(BLOCK, limit + 1 - size))
            if not block:
                break
            size += len(block)
            sink(block)
            if time.monotonic() > deadline:
                raise UnreadableFile(path, "refused",
                                     f"too slow to read (over {READ_SECONDS:g} s)")
        return size
    finally:
        os.close(fd)


def read_text_stream(stream, name: str, limit: int | None = None) -> tuple[str, str | None]:
    """read_text() for an open binary stream (standard input), with the same size cap."""
    limit = TEXT_BYTES if limit is None else limit
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UnreadableFile(name, "refused", f"larger than {limit // 1_000_000} MB")
    return decode(data, name)
