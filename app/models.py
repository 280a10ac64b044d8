"""Pydantic models: the single definition of an event, the taxonomy and a query.

The JSON Schema for editors (`timeline schema`), the OpenAPI document and the validation
messages all come from these classes; nothing else re-describes the fields.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

ID_PATTERN = r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$"
KEY_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Key = Annotated[str, StringConstraints(pattern=KEY_PATTERN, max_length=60)]
EventId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=120)]

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BAD_URL_CHARS = re.compile(r"[\s\x00-\x1f\x7f]")


def _http_url(value: str) -> str:
    """Accept only absolute http(s) URLs with a host; anything else (javascript:, data:,
    relative paths, embedded whitespace) is rejected at load time."""
    if _BAD_URL_CHARS.search(value):
        raise ValueError("URL must not contain whitespace or control characters")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        raise ValueError("URL must start with http:// or https://")
    if not parts.netloc or not parts.hostname:
        raise ValueError("URL must have a host")
    return value


HttpUrlStr = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_http_url)]


class Strict(BaseModel):
    """Base for data-file models: unknown fields are errors, models are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


LABEL_MAX = {"en": 28, "zh": 14}  # a landmark's label on the chart


class Text(Strict):
    """A text in both languages of the timeline."""

    en: NonEmpty = Field(description="English text")
    zh: NonEmpty = Field(description="Simplified Chinese text (简体中文)")

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


# A publisher is a name (its one name, where timeline_data/publishers.yaml lists it: the store
# checks that). A parenthesis in it may hold another name of the same publisher (an acronym, its
# parent, the firm's named blog, a place: "Baker McKenzie (International Trade Compliance
# Update)", "The Standard (Hong Kong)"), never a
# description, which would show in English on Chinese pages: a reprint's site goes in `via`, what
# the source is or does in its bilingual `note`. Descriptions are written in lower case ("reprint",
# "summary of …", "law blog", "Reuters-based"); names are not, except domains ("govinfo.gov").
_NAME_WORDS = {"and", "of", "the", "for", "on", "in", "by", "de", "du", "des"}


def publisher_description(publisher: str) -> str | None:
    """What in `publisher` is a description, not a name (None when it is a name)."""
    if re.match(r"(?i)(?:reprint|copy|translation|unofficial|summary|text)\b", publisher):
        return f"it starts with a description ({publisher.split()[0]!r})"
    if re.search(r"\w-based\b", publisher):
        return "'…-based' describes the source"
    if m := re.search(r"\b(?:fact sheet|press release|news release|statement|announcement|transcript|summary|"
                      r"article|notice|website|blog post|copy|mirror|archive)\b", publisher):
        return f"{m.group(0)!r} describes the source"
    if re.search(r"\)\s*[,;]", publisher):
        return "text after its parenthesis"
    for inner in re.findall(r"\(([^)]*)\)", publisher):
        for word in re.findall(r"[A-Za-z][\w.'-]*", inner):
            if word[0].islower() and word not in _NAME_WORDS and not re.fullmatch(r"[\w-]+(?:\.[\w-]+)+", word):
                return f"the lower-case {word!r} in ({inner}) describes the source"
    return None


def via_description(via: str) -> str | None:
    """What in `via` is a description, not the name (or domain) of the site read."""
    if re.match(r"(?:the|a|an)\s", via):
        return "it starts with an article"
    if m := re.search(r"\b(?:mirror\w*|reprint\w*|cop(?:y|ies)|compilation|repository|staging|site|page)\b"
                      r"|,\s*(?:a|an|the)\s", via):
        return f"{m.group(0).strip(', ')!r} describes the copy"
    return None


def check_names(publisher: str, via: str | None) -> None:
    """Refuse a publisher or a via that is not a name (Source and GlossarySource)."""
    check_publisher(publisher)
    if via and (described := via_description(via)):
        raise ValueError(f"source via {via!r}: `via` is the name (or the domain) of the site whose copy was "
                         f"read, and {described}; what the copy is goes in the bilingual `note`")


