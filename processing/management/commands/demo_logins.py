from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from processing.demo import DemoDataError, demo_logins


class Command(BaseCommand):
    help = "Print the demo logins: username / password / role / organisations (demo only)."

    def handle(self, *args, **options):
        try:
            logins = demo_logins()
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        loaded = set(get_user_model().objects.filter(
            username__in=[row["username"] for row in logins]
        ).values_list("username", flat=True))
        self.stdout.write("Demo logins (username / password / role / organisations):")
        for row in logins:
            line = " / ".join((row["username"], row["password"], row["role"], row["organisations"]))
            if row["username"] not in loaded:
                line += "  (not loaded: run manage.py load_demo)"
            self.stdout.write("  " + line)
