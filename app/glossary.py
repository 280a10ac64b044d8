"""The glossary in use: which events use each term, and term links in rendered event text.

Event text stays plain in the YAML; at render time the first occurrence of each term on a
page becomes a button that opens its definition in a native popover (keyboard, touch and Esc
work without script), with a link to the term on /glossary. Matching is on the canonical
names: the English name or acronym in English text, the Chinese name or acronym in Chinese."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from app.models import Glossary, Term
from app.store import Snapshot


def _names(term: Term, lang: str) -> list[str]:
    names = [getattr(term, lang).name]
    if term.abbr:
        names.append(term.abbr)
    return [n for n in names if len(n) >= 2]


_PATTERNS: dict[tuple[int, str], tuple[Glossary, re.Pattern | None, dict[str, str]]] = {}
_USED: dict[str, dict[str, list[str]]] = {}


def _pattern(glossary: Glossary, lang: str) -> tuple[re.Pattern | None, dict[str, str]]:
    """One alternation of every name, longest first; Latin names only as whole words. Built
    once per glossary object (a snapshot's) and language."""
    found = _PATTERNS.get((id(glossary), lang))
    if found is not None and found[0] is glossary:
        return found[1], found[2]
    if len(_PATTERNS) > 16:
        _PATTERNS.clear()
    pattern, owner = _build_pattern(glossary, lang)
    _PATTERNS[(id(glossary), lang)] = (glossary, pattern, owner)
    return pattern, owner


def _build_pattern(glossary: Glossary, lang: str) -> tuple[re.Pattern | None, dict[str, str]]:
    owner: dict[str, str] = {}
    for key, term in glossary.terms.items():
        for name in _names(term, lang):
            owner.setdefault(name, key)
    if not owner:
        return None, owner
    parts = []
    for name in sorted(owner, key=len, reverse=True):
        word = re.escape(name)
        parts.append(rf"(?<![A-Za-z0-9]){word}(?![A-Za-z0-9])" if re.match(r"[A-Za-z0-9]", name) else word)
    return re.compile("|".join(parts)), owner


def terms_used(snapshot: Snapshot) -> dict[str, list[str]]:
    """term key -> ids of the events whose text (either language) uses it (once per snapshot)."""
    found = _USED.get(snapshot.content_hash)
    if found is None:
        if len(_USED) > 4:
            _USED.clear()
        found = _USED[snapshot.content_hash] = _terms_used(snapshot)
    return found


def _terms_used(snapshot: Snapshot) -> dict[str, list[str]]:
    used: dict[str, list[str]] = {key: [] for key in (snapshot.glossary.terms if snapshot.glossary else {})}
    if not snapshot.glossary:
        return used
    for lang in ("en", "zh"):
        pattern, owner = _pattern(snapshot.glossary, lang)
        if pattern is None:
            continue
        for event in snapshot.events:
            text = "\n".join(x for x in (event.title.get(lang), event.summary.get(lang),
                                         event.context.get(lang) if event.context else "") if x)
            for key in {owner[m.group(0)] for m in pattern.finditer(text)}:
                if event.id not in used[key]:
                    used[key].append(event.id)
    order = {e.id: i for i, e in enumerate(snapshot.events)}
    return {key: sorted(ids, key=order.__getitem__) for key, ids in used.items()}


class TermLinker:
    """Links the first occurrence of each term in the texts of one page."""

    def __init__(self, glossary: Glossary | None, lang: str, glossary_url: str, scope: str):
        self.glossary, self.lang, self.url, self.scope = glossary, lang, glossary_url, scope
        self.seen: set[str] = set()

    def __call__(self, text: str) -> Markup:
        if not self.glossary or not text:
            return escape(text)
        pattern, owner = _pattern(self.glossary, self.lang)
        if pattern is None:
            return escape(text)
        out, last = [], 0
        for m in pattern.finditer(text):
            key = owner[m.group(0)]
            if key in self.seen:
                continue
            self.seen.add(key)
            out.append(escape(text[last:m.start()]))
            out.append(self._link(key, m.group(0)))
            last = m.end()
        out.append(escape(text[last:]))
        return Markup("").join(out)

    def _link(self, key: str, shown: str) -> Markup:
        term = self.glossary.terms[key]
        pid = f"term-{self.scope}-{key}"
        name = getattr(term, self.lang).name
        more = "词汇表" if self.lang == "zh" else "Glossary"
        return Markup(
            '<button type="button" class="term" popovertarget="{pid}" aria-describedby="{pid}">{shown}</button>'
            '<span popover id="{pid}" class="term-def" role="note"><dfn>{name}</dfn>{abbr}: {definition} '
            '<a href="{url}#t-{key}">{more}</a></span>'
        ).format(pid=pid, shown=shown, name=name, abbr=f" ({term.abbr})" if term.abbr else "",
                 definition=term.definition.get(self.lang), url=self.url, key=key, more=more)