def check_publisher(publisher: str) -> None:
    """Refuse a publisher that is not a name."""
    if re.search(r"\bvia\b|\bciting\b|reprinted by", publisher):
        raise ValueError(f"source {publisher!r}: the site whose copy was read (via, reprinted by) goes "
                         "in `via`, and what the source cites in its `note`, not in publisher")
    if described := publisher_description(publisher):
        raise ValueError(f"source {publisher!r}: a publisher is a name, and {described}; the site whose "
                         "copy was read goes in `via`, what the source is or does in its bilingual `note`")


class Source(Strict):
    """A source the curator actually read: a URL, a formal citation (e.g. '87 FR 62186'), or both."""

    url: HttpUrlStr | None = Field(None, description="http(s) address of the page read")
    citation: NonEmpty | None = Field(None, description="formal citation, e.g. '87 FR 62186'")
    publisher: NonEmpty = Field(description="who published it, e.g. 'Reuters'")
    via: NonEmpty | None = Field(None, description="the site whose copy was read, when it is not the publisher's "
                                                   "own (a reprint or mirror), e.g. 'The Straits Times'")
    title: NonEmpty = Field(description="the source's title")
    title_descriptive: bool = Field(False, description="the title is the curator's description of the source, "
                                                       "not its own headline (the page was read without it)")
    date: dt.date | None = Field(None, description="the source's own date")
    note: Text | None = Field(None, description="what the source is or gives, in both languages, e.g. "
                                                "'mirror of the FR document' / '《联邦公报》文件的镜像'")

    @model_validator(mode="after")
    def _url_or_citation(self) -> "Source":
        if not self.url and not self.citation:
            raise ValueError("a source needs a url or a citation")
        check_names(self.publisher, self.via)
        if re.search(r"\(descriptive title\)", self.title, re.I) or (
                self.note and (re.match(r"descriptive title", self.note.en, re.I) or self.note.zh.startswith("描述性标题"))):
            raise ValueError(f"source {self.title!r}: a descriptive title says so with title_descriptive: true, "
                             "not in its title or note")
        return self


# The forms of a primary document's citation, by kind: the kind names the series, the pattern
# is its formal citation as the issuer writes it. `timeline report` counts official acts with
# a document; docs/DATA.md lists the kinds with examples.
DOCUMENT_KINDS: dict[str, tuple[str, str]] = {
    "federal-register": (r"^\d{2,3} FR \d{1,6}$", "90 FR 47201"),
    "public-law": (r"^Pub\. L\. \d{2,3}-\d{1,3}$", "Pub. L. 117-167"),
    "executive-order": (r"^Executive Order \d{5}$", "Executive Order 14105"),
    "proclamation": (r"^Proclamation \d{4,5}$", "Proclamation 10896"),
    "presidential-memorandum": (r"^Presidential Memorandum of \w+ \d{1,2}, \d{4}$", "Presidential Memorandum of February 21, 2025"),
    # 商务部公告2025年第61号; the Unreliable Entity List working mechanism numbers its own series
    # 不可靠实体清单工作机制公告〔2025〕7号
    "cn-announcement": (r"^\S+公告(\d{4}年第\d{1,3}号|〔\d{4}〕\d{1,3}号)$", "商务部公告2025年第61号"),
    "cn-order": (r"^\S+令(\d{4}年)?第\d{1,3}号$", "商务部令2020年第4号"),
    "cn-tariff-commission": (r"^税委会公告\d{4}年第\d{1,2}号$", "税委会公告2025年第4号"),
    "eu-regulation": (r"^(Commission |Council )?(Delegated |Implementing )?Regulation \(EU\) \d{4}/\d{1,5}$",
                      "Commission Delegated Regulation (EU) 2025/2003"),
    "nl-staatscourant": (r"^Stcrt\. \d{4}, \d{1,6}$", "Stcrt. 2023, 18212"),
    "jp-ordinance": (r"^.+(省令|政令)第\d{1,3}号$", "令和<year>年経済産業省令第<n>号"),
    "official-notice": (r"^.{3,200}$", "BIS 'is-informed' letter"),
}


# Said by fields, not in words (docs/DATA.md, "Primary documents"): how a title was established
# (a document's `note`), and that a citation lacks the number (its `number`).
_PROVENANCE_IN_TITLE = re.compile(r"\((?:descriptive title|title as\b|[^)]*\bas (?:given|carried|quoted)\b)", re.I)
_NUMBER_STATUS_IN_TEXT = re.compile(r"\b(?:unnumbered|not found|not confirmed)\b|无编号|编号未查到|未查到|未找到", re.I)


