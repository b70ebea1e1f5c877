"""Evidence files: receipts, photos, PDFs, transcripts kept with a case.

A file's bytes live once in the evidence folder beside the notebook, named by their SHA-256
(<notebook>-evidence/ab/abcdef...), so the same bytes attached twice are stored once; the
`attachments` row keeps the original name, size, type, note and where it came from. The
folder and its subfolders are 0700 and the files 0600; a file is written to a temp name in
its folder, synced and renamed, so an interrupted copy never leaves a half file under a hash.

Files change only inside a write unit (BEGIN IMMEDIATE), so an attach in one process and a
detach or a sweep in another never remove a file a row has just come to refer to.

A deleted case keeps its attachment rows in its undo snapshot (undo.py) and its files stay
on disk while that undo may still be wanted: whoever drops the undo calls `sweep_evidence()`
(the CLI has no `delete`; the app sweeps when its undo is dropped). A sweep by another
process meanwhile would leave the restored rows without their files (`doctor` says so).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from . import userfiles
from . import validate as v
from .atomic import atomic_write, is_temp, private_folder, sync_folder
from .uids import new_uid
from .errors import NotFound, StoreError, ValidationError
from .records import Attachment

MAX_FILE = 100_000_000      # one evidence file, in bytes
ORIGINS = ("attached", "mail", "original")
DEFAULT_TYPE = "application/octet-stream"
MAX_NAME = 255
FOLDER_MODE, FILE_MODE = 0o700, 0o600
COLUMNS = ("id, uid, case_id, interaction_id, sha256, name, size, type, note, origin, "
           "added_at")
_SHA = re.compile(r"[0-9a-f]{64}")
_BLOCK = 1 << 20


def evidence_dir(db_path: Path) -> Path:
    """The evidence folder of the notebook at `db_path`: beside it, named after it."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + "-evidence")


def evidence_target(copy_db: Path) -> Path:
    """The evidence folder of a copy about to be written, refused when it is a link or a
    file (outputs never follow links)."""
    target = evidence_dir(copy_db)
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise StoreError(f"{target} is in the way of the copy's evidence folder (a link or a "
                         "file); move it away or back up to another name")
    return target


def file_size(n: int) -> str:
    """A size as people read it: 812 B, 12.4 kB, 3.1 MB (powers of 1000, as the limits)."""
    if n < 1000:
        return f"{n} B"
    value, unit = n / 1000, "kB"
    for bigger in ("MB", "GB"):
        if round(value, 1) < 1000:
            break
        value, unit = value / 1000, bigger
    return f"{value:.1f} {unit}"


def guess_type(name: str) -> str:
    """The MIME type the name says (mimetypes), else application/octet-stream."""
    import mimetypes  # here, as hashlib below: opening a notebook reads no evidence
    return mimetypes.guess_type(name, strict=False)[0] or DEFAULT_TYPE


def clean_name(name: str | None) -> str:
    """A file's name as kept: its last path part (a name from a message may carry a
    folder), checked and masked like every text field."""
    base = re.split(r"[/\\]", (name or "").strip())[-1].strip()
    base = v.text("name", base, required=True)
    if base in (".", ".."):
        raise ValidationError("name", f"{base!r} is not a file name; give one with a letter")
    return base[:MAX_NAME]


def _sha256(data: bytes = b""):
    import hashlib
    return hashlib.sha256(data)


def hash_file(path: Path) -> str:
    """SHA-256 of one of our own evidence files (or OSError)."""
    hasher = _sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            hasher.update(block)
    return hasher.hexdigest()


def write_evidence_file(target: Path, data: bytes) -> bool:
    """Put `data` at `target` (its SHA-256 name) unless a whole copy is there already;
    returns whether it wrote. Folders are made 0700, the file 0600, via a synced temp file."""
    if target.is_file() and not target.is_symlink():
        try:
            if target.stat().st_size == len(data) and hash_file(target) == target.name:
                return False
        except OSError:
            pass  # unreadable: written again below
    private_folder(target.parent)
    with atomic_write(target, binary=True, force=True) as fh:
        fh.write(data)
    return True


@dataclass(frozen=True, slots=True)
class EvidenceCheck:
    """What `verify_evidence` found in the evidence folder."""

    folder: Path
    ok: int                                  # rows whose file is there with its hash
    missing: tuple[Attachment, ...] = ()     # rows whose file is not there
    corrupt: tuple[Attachment, ...] = ()     # rows whose file's bytes are not its hash
    orphans: tuple[Path, ...] = ()           # files no row refers to (sweep_evidence)
    leftovers: tuple[Path, ...] = ()         # temp files an interrupted copy left (sweep)
    modes: tuple[tuple[Path, str], ...] = ()  # (path, its mode) not 0700/0600

    @property
    def problems(self) -> bool:
        return bool(self.missing or self.corrupt or self.modes)


@dataclass(frozen=True, slots=True)
class EvidenceCopy:
    """What `copy_evidence` copied beside a backup."""

    folder: Path
    files: int
    missing: tuple[str, ...] = ()   # SHA-256 of files the copy's rows name but none was found


