from django.db import models


class PublishedTotal(models.Model):
    """How many records of a kind the public can see, stored where counting them would
    read every row: the home page and the unfiltered studies list counted 100,000
    published studies on every visit. Kept by `resources.tallies`; the integrity report
    flags a total that has drifted."""

    model = models.CharField(max_length=40, unique=True)  # a model's name, e.g. "study"
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["model"]

    def __str__(self):
        return f"published {self.model} total ({self.count})"
