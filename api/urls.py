from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from .views.calculators import LrScheduleView, PositionalEncodingView
from .views.fallback import UnknownPathView
from .views.search import SearchView
from .views.taxonomy import CategoryViewSet, GlossaryTermViewSet, TagViewSet
from .views.topics import TopicViewSet

app_name = "api"

router = DefaultRouter()
router.include_format_suffixes = False
router.register("topics", TopicViewSet, basename="topic")
router.register("categories", CategoryViewSet, basename="category")
router.register("tags", TagViewSet, basename="tag")
router.register("glossary", GlossaryTermViewSet, basename="glossary-term")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, which the content
    # security policy allows; the plain view inlines it.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("calculators/lr-schedule/", LrScheduleView.as_view(), name="calculator-lr-schedule"),
    path(
        "calculators/positional-encoding/",
        PositionalEncodingView.as_view(),
        name="calculator-positional-encoding",
    ),
    path("search/", SearchView.as_view(), name="search"),
    path("", include(router.urls)),
    # Last: every other path under /api/ gets a JSON 404 instead of the site's HTML page.
    re_path(r"^.*$", UnknownPathView.as_view(), name="unknown-path"),
]