class Document(Strict):
    """The act's own formal document: its citation in the issuer's series, and where to read it."""

    kind: Literal[tuple(DOCUMENT_KINDS)] = Field(description="the series (see DOCUMENT_KINDS / docs/DATA.md)")  # type: ignore[valid-type]
    citation: NonEmpty = Field(description="the formal citation, e.g. '90 FR 47201', '商务部公告2025年第61号'")
    title: NonEmpty | None = Field(None, description="the document's own title")
    url: HttpUrlStr | None = Field(None, description="where the document itself (or its official record) can be read")
    date: dt.date | None = Field(None, description="its date of publication")
    number: Literal["given", "none", "not-found"] = Field(
        "given", description="whether the citation carries the document's own number: 'given'; 'none' (the "
                             "document has none: a notice posted on a website, a list update, a press release); "
                             "'not-found' (it has one, but the sources read do not give it)")
    note: Text | None = Field(
        None, description="how the citation or title was established, where that is not plain (e.g. a number "
                          "known from a law firm's reading, a title seen only in a reproduction): in both "
                          "languages, shown after the document")
    citation_zh: NonEmpty | None = Field(
        None, description="a citation without the document's number (number 'none' or 'not-found') describes "
                          "the document by issuer, date and subject: this is that description in Chinese, shown "
                          "on Chinese pages; `citation` holds the English. A number is cited alike in both "
                          "languages, so a document with its number has none.")

    @model_validator(mode="after")
    def _citation_has_its_kinds_form(self) -> "Document":
        pattern, example = DOCUMENT_KINDS[self.kind]
        if not re.match(pattern, self.citation):
            raise ValueError(f"citation {self.citation!r} is not of the form of a {self.kind} citation, e.g. {example!r}")
        if self.number != "given" and self.kind != "official-notice":
            raise ValueError(f"a {self.kind} citation is a number: a document cited without one is an official-notice")
        if self.number == "given" and self.citation_zh is not None:
            raise ValueError("citation_zh is for a citation without the document's number (number: none or "
                             "not-found); a number is cited alike in both languages")
        if self.number != "given" and self.citation_zh is None:
            raise ValueError(f"a citation without the document's number (number: {self.number}) is a description: "
                             "give it in Chinese too (citation_zh)")
        if self.title and _PROVENANCE_IN_TITLE.search(self.title):
            raise ValueError(f"title {self.title!r} says how it was established: a title is the document's own, "
                             "and a descriptive one is the citation's job; provenance goes in `note`")
        for text in (self.citation, self.citation_zh or ""):
            if _NUMBER_STATUS_IN_TEXT.search(text):
                raise ValueError(f"citation {text!r} says in words that the number is missing: the `number` field "
                                 "says it (pages show it in their language)")
        return self

    def cited(self, lang: str) -> str:
        """The citation in a page's language."""
        return self.citation_zh if lang == "zh" and self.citation_zh else self.citation


class Change(Strict):
    """A substantive correction of a published event (not a typo or a new source)."""

    date: dt.date = Field(description="when the correction was made")
    text: Text = Field(description="what changed, in both languages")


class Related(Strict):
    """A link from this event to another, e.g. a measure that a government said responds to a rule."""

    id: EventId = Field(description="id of the other event")
    relation: Key = Field(description="a relation key from taxonomy.yaml (responds-to, amends, ...)")


