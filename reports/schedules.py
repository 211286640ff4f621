"""The default schedules of the periodic reports, kept in django-celery-beat.

They are created once, after ``migrate``; from then on they belong to the DPO, who edits
or disables them in the admin (Periodic tasks). A schedule that exists is never
changed or recreated here. Only one ``celery beat`` process must run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

#: The task each schedule starts (see reports/tasks.py).
SCHEDULED_TASK = "reports.run_scheduled_reports"


@dataclass(frozen=True)
class DefaultSchedule:
    name: str
    kind: str
    minute: str
    hour: str
    day_of_week: str = "*"
    day_of_month: str = "*"


DEFAULT_SCHEDULES = (
    DefaultSchedule("Reports: register health (weekly)", "health", "0", "6", day_of_week="1"),
    DefaultSchedule("Reports: reviews due (daily)", "reviews", "30", "6"),
    DefaultSchedule("Reports: changes to the register (weekly)", "changes", "0", "7",
                    day_of_week="1"),
    DefaultSchedule("Reports: transfers and retention (monthly)", "transfers", "0", "7",
                    day_of_month="1"),
)


def ensure_schedules(sender=None, using: str = "default", **kwargs) -> int:
    """Create the missing default schedules; answers how many were created.

    Connected to ``post_migrate``: idempotent, and it leaves edited schedules alone.
    """
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    created = 0
    for schedule in DEFAULT_SCHEDULES:
        if PeriodicTask.objects.using(using).filter(name=schedule.name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.using(using).get_or_create(
            minute=schedule.minute, hour=schedule.hour, day_of_week=schedule.day_of_week,
            day_of_month=schedule.day_of_month, month_of_year="*",
            timezone=ZoneInfo(settings.CELERY_TIMEZONE),
        )
        PeriodicTask.objects.using(using).get_or_create(
            name=schedule.name,
            defaults={
                "task": SCHEDULED_TASK,
                "crontab": crontab,
                "kwargs": json.dumps({"kind": schedule.kind}),
                "description": f"Produces the '{schedule.kind}' report of every organisation "
                               "and emails it to its DPOs.",
            },
        )
        created += 1
    return created
