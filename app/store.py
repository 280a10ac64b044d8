"""Load the YAML event store into an immutable, indexed snapshot.

`load_snapshot(folder)` reads every file, collects *all* problems (file, line, field,
message) and either returns a `Snapshot` or raises `StoreError` with the full list.
`StoreHolder` keeps the current snapshot for the web app and swaps in a new one on
reload in a single assignment; a failed reload keeps the last good snapshot.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import importlib.util
import logging
import os
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from pydantic import ValidationError

from app import snapcache, yamlfile
from app.filters import FACETS, event_values
from app.models import Event, Glossary, Publishers, Story, Taxonomy
from app.textindex import TextIndex
from app.yamlfile import Problem

log = logging.getLogger("timeline.store")

TAXONOMY_FILE = "taxonomy.yaml"
EVENTS_DIR = "events"
STORIES_DIR = "stories"
GLOSSARY_FILE = "glossary.yaml"
PUBLISHERS_FILE = "publishers.yaml"


class StoreError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.path, p.line, p.column, p.field))
        super().__init__(f"{len(self.problems)} problem(s) in the event store")


# Search folds away what a reader's words may carry and the texts do not: quotation marks (a
# quoted phrase is searched as its words), invisible characters (zero-width space, joiners,
# soft hyphen, BOM), and traditional Chinese characters, which become simplified ones by
# OpenCC's character table (the texts are simplified Chinese: 實體清單 finds 实体清单).
SEARCH_DROP = "\"“”„«»「」『』《》〈〉\u200b\u200c\u200d\u2060\ufeff\u00ad"


def _t2s() -> dict[str, str]:
    """OpenCC's TSCharacters table (traditional -> simplified, its first candidate), read from
    the opencc-python-reimplemented package's data without importing it."""
    spec = importlib.util.find_spec("opencc")
    path = Path(spec.origin).parent / "dictionary" / "TSCharacters.txt"
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        trad, _, simplified = line.partition("\t")
        if len(trad) == 1 and simplified.split():
            table[trad] = simplified.split()[0]
    return table


T2S: dict[str, str] = _t2s()
_SEARCH_MAP = str.maketrans({**T2S, **{ch: None for ch in SEARCH_DROP}})


def fold(text: str) -> str:
    """Normalise text for search: NFKC (full-width forms), case-folded, then SEARCH_DROP dropped
    and traditional characters made simplified (static/query.js fold does the same)."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_SEARCH_MAP)


@dataclass(frozen=True)
class Snapshot:
    """An immutable view of the store. Events are sorted by (date, id)."""

    events: tuple[Event, ...]
    taxonomy: Taxonomy
    content_hash: str
    loaded_at: dt.datetime
    files: Mapping[str, str]  # event id -> path relative to the data folder
    precomputed_text: TextIndex | None = field(default=None, repr=False, compare=False)  # from the cache
    stories: tuple[Story, ...] = ()  # sorted by id
    glossary: Glossary | None = None
    publishers: Publishers | None = None
    publisher_zh: Mapping[str, str] = field(init=False, repr=False, compare=False)  # written name -> Chinese
    by_id: Mapping[str, int] = field(init=False)
    index: Mapping[str, Mapping[str, frozenset[int]]] = field(init=False)
    text_index: TextIndex = field(init=False, repr=False, compare=False)  # full text, both languages
    inverse_related: Mapping[str, tuple[tuple[str, str], ...]] = field(init=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "publisher_zh", MappingProxyType(self.publishers.zh_names() if self.publishers else {}))
        set_(self, "by_id", MappingProxyType({e.id: i for i, e in enumerate(self.events)}))
        index: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
        inverse: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for i, event in enumerate(self.events):
            for name in FACETS:  # every filter over a vocabulary (app/filters.py), and the year
                for value in event_values(name, event, self.taxonomy):
                    index[name][value].add(i)
            for entity in event.entities:
                index["entity"][fold(entity)].add(i)
            for link in event.related:
                inverse[link.id].append((event.id, link.relation))
        set_(self, "index", MappingProxyType({
            name: MappingProxyType({k: frozenset(v) for k, v in values.items()})
            for name, values in index.items()
        }))
        set_(self, "text_index", self.precomputed_text or TextIndex([_search_text(e) for e in self.events]))
        set_(self, "inverse_related", MappingProxyType({k: tuple(v) for k, v in inverse.items()}))

    def story(self, story_id: str) -> Story | None:
        return next((s for s in self.stories if s.id == story_id), None)

    def stories_of(self, event_id: str) -> list[tuple[Story, int]]:
        """The stories that step through an event, with the step's number ("Part of: …")."""
        return [(s, i + 1) for s in self.stories for i, step in enumerate(s.steps) if step.event == event_id]

    def get(self, event_id: str) -> Event | None:
        i = self.by_id.get(event_id)
        return None if i is None else self.events[i]

    def scheduled(self, event: Event) -> list[str]:
        """Date fields of an event that lie after the sources' review date: only scheduled."""
        limit = self.taxonomy.reviewed_through
        return [name for name in ("effective_date", "end_date") if (getattr(event, name) or limit) > limit]

    def publisher_name(self, name: str, lang: str) -> str:
        """A publisher's or site's name as pages in `lang` show it (timeline_data/publishers.yaml)."""
        return self.publisher_zh.get(name, name) if lang == "zh" else name

    def side_of(self, event: Event) -> str:
        return self.taxonomy.actors[event.primary_actor].side

    @property
    def last_event_date(self) -> dt.date | None:
        return self.events[-1].date if self.events else None


