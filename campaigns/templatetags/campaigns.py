from django import template

from .. import services
from ..models import ANSWERED, Campaign, TaskState

register = template.Library()


@register.inclusion_tag("campaigns/worklist.html", takes_context=True)
def open_campaigns(context):
    """The open review campaigns of the user's organisations, with their progress."""
    # Imported here: the admin theme renders a widget while its admin module loads, which
    # loads every template library; importing an admin module from this one at load
    # time would be circular.
    from entities.admin import organisations_with_role

    request = context["request"]
    campaigns = Campaign.objects.filter(closed_at__isnull=True).select_related("organisation")
    if not request.user.is_superuser:
        campaigns = campaigns.filter(organisation_id__in=organisations_with_role(request))
    rows = []
    for campaign in campaigns[:10]:
        counts = services.progress(campaign)
        rows.append({"campaign": campaign, "total": counts["total"],
                     "answered": counts["total"] - counts[TaskState.PENDING],
                     "waiting": sum(counts[s] for s in ANSWERED)})
    return {"rows": rows}
