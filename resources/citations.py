"""Citations of a study: CSL-JSON, formatted references, and the metadata scholarly tools read.

Every citation the library shows or exports starts from `csl_json()`, so the reference a
reader copies, the file Zotero imports and the tags Google Scholar reads all agree.
Formatting is done by citeproc-py with the CSL style files kept in `resources/csl/`.
"""

import html
import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import quote_plus

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

CSL_DIR = Path(__file__).resolve().parent / "csl"
CSL_NS = {"cs": "http://purl.org/net/xbiblio/csl"}
_LEADING_NUMBER = re.compile(r"^\s*\[?\d+[.\]]\s*")
_PAGE_SPLIT = re.compile(r"\s*[-\u2010-\u2015]+\s*")


@dataclass(frozen=True)
class CitationStyle:
    key: str
    label: str
    filename: str


STYLES = {
    style.key: style
    for style in (
        CitationStyle("apa", "APA 7th edition", "apa.csl"),
        CitationStyle("vancouver", "Vancouver (NLM)", "vancouver.csl"),
        CitationStyle("ama", "AMA 11th edition", "american-medical-association.csl"),
    )
}


@dataclass(frozen=True)
class FormattedCitation:
    style: CitationStyle
    html: str  # escaped by citeproc's HTML formatter, safe to mark safe
    text: str


def csl_name(author) -> dict:
    if author.literal_name:
        return {"literal": author.literal_name}
    name = {"family": author.family_name}
    if author.given_names:
        name["given"] = author.given_names
    return name


def date_parts(study) -> list[int] | None:
    if study.publication_date:
        date = study.publication_date
        return [date.year, date.month, date.day]
    if study.year:
        return [study.year]
    return None


def csl_json(study) -> dict:
    """The study as one CSL-JSON item; missing facts are left out, never invented."""
    item = {
        "id": study.slug,
        "type": "article-journal" if study.journal else "document",
        "title": study.title,
    }
    authors = [csl_name(author) for author in study.author_list]
    if authors:
        item["author"] = authors
    parts = date_parts(study)
    if parts:
        item["issued"] = {"date-parts": [parts]}
    optional = {
        "container-title": study.journal,
        "volume": study.volume,
        "issue": study.issue,
        "page": study.pages,
        "DOI": study.doi,
        "URL": study.url,
        "abstract": study.abstract,
    }
    item.update({key: value for key, value in optional.items() if value})
    return item


def _apply_locale_date_delimiters(style: CitationStylesStyle) -> None:
    """citeproc-py joins a localised date's parts with the calling element's delimiter.

    CSL takes it from the locale's date format instead, so without this Vancouver prints
    "2023May2". Copying the locale's delimiter onto the calling elements gives the output
    the style means, without editing the style file.
    """
    root = style.root
    delimiters = {
        date.get("form"): date.get("delimiter")
        for date in root.xpath("./cs:locale/cs:date[@delimiter]", namespaces=CSL_NS)
    }
    for date in root.xpath("//cs:date[@form][@variable]", namespaces=CSL_NS):
        if date.get("delimiter") is None and delimiters.get(date.get("form")):
            date.set("delimiter", delimiters[date.get("form")])


def _substitute_title_by_variable(style: CitationStylesStyle) -> None:
    """A work without authors is cited by its title in the author's place, once.

    CSL suppresses a substituted variable in the rest of the reference, and citeproc-py
    does so when the substitute names the variable itself, but not when it reaches the
    title through a macro (as APA and AMA do): the title then printed twice. Naming the
    title variable directly in the substitute gives the styles' own rule.
    """
    root = style.root
    substitutes = root.xpath("//cs:macro/cs:names/cs:substitute/cs:text[@macro]", namespaces=CSL_NS)
    for text in substitutes:
        if text.get("macro") in TITLE_MACROS:
            del text.attrib["macro"]
            text.set("variable", "title")


# The macros through which a style's author substitute prints the title.
TITLE_MACROS = {"author-title-substitute", "title"}


@cache
def load_style(key: str) -> CitationStylesStyle:
    style = CitationStylesStyle(str(CSL_DIR / STYLES[key].filename), validate=False)
    _apply_locale_date_delimiters(style)
    _substitute_title_by_variable(style)
    return style


# citeproc-py is slow to format a reference, and a study page shows three styles. The
# result depends only on the item and the style, so recent ones are remembered.
RENDERED_REFERENCES = 4096


def _render(item: dict, key: str, output) -> str:
    return _render_json(json.dumps(item, sort_keys=True), key, output)


@lru_cache(maxsize=RENDERED_REFERENCES)
def _render_json(item_json: str, key: str, output) -> str:
    item = json.loads(item_json)
    bibliography = CitationStylesBibliography(load_style(key), CiteProcJSON([item]), output)
    bibliography.register(Citation([CitationItem(item["id"])]))
    entries = bibliography.bibliography()
    text = str(entries[0]) if entries else ""
    # Numeric styles number the entries of a list; a single reference has no number.
    return _LEADING_NUMBER.sub("", text).strip()


