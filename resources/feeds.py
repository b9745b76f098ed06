"""Atom feeds: of what curators publish, of any list or search, and of major changes.

Every list a reader can look at has a feed of the same query: the studies list under any
filters (which is also a topic's studies, a practice's studies, a recommendation's
evidence and the studies matching a search), the recommendations list, a topic, a search
across everything. Entries are the records, newest change first, each saying what
changed in its latest version.

Feed readers render an entry's content as HTML, so it is only ever the sanitised
rendering the pages use (`resources.text.render_markdown`, through the `markdown`
filter), and plain fields escaped by the template (`feeds/entry.html`): never a
curator's text as written.
"""

import re
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode

from resources.filters import RecommendationFilterSet, StudyFilterSet
from resources.models import Intervention, Recommendation, Study, Topic, Version
from resources.models.base import published_through
from resources.search import MAX_QUERY_LENGTH, matching
from resources.views.exports import bad_request, filters_of

FEED_LENGTH = 30
SITE_NAME = "Evidence library for medical educators"


# What XML 1.0 cannot carry; a curator's text or a search may hold it, a feed must not.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text):
    return NOT_XML.sub("", text) if isinstance(text, str) else text


class AtomFeed(Atom1Feed):
    """Atom whose text never holds a character XML cannot carry."""

    def __init__(self, title, link, description, **kwargs):
        super().__init__(xml_text(title), link, xml_text(description), **kwargs)

    def add_item(self, title, link, description, **kwargs):
        super().add_item(xml_text(title), link, xml_text(description), **kwargs)


class BadFeedQuery(Exception):
    """A feed's query string that its list would refuse; answered with a 400."""


def with_latest_versions(records: list) -> list:
    """Attach each record's latest version (`latest_version`) for "what changed": one
    query a kind."""
    by_kind: dict[str, dict[int, object]] = {}
    for record in records:
        record.latest_version = None
        if record.version > 1:
            by_kind.setdefault(record._meta.model_name, {})[record.pk] = record
    if by_kind:
        wanted = Q()
        for kind, found in by_kind.items():
            for pk, record in found.items():
                wanted |= Q(**{f"{kind}_id": pk, "number": record.version})
        for version in Version.objects.filter(wanted).defer("snapshot"):
            for kind, found in by_kind.items():
                if (pk := getattr(version, f"{kind}_id")) in found:
                    found[pk].latest_version = version
    return records


def newest(querysets, length: int = FEED_LENGTH) -> list:
    """The `length` most recently changed records across `querysets`."""
    records = []
    for queryset in querysets:
        records += queryset.order_by("-version_changed_at", "-published_at")[:length]
    records.sort(key=changed_at, reverse=True)
    return with_latest_versions(records[:length])


def changed_at(record):
    return record.version_changed_at or record.published_at or record.updated_at


def _filtered(filterset_class, params, queryset):
    filterset = filterset_class(params, queryset=queryset)
    if not filterset.is_valid():
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in filterset.errors.items()
        )
        raise BadFeedQuery(f"These filters are not valid: {problems}")
    try:
        return filterset.qs
    except ValidationError as error:
        raise BadFeedQuery(f"These filters are not valid: {' '.join(error.messages)}") from None


def _described(params) -> str:
    filters = filters_of(params)
    return ", ".join(f"{key} {value}" for key, value in filters)


class EvidenceFeed(Feed):
    """What every feed shares: Atom, sanitised entries that say what changed, and a 400
    for a query its list would refuse."""

    feed_type = AtomFeed
    description_template = "feeds/entry.html"

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except BadFeedQuery as error:
            return bad_request(str(error))

    def title(self, obj):
        return f"{SITE_NAME}: {obj['title']}"

    def link(self, obj):
        return obj["link"]

    def subtitle(self, obj):
        return obj.get("subtitle", "")

    def items(self, obj):
        return obj["items"]

    def item_title(self, item):
        kind = item._meta.verbose_name.capitalize()
        if getattr(item, "latest_version", None):
            return f"{kind}: {item} (version {item.version})"
        return f"{kind}: {item}"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return changed_at(item)

    def item_guid(self, item):
        return f"{item.get_absolute_url()}#version-{item.version}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind"] = context["obj"]._meta.model_name
        return context


class LatestEvidenceFeed(EvidenceFeed):
    """`/feeds/latest/`: studies, interventions and recommendations as they are published
    or change."""

    def get_object(self, request):
        return {
            "title": "newly published and changed",
            "link": reverse("resources:home"),
            "subtitle": "Studies, interventions and recommendations as curators publish them.",
            "items": newest(
                model.objects.published() for model in (Study, Intervention, Recommendation)
            ),
        }


@dataclass
class Watched:
    """A list a reader follows: what it is called, where it is, and its records."""

    kind: str
    title: str
    link: str
    querysets: list

    def newest(self, length: int = FEED_LENGTH) -> list:
        return newest(self.querysets, length)


def _query_dict(params) -> QueryDict:
    if isinstance(params, QueryDict):
        return params
    query = QueryDict(mutable=True)
    for key, value in params:
        query.appendlist(key, value)
    return query