class Event(Strict):
    """One event of the timeline; one YAML file in timeline_data/events/."""

    id: EventId = Field(description="kebab-case, prefixed with the date; equals the file stem")
    date: dt.date = Field(description="date of the announcement or action")
    date_precision: Literal["day", "month", "year"] = Field("day", description="how precise `date` is")
    published_date: dt.date | None = Field(None, description="official publication (e.g. Federal Register) date, if different")
    effective_date: dt.date | None = Field(None, description="date the measure took effect, if different")
    end_date: dt.date | None = Field(None, description="date the measure ended or was suspended")
    date_note: Text | None = Field(None, description="how the dates were chosen where sources differ")
    title: Text
    summary: Text = Field(description="what happened, neutral, in the curator's words")
    context: Text | None = Field(None, description="why it matters / what it answered, neutral")
    actors: Annotated[list[Key], Field(min_length=1, max_length=10)] = Field(description="actor keys; the first is the primary actor")
    category: Key = Field(description="a category key from taxonomy.yaml")
    technologies: Annotated[list[Key], Field(max_length=20)] = Field(default_factory=list)
    entities: Annotated[list[NonEmpty], Field(max_length=100)] = Field(default_factory=list, description="companies, products and measures named")
    significance: Annotated[int, Field(ge=1, le=3)] = Field(description="1 minor, 2 notable, 3 landmark")
    label: Text | None = Field(None, description="a landmark event's short name on the chart: at most "
                                                 f"{LABEL_MAX['en']} characters in English, {LABEL_MAX['zh']} in Chinese")
    status: Literal["official", "reported"] = Field(description="official act, or known from press reports only")
    documents: Annotated[list[Document], Field(max_length=20)] = Field(
        default_factory=list, description="the act's own primary document(s), first the main one")
    document_note: Text | None = Field(None, description="for an act whose own document is not cited: why (none "
                                                         "exists: what its sources are, e.g. a post, a briefing; "
                                                         "or it was not found in the sources read)")
    sources: Annotated[list[Source], Field(min_length=1, max_length=30)]
    related: Annotated[list[Related], Field(max_length=50)] = Field(default_factory=list)
    added: dt.date = Field(description="when the event was added to the timeline")
    updated: dt.date = Field(description="when the event was last changed (any edit of its content)")
    changes: Annotated[list[Change], Field(max_length=100)] = Field(
        default_factory=list, description="substantive corrections, oldest first")

    @field_validator("date")
    @classmethod
    def _date_matches_id(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        event_id = info.data.get("id")
        if event_id and not event_id.startswith(value.isoformat()):
            raise ValueError(f"date {value.isoformat()} does not match the id's date prefix {event_id[:10]}")
        return value

    @field_validator("end_date")
    @classmethod
    def _end_after_start(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("date")
        if value and start and value < start:
            raise ValueError(f"end_date {value.isoformat()} is before date {start.isoformat()}")
        return value

    @field_validator("related")
    @classmethod
    def _related_sane(cls, value: list[Related], info: ValidationInfo) -> list[Related]:
        if len({(r.id, r.relation) for r in value}) != len(value):
            raise ValueError("the same link is listed twice")
        if any(r.id == info.data.get("id") for r in value):
            raise ValueError("an event cannot be related to itself")
        return value

    @model_validator(mode="after")
    def _label_short(self) -> "Event":
        if self.label is not None:
            for lang, limit in LABEL_MAX.items():
                if len(self.label.get(lang)) > limit:
                    raise ValueError(f"label.{lang} has {len(self.label.get(lang))} characters; at most {limit}")
        return self

    @model_validator(mode="after")
    def _change_dates_ordered(self) -> "Event":
        if self.updated < self.added:
            raise ValueError(f"updated {self.updated.isoformat()} is before added {self.added.isoformat()}")
        for change in self.changes:
            if not self.added <= change.date <= self.updated:
                raise ValueError(f"change dated {change.date.isoformat()} is outside added..updated "
                                 f"({self.added.isoformat()}..{self.updated.isoformat()})")
        if [c.date for c in self.changes] != sorted(c.date for c in self.changes):
            raise ValueError("changes must be listed oldest first")
        return self

    @property
    def primary_actor(self) -> str:
        return self.actors[0]


# --- taxonomy ---------------------------------------------------------------------------

Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]


class Side(Strict):
    label: Text
    colour: Colour


class Actor(Strict):
    label: Text
    side: Key


class Category(Strict):
    label: Text
    colour: Colour
    act: bool = Field(False, description="an official act of this category has a formal document of its own "
                                         "(a rule, listing, tariff action, law, order, announcement): "
                                         "`timeline report` counts those that cite it")
    measure: bool = Field(False, description="an official act of this category is a measure that can be in force "
                                             "on a date (as_of; app/inforce.py)")


class Technology(Strict):
    label: Text


class Relation(Strict):
    label: Text
    inverse: Text


class Taxonomy(Strict):
    """The controlled vocabularies (timeline_data/taxonomy.yaml), and the store's currency."""

    reviewed_through: dt.date = Field(description="the date through which sources were reviewed: a date after it "
                                                  "in an event (an end or effective date) was only scheduled")
    sides: dict[Key, Side]
    actors: dict[Key, Actor]
    categories: dict[Key, Category]
    technologies: dict[Key, Technology]
    relations: dict[Key, Relation]

    @model_validator(mode="after")
    def _actor_sides_known(self) -> "Taxonomy":
        for key, actor in self.actors.items():
            if actor.side not in self.sides:
                raise ValueError(f"actor {key!r} has unknown side {actor.side!r}")
        return self


# --- queries ----------------------------------------------------------------------------

Sort = Literal["date", "-date"]


class EventQuery(BaseModel):
    """The filters shared by the API, the explorer, the embed and every export.

    Repeated values of one filter are ORed; different filters are ANDed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    date_from: dt.date | None = Field(None, description="first date, inclusive")
    date_to: dt.date | None = Field(None, description="last date, inclusive")
    actor: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    technology: tuple[str, ...] = ()
    side: tuple[str, ...] = ()
    entity: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    q: str | None = None
    significance: int | None = Field(None, ge=1, le=3)
    updated_since: dt.date | None = Field(None, description="only events added or changed on or after this date")
    as_of: dt.date | None = Field(None, description="only measures in effect on this day, in the states `state` names")
    state: tuple[str, ...] = ()
    sort: Sort = "date"

    def filter_items(self) -> list[tuple[str, str]]:
        """The query as URL parameters, in the fields' order (stable), for links that keep the
        view: a list field repeats its parameter, a default (none, or `sort=date`) is left out."""
        items: list[tuple[str, str]] = []
        for name, info in type(self).model_fields.items():
            value = getattr(self, name)
            if value is None or value == () or value == info.default:
                continue
            param = URL_NAMES.get(name, name)
            values = value if isinstance(value, tuple) else (value,)
            items.extend((param, v.isoformat() if isinstance(v, dt.date) else str(v)) for v in values)
        return items


URL_NAMES = {"date_from": "from", "date_to": "to"}  # EventQuery fields whose URL parameter differs


# --- glossary ---------------------------------------------------------------------------


class TermNames(Strict):
    """A term's canonical name in one language, and the forms event text must not use."""

    name: NonEmpty = Field(description="the canonical name, e.g. 'Entity List' / '实体清单'")
    variants: Annotated[list[NonEmpty], Field(max_length=30)] = Field(
        default_factory=list, description="other names of the same thing that event text must not use")


class GlossarySource(Strict):
    url: HttpUrlStr | None = None
    citation: NonEmpty | None = None
    publisher: NonEmpty
    via: NonEmpty | None = Field(None, description="the site whose copy was read (as in an event's sources)")
    title: NonEmpty
    note: Text | None = Field(None, description="what the source is or gives, in both languages (as in an event's sources)")

    @model_validator(mode="after")
    def _publisher(self) -> "GlossarySource":
        check_names(self.publisher, self.via)
        return self


class Term(Strict):
    """One entry of timeline_data/glossary.yaml: one thing, one name per language."""

    en: TermNames
    zh: TermNames
    abbr: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9 .:&/-]{0,19}$")] | None = Field(
        None, description="acronym used in both languages (EAR, FDPR, ECCN 3A090); in Chinese text it must "
                          "follow the Chinese name on its first use")
    definition: Text = Field(description="short, neutral definition")
    sources: Annotated[list[GlossarySource], Field(min_length=1, max_length=5)]
    see_also: Annotated[list[Key], Field(max_length=10)] = Field(default_factory=list)


