"""`timeline report`: the coverage and sourcing figures of the store (issue targets in docs/DATA.md)."""

from __future__ import annotations

import ipaddress
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from app.models import Event, Source
from app.store import Snapshot
from app.terminology import check_events, check_story

OFFICIAL_SUFFIXES = (".gov", ".gov.cn", ".mil", ".europa.eu", ".go.jp", ".gov.tw", ".government.nl",
                     ".overheid.nl", ".officielebekendmakingen.nl", ".rijksoverheid.nl", ".npc.gov.cn",
                     ".mofcom.gov.cn", ".customs.gov.cn", ".govinfo.gov", ".federalregister.gov")


def source_kind(source: Source) -> str:
    """official (a government's own site), reprint (a copy: 'via', mirror), ip (a bare IP host),
    citation (no URL), or press (everything else: news, law firms, analysts)."""
    if not source.url:
        return "citation"
    host = (urlsplit(source.url).hostname or "").lower()
    try:
        ipaddress.ip_address(host)
        return "ip"
    except ValueError:
        pass
    text = f"{source.publisher} {source.note.en if source.note else ''}".lower()
    if source.via or "mirror" in text or "reprint" in text:
        return "reprint"
    if any(host == s.lstrip(".") or host.endswith(s) for s in OFFICIAL_SUFFIXES):
        return "official"
    return "press"


def is_act(event: Event, snapshot: Snapshot) -> bool:
    category = snapshot.taxonomy.categories.get(event.category)
    return event.status == "official" and bool(category and category.act)


@dataclass
class Report:
    lines: list[str]
    undocumented: list[str]
    terminology: list[str]


def build(snapshot: Snapshot, folder: Path) -> Report:
    events = snapshot.events
    lines = [f"events: {len(events)}"]
    sides = list(snapshot.taxonomy.sides)
    by_year: dict[int, Counter] = {}
    for e in events:
        by_year.setdefault(e.date.year, Counter())[snapshot.side_of(e)] += 1
    lines.append("by year and side: (" + ", ".join(sides) + ")")
    for year in sorted(by_year):
        c = by_year[year]
        lines.append(f"  {year}: {sum(c.values()):4d}  " + "  ".join(f"{s} {c[s]}" for s in sides))
    acts = [e for e in events if is_act(e, snapshot)]
    documented = [e for e in acts if e.documents]
    explained = [e for e in acts if not e.documents and e.document_note]
    share = len(documented) / len(acts) if acts else 1.0
    lines.append(f"official acts: {len(acts)}; with a primary document: {len(documented)} ({share:.0%}); "
                 f"no document cited, explained (none exists, or not found): {len(explained)}; "
                 f"neither: {len(acts) - len(documented) - len(explained)}")
    numbers = Counter(e.documents[0].number for e in documented)
    lines.append(f"  main document cited by its number: {numbers['given']}; by issuer, date and subject, "
                 f"as it has no number: {numbers['none']}; its number not found: {numbers['not-found']}")
    kinds = Counter(d.kind for e in events for d in e.documents)
    lines.append("documents by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    sources = Counter(source_kind(s) for e in events for s in e.sources)
    total = sum(sources.values())
    lines.append(f"sources: {total}; " + ", ".join(f"{k} {n} ({n / total:.0%})" for k, n in sources.most_common()))
    names = [n for e in events for s in e.sources for n in (s.publisher, s.via) if n]
    listed = snapshot.publishers.publishers if snapshot.publishers else []
    lines.append(f"publishers and sites named: {len(set(names))}; listed in publishers.yaml: {len(listed)} "
                 f"({sum(1 for p in listed if p.zh)} with a Chinese name); names in sources that have a Chinese "
                 f"name: {sum(1 for n in names if n in snapshot.publisher_zh)} of {len(names)}")
    undocumented = [snapshot.files[e.id] for e in acts if not e.documents and not e.document_note]
    glossary = snapshot.glossary
    terminology = check_events(events, glossary, dict(snapshot.files)) if glossary else ["no glossary.yaml"]
    if glossary:
        terminology += [f"stories/{s.id}.yaml: {field}: {msg}" for s in snapshot.stories for field, msg in check_story(s, glossary)]
    lines.append(f"glossary: {len(glossary.terms) if glossary else 0} terms; terminology problems: "
                 f"{0 if glossary and not terminology else len(terminology)}")
    return Report(lines, undocumented, terminology)