def _with_query(link: str, params) -> str:
    query = urlencode(filters_of(params))
    return f"{link}?{query}" if query else link


def watched(kind: str, params=()) -> Watched:
    """The list `kind` ("studies", "recommendations", "search" or "topic") under `params`
    (its query string): the one definition feeds and e-mail alerts share. Raises
    BadFeedQuery for a query the list would refuse, Http404 for an unknown topic."""
    params = _query_dict(params)
    described = _described(params)
    if kind == "studies":
        studies = _filtered(StudyFilterSet, params, Study.objects.published())
        return Watched(
            kind,
            f"studies ({described})" if described else "studies",
            _with_query(reverse("resources:study-list"), params),
            [studies.order_by()],
        )
    if kind == "recommendations":
        recommendations = _filtered(
            RecommendationFilterSet, params, Recommendation.objects.published()
        )
        return Watched(
            kind,
            f"recommendations ({described})" if described else "recommendations",
            _with_query(reverse("resources:recommendation-list"), params),
            [recommendations.order_by()],
        )
    if kind == "search":
        q = params.get("q", "").strip()
        if len(q) > MAX_QUERY_LENGTH:
            raise BadFeedQuery(f"Searches are at most {MAX_QUERY_LENGTH} characters.")
        if "\x00" in q:
            raise BadFeedQuery("A search cannot hold a NUL character.")
        found = [
            model.objects.published().filter(
                pk__in=matching(model.objects.published(), q).order_by().values("pk")
            )
            for model in (Study, Intervention, Recommendation, Topic)
        ]
        return Watched(
            kind,
            f"search for “{q}”",
            _with_query(reverse("resources:search"), [("q", q)]),
            found if q else [],
        )
    if kind == "topic":
        topic = get_object_or_404(Topic.objects.published(), slug=params.get("topic", ""))
        return Watched(
            kind,
            f"topic {topic.name}",
            topic.get_absolute_url(),
            [
                Study.objects.published().filter(topics=topic),
                Intervention.objects.published().filter(topics=topic),
                Recommendation.objects.published().filter(topics=topic),
            ],
        )
    raise BadFeedQuery(f"Unknown list {kind!r}.")


class WatchedFeed(EvidenceFeed):
    """The feed of one list, under the request's own query string."""

    kind = ""

    def get_object(self, request, **kwargs):
        params = request.GET.copy()
        if "slug" in kwargs:
            params["topic"] = kwargs["slug"]
        found = watched(self.kind, params)
        return {"title": found.title, "link": found.link, "items": found.newest()}


class StudyListFeed(WatchedFeed):
    """`/studies/feed/?<filters>`: the studies list under the same filters (a practice's
    studies, a recommendation's evidence, a topic's studies, a search of studies)."""

    kind = "studies"


class RecommendationListFeed(WatchedFeed):
    kind = "recommendations"


class TopicFeed(WatchedFeed):
    """`/topics/<slug>/feed/`: the studies, practices and recommendations on a topic."""

    kind = "topic"


class SearchFeed(WatchedFeed):
    """`/search/feed/?q=...`: what matches a search, of every kind, newest change first."""

    kind = "search"


class MajorChangesFeed(EvidenceFeed):
    """`/feeds/changes/`: major changes to ratings, certainties and recommendations, one
    entry per version."""

    description_template = "feeds/version_entry.html"
    link = reverse_lazy("resources:home")

    def get_object(self, request):
        return None

    def title(self, obj):
        return f"{SITE_NAME}: major changes"

    def subtitle(self, obj):
        return "Changed ratings, certainties, strengths and recommendations, as published."

    def items(self, obj):
        versions = (
            Version.objects.major()
            .filter(
                published_through("study")
                | published_through("intervention")
                | published_through("recommendation")
                | published_through("topic")
            )
            .select_related("study", "intervention", "recommendation", "topic")
            .defer("snapshot")
            .order_by("-published_at")
        )
        return list(versions[:FEED_LENGTH])

    def item_title(self, version):
        record = version.record
        return f"{record._meta.verbose_name.capitalize()}: {record} (version {version.number})"

    def item_link(self, version):
        return version_url(version)

    def item_guid(self, version):
        return version_url(version)

    def item_pubdate(self, version):
        return version.published_at

    def item_updateddate(self, version):
        return version.published_at

    def get_context_data(self, **kwargs):
        return super(EvidenceFeed, self).get_context_data(**kwargs)


def version_url(version) -> str:
    record = version.record
    name = f"resources:{record._meta.model_name}-version"
    return reverse(name, kwargs={"slug": record.slug, "number": version.number})


def feed_url(route: str, params=(), **kwargs) -> str:
    """The address of the feed of a list: `route` under the list's own filters."""
    query = urlencode(filters_of(params))
    base = reverse(route, kwargs=kwargs or None)
    return f"{base}?{query}" if query else base


def alert_url(kind: str, params=()) -> str:
    """The sign-up page for e-mail alerts on list `kind` under its filters."""
    query = urlencode([("kind", kind), *filters_of(params)])
    return f"{reverse('resources:alert-signup')}?{query}"
