"""Atom feeds of every list and search, and of major changes: valid, sanitised, same query."""

import xml.etree.ElementTree as ET

import feedparser
import pytest

from resources import workflow
from resources.models import Certainty, EditorialStatus
from resources.text import render_markdown
from tests.factories import (
    InterventionFactory,
    InterventionStudyFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
    StudyFactory,
    TopicFactory,
)
from tests.test_markdown_sanitising import PAYLOADS, Audit

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def parsed(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def titles(feed) -> list[str]:
    return sorted(entry.title for entry in feed.entries)


def test_the_studies_feed_holds_the_same_query_as_the_list(visitor):
    topic = TopicFactory(slug="mentorship")
    inside = StudyFactory(title="Inside the topic")
    inside.topics.add(topic)
    StudyFactory(title="Outside the topic")
    StudyFactory(title="A draft", status=EditorialStatus.DRAFT).topics.add(topic)

    feed = parsed(visitor.get("/studies/feed/?topic=mentorship"))
    assert titles(feed) == ["Study: Inside the topic (2023)"]
    assert "topic mentorship" in feed.feed.title
    assert len(parsed(visitor.get("/studies/feed/")).entries) == 2


def test_a_practice_a_topic_the_recommendations_and_a_search_each_have_a_feed(visitor):
    link = InterventionStudyFactory(study=StudyFactory(title="Reverse mentoring in practice"))
    topic = TopicFactory(slug="identity", name="Collective identity")
    link.intervention.topics.add(topic)
    RecommendationFactory(title="Offer reverse mentoring", certainty=Certainty.LOW)

    practice = parsed(visitor.get(f"/studies/feed/?intervention={link.intervention.slug}"))
    assert titles(practice) == ["Study: Reverse mentoring in practice (2023)"]
    assert titles(parsed(visitor.get("/topics/identity/feed/"))) == [
        f"Intervention: {link.intervention.name}"
    ]
    assert titles(parsed(visitor.get("/recommendations/feed/?certainty=low"))) == [
        "Recommendation: Offer reverse mentoring"
    ]
    assert titles(parsed(visitor.get("/recommendations/feed/?certainty=high"))) == []
    parsed(visitor.get("/search/feed/?q=mentoring"))
    parsed(visitor.get("/feeds/latest/"))
    assert visitor.get("/topics/no-such-topic/feed/").status_code == 404


def test_a_bad_filter_is_a_400_not_a_500(visitor):
    response = visitor.get("/studies/feed/?year_min=abc")
    assert response.status_code == 400
    assert visitor.get("/search/feed/?q=" + "x" * 1000).status_code == 400


def test_lists_offer_a_subscribe_link_to_their_own_query(visitor):
    topic = TopicFactory(slug="mentorship")
    StudyFactory().topics.add(topic)
    page = visitor.get("/studies/?topic=mentorship")
    assert b'href="/studies/feed/?topic=mentorship"' in page.content
    assert b"Subscribe" in page.content
    assert b'href="/topics/mentorship/feed/"' in visitor.get("/topics/mentorship/").content
    assert b'href="/search/feed/?q=mentor"' in visitor.get("/search/?q=mentor").content
    assert b"/recommendations/feed/" in visitor.get("/recommendations/").content


def test_a_major_change_is_in_the_changes_feed_and_its_entry_says_what_changed(visitor, editor):
    recommendation = RecommendationFactory(
        title="Offer reverse mentoring",
        slug="offer-reverse-mentoring",
        status=EditorialStatus.IN_REVIEW,
        published_at=None,
        certainty=Certainty.LOW,
    )
    RecommendationEvidenceFactory(recommendation=recommendation)
    workflow.transition(recommendation, EditorialStatus.PUBLISHED, editor)
    workflow.transition(recommendation, EditorialStatus.DRAFT, editor)
    recommendation.certainty = Certainty.VERY_LOW
    recommendation.save()
    workflow.transition(
        recommendation, EditorialStatus.PUBLISHED, editor, change_note="Re-appraised."
    )

    changes = parsed(visitor.get("/feeds/changes/"))
    [entry] = changes.entries
    assert entry.title == "Recommendation: Offer reverse mentoring (version 2)"
    assert entry.link.endswith("/recommendations/offer-reverse-mentoring/versions/2/")
    assert "Certainty of evidence: Low → Very low" in entry.summary
    assert "Re-appraised." in entry.summary

    latest = parsed(visitor.get("/recommendations/feed/"))
    assert "Re-appraised." in latest.entries[0].summary
    assert latest.entries[0].title.endswith("(version 2)")


def entry_html(response) -> list[str]:
    root = ET.fromstring(response.content)
    return [summary.text or "" for summary in root.iter(f"{ATOM}summary")]


@pytest.mark.parametrize("payload", [*PAYLOADS, "&lt;img src=x onerror=alert(1)&gt;"])
def test_feeds_carry_only_the_sanitised_rendering_of_curator_text(visitor, payload):
    study = StudyFactory(key_findings=payload, title=payload)
    InterventionFactory(summary=payload)
    topic = TopicFactory(slug="t", description=payload)
    study.topics.add(topic)

    for address in ("/feeds/latest/", "/studies/feed/", "/topics/t/feed/"):
        response = visitor.get(address)
        parsed(response)
        for html in entry_html(response):
            audit = Audit(html)
            assert audit.problems == [], address
            assert not audit.active, address
            assert "onerror" not in html or "&lt;" in html or "<img" not in html
        assert str(render_markdown(payload)) in "".join(entry_html(response))
