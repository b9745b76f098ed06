"""Interventions: practices an educator can adopt, and the studies that speak to them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, When
from django.urls import reverse

from .base import Publishable, PublishableQuerySet, SlugManager
from .choices import Direction, EvidenceRating, InterventionType, Setting


class InterventionQuerySet(PublishableQuerySet):
    pass


class InterventionManager(SlugManager.from_queryset(InterventionQuerySet)):
    pass


class Intervention(Publishable):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    intervention_type = models.CharField(
        "type", max_length=30, choices=InterventionType.choices, db_index=True
    )
    setting = models.CharField(max_length=30, choices=Setting.choices, blank=True, db_index=True)
    summary = models.TextField(help_text="What it is, in a few sentences.")
    audience = models.TextField("who it is for", blank=True)
    how_it_works = models.TextField(blank=True)
    implementation_steps = models.TextField(blank=True, help_text="One step per line.")
    resources_needed = models.TextField(blank=True)
    barriers = models.TextField(blank=True)
    facilitators = models.TextField(blank=True)
    topics = models.ManyToManyField("resources.Topic", blank=True, related_name="interventions")
    studies = models.ManyToManyField(
        "resources.Study", through="InterventionStudy", blank=True, related_name="interventions"
    )

    computed_rating = models.CharField(
        max_length=15,
        choices=EvidenceRating.choices,
        default=EvidenceRating.INSUFFICIENT,
        editable=False,
        help_text="Set by the rating rules from the linked studies; never typed in.",
    )
    computed_rating_reasons = models.JSONField(default=list, blank=True, editable=False)
    rating_override = models.CharField(max_length=15, choices=EvidenceRating.choices, blank=True)
    rating_override_justification = models.TextField(blank=True)
    rating = models.GeneratedField(
        expression=Case(
            When(~Q(rating_override=""), then=F("rating_override")),
            default=F("computed_rating"),
        ),
        output_field=models.CharField(max_length=15, choices=EvidenceRating.choices),
        db_persist=True,
        db_index=True,  # the evidence-rating filter and "strongest first" sort
    )

    objects = InterventionManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating_override="") | ~Q(rating_override_justification=""),
                name="intervention_override_justified",
                violation_error_message="A rating override needs a written justification.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:intervention-detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.rating_override and not self.rating_override_justification.strip():
            raise ValidationError(
                {
                    "rating_override_justification": (
                        "Explain why the rules' rating is overridden; the reason is shown "
                        "to readers beside the rating."
                    )
                }
            )

    @property
    def is_overridden(self) -> bool:
        return bool(self.rating_override)

    @property
    def implementation_step_list(self) -> list[str]:
        return [line.strip() for line in self.implementation_steps.splitlines() if line.strip()]


class InterventionStudyManager(models.Manager):
    def get_by_natural_key(self, intervention_slug, study_slug):
        return self.get(intervention__slug=intervention_slug, study__slug=study_slug)


class InterventionStudy(models.Model):
    """What one study found about one intervention."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="study_links"
    )
    study = models.ForeignKey(
        "resources.Study", on_delete=models.CASCADE, related_name="intervention_links"
    )
    what_it_found = models.TextField(help_text="What this study found about this intervention.")
    direction = models.CharField(
        max_length=15,
        choices=Direction.choices,
        blank=True,
        help_text="Leave empty where the study describes the practice without measuring it.",
    )

    objects = InterventionStudyManager()

    class Meta:
        ordering = ["intervention", "study"]
        verbose_name = "study link"
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "study"],
                name="intervention_study_unique",
                violation_error_message="This study is already linked to the intervention.",
            )
        ]

    def __str__(self):
        return f"{self.intervention} ← {self.study}"

    def natural_key(self):
        return (self.intervention.slug, self.study.slug)

    natural_key.dependencies = ["resources.intervention", "resources.study"]
