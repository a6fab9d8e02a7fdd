import pytest

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/?next=/admin/"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("wang", password="correct-horse-42", is_staff=True)


def attempt(client, password, language="en", address="198.51.100.7", username="wang"):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_lockout_after_failures_even_with_right_password(client, editor, settings):
    settings.KB_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        assert attempt(client, "wrong").status_code == 200
    response = attempt(client, "correct-horse-42")
    assert response.status_code == 200
    assert "Too many failed logins from your address" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_message_in_chinese(client, editor, settings):
    settings.KB_LOGIN_MAX_FAILURES = 1
    attempt(client, "wrong", language="zh-hans")
    response = attempt(client, "wrong", language="zh-hans")
    assert "登录失败次数过多" in response.content.decode()
    assert "15 分钟" in response.content.decode()


def test_other_address_is_not_locked(client, editor, settings):
    settings.KB_LOGIN_MAX_FAILURES = 2
    attempt(client, "wrong")
    attempt(client, "wrong")
    response = attempt(client, "correct-horse-42", address="192.0.2.44")
    assert response.status_code == 302


def test_success_resets_the_count(client, editor, settings):
    settings.KB_LOGIN_MAX_FAILURES = 3
    attempt(client, "wrong")
    attempt(client, "wrong")
    assert attempt(client, "correct-horse-42").status_code == 302
    client.logout()
    attempt(client, "wrong")
    attempt(client, "wrong")
    assert attempt(client, "correct-horse-42").status_code == 302


def test_many_names_from_one_address_are_locked(client, editor, settings):
    settings.KB_LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    for number in range(4):
        attempt(client, "guess", username=f"user{number}")
    response = attempt(client, "correct-horse-42")
    assert "Too many failed logins" in response.content.decode()
