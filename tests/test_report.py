"""`timeline report`: the reference data set's figures, and the targets they must meet."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

from app import report
from app.models import Source
from app.store import load_snapshot
from tests.conftest import DATA, ROOT


def test_report_prints_the_figures():
    out = subprocess.run([sys.executable, "-m", "app.cli", "report"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    for line in ("events:", "by year and side", "official acts:", "sources:", "glossary:"):
        assert line in out.stdout


def test_source_kinds():
    kind = lambda **kw: report.source_kind(Source(publisher=kw.pop("publisher", "X"), title="t", **kw))  # noqa: E731
    assert kind(url="http://10.1.2.3/a") == "ip"
    assert kind(url="https://www.federalregister.gov/d/1") == "official"
    assert kind(url="https://english.mofcom.gov.cn/x") == "official"
    assert kind(url="https://example.com/x", publisher="Reuters (via Yahoo)") == "reprint"
    assert kind(url="https://www.reuters.com/x") == "press"
    assert kind(citation="87 FR 62186") == "citation"


def test_the_real_store_meets_the_coverage_and_sourcing_targets():
    snap = load_snapshot(DATA)
    result = report.build(snap, DATA)
    assert len(snap.events) >= 180
    years = Counter(e.date.year for e in snap.events)
    assert all(years[y] >= 12 for y in range(2018, 2027)), years
    sides = {(e.date.year, snap.side_of(e)) for e in snap.events}
    assert all((y, s) in sides for y in range(2018, 2027) for s in ("us", "china")), "both sides in every year"
    acts = [e for e in snap.events if report.is_act(e, snap)]
    documented = [e for e in acts if e.documents]
    assert len(documented) >= 0.9 * len(acts), f"{len(documented)}/{len(acts)} acts cite their own document"
    # Most are cited by their number; the rest are named by issuer, date and subject and say whether they have
    # no number or it was not found (docs/DATA.md), and the report says how many.
    assert sum(e.documents[0].number == "given" for e in documented) >= 0.75 * len(acts)
    assert "its number not found:" in "\n".join(result.lines)
    assert not [e.id for e in acts if not e.documents and not e.document_note], "an act without document says why"
    assert not [s.url for e in snap.events for s in e.sources if report.source_kind(s) == "ip"]
    assert result.terminology == []


def test_a_document_without_its_number_is_an_official_notice():
    import pydantic
    import pytest

    from app.models import Document
    assert Document(kind="official-notice", citation="BIS rule of November 26, 2021 (citation not found)",
                    number="not-found").number == "not-found"
    assert Document(kind="federal-register", citation="90 FR 47201").number == "given"
    with pytest.raises(pydantic.ValidationError, match="official-notice"):
        Document(kind="federal-register", citation="90 FR 47201", number="not-found")
    with pytest.raises(pydantic.ValidationError):
        Document(kind="official-notice", citation="a notice", number="unknown")
