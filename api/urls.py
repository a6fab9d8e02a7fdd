from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views.calculators import LrScheduleView, PositionalEncodingView

app_name = "api"

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
]
