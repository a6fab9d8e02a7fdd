from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Topic


class PageSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return ["kb:home", "kb:topic-list", "kb:glossary"]

    def location(self, item):
        return reverse(item)


class TopicSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Topic.objects.published().only("slug", "updated_at")

    def lastmod(self, topic):
        return topic.updated_at


SITEMAPS = {"pages": PageSitemap, "topics": TopicSitemap}
