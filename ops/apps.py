from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from django.contrib import admin
        from django.db.backends.signals import connection_created

        from .login_throttle import ThrottledAdminAuthenticationForm
        from .metrics import instrument_connection

        connection_created.connect(instrument_connection, dispatch_uid="ops.metrics")
        admin.site.login_form = ThrottledAdminAuthenticationForm
