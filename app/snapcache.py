"""A start-up cache of validated snapshots, so a large store starts in about a second.

Validating 10,000 YAML files takes about 12 s of CPU here (YAML parsing is two thirds of it).
When nothing has changed since the last successful load, the validated events are read back
from a pickle instead. "Nothing has changed" is a fingerprint of every data file's path, size
and modification time, plus the code that validates them (so a new rule invalidates the cache)
and the library versions. Only the process's own user may have written the cache: the folder
is created private (0700) and a file owned by anybody else, or writable by others, is ignored.
`timeline validate` never uses the cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import marshal
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import pydantic

log = logging.getLogger("timeline.store")

_CODE = [Path(__file__).with_name(n) for n in ("models.py", "store.py", "yamlfile.py", "snapcache.py", "textindex.py")]


def default_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "chip-controls-timeline"


def fingerprint(folder: Path, paths: list[str]) -> str:
    """Paths, sizes and modification times of the data files (strings: 10,000 Path objects
    cost more than the stat calls), the validating code and the library versions."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{sys.version}|{pydantic.VERSION}|".encode())
    for code in _CODE:
        digest.update(code.read_bytes())
    base = len(str(folder)) + 1
    for path in [str(folder / "taxonomy.yaml"), *paths]:
        try:
            st = os.stat(path)
        except OSError:
            continue
        digest.update(f"{path[base:]}|{st.st_size}|{st.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _file(cache_dir: Path, folder: Path) -> Path:
    name = hashlib.blake2b(str(folder.resolve()).encode(), digest_size=12).hexdigest()
    return cache_dir / f"{name}.pickle"


def _trusted(path: Path) -> bool:
    st = path.stat()
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def _open_trusted(cache_dir: Path | None, folder: Path, key: str):
    """The cache file positioned after its key line, if it is ours and for this key; else None."""
    if cache_dir is None:
        return None
    path = _file(cache_dir, folder)
    try:
        if not (path.is_file() and _trusted(path) and _trusted(cache_dir)):
            return None
        fh = path.open("rb")
    except OSError:
        return None
    if fh.readline().rstrip(b"\n") != key.encode():
        fh.close()
        return None
    return fh


def is_current(cache_dir: Path | None, folder: Path, key: str) -> bool:
    """Whether a cache for exactly this key exists (reads one line, not the payload)."""
    fh = _open_trusted(cache_dir, folder, key)
    if fh is None:
        return False
    fh.close()
    return True


def read(cache_dir: Path | None, folder: Path, key: str) -> Any | None:
    fh = _open_trusted(cache_dir, folder, key)
    if fh is None:
        return None
    try:
        with fh:
            payload = pickle.load(fh)
    except Exception:  # noqa: BLE001 - a bad cache is only a slower start
        return None
    try:
        os.utime(fh.name)  # "last loaded", for prune()
    except OSError:
        pass
    return payload


def write(cache_dir: Path | None, folder: Path, key: str, payload: Any) -> None:
    """The file: the key on the first line, then the pickled payload."""
    if cache_dir is None:
        return
    try:
        cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = _file(cache_dir, folder)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
            fh.write(key.encode() + b"\n")
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        log.info("snapshot cache not written (%s); the next start validates again", exc)
        return
    prune(cache_dir, keep=path)


STALE_DAYS = 30


def prune(cache_dir: Path, keep: Path) -> None:
    """Remove the cache files of stores not loaded for STALE_DAYS (a file per data folder, so
    folders that were moved or deleted would otherwise leave theirs forever), and temporary
    files left by a crash. Only our own files in our own private folder are touched."""
    now = time.time()
    for path in cache_dir.glob("*"):
        try:
            st = path.stat()
            age = now - st.st_mtime
            stale = (path.suffix == ".pickle" and age > STALE_DAYS * 86400) or (path.suffix == ".tmp" and age > 3600)
            if path != keep and stale and st.st_uid == os.getuid():
                path.unlink()
        except OSError:
            continue


# --- a fast, trusted encoding of validated events --------------------------------------------
# Unpickling 10,000 pydantic events took ~2 s; marshal of plain data plus model_construct (no
# validation: these events were validated when the cache was written) takes a fraction of it.
_DATES = ("date", "published_date", "effective_date", "end_date", "added", "updated")


def _text_fields(cls) -> tuple[str, ...]:
    """A model's bilingual fields (Text, or Text | None), read off the model: a new one is
    rebuilt as a Text without a change here."""
    from app.models import Text

    return tuple(name for name, info in cls.model_fields.items()
                 if info.annotation is Text or Text in getattr(info.annotation, "__args__", ()))


def encode_events(events) -> bytes:
    rows = []
    for event in events:
        d = event.model_dump()
        for name in _DATES:
            d[name] = d[name].toordinal() if d[name] else None
        for item in (*d["sources"], *d["documents"], *d["changes"]):
            item["date"] = item["date"].toordinal() if item["date"] else None
        rows.append(d)
    return marshal.dumps(rows)


def _build(cls, fields: dict):
    """What model_construct does, without its per-field bookkeeping (5x faster here): the
    fields are complete, as model_dump wrote them from a validated model."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", fields)
    object.__setattr__(obj, "__pydantic_fields_set__", set(fields))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def decode_events(blob: bytes) -> tuple:
    from app.models import Change, Document, Event, Related, Source, Text

    date = dt.date.fromordinal
    texts, source_texts, document_texts = _text_fields(Event), _text_fields(Source), _text_fields(Document)

    def _texts(d: dict, names: tuple[str, ...]) -> dict:
        for name in names:
            if d[name] is not None:
                d[name] = _build(Text, d[name])
        return d

    out = []
    for d in marshal.loads(blob):
        for name in _DATES:
            if d[name] is not None:
                d[name] = date(d[name])
        _texts(d, texts)
        sources = []
        for s in d["sources"]:
            if s["date"] is not None:
                s["date"] = date(s["date"])
            sources.append(_build(Source, _texts(s, source_texts)))
        d["sources"] = sources
        documents = []
        for doc in d["documents"]:
            if doc["date"] is not None:
                doc["date"] = date(doc["date"])
            documents.append(_build(Document, _texts(doc, document_texts)))
        d["documents"] = documents
        d["changes"] = [_build(Change, {"date": date(c["date"]), "text": _build(Text, c["text"])}) for c in d["changes"]]
        d["related"] = [_build(Related, r) for r in d["related"]]
        out.append(_build(Event, d))
    return tuple(out)