def _search_text(event: Event) -> str:
    parts = [event.id, event.title.en, event.title.zh, event.summary.en, event.summary.zh]
    if event.context:
        parts += [event.context.en, event.context.zh]
    parts += event.entities
    return fold("\n".join(parts))


def _validation_problems(exc: ValidationError, located: yamlfile.Located, display: str) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        line, col = located.position(loc, key=err["type"] == "extra_forbidden")
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field (check the spelling; see docs/DATA.md)"
        elif err["type"] == "missing":
            message = "required field is missing"
        problems.append(Problem(display, line, col, yamlfile.field_name(loc), message))
    return problems


def _load_located(path: Path, model, problems: list[Problem], context: dict | None = None):
    """One whole-file model (taxonomy, glossary, publishers) validated, with its positions:
    (model, located), or None with its problems recorded."""
    display = str(path)
    try:
        located = yamlfile.load(path, display)
        return model.model_validate(located.data, context=context), located
    except yamlfile.YamlFileError as exc:
        problems.append(exc.problem)
    except ValidationError as exc:
        problems.extend(_validation_problems(exc, located, display))
    return None


def _load_model(path: Path, model, problems: list[Problem]):
    loaded = _load_located(path, model, problems)
    return loaded[0] if loaded else None


def _load_optional(folder: Path, name: str, model, problems: list[Problem], digest, context: dict | None = None):
    """An optional whole-file model (glossary, publishers): (model, located), or None."""
    path = folder / name
    if not path.is_file():
        return None
    digest.update(path.read_bytes())
    return _load_located(path, model, problems, context)


def _check_publishers(sources, loc: tuple, written: Mapping[str, str], located: yamlfile.Located,
                      display: str) -> list[Problem]:
    """A source names each publisher and site by its one name in publishers.yaml."""
    problems = []
    for i, source in enumerate(sources):
        for name in ("publisher", "via"):
            value = getattr(source, name)
            if value in written:
                line, col = located.position((*loc, i, name))
                problems.append(Problem(display, line, col, yamlfile.field_name((*loc, i, name)),
                                        f"{value!r} is written {written[value]!r} (timeline_data/{PUBLISHERS_FILE})"))
    return problems


def _load_taxonomy(folder: Path, problems: list[Problem]) -> Taxonomy | None:
    path = folder / TAXONOMY_FILE
    if not path.is_file():
        problems.append(Problem(str(path), 1, 1, "", "taxonomy file is missing"))
        return None
    return _load_model(path, Taxonomy, problems)


def _check_taxonomy_keys(event: Event, tax: Taxonomy, located: yamlfile.Located, display: str) -> list[Problem]:
    problems = []

    def check(loc: tuple, value: str, vocab: Mapping, name: str) -> None:
        if value not in vocab:
            line, col = located.position(loc)
            known = ", ".join(sorted(vocab))
            problems.append(Problem(display, line, col, yamlfile.field_name(loc),
                                    f"unknown {name} {value!r} (known: {known})"))

    for i, actor in enumerate(event.actors):
        check(("actors", i), actor, tax.actors, "actor")
    check(("category",), event.category, tax.categories, "category")
    for i, tech in enumerate(event.technologies):
        check(("technologies", i), tech, tax.technologies, "technology")
    for i, link in enumerate(event.related):
        check(("related", i, "relation"), link.relation, tax.relations, "relation")
    return problems


def _event_files(events_dir: Path) -> list[str]:
    """Every .yaml/.yml file below events/, in path order (os.walk and strings: fast on 10,000 files)."""
    found = []
    for root, dirs, names in os.walk(events_dir):
        dirs.sort()
        found += [os.path.join(root, n) for n in names if n.endswith((".yaml", ".yml"))]
    return sorted(p for p in found if os.path.isfile(p))


