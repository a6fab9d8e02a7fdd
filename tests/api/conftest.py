"""Clients for the four kinds of API callers: anonymous, token without and with
permissions, and staff."""

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

TOPIC_PERMISSIONS = ("add_topic", "change_topic", "delete_topic")


@pytest.fixture(autouse=True)
def clear_throttle_counters():
    # Throttle counters live in the cache; without this, earlier tests use up the rate.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client():
    return APIClient()


def _token_client(user) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def plain_user(django_user_model):
    return django_user_model.objects.create_user("reader", "reader@example.com")


@pytest.fixture
def writer(django_user_model):
    """A user who is not staff but has the add, change and delete topic permissions."""
    user = django_user_model.objects.create_user("writer", "writer@example.com")
    permissions = Permission.objects.filter(
        content_type__app_label="kb", codename__in=TOPIC_PERMISSIONS
    )
    user.user_permissions.add(*permissions)
    return user


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_superuser("chief", "chief@example.com")


@pytest.fixture
def token_client_without_permissions(plain_user):
    return _token_client(plain_user)


@pytest.fixture
def writer_client(writer):
    return _token_client(writer)


@pytest.fixture
def staff_api_client(staff_user):
    return _token_client(staff_user)