def attachment_from_row(row) -> Attachment:
    return Attachment(*row)


class AttachmentOps:
    """Mixed into Store; relies on Connection (conn, path, write(), now())."""

    @property
    def evidence_folder(self) -> Path:
        return evidence_dir(self.path)

    def evidence_path(self, sha256: str) -> Path:
        """Where the file with this SHA-256 lives: <dir>/ab/abcdef..."""
        if not isinstance(sha256, str) or not _SHA.fullmatch(sha256):
            raise ValidationError("sha256", f"{sha256!r} is not 64 lowercase hex digits")
        return self.evidence_folder / sha256[:2] / sha256

    def viewing_copy(self, attachment: Attachment) -> Path:
        """A copy of the file under its own name in a private temp folder, for a viewer:
        the name tells the viewer the type, and nothing it does reaches the evidence."""
        import shutil
        import tempfile
        from .file_names import safe_name
        folder = Path(tempfile.mkdtemp(prefix="supportlog-view-"))   # 0700
        copy = folder / safe_name(attachment.name)
        shutil.copyfile(self.evidence_path(attachment.sha256), copy)
        copy.chmod(0o400)
        return copy

    # -- adding --------------------------------------------------------------------------
    def attach_file(self, case_id: int, path: Path, *, interaction_id: int | None = None,
                    note: str | None = None, name: str | None = None) -> Attachment:
        """Copy a file the user named into the evidence folder and keep it with the case.
        Read through userfiles (regular files of theirs, at most MAX_FILE bytes:
        UnreadableFile otherwise); the same bytes already on this case return that row and
        write nothing."""
        path = Path(path)
        data, _ = userfiles.read_bytes(path, limit=MAX_FILE)
        return self.attach_bytes(case_id, data, name or path.name,
                                 interaction_id=interaction_id, note=note)

    def attach_bytes(self, case_id: int, data: bytes, name: str, *, type: str | None = None,
                     interaction_id: int | None = None, note: str | None = None,
                     origin: str = "attached", uid: str | None = None) -> Attachment:
        """Keep `data` with the case as a file called `name` (type guessed from the name
        when not given). Idempotent: with a `uid` already stored, that row is returned;
        without one, the same bytes already on this case are that row. Nothing is written
        either way."""
        if uid is not None:
            found = self._attachment_by("uid = ?", (uid,))
            if found:
                return found
        if len(data) > MAX_FILE:
            raise ValidationError("file", f"{name} is {len(data):,} bytes; an evidence file "
                                          f"may be at most {MAX_FILE // 1_000_000} MB")
        name = clean_name(name)
        note = v.text("note", note)
        kind = (type or "").strip().lower() or guess_type(name)
        if origin not in ORIGINS:
            raise ValidationError("origin", f"unknown value {origin!r}; use one of: "
                                            f"{', '.join(ORIGINS)}")
        sha = _sha256(data).hexdigest()
        with self.write():
            self._check_owner(case_id, interaction_id)
            if uid is None:
                found = self._attachment_by("case_id = ? AND sha256 = ?", (case_id, sha))
                if found:
                    return found
            target = self.evidence_path(sha)
            private_folder(self.evidence_folder)
            write_evidence_file(target, data)
            cur = self.conn.execute(
                "INSERT INTO attachments (uid, case_id, interaction_id, sha256, name, size, "
                "type, note, origin, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (uid or new_uid(), case_id, interaction_id, sha, name, len(data), kind, note,
                 origin, self.now()))
            new_id = cur.lastrowid
        return self.attachment(new_id)

    def _check_owner(self, case_id: int, interaction_id: int | None) -> None:
        if not self.conn.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone():
            raise NotFound(f"no case {case_id}; `supportlog list` shows the cases")
        if interaction_id is None:
            return
        row = self.conn.execute("SELECT case_id FROM interactions WHERE id = ?",
                                (interaction_id,)).fetchone()
        if not row:
            raise ValidationError("contact", f"there is no contact {interaction_id}; "
                                             f"`supportlog show {case_id}` lists them")
        if row[0] != case_id:
            raise ValidationError("contact", f"contact {interaction_id} is on case {row[0]}, "
                                             f"not case {case_id}")

    # -- reading -------------------------------------------------------------------------
    def _attachment_by(self, where: str, args: tuple) -> Attachment | None:
        row = self.conn.execute(f"SELECT {COLUMNS} FROM attachments WHERE {where} "
                                "ORDER BY id LIMIT 1", args).fetchone()
        return attachment_from_row(row) if row else None

    def attachments(self, case_id: int) -> list[Attachment]:
        """The case's evidence files, oldest first (added_at, id)."""
        return [attachment_from_row(r) for r in self.conn.execute(
            f"SELECT {COLUMNS} FROM attachments WHERE case_id = ? ORDER BY added_at, id",
            (case_id,))]

    def attachment(self, attachment_id: int) -> Attachment:
        found = self._attachment_by("id = ?", (attachment_id,))
        if not found:
            raise NotFound(f"no attachment {attachment_id}; `supportlog evidence CASE` lists "
                           "a case's files")
        return found

    def count_attachments(self) -> int:
        return self.conn.execute("SELECT count(*) FROM attachments").fetchone()[0]

    # -- removing ------------------------------------------------------------------------
    def detach(self, attachment_id: int) -> Attachment:
        """Remove the attachment; its file goes too when no other row refers to it."""
        with self.write():
            gone = self.attachment(attachment_id)
            self.conn.execute("DELETE FROM attachments WHERE id = ?", (attachment_id,))
            if not self.conn.execute("SELECT 1 FROM attachments WHERE sha256 = ? LIMIT 1",
                                     (gone.sha256,)).fetchone():
                self._remove(self.evidence_path(gone.sha256))
        return gone

    def _remove(self, path: Path) -> bool:
        try:
            os.unlink(path)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise StoreError(f"cannot remove {path}: {exc.strerror}; check the evidence "
                             "folder's permissions") from None
        try:
            path.parent.rmdir()   # its ab/ folder, once empty
        except OSError:
            pass
        return True

    def sweep_evidence(self) -> int:
        """Remove the files no row refers to and the temp files an interrupted copy left;
        returns how many files went."""
        with self.write():
            orphans, leftovers = self._unreferenced()
            removed = sum(self._remove(p) for p in (*orphans, *leftovers))
        if removed and self.evidence_folder.is_dir():
            sync_folder(self.evidence_folder)
        return removed

    def _stored_files(self) -> list[Path]:
        """Every entry in the evidence folder's ab/ subfolders (not following links)."""
        folder = self.evidence_folder
        try:
            subs = sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StoreError(f"cannot read the evidence folder {folder}: {exc.strerror}; "
                             f"check its permissions (chmod 700 {folder})") from None
        return [p for sub in subs for p in sorted(sub.iterdir())]

    def _unreferenced(self) -> tuple[list[Path], list[Path]]:
        """(stored files no row refers to, temp leftovers)."""
        known = {r[0] for r in self.conn.execute("SELECT DISTINCT sha256 FROM attachments")}
        orphans, leftovers = [], []
        for p in self._stored_files():
            if is_temp(p):
                leftovers.append(p)
            elif p.name not in known or p.parent.name != p.name[:2]:
                orphans.append(p)
        return orphans, leftovers

    # -- checking and copying ------------------------------------------------------------
    def verify_evidence(self) -> EvidenceCheck:
        """Every row's file there with its SHA-256; files no row refers to; modes."""
        folder = self.evidence_folder
        rows = [attachment_from_row(r) for r in self.conn.execute(
            f"SELECT {COLUMNS} FROM attachments ORDER BY id")]
        state: dict[str, str] = {}   # sha -> ok | missing | corrupt, each file read once
        for sha in {a.sha256 for a in rows}:
            path = self.evidence_path(sha)
            try:
                st = os.lstat(path)
                good = stat.S_ISREG(st.st_mode) and hash_file(path) == sha
                state[sha] = "ok" if good else "corrupt"
            except FileNotFoundError:
                state[sha] = "missing"
            except OSError:
                state[sha] = "corrupt"
        orphans, leftovers = self._unreferenced()
        modes = []
        if folder.is_dir():
            places = [folder, *{p.parent for p in self._stored_files()}]
            wanted = [(p, FOLDER_MODE) for p in places]
            wanted += [(p, FILE_MODE) for p in self._stored_files() if not is_temp(p)]
            for p, mode in wanted:
                have = stat.S_IMODE(os.lstat(p).st_mode)
                if have != mode:
                    modes.append((p, oct(have)))
        return EvidenceCheck(
            folder, sum(1 for a in rows if state[a.sha256] == "ok"),
            tuple(a for a in rows if state[a.sha256] == "missing"),
            tuple(a for a in rows if state[a.sha256] == "corrupt"),
            tuple(orphans), tuple(leftovers), tuple(sorted(modes)))

    def copy_evidence(self, copy_db: Path) -> EvidenceCopy:
        """Copy the files a backup copy's rows refer to into its own evidence folder
        (<copy>-evidence/, same layout and modes), so the copy opened with --db finds them.
        The copy's rows decide (not ours, which may have changed since it was made)."""
        import sqlite3
        target = evidence_target(copy_db)
        conn = sqlite3.connect(f"{Path(copy_db).resolve().as_uri()}?mode=ro", uri=True)
        try:
            shas = [r[0] for r in conn.execute("SELECT DISTINCT sha256 FROM attachments "
                                               "ORDER BY sha256")]
        finally:
            conn.close()
        copied, missing = 0, []
        for sha in shas:
            source = self.evidence_path(sha)
            try:
                with open(source, "rb") as fh:
                    data = fh.read(MAX_FILE + 1)
            except FileNotFoundError:
                missing.append(sha)
                continue
            if _sha256(data).hexdigest() != sha:
                missing.append(sha)   # corrupt here: a copy of it would be no evidence
                continue
            private_folder(target)
            write_evidence_file(target / sha[:2] / sha, data)
            copied += 1
        return EvidenceCopy(target, copied, tuple(missing))
