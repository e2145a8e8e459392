import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

CREDENTIALS_FILE = Path(settings.BASE_DIR) / ".admin-credentials"


class Command(BaseCommand):
    help = (
        "Make sure a local administrator exists. Username and password come from "
        "DJANGO_SUPERUSER_USERNAME and DJANGO_SUPERUSER_PASSWORD; without them the user is "
        "'admin' with a generated password, printed and kept in .admin-credentials."
    )

    def handle(self, *args, **options):
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME") or "admin"
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        User = get_user_model()
        user = User.objects.filter(username=username).first()

        if user is None:
            password = password or secrets.token_urlsafe(12)
            User.objects.create_superuser(username=username, email="", password=password)
            if not os.environ.get("DJANGO_SUPERUSER_PASSWORD"):
                CREDENTIALS_FILE.touch(mode=0o600)
                CREDENTIALS_FILE.write_text(f"{username}\n{password}\n")
            self.print_credentials(username, password, "created")
        elif password:
            user.set_password(password)
            user.is_staff = user.is_superuser = user.is_active = True
            user.save()
            self.print_credentials(
                username, password, "password set from DJANGO_SUPERUSER_PASSWORD"
            )
        elif self.saved_credentials(username):
            self.print_credentials(
                username, self.saved_credentials(username), "as first created, unless changed since"
            )
        else:
            self.stdout.write(
                f"Administrator '{username}' exists. Forgot the password? "
                f"Run: .venv/bin/python manage.py changepassword {username}"
            )

    def saved_credentials(self, username):
        try:
            saved_username, saved_password = CREDENTIALS_FILE.read_text().split()
        except (FileNotFoundError, ValueError):
            return None
        return saved_password if saved_username == username else None

    def print_credentials(self, username, password, how):
        self.stdout.write(
            self.style.SUCCESS(
                f"Administrator ({how}): username '{username}', password '{password}'"
                " — sign in at /admin/"
            )
        )
