"""One terminology: event text checked against timeline_data/glossary.yaml.

Three rules (docs/DATA.md, "Chinese"):
1. A variant listed for a term (a name not to use) does not occur in event text. Occurrences
   of a canonical name are masked first, so a variant that is part of a canonical name
   (《芯片与科学法》 inside 《芯片与科学法案》) is not flagged inside it.
2. Chinese text uses Chinese quotation marks (“” ‘’), never ASCII " or '.
3. An acronym of the glossary in Chinese text is introduced by its Chinese name: the
   Chinese name occurs in the event's Chinese text (title, documents, summary, context, date
   note, sources' notes, changes, in that reading order) before, or right at, the acronym's
   first occurrence.

`check_events` returns one line per problem, `path: field: message`; the suite fails on any.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from app.models import Event, Glossary, Story

_ASCII_QUOTES = re.compile(r"[\"']")


def load_glossary(folder: Path) -> Glossary | None:
    """The glossary as the store validates it (app/store.py), or None without one."""
    from app.store import load_snapshot

    return load_snapshot(folder).glossary


def texts(event: Event, lang: str) -> Iterator[tuple[str, str]]:
    """(field, text) of an event in reading order, for one language."""
    yield "title", event.title.get(lang)
    # the primary document comes right after the title on every page (templates/_detail.html)
    for i, doc in enumerate(event.documents):
        if lang == "zh" and doc.citation_zh:
            yield f"documents[{i}].citation_zh", doc.citation_zh
        if doc.note:
            yield f"documents[{i}].note", doc.note.get(lang)
    if not event.documents and event.document_note:
        yield "document_note", event.document_note.get(lang)
    yield "summary", event.summary.get(lang)
    if event.context:
        yield "context", event.context.get(lang)
    if event.date_note:
        yield "date_note", event.date_note.get(lang)
    # the sources' notes come after the summary and context on every page
    for i, source in enumerate(event.sources):
        if source.note:
            yield f"sources[{i}].note", source.note.get(lang)
    for i, change in enumerate(event.changes):
        yield f"changes[{i}].text", change.text.get(lang)


def _mask(text: str, names: Iterable[str]) -> str:
    for name in sorted(set(names), key=len, reverse=True):
        text = text.replace(name, "\0" * len(name))
    return text


def _acronym_at(text: str, abbr: str) -> int:
    """First position of an acronym as a word of its own (not inside a longer Latin word)."""
    m = re.search(rf"(?<![A-Za-z0-9]){re.escape(abbr)}(?![A-Za-z0-9])", text)
    return -1 if m is None else m.start()


def story_texts(story: Story, lang: str) -> Iterator[tuple[str, str]]:
    """(field, text) of a story in reading order, for one language."""
    yield "title", story.title.get(lang)
    yield "introduction", story.introduction.get(lang)
    for i, step in enumerate(story.steps):
        yield f"steps[{i}].narrative", step.narrative.get(lang)
    yield "closing", story.closing.get(lang)


def check_story(story: Story, glossary: Glossary) -> list[tuple[str, str]]:
    return _check(lambda lang: story_texts(story, lang), glossary)


def check_event(event: Event, glossary: Glossary) -> list[tuple[str, str]]:
    return _check(lambda lang: texts(event, lang), glossary)


def _check(texts_of, glossary: Glossary) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    canon = {lang: [getattr(t, lang).name for t in glossary.terms.values()] for lang in ("en", "zh")}
    for lang in ("en", "zh"):
        for field, text in texts_of(lang):
            masked = _mask(text, canon[lang])
            for key, term in glossary.terms.items():
                for variant in getattr(term, lang).variants:
                    if variant in masked:
                        problems.append((f"{field}.{lang}", f"{variant!r} is a variant of {key!r}: write "
                                                            f"{getattr(term, lang).name!r}"))
            if lang == "zh":
                m = _ASCII_QUOTES.search(text)
                if m:
                    problems.append((_zh(field), f"ASCII quotation mark {m.group()!r} in Chinese text: use “” or ‘’"))
    zh_fields = list(texts_of("zh"))
    joined = "\n".join(t for _, t in zh_fields)
    for key, term in glossary.terms.items():
        if not term.abbr:
            continue
        at = _acronym_at(joined, term.abbr)
        if at < 0:
            continue
        name_at = joined.find(term.zh.name)
        if name_at < 0 or name_at > at:
            field = _field_at(zh_fields, at)
            problems.append((_zh(field), f"acronym {term.abbr!r} before its Chinese name {term.zh.name!r} "
                                            f"(write e.g. “{term.zh.name}（{term.abbr}）” on first use)"))
    return problems


def _field_at(fields: list[tuple[str, str]], at: int) -> str:
    pos = 0
    for name, text in fields:
        if at < pos + len(text) + 1:
            return name
        pos += len(text) + 1
    return fields[-1][0]


def check_events(events: Iterable[Event], glossary: Glossary, files: dict[str, str] | None = None) -> list[str]:
    out = []
    for event in events:
        where = (files or {}).get(event.id, event.id)
        out += [f"{where}: {field}: {message}" for field, message in check_event(event, glossary)]
    return out


def _zh(field: str) -> str:
    """The Chinese side of a field: `summary.zh`; a field that is Chinese only keeps its name."""
    return field if field.endswith("_zh") else f"{field}.zh"
