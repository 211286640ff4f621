from django.core.management.base import BaseCommand, CommandError

from processing.synthetic import LAYOUTS, generate_register


class Command(BaseCommand):
    help = "Create a synthetic register (for benchmarks), reproducible with --seed."

    def add_arguments(self, parser):
        parser.add_argument("--activities", type=int, required=True)
        parser.add_argument("--organisations", type=int, default=20)
        parser.add_argument("--third-parties", type=int, default=500)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--layout", choices=LAYOUTS, default="together",
                            help="together: each organisation's activities and third parties "
                                 "created one after another (as entered or imported "
                                 "organisation by organisation); rotation: the organisations "
                                 "take turns, row by row")

    def handle(self, *args, activities, organisations, third_parties, seed, layout,
               **options):
        if activities < 1 or organisations < 1 or third_parties < 3 * organisations:
            raise CommandError(
                "--activities and --organisations must be at least 1, and --third-parties at "
                "least 3 per organisation (each activity has 3 recipients)."
            )
        created = generate_register(activities=activities, organisations=organisations,
                                    third_parties=third_parties, seed=seed,
                                    layout=layout)
        self.stdout.write(", ".join(f"{n} {name.replace('_', ' ')}" for name, n in created.items()))