class Glossary(Strict):
    terms: dict[Key, Term]

    @model_validator(mode="after")
    def _see_also_exists(self) -> "Glossary":
        missing = sorted({k for term in self.terms.values() for k in term.see_also} - set(self.terms))
        if missing:
            raise ValueError(f"see_also names no term: {', '.join(missing)}")
        return self


# --- publishers -------------------------------------------------------------------------


class PublisherName(Strict):
    """One publisher or site of timeline_data/publishers.yaml: the one name sources write it by,
    its name on Chinese pages, and the other names sources must not use. A publisher that is a
    glossary term (MOFCOM, the Federal Register) takes the term's names."""

    term: Key | None = Field(None, description="the glossary term whose names are this publisher's (then no en or zh)")
    en: NonEmpty | None = Field(None, description="the name written in sources' publisher and via, and shown on "
                                                  "English pages")
    zh: NonEmpty | None = Field(None, description="its name on Chinese pages, where it has one in use (else the "
                                                  "English name shows)")
    variants: Annotated[list[NonEmpty], Field(max_length=20)] = Field(
        default_factory=list, description="other names of the same publisher, refused in publisher and via")

    @field_validator("term")
    @classmethod
    def _term_exists(cls, term: str | None, info: ValidationInfo) -> str | None:
        glossary = (info.context or {}).get("glossary")
        if term is not None and (glossary is None or term not in glossary.terms):
            raise ValueError(f"no glossary term {term!r} (timeline_data/glossary.yaml)")
        return term

    @model_validator(mode="after")
    def _names(self, info: ValidationInfo) -> "PublisherName":
        if self.term is None:
            if self.en is None:
                raise ValueError("a publisher needs its English name (en), or the glossary term it is (term)")
            return self
        if self.en is not None or self.zh is not None:
            raise ValueError(f"a publisher that is the glossary term {self.term!r} takes its names from the "
                             "glossary: no en or zh")
        names = info.context["glossary"].terms[self.term]
        object.__setattr__(self, "en", names.en.name)
        object.__setattr__(self, "zh", names.zh.name)
        return self


