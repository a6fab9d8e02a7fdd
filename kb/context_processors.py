from django.conf import settings
from django.urls import translate_url

from .models.bilingual import content_language


def site(request):
    """Add the page's language alternates (for hreflang and the switcher)."""
    path = request.get_full_path()
    alternates = [
        {"code": code, "name": name, "url": translate_url(path, code)}
        for code, name in settings.LANGUAGES
    ]
    return {
        "content_language": content_language(),
        "language_alternates": alternates,
    }
