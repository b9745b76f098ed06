"""The editorial workflow: who may move a record where, and what publishing needs.

Draft → in review → published, and back. Curators (the `curators` group) move records
between draft and review. Publishing and unpublishing need the model's own permission,
`resources.publish_<model>` (e.g. publish_study), which the `editors` group holds.

Publishing also needs what the public pages depend on (`publication_problems`):
- a study published as appraised needs its design, appraisal tool, risk of bias and
  appraisal summary; a study that is not appraised is published as a catalogue entry,
  and its page says plainly that it is not yet appraised (authors are not required: a
  source may not give them, and the page then says "not reported");
- an intervention needs at least one linked published study;
- a recommendation needs at least one published study as its evidence.

`transition` is the one write path for a status change: the admin's actions and forms
and the API call it, and it hands the record to `resources.changes.record`, which
refreshes what the change affects.
"""

from django.db import transaction

from resources import changes, versions
from resources.models import (
    EditorialStatus,
    Intervention,
    Recommendation,
    Study,
    Topic,
)

PUBLISHABLE = (Study, Intervention, Recommendation, Topic)


class TransitionError(Exception):
    """A move the user may not make, or a record not ready to publish; says why."""

    def __init__(self, obj, target: EditorialStatus, reasons: list[str]):
        self.obj = obj
        self.target = target
        self.reasons = reasons
        super().__init__(
            f"“{obj}” cannot be moved to “{EditorialStatus(target).label}”: " + "; ".join(reasons)
        )


def publish_permission(model) -> str:
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


def can_publish(user, model) -> bool:
    return user.has_perm(publish_permission(model))


def can_transition(user, obj, target: EditorialStatus) -> bool:
    """Whether `user` may move `obj` to `target` (regardless of the record's readiness)."""
    if user is None or not user.is_active:
        return False
    opts = obj._meta
    if not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
        return False
    if EditorialStatus.PUBLISHED in (target, obj.status):
        return can_publish(user, type(obj))
    return True


def allowed_targets(user, obj) -> list[EditorialStatus]:
    return [status for status in EditorialStatus if can_transition(user, obj, status)]


def publication_problems(obj) -> list[str]:
    """What keeps `obj` from being published; empty when it is ready."""
    if isinstance(obj, Study):
        return _study_problems(obj)
    published = Study.objects.published()
    if isinstance(obj, Intervention) and not obj.study_links.filter(study__in=published).exists():
        return ["it needs at least one linked published study"]
    if isinstance(obj, Recommendation) and not obj.evidence.filter(study__in=published).exists():
        return ["it needs evidence: at least one linked published study"]
    return []


def _study_problems(study: Study) -> list[str]:
    problems = []
    if study.is_appraised:
        missing = [
            label
            for field, label in [
                ("design", "design"),
                ("appraisal_tool", "appraisal tool"),
                ("risk_of_bias", "risk of bias"),
                ("appraisal_summary", "appraisal summary"),
            ]
            if not getattr(study, field)
        ]
        if missing:
            problems.append(
                "an appraised study needs its "
                + ", ".join(missing)
                + " (or mark it not yet appraised to publish it as a catalogue entry)"
            )
    return problems


@transaction.atomic
def transition(obj, target: EditorialStatus, user, *, change_note: str = "", major=False) -> bool:
    """Move `obj` to `target` as `user`; returns False when it is there already.

    Publishing records a public version (`resources.versions`): version 1 the first
    time, then a new version with the editor's `change_note` when the record changed.

    Raises TransitionError, naming every reason, when the user may not make the move or
    the record is not ready to publish.
    """
    target = EditorialStatus(target)
    if obj.status == target:
        return False
    if not can_transition(user, obj, target):
        needed = "publish" if EditorialStatus.PUBLISHED in (target, obj.status) else "edit"
        raise TransitionError(
            obj, target, [f"you do not have permission to {needed} {obj._meta.verbose_name_plural}"]
        )
    if target == EditorialStatus.PUBLISHED and (problems := publication_problems(obj)):
        raise TransitionError(obj, target, problems)
    obj.set_status(target)
    obj._history_user = user
    obj.save(update_fields=["status", "published_at", "updated_at"])
    if target == EditorialStatus.PUBLISHED:
        versions.record_version(obj, note=change_note, major=major, user=user)
    changes.record(obj)
    return True
