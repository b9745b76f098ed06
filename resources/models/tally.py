from django.db import models


class PublishedTotal(models.Model):
    """How many records of a kind the public can see, and how many each filter choice of
    its whole list gives, stored where counting them would read every row: the home page
    and the unfiltered lists counted 100,000 published studies on every visit. Kept by
    `resources.tallies` and `resources.facets`; the integrity report flags a total that
    has drifted."""

    model = models.CharField(max_length=40, unique=True)  # a model's name, e.g. "study"
    count = models.PositiveIntegerField(default=0)
    # {filter: {choice: count}} over the whole published list (resources.facets)
    facets = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["model"]

    def __str__(self):
        return f"published {self.model} total ({self.count})"


class LibraryChange(models.Model):
    """When the library last changed: one row, written by `resources.changes` after every
    write, and read for the API's Last-Modified."""

    changed_at = models.DateTimeField()

    def __str__(self):
        return f"library changed at {self.changed_at:%Y-%m-%d %H:%M:%S}"
