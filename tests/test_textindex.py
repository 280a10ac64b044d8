"""The full-text index answers exactly what a scan with `in` answers, on any text."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import textindex
from app.store import load_snapshot
from app.textindex import TextIndex, members
from tests.conftest import DATA

# Letters, digits, punctuation, spaces of several kinds, CJK and other wide characters, and
# characters that NFKC turns into a space plus a combining mark.
ALPHABET = "ab1-. \n\t\u00a0\u3000中国芯片镓\u00a8\u0308é\uff21😀"
texts_st = st.lists(st.text(ALPHABET, max_size=40), max_size=25)
terms_st = st.lists(st.text(ALPHABET, min_size=1, max_size=6), min_size=1, max_size=3)


def scan(texts: list[str], terms: list[str]) -> list[int]:
    return [i for i, text in enumerate(texts) if all(term in text for term in terms)]


@settings(max_examples=600, deadline=None)
@given(texts=texts_st, terms=terms_st, max_words=st.sampled_from([1, 3, 1000]))
def test_matching_equals_a_scan(texts, terms, max_words, monkeypatch_module):
    monkeypatch_module.setattr(textindex, "_MAX_WORDS", max_words)  # also exercise the fallback scan
    assert TextIndex(texts).matching(terms) == scan(texts, terms)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@given(st.sets(st.integers(0, 5000)))
def test_members_of_a_bitset(ids):
    assert members(sum(1 << i for i in ids)) == sorted(ids)


def test_dense_and_sparse_postings_and_pickling():
    # "common" is in every text (a bitset); "rare7" in one (an array)
    texts = [f"common word{i} rare{i} 共同" for i in range(200)]
    index = pickle.loads(pickle.dumps(TextIndex(texts)))
    assert index.matching(["common"]) == list(range(200))
    assert index.matching(["rare7"]) == [7, *range(70, 80)]
    assert index.matching(["rare7", "word7"]) == [7, *range(70, 80)]
    assert index.matching(["are19", "共同"]) == [19, *range(190, 200)]
    assert index.matching(["共同 rare"]) == []
    assert index.matching(["nowhere"]) == []


def test_the_real_store_searches_like_a_scan():
    snapshot = load_snapshot(DATA)
    texts = snapshot.text_index.texts
    words = {w for text in texts for w in text.split()[:40]}
    words |= {"h200", "镓", "出口管制", "entity list", "e", "nvidia 英伟达", "2025"}
    for word in sorted(words):
        terms = word.split()
        assert snapshot.text_index.matching(terms) == scan(list(texts), terms), word
