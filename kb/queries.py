"""Read-side queries for pages: what a given user may see, with related rows prefetched."""

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.urls import reverse

from .glossary_links import LinkTarget
from .models import Category, GlossaryTerm, Tag, Topic
from .models.bilingual import CONTENT_LANGUAGES, pick


def visible_topics(user) -> QuerySet[Topic]:
    """Published topics for everyone; drafts as well for staff."""
    topics = Topic.objects.all() if user.is_staff else Topic.objects.published()
    return topics.select_related("category").prefetch_related("tags")


def categories_with_topics(user) -> list[Category]:
    topics = visible_topics(user).defer("body_zh", "body_en", "body_html_zh", "body_html_en")
    categories = Category.objects.prefetch_related(
        Prefetch("topics", queryset=topics, to_attr="visible")
    )
    return [category for category in categories if category.visible]


def uncategorised_topics(user) -> QuerySet[Topic]:
    return visible_topics(user).filter(category__isnull=True)


def filter_topics(user, category: Category | None, tags: list[Tag]) -> QuerySet[Topic]:
    topics = visible_topics(user).defer("body_zh", "body_en", "body_html_zh", "body_html_en")
    if category is not None:
        topics = topics.filter(category=category)
    for tag in tags:
        topics = topics.filter(tags=tag)
    return topics


def topic_for_page(user, slug: str) -> Topic | None:
    topics = visible_topics(user).prefetch_related(
        Prefetch("related", queryset=visible_topics(user), to_attr="visible_related")
    )
    return topics.filter(slug=slug).first()


def glossary_link_targets(language: str) -> list[LinkTarget]:
    """Return one link target per spelling of every term, pointing at its glossary entry."""
    base = reverse("kb:glossary")
    targets = []
    for term in GlossaryTerm.objects.all():
        url = f"{base}#{term.slug}"
        title = f"{term.term_zh} / {term.term_en}: {pick(term, 'definition', language)}"
        for spelling in term.all_spellings():
            if len(spelling) >= 2:
                targets.append(LinkTarget(spelling=spelling, url=url, title=title))
    return targets


def topics_embedding(calculator: str) -> QuerySet[Topic]:
    """Published topics that embed ``calculator``, for the calculator page's links back."""
    topics = Topic.objects.published().filter(calculator=calculator)
    return topics.only("slug", "title_zh", "title_en").order_by("slug")


_BODY_FIELDS = ("body_zh", "body_en", "body_html_zh", "body_html_en", "toc_zh", "toc_en")


def topics_with_links(user, *, bodies: bool = True, drafts: bool | None = None) -> QuerySet[Topic]:
    """Topics with category, tags and, in `visible_related`, the related topics `user` may see.

    `drafts` defaults to what `user` may see (staff only). Without `bodies`, the
    bodies, rendered HTML and tables of contents are not loaded. The number of queries
    does not grow with the number of topics: one for the topics and their
    categories, one for all their tags, one for all their related topics.
    """
    if drafts is None:
        drafts = user.is_staff
    topics = Topic.objects.all() if drafts else Topic.objects.published()
    linkable = Topic.objects.all() if user.is_staff else Topic.objects.published()
    related = Prefetch(
        "related",
        queryset=linkable.only("id", "slug").order_by("order", "slug"),
        to_attr="visible_related",
    )
    topics = topics.select_related("category").prefetch_related("tags", related)
    if not bodies:
        # Without the bodies, body_written_<language> is true when that body is written.
        written = {
            f"body_written_{language}": ExpressionWrapper(
                ~Q(**{f"body_{language}": ""}), output_field=BooleanField()
            )
            for language in CONTENT_LANGUAGES
        }
        topics = topics.defer(*_BODY_FIELDS).annotate(**written)
    return topics
