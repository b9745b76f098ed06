"""Atom feed of what curators have just published: studies, interventions, recommendations."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from resources.models import Intervention, Recommendation, Study
from resources.text import markdown_text

FEED_LENGTH = 30


class LatestEvidenceFeed(Feed):
    feed_type = Atom1Feed
    title = "Evidence library for medical educators: newly published"
    link = reverse_lazy("resources:home")
    subtitle = "Studies, interventions and recommendations as curators publish them."

    def items(self):
        newest = []
        for model in (Study, Intervention, Recommendation):
            newest += model.objects.published().order_by("-published_at")[:FEED_LENGTH]
        newest.sort(key=lambda item: item.published_at, reverse=True)
        return newest[:FEED_LENGTH]

    def item_title(self, item):
        return f"{item._meta.verbose_name.capitalize()}: {item}"

    def item_description(self, item):
        """Plain words: curators write Markdown, which feed readers would show raw."""
        if isinstance(item, Study):
            return markdown_text(item.key_findings) or item.abstract
        if isinstance(item, Intervention):
            return markdown_text(item.summary)
        return item.statement

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