def cache_is_current(folder: Path | str, cache_dir: Path | None) -> bool:
    """Whether the start-up cache holds this store exactly as it is on disk (so it is valid:
    only validated stores are cached). Cheap: file stats and one line of the cache file."""
    folder = Path(folder)
    if cache_dir is None or not folder.is_dir():
        return False
    key = snapcache.fingerprint(folder, _event_files(folder / EVENTS_DIR) + _other_files(folder))
    return snapcache.is_current(cache_dir, folder, key)


def _other_files(folder: Path) -> list[str]:
    """The data files beside the events and the taxonomy that the snapshot holds (the cache's key)."""
    return [str(p) for p in _story_files(folder)] + [str(folder / GLOSSARY_FILE), str(folder / PUBLISHERS_FILE)]


@contextlib.contextmanager
def _gc_paused():
    """Loading allocates hundreds of thousands of objects that all live on; the cyclic garbage
    collector's passes over them find nothing to free and were two thirds of the time of a
    cached 10,000-event load (1.2 s -> 0.4 s without them). Reference counting still frees."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_snapshot(folder: Path | str, cache_dir: Path | None = None) -> Snapshot:
    """Read and validate the whole store; raise StoreError listing every problem. With a
    cache_dir, an unchanged store is read back from the start-up cache (app/snapcache.py)."""
    with _gc_paused():
        return _load_snapshot(Path(folder), cache_dir)


def _load_snapshot(folder: Path, cache_dir: Path | None) -> Snapshot:
    problems: list[Problem] = []
    if not folder.is_dir():
        raise StoreError([Problem(str(folder), 1, 1, "", "data folder does not exist")])
    events_dir = folder / EVENTS_DIR
    paths = _event_files(events_dir)
    key = snapcache.fingerprint(folder, paths + _other_files(folder)) if cache_dir is not None else ""
    cached = snapcache.read(cache_dir, folder, key)
    if cached is not None:
        blob, taxonomy, content_hash, files, text_index, stories, glossary, publishers = cached
        return Snapshot(events=snapcache.decode_events(blob), taxonomy=taxonomy, content_hash=content_hash,
                        loaded_at=dt.datetime.now(dt.timezone.utc), files=MappingProxyType(files),
                        precomputed_text=text_index, stories=stories, glossary=glossary, publishers=publishers)
    snapshot = _validate(folder, [Path(p) for p in paths], problems)
    if cache_dir is not None:
        snapcache.write(cache_dir, folder, key, (snapcache.encode_events(snapshot.events), snapshot.taxonomy,
                                                 snapshot.content_hash, dict(snapshot.files), snapshot.text_index,
                                                 snapshot.stories, snapshot.glossary, snapshot.publishers))
    return snapshot


def _validate(folder: Path, paths: list[Path], problems: list[Problem]) -> Snapshot:
    taxonomy = _load_taxonomy(folder, problems)
    events_dir = folder / EVENTS_DIR
    if not events_dir.is_dir():
        problems.append(Problem(str(events_dir), 1, 1, "", "events folder is missing"))

    digest = hashlib.sha256()
    if (folder / TAXONOMY_FILE).is_file():
        digest.update((folder / TAXONOMY_FILE).read_bytes())
    events: list[Event] = []
    files: dict[str, str] = {}
    located_by_id: dict[str, tuple[yamlfile.Located, str]] = {}
    for path in paths:
        display = str(path)
        rel = path.relative_to(folder).as_posix()
        loaded = _load_file(path, rel, Event, "an event", problems, digest)
        if loaded is None:
            continue
        event, located = loaded
        if event.id in files:
            line, col = located.position(("id",))
            problems.append(Problem(display, line, col, "id", f"duplicate id {event.id!r} (also in {folder / files[event.id]})"))
            continue
        if taxonomy is not None:
            problems.extend(_check_taxonomy_keys(event, taxonomy, located, display))
            if event.date > taxonomy.reviewed_through:
                line, col = located.position(("date",))
                problems.append(Problem(display, line, col, "date", f"date {event.date} is after the sources' review date "
                                        f"{taxonomy.reviewed_through} (taxonomy.yaml reviewed_through)"))
        files[event.id] = rel
        located_by_id[event.id] = (located, display)
        events.append(event)

    for event in events:
        located, display = located_by_id[event.id]
        for i, link in enumerate(event.related):
            if link.id not in files:
                line, col = located.position(("related", i, "id"))
                problems.append(Problem(display, line, col, f"related[{i}].id", f"no event with id {link.id!r}"))

    stories = _load_stories(folder, files, problems, digest)
    glossary_loaded = _load_optional(folder, GLOSSARY_FILE, Glossary, problems, digest)
    glossary = glossary_loaded[0] if glossary_loaded else None
    publishers_loaded = _load_optional(folder, PUBLISHERS_FILE, Publishers, problems, digest, {"glossary": glossary})
    publishers = publishers_loaded[0] if publishers_loaded else None
    if publishers is not None:
        written = publishers.written()
        for event in events:
            located, display = located_by_id[event.id]
            problems.extend(_check_publishers(event.sources, ("sources",), written, located, display))
        if glossary_loaded:
            located = glossary_loaded[1]
            for key, term in glossary.terms.items():
                problems.extend(_check_publishers(term.sources, ("terms", key, "sources"), written, located,
                                                  str(folder / GLOSSARY_FILE)))
    if problems or taxonomy is None:
        raise StoreError(problems)
    events.sort(key=lambda e: (e.date, e.id))
    return Snapshot(
        events=tuple(events),
        taxonomy=taxonomy,
        content_hash=digest.hexdigest()[:20],
        loaded_at=dt.datetime.now(dt.timezone.utc),
        files=MappingProxyType(files),
        stories=tuple(sorted(stories, key=lambda s: s.id)),
        glossary=glossary,
        publishers=publishers,
    )


def _load_file(path: Path, rel: str, model, kind: str, problems: list[Problem], digest):
    """One data file (an event or a story) read, hashed and validated: (object, positions), or None
    with its problems recorded. Its `id` must equal the file's stem."""
    display = str(path)
    digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    try:
        located = yamlfile.load(path, display)
    except yamlfile.YamlFileError as exc:
        problems.append(exc.problem)
        return None
    if not isinstance(located.data, dict):
        problems.append(Problem(display, 1, 1, "", f"{kind} file must be a mapping of fields"))
        return None
    try:
        obj = model.model_validate(located.data)
    except ValidationError as exc:
        problems.extend(_validation_problems(exc, located, display))
        return None
    if obj.id != path.stem:
        line, col = located.position(("id",))
        problems.append(Problem(display, line, col, "id", f"id {obj.id!r} must equal the file name {path.stem!r}"))
        return None
    return obj, located


