"""The snapshot cache's fast encoding (app/snapcache.py) gives back the events it was given."""

from app.models import Text
from app.snapcache import decode_events, encode_events
from app.store import load_snapshot
from tests.conftest import DATA


def test_encoded_events_decode_to_equal_models_with_their_texts_rebuilt():
    events = load_snapshot(DATA).events
    back = decode_events(encode_events(events))
    assert back == events
    notes = [s.note for e in back for s in e.sources if s.note] + [d.note for e in back for d in e.documents if d.note]
    assert notes and all(isinstance(n, Text) for n in notes)
    # and they serialise like the validated models, without pydantic's serializer warnings
    assert [e.model_dump(mode="json", warnings="error") for e in back] == [e.model_dump(mode="json") for e in events]


def test_the_cache_is_current_exactly_while_no_data_file_changed(tmp_path):
    """`timeline serve --workers 2` skips validation when the cache holds the store as it is on
    disk: the check keys on the same files as the load (events, taxonomy, stories, glossary,
    publishers), so it matches after a load and not after any of them changed."""
    import os
    import shutil

    from app.store import cache_is_current
    data, cache = tmp_path / "data", tmp_path / "cache"
    shutil.copytree(DATA, data)
    assert not cache_is_current(data, cache)
    snap = load_snapshot(data, cache)
    assert cache_is_current(data, cache)
    assert load_snapshot(data, cache).publisher_zh == snap.publisher_zh and snap.publisher_zh["Reuters"] == "路透社"
    for name in ("publishers.yaml", "glossary.yaml", "stories/huawei.yaml", "taxonomy.yaml"):
        path = data / name
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert not cache_is_current(data, cache), name
        load_snapshot(data, cache)
        assert cache_is_current(data, cache), name
