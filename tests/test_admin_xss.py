"""Stored XSS typed into the admin's own forms comes out inert everywhere it is shown.

An editor (whose saves go live) enters each payload through the change forms of a study,
with its author, outcome and finding, an intervention with its study link, a
recommendation with its evidence, and a topic. Every public page that shows them is read
with the HTML audit of tests/test_markdown_sanitising.py (no active element beyond the
page's own, no event handler, no script link); the feeds' entries are audited as the HTML
a feed reader renders; the exports are reference files, never HTML.
"""

import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from resources.models import Intervention, Recommendation, Study, Topic
from tests.factories import (
    FindingFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    RecommendationEvidenceFactory,
    StudyAuthorFactory,
    StudyFactory,
    TopicFactory,
)
from tests.test_admin import form_data
from tests.test_markdown_sanitising import Audit

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "&lt;img src=x onerror=alert(1)&gt;",
    "[x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
]
PLAIN = "Plain words"
ATOM = "{http://www.w3.org/2005/Atom}"


def change_url(obj):
    return reverse(f"admin:resources_{obj._meta.model_name}_change", args=[obj.pk])


def edit(client, obj, **changes):
    response = client.post(change_url(obj), form_data(client.get(change_url(obj)), **changes))
    assert response.status_code == 302, response.context["errors"]


def enter_through_the_admin(client, text: str) -> dict:
    """Every curator-written field of each kind of record, typed into its admin form."""
    topic = TopicFactory(slug="identity")
    study = StudyFactory(slug="the-study", appraised=True)
    study.topics.add(topic)
    StudyAuthorFactory(study=study, position=1)
    OutcomeFactory(study=study, position=1)
    FindingFactory(study=study, position=1)
    link = InterventionStudyFactory(study=study)
    evidence = RecommendationEvidenceFactory(study=study)
    evidence.recommendation.interventions.add(link.intervention)
    words = f"{text} {PLAIN}"
    edit(
        client,
        study,
        title=words,
        journal=words,
        abstract=words,
        methods_summary=words,
        setting=words,
        participants=words,
        key_findings=words,
        limitations=words,
        appraisal_summary=words,
        risk_of_bias_notes=words,
        **{
            "authors-0-family_name": words,
            "authors-0-given_names": words,
            "outcomes-0-measure": words,
            "outcomes-0-notes": words,
            "findings-0-statement": words,
        },
    )
    edit(
        client,
        link.intervention,
        name=words,
        summary=words,
        audience=words,
        how_it_works=words,
        implementation_steps=words,
        resources_needed=words,
        barriers=words,
        facilitators=words,
        **{"study_links-0-what_it_found": words},
    )
    edit(
        client,
        evidence.recommendation,
        title=words,
        statement=words,
        rationale=words,
        **{"evidence-0-note": words},
    )
    edit(client, topic, description=words)
    return {
        "study": Study.objects.get(pk=study.pk),
        "intervention": Intervention.objects.get(pk=link.intervention.pk),
        "recommendation": Recommendation.objects.get(pk=evidence.recommendation.pk),
        "topic": Topic.objects.get(pk=topic.pk),
    }


def pages(records) -> list[str]:
    return [
        "/",
        "/studies/",
        "/interventions/",
        "/recommendations/",
        "/topics/",
        "/search/?q=plain",
        *(record.get_absolute_url() for record in records.values()),
    ]


FEEDS = [
    "/studies/feed/",
    "/recommendations/feed/",
    "/topics/identity/feed/",
    "/search/feed/?q=plain",
]
EXPORTS = [
    "/studies/export/?format=ris",
    "/studies/export/?format=bibtex",
    "/studies/export/?format=csl-json",
]


def feed_html(body: bytes) -> list[str]:
    """What a feed reader renders as HTML: each entry's title, summary and content."""
    rendered = []
    for entry in ET.fromstring(body).iter(f"{ATOM}entry"):
        for part in ("title", "summary", "content"):
            for element in entry.iter(f"{ATOM}{part}"):
                text = element.text or ""
                kind = element.get("type", "text")
                # text is shown as text; html is parsed as HTML by the reader
                rendered.append(text if kind in ("html", "xhtml") else "")
    return rendered


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_typed_into_the_admin_is_inert_on_every_page_feed_and_export(
    editor_client, client, payload
):
    records = enter_through_the_admin(editor_client, payload)
    client.logout()
    assert PLAIN in records["study"].title  # the admin saved it: the test is not vacuous

    for url in pages(records):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        audit = Audit(html)
        assert audit.problems == [], url
        assert not {"iframe", "object", "embed", "math"} & set(audit.tags), url
        assert html.count("<script") == html.count("<script src=") + html.count(
            '<script type="application/ld+json"'
        ), url

    for url in FEEDS:
        response = client.get(url)
        assert response.status_code == 200, url
        entries = feed_html(response.content)
        assert entries, url
        for entry in entries:
            audit = Audit(entry)
            assert audit.problems == [], url
            assert not {"script", "svg", "img", "iframe"} & set(audit.tags), url

    for url in EXPORTS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response["Content-Type"].startswith("text/html"), url
        assert response["X-Content-Type-Options"] == "nosniff", url
        if "csl-json" in url:
            assert PLAIN in json.loads(response.content)[0]["title"]
