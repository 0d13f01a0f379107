"""Uploads into an index space: safe file names, size limits, and removing documents.

An upload is saved under its space's own `uploads/` folder with a name reduced to a plain
file name (no folders, no dots in front, no control characters), so a name such as
`../../etc/passwd.md` lands as `passwd.md` inside that folder and nowhere else.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from bot.errors import IngestError
from bot.index.store import Store
from bot.settings import Settings
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.pipeline import IngestReport, _commit, ingest_lock

UPLOADS = "uploads"
MB = 1024 * 1024
MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r"[^\w.\- ()+,@]+", re.UNICODE)


def safe_filename(name: str) -> str:
    """The last path component of an uploaded name, made safe to create; IngestError if none."""
    raw = unicodedata.normalize("NFKC", str(name)).replace("\\", "/").split("/")[-1]
    clean = _UNSAFE.sub("_", "".join(ch for ch in raw if ch.isprintable())).strip(" .")
    stem, dot, suffix = clean.rpartition(".")
    if dot and len(clean) > MAX_NAME_CHARS:
        clean = stem[: MAX_NAME_CHARS - len(suffix) - 1] + "." + suffix
    clean = clean[:MAX_NAME_CHARS].lstrip(".-")
    if not clean or Path(clean).suffix.lower() not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise IngestError(f"cannot accept the upload {str(name)[:80]!r}: name it *{{{kinds}}}")
    return clean


def uploads_dir(store: Store) -> Path:
    """Where a space keeps the files uploaded into it."""
    return store.data_dir / UPLOADS


def space_bytes(folder: Path) -> int:
    """Bytes of the files saved in an uploads folder."""
    if not folder.is_dir():
        return 0
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file() and not p.is_symlink())


def save_uploads(
    settings: Settings, store: Store, files: Sequence[tuple[str, bytes]]
) -> list[Path]:
    """Save (name, content) uploads into the space's folder, within the size limits.

    Every file is checked before any is written: one over ADVISOR_UPLOAD_MAX_MB, or a batch that
    would take a private space over ADVISOR_USER_QUOTA_MB, is refused whole.
    """
    if not files:
        raise IngestError("no file was uploaded")
    folder = uploads_dir(store)
    limit = int(settings.upload_max_mb * MB)
    named: dict[str, bytes] = {}
    for name, data in files:
        safe = safe_filename(name)
        if len(data) > limit:
            raise IngestError(
                f"{safe} is {len(data) / MB:.1f} MB; the limit per file is "
                f"{settings.upload_max_mb:g} MB (ADVISOR_UPLOAD_MAX_MB)"
            )
        named[safe] = bytes(data)
    if store.user is not None:
        replaced = sum(
            (folder / n).stat().st_size for n in named
            if (folder / n).is_file() and not (folder / n).is_symlink()
        )
        total = space_bytes(folder) - replaced + sum(len(d) for d in named.values())
        if total > settings.user_quota_mb * MB:
            raise IngestError(
                f"these uploads would take your documents to {total / MB:.1f} MB; each user may "
                f"keep {settings.user_quota_mb:g} MB (ADVISOR_USER_QUOTA_MB): delete some first"
            )
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for safe, data in named.items():
        target = folder / safe
        if target.parent.resolve() != folder.resolve():  # pragma: no cover - safe_filename
            raise IngestError(f"cannot save the upload {safe!r}")
        tmp = folder / f".{safe}.part"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)  # replaces a symlink itself, never what it points to
        saved.append(target)
    return saved


def remove_documents(
    settings: Settings, sources: Sequence[str], user: str | None = None
) -> IngestReport:
    """Remove documents (by their source name) from a space: their chunks leave the index.

    A file the space's uploads folder holds for the document is deleted as well.
    """
    store = Store(settings, user=user)
    with ingest_lock(store.data_dir):
        state = store.read_state()
        known = dict(state.sources) if state else {}
        missing = [s for s in sources if s not in known]
        if missing or not sources:
            raise IngestError(f"no document {missing[0] if missing else ''!r} in {store.where}")
        if all(s in sources for s in known):
            assert state is not None
            store.clear_state()
            store.drop(store.generations())
            shutil.rmtree(store.data_dir / "bm25", ignore_errors=True)
            report = IngestReport(0, 0, 0, state.chunk_count, False, (), None)
        else:
            report = _commit(settings, store, {}, list(sources), [], None, False, None)
        folder = uploads_dir(store).resolve()
        for source in sources:
            path = Path(source) if Path(source).is_absolute() else Path.cwd() / source
            if path.resolve().parent == folder and path.is_file():
                path.unlink()
        return report


def documents(settings: Settings, user: str | None = None) -> dict[str, int]:
    """The documents of a space: source name -> number of chunks."""
    state = Store(settings, user=user).read_state()
    return {s: len(ids) for s, ids in sorted(state.sources.items())} if state else {}

