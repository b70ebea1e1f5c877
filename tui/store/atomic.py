"""Writing output files safely: exports, dossiers, backups, packs, calendars, config.

Every file is written to a hidden temp file in the target's own folder, synced, then renamed
into place, so a crash or a full disk leaves the old file whole and never a half file under a
real name. A target that is an open notebook (or its -wal/-shm), a symbolic link, not a
regular file, or that exists without `force` is refused before anything is written.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterable, Iterator

from .errors import StoreError
from .explain import FULL_ERRNOS

COMPANIONS = ("", "-wal", "-shm", "-journal")
TEMP_MARK = ".tmp-"


def write_error(exc: OSError, target: Path) -> StoreError:
    """One line naming the output file (never the notebook) and what to do."""
    if exc.errno in FULL_ERRNOS:
        return StoreError(f"the disk holding {target} is full; free some space there or "
                          f"choose another folder ({target} was left as it was)")
    reason = exc.strerror or str(exc)
    return StoreError(f"cannot write {target}: {reason}; choose another path")


def is_temp(path: Path) -> bool:
    """A temp file this module made (what a killed writer leaves behind)."""
    return path.name.startswith(".") and TEMP_MARK in path.name


def check_target(target: str | os.PathLike, *, force: bool = False,
                 notebooks: Iterable[str | os.PathLike] = ()) -> Path:
    """Refuse an output path that would destroy something; returns it as a Path."""
    target = Path(target)
    real = os.path.realpath(target)
    try:
        st = os.stat(target)  # follows a link: a link to the notebook is the notebook
    except OSError:
        st = None
    # SQLite keeps the -wal/-shm beside the file a linked notebook path resolves to.
    notebooks = [(n, base) for n in notebooks for base in {str(n), os.path.realpath(n)}]
    for notebook, base in notebooks:
        for suffix in COMPANIONS:
            other = f"{base}{suffix}"
            same = real == os.path.realpath(other)
            if not same and st is not None:
                try:
                    o = os.stat(other)
                    same = (o.st_dev, o.st_ino) == (st.st_dev, st.st_ino)
                except OSError:
                    pass
            if same:
                what = f"the notebook {notebook}" if not suffix else \
                    f"the notebook's {suffix[1:]} file"
                raise StoreError(f"{target} is {what}; write the output to another file")
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise write_error(exc, target) from None
    if stat.S_ISLNK(st.st_mode):
        raise StoreError(f"{target} is a symbolic link; outputs never follow links: give the "
                         "real path or a new file name")
    if not stat.S_ISREG(st.st_mode):
        raise StoreError(f"{target} is not a regular file; choose another path")
    if not force:
        raise StoreError(f"{target} already exists; pass --force to overwrite it or choose "
                         "another name")
    return target


def unique_path(path: Path) -> Path:
    """`path`, or `path.2`, `path.3`... whichever is free (a dangling link is not free)."""
    n, candidate = 1, path
    while os.path.lexists(candidate):
        n += 1
        candidate = path.with_name(f"{path.name}.{n}")
    return candidate


def private_folder(folder: str | os.PathLike) -> None:
    """Create a folder and each missing parent 0700, whatever the umask (mkdir's mode only
    applies to the last level, and is reduced by the umask)."""
    folder = Path(folder)
    missing = []
    while not os.path.lexists(folder):
        missing.append(folder)
        folder = folder.parent
    for level in reversed(missing):
        try:
            level.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made meanwhile by someone else: not ours to chmod
        except OSError as exc:
            raise StoreError(f"cannot create the folder {level}: {exc.strerror}; create it "
                             "yourself or choose another path") from None
        os.chmod(level, 0o700)


def temp_name(target: Path) -> Path:
    # Cut long names so the temp name stays within the file system's 255-byte limit.
    import secrets  # writing only: reading a notebook never needs it
    return target.with_name(f".{target.name[:200]}{TEMP_MARK}{secrets.token_hex(4)}")


def _create_temp(target: Path) -> tuple[int, Path]:
    if not target.parent.is_dir():
        raise StoreError(f"cannot write {target}: the folder {target.parent} does not exist; "
                         "create it first or choose another path")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    while True:
        temp = temp_name(target)
        try:
            fd = os.open(temp, flags, 0o600)
        except FileExistsError:
            continue
        except OSError as exc:
            raise write_error(exc, target) from None
        os.fchmod(fd, 0o600)  # the umask may have taken the owner's bits away
        return fd, temp


def sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):  # folders some file systems can't sync
            raise
    finally:
        os.close(fd)


def _place(temp: Path, target: Path, force: bool) -> None:
    """Rename the finished temp file to its real name; without `force` a file that appeared
    meanwhile is never replaced (a hard link fails if the name is taken)."""
    if force:
        os.replace(temp, target)
    else:
        try:
            os.link(temp, target, follow_symlinks=False)
        except FileExistsError:
            raise StoreError(f"{target} already exists; pass --force to overwrite it or "
                             "choose another name") from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EMLINK):
                raise
            if os.path.lexists(target):  # no hard links here: check, then rename
                raise StoreError(f"{target} already exists; pass --force to overwrite it or "
                                 "choose another name") from None
            os.replace(temp, target)
        else:
            os.unlink(temp)
    sync_folder(target.parent)


def _discard(temp: Path) -> None:
    try:
        os.unlink(temp)
    except OSError:
        pass


class _Output(io.FileIO):
    """The temp file: a failed write (a full disk) names the output file."""

    target: Path

    def write(self, data) -> int:
        try:
            return super().write(data)
        except OSError as exc:
            raise write_error(exc, self.target) from None


@contextmanager
def atomic_write(target: str | os.PathLike, *, binary: bool = False, force: bool = False,
                 notebooks: Iterable[str | os.PathLike] = (),
                 encoding: str = "utf-8") -> Iterator[IO]:
    """Yield a file (text, or bytes with `binary`) that becomes `target` only once the block
    has finished without error; on any error the temp file goes and the old target stays."""
    target = check_target(target, force=force, notebooks=notebooks)
    fd, temp = _create_temp(target)
    raw = _Output(fd, "wb", closefd=True)
    raw.target = target
    buffered = io.BufferedWriter(raw)
    fh = buffered if binary else io.TextIOWrapper(buffered, encoding=encoding, newline="\n")
    try:
        yield fh
        fh.flush()
        try:
            os.fsync(fd)
        except OSError as exc:
            raise write_error(exc, target) from None
        fh.close()
        try:
            _place(temp, target, force)
        except OSError as exc:
            raise write_error(exc, target) from None
    except BaseException:
        try:
            fh.close()
        except (OSError, StoreError, ValueError):
            raw.close()  # the buffer could not be written out: drop it with the file
        _discard(temp)
        raise


@contextmanager
def atomic_path(target: str | os.PathLike, *, force: bool = False,
                notebooks: Iterable[str | os.PathLike] = ()) -> Iterator[Path]:
    """Like atomic_write, for a writer that needs a path (SQLite's backup): yields the path
    of an empty 0600 temp file, synced and renamed to `target` when the block succeeds."""
    target = check_target(target, force=force, notebooks=notebooks)
    fd, temp = _create_temp(target)
    os.close(fd)
    try:
        yield temp
        try:
            fd = os.open(temp, os.O_RDONLY | os.O_NOFOLLOW)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            _place(temp, target, force)
        except OSError as exc:
            raise write_error(exc, target) from None
    except BaseException:
        for suffix in ("", "-journal", "-wal", "-shm"):
            _discard(Path(f"{temp}{suffix}"))
        raise
