import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from editorial.roles import EDITORS, PUBLISHERS, roles_create

CREDENTIALS_FILE = Path(settings.BASE_DIR) / ".admin-credentials"
# The two demo staff users, one per role: "username password" per line.
DEMO_CREDENTIALS_FILE = Path(settings.BASE_DIR) / ".demo-credentials"
DEMO_USERS = [
    ("editor", EDITORS, "writes and revises drafts, sends them for review; cannot publish"),
    ("publisher", PUBLISHERS, "publishes, schedules, unpublishes and archives"),
]


class Command(BaseCommand):
    help = (
        "Make sure a local administrator exists. Username and password come from "
        "DJANGO_SUPERUSER_USERNAME and DJANGO_SUPERUSER_PASSWORD; without them the user is "
        "'admin' with a generated password, printed and kept in .admin-credentials. Also makes "
        "the demo staff users 'editor' (group Editors) and 'publisher' (group Publishers), with "
        "generated passwords, printed and kept in .demo-credentials."
    )

    def handle(self, *args, **options):
        self.ensure_administrator()
        self.ensure_demo_users()

    def ensure_administrator(self):
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

    def ensure_demo_users(self):
        """An editor and a publisher, to try the workflow with the two roles side by side."""
        roles_create()  # the migration made them; a deleted group comes back with its defaults
        User = get_user_model()
        saved = self.saved_demo_credentials()
        for username, group_name, can in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                saved[username] = secrets.token_urlsafe(12)
                user = User.objects.create_user(username=username, password=saved[username])
                how = "created"
            elif username in saved:
                how = "as first created, unless changed since"
            else:
                how = None
            user.is_staff = user.is_active = True
            user.save(update_fields=["is_staff", "is_active"])
            user.groups.add(Group.objects.get(name=group_name))
            if how is None:
                self.stdout.write(
                    f"{group_name[:-1]} '{username}' exists. Forgot the password? "
                    f"Run: .venv/bin/python manage.py changepassword {username}"
                )
                continue
            self.stdout.write(
                self.style.SUCCESS(
                    f"{group_name[:-1]} ({how}): username '{username}', "
                    f"password '{saved[username]}' — {can}"
                )
            )
        DEMO_CREDENTIALS_FILE.touch(mode=0o600)
        DEMO_CREDENTIALS_FILE.write_text(
            "".join(f"{username} {password}\n" for username, password in saved.items())
        )

    def saved_demo_credentials(self):
        try:
            lines = DEMO_CREDENTIALS_FILE.read_text().splitlines()
        except FileNotFoundError:
            return {}
        return dict(line.split(" ", 1) for line in lines if " " in line)
