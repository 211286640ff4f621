from django.core.management.base import BaseCommand

from processing.findings import forget_summaries
from processing.reference.load import load_reference_data


class Command(BaseCommand):
    help = "Create or update the shipped reference data (idempotent)."

    def handle(self, *args, **options):
        for model, (created, updated) in load_reference_data().items():
            self.stdout.write(f"{model}: {created} created, {updated} updated")
        forget_summaries()  # the rules read the terms: findings are made again when next read
