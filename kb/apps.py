from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from .search import signals  # noqa: F401 (connects the search index receivers)
