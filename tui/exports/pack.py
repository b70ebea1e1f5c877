"""The evidence pack: one case as a zip a person can hand over. One top folder `case-N/`
holds the dossier (Markdown and a printable HTML page), each contact's transcript text,
every evidence file under its original name (made safe for any system), and
MANIFEST.sha256, which `sha256sum -c` checks in that folder."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from typing import IO, Iterable

from .document import to_html, to_markdown
from .dossier import PackFile, Transcript, dossier_blocks, html_title
from ..store.errors import StoreError
from ..store.file_names import safe_name
from ..store.mail_import import message_headers
from ..store.records import CaseDetail
from ..store.times import from_iso

CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class PackSummary:
    folder: str
    transcripts: int
    evidence: int


def case_transcripts(store, detail: CaseDetail) -> list[Transcript]:
    """The transcript text the notebook keeps for each of the case's contacts, with the
    message headers of a contact that came from mail."""
    found = []
    for i in detail.interactions:
        if not i.has_transcript:
            continue
        text = store.transcript(i.id)
        if text is not None:
            found.append(Transcript(i.id, text, message_headers(store, i.id)))
    return found


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name (2)`... whichever no earlier file took (case-insensitively, as on
    Windows and macOS); the chosen name is added to `taken`."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, dot, ext = name, "", ""
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem} ({n}){dot}{ext}"
    taken.add(candidate.casefold())
    return candidate


def transcript_path(n: int, interaction) -> str:
    day = from_iso(interaction.started_at).astimezone().strftime("%Y-%m-%d")
    return f"transcripts/{n:02d}-{day}-{interaction.channel}.txt"


def write_pack(out: IO[bytes], store, detail: CaseDetail, generated_at: str,
               clocks: Iterable[tuple[str, str, str, str, str]] = ()) -> PackSummary:
    """Write the case's pack as a zip to `out` (a binary file: atomic_write's)."""
    folder = f"case-{detail.case.id}"
    stamp = _zip_time(generated_at)
    transcripts = case_transcripts(store, detail)
    texts: list[tuple[PackFile, bytes]] = []
    number = {i.id: n for n, i in enumerate(detail.interactions, 1)}
    by_id = {i.id: i for i in detail.interactions}
    for t in transcripts:
        data = t.text.encode("utf-8")
        path = transcript_path(number[t.interaction_id], by_id[t.interaction_id])
        texts.append((PackFile(path, len(data), hashlib.sha256(data).hexdigest(),
                               interaction_id=t.interaction_id), data))
    evidence = _evidence_files(detail)
    files = [f for f, _ in texts] + [f for f, _ in evidence]
    clocks = list(clocks)
    manifest: list[tuple[str, str]] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for sub in ("", "transcripts/", "evidence/"):
            if sub and not any(f.path.startswith(sub) for f in files):
                continue
            info = zipfile.ZipInfo(f"{folder}/{sub}", stamp)
            info.external_attr = (0o40700 << 16) | 0x10  # a folder, the owner's only
            zf.writestr(info, b"")
        # One set of blocks for both: building them reads and hashes the transcript files.
        blocks = dossier_blocks(detail, generated_at, clocks, transcripts=transcripts,
                                files=files)
        for name, text in (("dossier.md", to_markdown(blocks)),
                           ("dossier.html", to_html(blocks, html_title(detail)))):
            data = text.encode("utf-8")
            _put(zf, f"{folder}/{name}", stamp, data)
            manifest.append((hashlib.sha256(data).hexdigest(), name))
        for f, data in texts:
            _put(zf, f"{folder}/{f.path}", stamp, data)
            manifest.append((f.sha256, f.path))
        for f, attachment in evidence:
            _copy_evidence(zf, f"{folder}/{f.path}", stamp, store, attachment)
            manifest.append((f.sha256, f.path))
        # sha256sum's own format: "<hash>  <path>", text mode, one file a line.
        _put(zf, f"{folder}/MANIFEST.sha256", stamp,
             "".join(f"{h}  {p}\n" for h, p in manifest).encode("utf-8"))
    return PackSummary(folder, len(texts), len(evidence))


def _evidence_files(detail: CaseDetail) -> list[tuple[PackFile, object]]:
    """One pack file per distinct content (the same bytes attached twice go in once), named
    after the first attachment that holds it."""
    taken: set[str] = set()
    first: dict[str, tuple[str, object, list[int]]] = {}
    for a in detail.attachments:
        if a.sha256 in first:
            first[a.sha256][2].append(a.id)
            continue
        first[a.sha256] = ("evidence/" + unique_name(safe_name(a.name), taken), a, [a.id])
    return [(PackFile(path, a.size, sha, attachment_ids=tuple(ids)), a)
            for sha, (path, a, ids) in first.items()]


def _info(path: str, stamp) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o100600 << 16  # a regular file, the owner's only
    return info


def _put(zf: zipfile.ZipFile, path: str, stamp, data: bytes) -> None:
    zf.writestr(_info(path, stamp), data)


def _copy_evidence(zf: zipfile.ZipFile, path: str, stamp, store, attachment) -> None:
    """Stream the stored file into the zip, checking it still has the hash it was stored
    under: a pack never hands over a damaged file as if it were the original."""
    source = store.evidence_path(attachment.sha256)
    hasher = hashlib.sha256()
    try:
        with open(source, "rb") as fh, \
                zf.open(_info(path, stamp), "w", force_zip64=attachment.size >= 1 << 31) as dst:
            while chunk := fh.read(CHUNK):
                hasher.update(chunk)
                dst.write(chunk)
    except FileNotFoundError:
        raise StoreError(f"evidence file {attachment.name!r} is missing from {source.parent}; "
                         "restore the evidence folder from a backup, or run `supportlog "
                         "doctor` to list what is missing") from None
    except OSError as exc:
        raise StoreError(f"cannot read evidence file {attachment.name!r} at {source}: "
                         f"{exc.strerror or exc}; check the evidence folder") from None
    if hasher.hexdigest() != attachment.sha256:
        raise StoreError(f"evidence file {attachment.name!r} at {source} no longer matches its "
                         "SHA-256 (damaged); restore it from a backup, or run `supportlog "
                         "doctor`")


def _zip_time(generated_at: str) -> tuple[int, int, int, int, int, int]:
    """The pack's files carry the time it was made (local time, as zip expects; zip cannot
    date anything before 1980)."""
    t = from_iso(generated_at).astimezone()
    return max((t.year, t.month, t.day, t.hour, t.minute, t.second), (1980, 1, 1, 0, 0, 0))
