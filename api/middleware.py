from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

API_PREFIX = "/api/"
DEFAULT_API_LANGUAGE = "en"


class ApiLanguageMiddleware:
    """Choose the language of API messages from Accept-Language alone, English by default.

    The site's LocaleMiddleware also reads the language cookie and falls back to
    Chinese, which suits readers in a browser. Programs usually send neither, and
    their messages then stay English unless they ask for Chinese
    (Accept-Language: zh-hans). Must come after LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        language = self._requested_language(request.headers.get("Accept-Language", ""))
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return self.get_response(request)

    @staticmethod
    def _requested_language(header: str) -> str:
        for code, _quality in parse_accept_lang_header(header):
            if code == "*":
                break
            try:
                return translation.get_supported_language_variant(code)
            except LookupError:
                continue
        return DEFAULT_API_LANGUAGE