def _escaped(value):
    """citeproc-py's HTML output escapes the style's own terms but not the item's text."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, dict):
        return {key: _escaped(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_escaped(inner) for inner in value]
    return value


def format_citation(study, style: str = "apa") -> FormattedCitation:
    """One reference to the study in a style from STYLES (KeyError for any other)."""
    item = csl_json(study)
    return FormattedCitation(
        style=STYLES[style],
        html=_render(_escaped(item), style, formatter.html),
        text=_render(item, style, formatter.plain),
    )


def format_citations(study) -> list[FormattedCitation]:
    """The study in every style the library offers, in STYLES order."""
    return [format_citation(study, key) for key in STYLES]


def short_authors(study, limit: int = 3) -> str:
    """A compact byline for lists: "Wyatt TR, Scarlett E, Rockich-Winston N, et al."."""
    authors = study.author_list
    names = []
    for author in authors[:limit]:
        if author.literal_name:
            names.append(author.literal_name)
        else:
            initials = "".join(part[0] for part in re.split(r"[\s.-]+", author.given_names) if part)
            names.append(f"{author.family_name} {initials}".strip())
    if len(authors) > limit:
        names.append("et al.")
    return ", ".join(names)


def page_range(pages: str) -> tuple[str, str]:
    """First and last page from "345-352", "345-52" or an en-dash range; short ends expand."""
    parts = [part for part in _PAGE_SPLIT.split(pages.strip()) if part]
    if not parts:
        return "", ""
    first = parts[0]
    last = parts[1] if len(parts) > 1 else ""
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return first, last


def _author_sort_name(author) -> str:
    if author.literal_name:
        return author.literal_name
    return ", ".join(part for part in (author.family_name, author.given_names) if part)


def highwire_meta(study, page_url: str) -> list[tuple[str, str]]:
    """Highwire Press `citation_*` tags for Zotero and Google Scholar, only for known facts."""
    tags = [("citation_title", study.title)]
    tags += [("citation_author", _author_sort_name(author)) for author in study.author_list]
    if study.publication_date:
        date = study.publication_date.strftime("%Y/%m/%d")
    else:
        date = str(study.year) if study.year else ""
    first_page, last_page = page_range(study.pages)
    tags += [
        ("citation_publication_date", date),
        ("citation_date", date),
        ("citation_journal_title", study.journal),
        ("citation_volume", study.volume),
        ("citation_issue", study.issue),
        ("citation_firstpage", first_page),
        ("citation_lastpage", last_page),
        ("citation_doi", study.doi),
        ("citation_abstract_html_url", page_url),
    ]
    return [(name, value) for name, value in tags if value]


def json_ld(study, page_url: str) -> dict:
    """schema.org ScholarlyArticle, for search engines."""
    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": study.title,
        "name": study.title,
        "url": page_url,
    }
    authors = []
    for author in study.author_list:
        if author.literal_name:
            authors.append({"@type": "Organization", "name": author.literal_name})
        else:
            person = {"@type": "Person", "familyName": author.family_name}
            if author.given_names:
                person["givenName"] = author.given_names
            person["name"] = f"{author.given_names} {author.family_name}".strip()
            authors.append(person)
    if authors:
        data["author"] = authors
    if study.publication_date:
        data["datePublished"] = study.publication_date.isoformat()
    elif study.year:
        data["datePublished"] = str(study.year)
    if study.journal:
        data["isPartOf"] = {"@type": "Periodical", "name": study.journal}
    if study.volume:
        data["volumeNumber"] = study.volume
    if study.issue:
        data["issueNumber"] = study.issue
    if study.pages:
        data["pagination"] = study.pages
    if study.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": study.doi}
        data["sameAs"] = study.doi_url
    if study.abstract:
        data["abstract"] = study.abstract
    return data


_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_for_script(data) -> str:
    """JSON safe to place inside a <script> element, escaped as Django's json_script does."""
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


def coins_title(study) -> str:
    """An OpenURL ContextObject (Z39.88-2004) for a COinS span, which Zotero reads on lists."""
    fields = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"),
        ("rft.genre", "article"),
        ("rft.atitle", study.title),
        ("rft.jtitle", study.journal),
        ("rft.date", str(study.year) if study.year else ""),
        ("rft.volume", study.volume),
        ("rft.issue", study.issue),
    ]
    first_page, last_page = page_range(study.pages)
    fields += [("rft.spage", first_page), ("rft.epage", last_page)]
    authors = study.author_list
    if authors and not authors[0].literal_name:
        fields += [("rft.aulast", authors[0].family_name), ("rft.aufirst", authors[0].given_names)]
    fields += [("rft.au", _author_sort_name(author)) for author in authors]
    if study.doi:
        fields.append(("rft_id", f"info:doi/{study.doi}"))
    # urlencode() would quote the keys too, which need none: half its work, 25 times a list
    return "&".join(f"{key}={quote_plus(value)}" for key, value in fields if value)
