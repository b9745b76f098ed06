"""Sitemap of the public site: fixed pages and every published record."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from resources.models import Intervention, Recommendation, Study, Topic


class PagesSitemap(Sitemap):
    def items(self):
        return [
            "resources:home",
            "resources:intervention-list",
            "resources:study-list",
            "resources:recommendation-list",
            "resources:evidence-map",
            "resources:about",
            "resources:topic-list",
        ]

    def location(self, item):
        return reverse(item)


class PublishedSitemap(Sitemap):
    model = None

    def items(self):
        return self.model.objects.published().order_by("slug")

    def lastmod(self, item):
        return item.updated_at


class StudySitemap(PublishedSitemap):
    model = Study


class InterventionSitemap(PublishedSitemap):
    model = Intervention


class RecommendationSitemap(PublishedSitemap):
    model = Recommendation


class TopicSitemap(PublishedSitemap):
    model = Topic


sitemaps = {
    "pages": PagesSitemap,
    "interventions": InterventionSitemap,
    "studies": StudySitemap,
    "recommendations": RecommendationSitemap,
    "topics": TopicSitemap,
}
