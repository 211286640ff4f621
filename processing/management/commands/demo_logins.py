from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from processing.demo import demo_logins


class Command(BaseCommand):
    help = "Print the demo logins: username / password / role / organisations (demo only)."

    def handle(self, *args, **options):
        loaded = set(get_user_model().objects.filter(
            username__in=[row["username"] for row in demo_logins()]
        ).values_list("username", flat=True))
        self.stdout.write("Demo logins (username / password / role / organisations):")
        for row in demo_logins():
            line = " / ".join((row["username"], row["password"], row["role"], row["organisations"]))
            if row["username"] not in loaded:
                line += "  (not loaded: run manage.py load_demo)"
            self.stdout.write("  " + line)
