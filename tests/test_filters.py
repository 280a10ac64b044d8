"""The filter registry (app/filters.py) is the one list of vocabulary filters: every place that
needs the list takes it from there, so these agree with it by construction; what is checked
here is that the models carry a field for every row, and that each derived place answers for
every row (a new row that a model lacks fails here, not in production)."""

from __future__ import annotations

from app.filters import FACETS, FILTERS, NAMES, vocabularies
from app.models import EventQuery
from app.openapi_doc import constraints
from app.params import FilterParams
from app.query import FACET_FIELDS, facets
from app.staticindex import build_index
from app.store import load_snapshot
from tests.conftest import DATA


def test_every_filter_has_its_fields():
    for name in NAMES:
        assert name in EventQuery.model_fields, name
        assert name in FilterParams.model_fields, name
        assert FilterParams.model_fields[name].description == next(f.description for f in FILTERS if f.name == name)


def test_derived_places_follow_the_registry():
    snap = load_snapshot(DATA)
    assert FACET_FIELDS == FACETS
    assert set(facets(snap, EventQuery())) == set(FACETS)
    cons = constraints(snap.taxonomy)
    for name, values in vocabularies(snap.taxonomy).items():
        assert cons[name]["enum"] == values
        assert set(snap.index[name]) <= set(values), name
    index = build_index(snap, ["actor"])
    assert index["filters"] == list(NAMES) and index["facets"] == list(FACETS)
    assert all(index["vocab"][n] == v for n, v in vocabularies(snap.taxonomy).items())


def test_an_unknown_value_of_every_filter_is_refused():
    import pytest

    from app.errors import ProblemError

    snap = load_snapshot(DATA)
    for name in NAMES:
        with pytest.raises(ProblemError) as err:
            FilterParams.model_validate({name: ["no-such-value"]}).to_query(snap)
        assert err.value.status == 400 and err.value.parameter == name