class Publishers(Strict):
    """timeline_data/publishers.yaml: one name per publisher, in each language. Validate it with
    context={"glossary": the glossary}, which names the publishers that are terms."""

    publishers: list[PublisherName]

    @model_validator(mode="after")
    def _one_name_each(self) -> "Publishers":
        seen: dict[str, str] = {}
        for entry in self.publishers:
            for name in (entry.en, *entry.variants):
                if name in seen:
                    raise ValueError(f"{name!r} is listed twice (for {seen[name]!r} and {entry.en!r})")
                seen[name] = entry.en
        return self

    def written(self) -> dict[str, str]:
        """Each name a source must not write -> the name it writes instead: the variants, and
        the Chinese names of publishers whose written name is another."""
        out = {v: e.en for e in self.publishers for v in e.variants}
        out.update({e.zh: e.en for e in self.publishers if e.zh and e.zh != e.en and e.zh not in out})
        return out

    def zh_names(self) -> dict[str, str]:
        """written name -> its name on Chinese pages"""
        return {e.en: e.zh for e in self.publishers if e.zh}


# --- stories ----------------------------------------------------------------------------


class Zoom(Strict):
    start: dt.date = Field(alias="from", description="first day shown")
    end: dt.date = Field(alias="to", description="last day shown")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _ordered(self) -> "Zoom":
        if self.end <= self.start:
            raise ValueError(f"zoom 'to' {self.end} is not after 'from' {self.start}")
        return self


class StoryStep(Strict):
    """One step of a story: an event of the store and what the reader should see in it."""

    event: EventId = Field(description="id of an event of the store")
    narrative: Text = Field(description="a short narrative, saying nothing the event's sources do not")
    zoom: Zoom | None = Field(None, description="date range the chart shows at this step (default: a year around the event)")
    links: Literal["thread", "all", "none"] = Field("thread", description="which action-reaction links to draw: "
                                                                          "this event's thread, all, or none")


class Story(Strict):
    """A guided narrative through the timeline (timeline_data/stories/<id>.yaml)."""

    id: Key = Field(description="equals the file stem")
    title: Text
    introduction: Text
    closing: Text
    steps: Annotated[list[StoryStep], Field(min_length=6, max_length=40)]

    @field_validator("steps")
    @classmethod
    def _distinct(cls, steps: list[StoryStep]) -> list[StoryStep]:
        ids = [s.event for s in steps]
        if len(set(ids)) != len(ids):
            raise ValueError("an event appears twice in the story")
        return steps
