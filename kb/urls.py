from django.urls import path

from . import search_views, views

app_name = "kb"

urlpatterns = [
    path("", views.home, name="home"),
    path("topics/", views.topic_list, name="topic-list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic-detail"),
    path("glossary/", views.glossary, name="glossary"),
    path("search/", search_views.search_page, name="search"),
    path("search/suggest/", search_views.search_suggest, name="search-suggest"),
]
