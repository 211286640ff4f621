from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from processing.demo import DemoDataError, load_demo


class Command(BaseCommand):
    help = (
        "Create or bring up to date the demo register transcribed from the Akixi, Mondago and "
        "ConnexAI privacy policies (the data files in processing/demo/data/), with demo logins "
        "(idempotent). The logins have published passwords: for a local demo only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--user", metavar="USERNAME",
            help="Record the changes in history as made by this existing user.",
        )
        parser.add_argument(
            "--force", action="store_true",
            help="Load even when DEBUG is off (the demo logins' passwords are published).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: the demo creates logins whose passwords are published (admin / "
                "admin-demo...). Load it on a local demo only, or pass --force."
            )
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user: no user named '{options['user']}'.")
        try:
            summary = load_demo(user=user)
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc

        out = self.stdout
        out.write(
            f"Demo register: {summary['organisations']} organisations, "
            f"{summary['activities']} activities, {summary['third_parties']} third parties, "
            f"{summary['contacts']} contacts."
        )
        changes = [f"{n} {what} created" for what, n in summary["created"].items()]
        changes += [f"{n} {what} updated" for what, n in summary["updated"].items()]
        out.write("Changes: " + ("; ".join(changes) if changes else "none (already up to date)."))
        severities = ", ".join(f"{n} {s}" for s, n in sorted(summary["findings_by_severity"].items()))
        out.write(f"Findings: {summary['findings']}" + (f" ({severities})" if severities else ""))
        for code, n in summary["findings_by_code"].items():
            out.write(f"  {code}: {n}")
        out.write("Demo logins (username / password / role / organisations), demo only:")
        for row in summary["logins"]:
            out.write("  " + " / ".join(
                (row["username"], row["password"], row["role"], row["organisations"])))
