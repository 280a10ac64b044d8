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
