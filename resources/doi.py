"""Digital Object Identifiers: one normal form, so the same work is never stored twice."""

import re

from django.core.exceptions import ValidationError

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalise_doi(value: str | None) -> str:
    """Strip resolver prefixes and whitespace, and lower-case: DOIs are case-insensitive."""
    if not value:
        return ""
    return _PREFIXES.sub("", value.strip()).strip().lower()


def validate_doi(value: str) -> None:
    if value and not DOI_PATTERN.match(normalise_doi(value)):
        raise ValidationError(
            "%(value)s is not a DOI. A DOI starts with '10.', a registrant code, a slash "
            "and a suffix, e.g. 10.1111/medu.70055.",
            code="invalid_doi",
            params={"value": value},
        )


def doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}" if doi else ""
