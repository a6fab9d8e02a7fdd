from django.urls import path

from . import calculator_views, search_views, views

app_name = "kb"

urlpatterns = [
    path("", views.home, name="home"),
    path("topics/", views.topic_list, name="topic-list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic-detail"),
    path("glossary/", views.glossary, name="glossary"),
    path("calculators/", calculator_views.calculators_index, name="calculators"),
    path("calculators/lr-schedule/", calculator_views.lr_schedule, name="lr-schedule"),
    path(
        "calculators/positional-encoding/",
        calculator_views.positional_encoding,
        name="positional-encoding",
    ),
    path("search/", search_views.search_page, name="search"),
    path("search/suggest/", search_views.search_suggest, name="search-suggest"),
]
