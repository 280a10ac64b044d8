"""The prepared-response cache: bounded by count and bytes, each key built once."""

from __future__ import annotations


def test_prepared_cache_is_bounded_by_bytes():
    from app.httpcache import PreparedCache, prepare

    cache = PreparedCache(size=1000, max_bytes=100_000)
    for i in range(50):
        cache.put(("k", i), prepare(b"x" * 10_000, "text/plain"))
    assert cache.get(("k", 49)) is not None and cache.get(("k", 0)) is None
    assert cache._bytes <= 100_000
    built = []
    cache.get_or_build(("b",), lambda: built.append(1) or prepare(b"y", "text/plain"))
    cache.get_or_build(("b",), lambda: built.append(1) or prepare(b"y", "text/plain"))
    assert built == [1]
