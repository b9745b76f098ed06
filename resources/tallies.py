"""Counts of published studies that pages show, stored because counting reads every row:
the library's (`PublishedTotal`, on the home page and the unfiltered studies list) and
each topic's (`Topic.published_studies`, on its page and the topic list).

`recount_studies` is called by `resources.changes` after any write that touches a study
or a topic. The integrity report flags any count that has drifted.
"""

from django.db.models import QuerySet

from resources.models import PublishedTotal, Study, Topic

STUDY = "study"


def recount_studies(topics: QuerySet[Topic] | None = None) -> None:
    """Recount the library's published studies, and those of `topics` (default: all)."""
    (Topic.objects.all() if topics is None else topics).recount_studies()
    PublishedTotal.objects.update_or_create(
        model=STUDY, defaults={"count": Study.objects.published().count()}
    )


def published_studies() -> int:
    """The library's count of published studies, as last stored (counted if never)."""
    stored = PublishedTotal.objects.filter(model=STUDY).values_list("count", flat=True).first()
    return Study.objects.published().count() if stored is None else stored
