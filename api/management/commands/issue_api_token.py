from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = (
        "Print the REST API token of a user, creating it if the user has none. "
        "Writes also need the user's Django model permissions (kb.add_topic …)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="Existing user who will own the token.")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the user's current token first, so the old key stops working.",
        )

    def handle(self, *args, username: str, reset: bool, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist:
            raise CommandError(
                f"No user named {username!r}. Create one first, for example with "
                "`manage.py createsuperuser`."
            ) from None

        with transaction.atomic():
            if reset:
                Token.objects.filter(user=user).delete()
            token, _created = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
