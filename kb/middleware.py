from django.conf import settings
from django.utils import translation


class RememberLanguageMiddleware:
    """Store the language of the page a reader opens, so the next visit to / uses it.

    LocaleMiddleware takes the language from the URL prefix; this keeps the cookie
    in step with it, so following a link to /en/ counts as choosing English.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = translation.get_language_from_path(request.path_info)
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language and language != cookie and response.status_code < 400:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
            )
        return response
