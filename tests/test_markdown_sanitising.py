"""Curators' Markdown renders as Markdown, and nothing in it can run in a reader's browser.

Each payload is rendered by `render_markdown` and also put into curator-written fields of
a record whose public page is then fetched: the HTML is read with the standard library's
parser, which must find no active element, no event handler and no link whose scheme is
other than http, https or mailto.
"""

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from resources.text import render_markdown
from tests.factories import (
    InterventionFactory,
    RecommendationFactory,
    StudyFactory,
    TopicFactory,
)

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '"><script>alert(1)</script>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<script>alert(1)//--><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<style>body { background: url("javascript:alert(1)") }</style>',
    '<div style="width: expression(alert(1))">x</div>',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<form action="javascript:alert(1)"><button>Go</button></form>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<details open ontoggle=alert(1)>x</details>",
    "<video><source onerror=alert(1)></video>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<b onclick=alert(1)>bold<i>never closed",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<a href="https://example.org" title=\'x" onmouseover="alert(1)\'>x</a>',
    "[x](javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](jav&#x61;script:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    "![x](javascript:alert(1))",
    '[x](https://example.org "a" onmouseover="alert(1)")',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="jav&#x61;script:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    '<a href="javascript&#58;alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="\tjava\tscript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    "[x](//evil.example)",
]

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre"}
ALLOWED_TAGS |= {"h3", "h4"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "rel"}}
ACTIVE_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "base"}
ACTIVE_TAGS |= {"meta", "link"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"}
SAFE_SCHEMES = {"http", "https", "mailto"}


def scheme_of(url: str) -> str:
    """The scheme a browser would use: it drops whitespace and controls before reading it."""
    url = re.sub(r"[\x00-\x20\x7f]", "", url)
    return urlsplit(urljoin("https://library.example/page/", url)).scheme.lower()


class Audit(HTMLParser):
    """Every element and attribute of a document, and what is wrong with them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: Counter = Counter()
        self.attributes: dict[str, set[str]] = {}
        self.problems: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        self.attributes.setdefault(tag, set()).update(name for name, _ in attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and scheme_of(value or "") not in SAFE_SCHEMES:
                self.problems.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag

    @property
    def active(self) -> Counter:
        return Counter({tag: n for tag, n in self.tags.items() if tag in ACTIVE_TAGS})


@pytest.mark.parametrize("payload", PAYLOADS)
def test_render_markdown_leaves_nothing_that_runs(payload):
    audit = Audit(render_markdown(payload))
    assert audit.problems == []
    assert set(audit.tags) <= ALLOWED_TAGS
    for tag, names in audit.attributes.items():
        assert names <= ALLOWED_ATTRIBUTES.get(tag, set()), tag


def test_there_are_at_least_thirty_payloads():
    assert len(set(PAYLOADS)) == len(PAYLOADS) >= 30


# Through the public pages ----------------------------------------------------------------

PLAIN = "Plain words."


def intervention_page(text: str) -> str:
    record = InterventionFactory(
        summary=text,
        how_it_works=text,
        resources_needed=text,
        barriers=text,
        facilitators=text,
        rating_override="low",
        rating_override_justification=text,
    )
    return record.get_absolute_url()


def study_page(text: str) -> str:
    record = StudyFactory(
        appraised=True,
        key_findings=text,
        limitations=text,
        appraisal_summary=text,
        risk_of_bias_notes=text,
    )
    return record.get_absolute_url()


def recommendation_page(text: str) -> str:
    return RecommendationFactory(rationale=text).get_absolute_url()


def topic_page(text: str) -> str:
    return TopicFactory(description=text).get_absolute_url()


def intervention_list(text: str) -> str:
    InterventionFactory(summary=text)
    return "/interventions/"


def topic_list(text: str) -> str:
    TopicFactory(description=text)
    return "/topics/"


DETAIL_PAGES = [intervention_page, study_page, recommendation_page, topic_page]
PAGES = [*DETAIL_PAGES, intervention_list, topic_list]


@pytest.mark.django_db
@pytest.mark.parametrize("surface", PAGES, ids=lambda surface: surface.__name__)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_public_page_showing_curator_text_leaves_nothing_that_runs(client, surface, payload):
    baseline = Audit(client.get(surface(PLAIN)).content.decode())
    response = client.get(surface(payload))
    assert response.status_code == 200
    html = response.content.decode()
    audit = Audit(html)

    assert audit.problems == []
    assert audit.active == baseline.active  # only the page's own scripts, styles and forms
    if surface in DETAIL_PAGES:
        assert str(render_markdown(payload)) in html  # shown through the one renderer


# Ordinary Markdown still renders -------------------------------------------------------


def test_bold_and_emphasis_render():
    assert render_markdown("**strong** and *gentle*") == (
        "<p><strong>strong</strong> and <em>gentle</em></p>"
    )


def test_lists_render():
    html = render_markdown("Steps:\n\n- meet\n- listen\n\n1. first\n2. second")
    assert "<ul>\n<li>meet</li>\n<li>listen</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html


def test_a_web_link_keeps_its_address_and_gets_a_safe_rel():
    html = render_markdown('[the study](https://doi.org/10.1111/medu.70055 "DOI")')
    assert html == (
        '<p><a href="https://doi.org/10.1111/medu.70055" title="DOI" '
        'rel="noopener noreferrer nofollow">the study</a></p>'
    )


def test_mailto_and_relative_links_are_kept():
    html = render_markdown("[write](mailto:editors@example.org) or [see](/interventions/)")
    assert 'href="mailto:editors@example.org"' in html
    assert 'href="/interventions/"' in html


def test_small_headings_quotes_and_code_render():
    html = render_markdown("### Barriers\n\n> a quote\n\nUse `code`.")
    assert "<h3>Barriers</h3>" in html
    assert "<blockquote>" in html
    assert "<code>code</code>" in html


def test_text_that_looks_like_html_is_shown_as_text():
    assert render_markdown("p < 0.05 & n > 30") == "<p>p &lt; 0.05 &amp; n &gt; 30</p>"


@pytest.mark.django_db
def test_an_intervention_page_renders_its_markdown(client):
    url = intervention_page(
        "Staff **listen** first.\n\n- meet monthly\n- [read](https://example.org)"
    )
    html = client.get(url).content.decode()
    assert "Staff <strong>listen</strong> first." in html
    assert "<li>meet monthly</li>" in html
    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.django_db
def test_a_card_and_the_meta_description_show_the_words_without_the_markup(client):
    InterventionFactory(slug="m", summary='Staff **listen** & say "thanks".')
    card = client.get("/interventions/").content.decode()
    page = client.get("/interventions/m/").content.decode()
    assert "Staff listen &amp; say &quot;thanks&quot;." in card
    assert '<meta name="description" content="Staff listen &amp; say &quot;thanks&quot;.">' in page