def _story_files(folder: Path) -> list[Path]:
    stories_dir = folder / STORIES_DIR
    return sorted(stories_dir.glob("*.y*ml")) if stories_dir.is_dir() else []


def _load_stories(folder: Path, event_files: Mapping[str, str], problems: list[Problem], digest) -> list[Story]:
    """Every story file, validated like an event file; each step's event must exist."""
    stories: list[Story] = []
    for path in _story_files(folder):
        display = str(path)
        loaded = _load_file(path, path.relative_to(folder).as_posix(), Story, "a story", problems, digest)
        if loaded is None:
            continue
        story, located = loaded
        for i, step in enumerate(story.steps):
            if step.event not in event_files:
                line, col = located.position(("steps", i, "event"))
                problems.append(Problem(display, line, col, f"steps[{i}].event", f"no event with id {step.event!r}"))
        stories.append(story)
    return stories


class StoreHolder:
    """Holds the current snapshot; reloads swap it in one assignment."""

    def __init__(self, folder: Path | str, snapshot: Snapshot | None = None, cache_dir: Path | None = None):
        self.folder = Path(folder)
        self.cache_dir = cache_dir
        # fail fast at start-up; `timeline serve` passes the snapshot it has just validated
        self.snapshot: Snapshot = snapshot or load_snapshot(self.folder, cache_dir)
        self.last_error: list[str] = []
        self.last_reload: dt.datetime = self.snapshot.loaded_at
        self._lock = threading.Lock()

    def reload(self) -> bool:
        """Try to load the folder again. On success swap the snapshot; on failure keep the
        last good one, record and log the problems. Returns whether it succeeded."""
        with self._lock:
            self.last_reload = dt.datetime.now(dt.timezone.utc)
            try:
                snapshot = load_snapshot(self.folder, self.cache_dir)
            except StoreError as exc:
                self.last_error = [str(p) for p in exc.problems]
                log.error("reload failed, still serving %s: %s", self.snapshot.content_hash,
                          "; ".join(self.last_error[:20]))
                return False
            except OSError as exc:
                self.last_error = [f"{self.folder}: {exc}"]
                log.error("reload failed: %s", exc)
                return False
            self.last_error = []
            if snapshot.content_hash != self.snapshot.content_hash:
                log.info("reloaded: %d events, hash %s", len(snapshot.events), snapshot.content_hash)
                self.snapshot = snapshot
            return True
