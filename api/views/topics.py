from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from kb.editing import delete_topic
from kb.models import Topic
from kb.queries import topics_with_links

from ..filters import TopicFilterSet
from ..lookups import find_by_slug
from ..preconditions import check_write_preconditions
from ..schema import IF_MATCH, error_responses, slug_parameter
from ..serializers.topics import (
    TopicDetailSerializer,
    TopicSummarySerializer,
    TopicWriteSerializer,
)
from .conditional import ConditionalReadMixin

TOPIC_SLUG = slug_parameter("topic", "rag-optimization")
WRITE_DESCRIPTION = (
    "Needs token authentication (`Authorization: Token <key>`) or a session, and the "
    "Django model permission for the method (kb.add_topic, kb.change_topic, "
    "kb.delete_topic). The change goes into the topic's history under the user."
)


@extend_schema_view(
    list=extend_schema(
        summary="List topics",
        description=(
            "Published topics; staff also see drafts. The list leaves out the bodies "
            "(body_markdown, body_html) and tables of contents: fetch a topic for those."
        ),
        responses={200: TopicSummarySerializer(many=True), **error_responses(400, 401, 429)},
    ),
    retrieve=extend_schema(
        parameters=[TOPIC_SLUG],
        summary="Get a topic with its bodies",
        description="A draft is 404 for clients that are not staff.",
        responses={200: TopicDetailSerializer, **error_responses(401, 404, 429)},
    ),
    create=extend_schema(
        summary="Create a topic",
        description=WRITE_DESCRIPTION,
        request=TopicWriteSerializer,
        responses={201: TopicDetailSerializer, **error_responses(400, 401, 403, 429)},
    ),
    update=extend_schema(
        parameters=[TOPIC_SLUG, IF_MATCH],
        summary="Replace a topic's fields",
        description=(
            WRITE_DESCRIPTION + " title is required; in each bilingual object a "
            "missing language is stored as empty. Fields left out stay as they are."
        ),
        request=TopicWriteSerializer,
        responses={
            200: TopicDetailSerializer,
            **error_responses(400, 401, 403, 404, 409, 412, 429),
        },
    ),
    partial_update=extend_schema(
        parameters=[TOPIC_SLUG, IF_MATCH],
        summary="Change some of a topic's fields",
        description=(
            WRITE_DESCRIPTION + " In each bilingual object only the languages given change."
        ),
        request=TopicWriteSerializer,
        responses={
            200: TopicDetailSerializer,
            **error_responses(400, 401, 403, 404, 409, 412, 429),
        },
    ),
    destroy=extend_schema(
        parameters=[TOPIC_SLUG],
        summary="Delete a topic",
        description=WRITE_DESCRIPTION,
        responses={
            204: OpenApiResponse(description="Deleted."),
            **error_responses(401, 403, 404, 429),
        },
    ),
)
class TopicViewSet(ConditionalReadMixin, viewsets.ModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    filter_backends = [DjangoFilterBackend]
    filterset_class = TopicFilterSet
    last_modified_source = "topics_modified"
    # DjangoModelPermissions reads the model from here; get_queryset decides visibility.
    queryset = Topic.objects.none()

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            return topics_with_links(user, bodies=False)
        if self.action == "retrieve":
            return topics_with_links(user)
        # Writers hold the model permission for the method, checked before this.
        return Topic.objects.all()

    def get_serializer_class(self):
        if self.action == "list":
            return TopicSummarySerializer
        if self.action == "retrieve":
            return TopicDetailSerializer
        return TopicWriteSerializer

    def get_object(self):
        slug = self.kwargs[self.lookup_field]
        # Query parameters filter lists only, so get_queryset() and not filter_queryset().
        topic = find_by_slug(self.get_queryset(), slug)
        if topic is None:
            raise NotFound(_("No topic has the slug “%(slug)s”.") % {"slug": slug})
        self.check_object_permissions(self.request, topic)
        return topic

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        topic = serializer.save()
        body = self._detail(topic)
        location = reverse("api:topic-detail", kwargs={"slug": topic.slug})
        headers = {"Location": request.build_absolute_uri(location)}
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        # One transaction, so the precondition check's row lock lasts until the save.
        with transaction.atomic():
            topic = self.get_object()
            serializer = self.get_serializer(topic, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            version = serializer.validated_data.get("version")
            check_write_preconditions(self, request, topic, version)
            topic = serializer.save()
        return Response(self._detail(topic))

    def perform_destroy(self, instance):
        delete_topic(instance, user=self.request.user, reason=f"REST API {self.request.method}")

    def _detail(self, topic: Topic) -> dict:
        """Serialize a topic just written, drafts included, as a detail read would."""
        fresh = topics_with_links(self.request.user, drafts=True).get(pk=topic.pk)
        return TopicDetailSerializer(fresh, context=self.get_serializer_context()).data
