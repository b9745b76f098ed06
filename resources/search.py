"""Search across the library. (Interim: replaced by database full-text search.)"""

from django.db.models import Q

SEARCH_FIELDS = {
    "study": ["title", "abstract", "key_findings"],
    "intervention": ["name", "summary"],
    "recommendation": ["title", "statement"],
    "topic": ["name", "description"],
}


def matching(queryset, query: str):
    condition = Q()
    for field in SEARCH_FIELDS[queryset.model._meta.model_name]:
        condition |= Q(**{f"{field}__icontains": query})
    return queryset.filter(condition)
