"""Rules on risk (DPIAs, automated decisions, children), transparency, joint control,
marketing, and the upkeep of the register."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from ..models import ActivityRole, ActivityStatus, DpiaStatus, LawfulBasisKind, ProcessingActivity
from ..register.records import Activity
from .base import Severity, _, _bases, _categories, _is_controller, as_record, rule


def _sensitive_kinds(activity: Activity) -> list[str]:
    """What makes the data sensitive or highly personal (EDPB criterion 4)."""
    categories = _categories(activity)
    kinds = []
    if any(c.special_category for c in categories):
        kinds.append(str(_("special category data")))
    if any(c.criminal_offence for c in categories):
        kinds.append(str(_("criminal offence data")))
    if any(c.biometric for c in categories):
        kinds.append(str(_("biometric or genetic data")))
    if any(c.tracking for c in categories):
        kinds.append(str(_("location or behaviour tracking")))
    return kinds


def dpia_criteria(activity: Activity | ProcessingActivity) -> list[str]:
    """The EDPB's nine DPIA screening criteria (WP248 rev.01) the activity meets, in the
    guidelines' order, each named with what meets it. The register says most of them
    already (its data categories, subjects and decisions); the activity's screening flags
    say the rest. A decision with legal or similar effect is an evaluation as well (Art
    35(3)(a)), so it meets two criteria on its own."""
    activity = as_record(activity)
    criteria = []
    if (activity.evaluation_or_scoring or activity.automated_decision_making
            or activity.automated_decision_legal_effect):
        criteria.append(str(_("evaluation or scoring")))
    if activity.automated_decision_legal_effect:
        criteria.append(str(_("automated decisions with legal or similar effect")))
    if activity.systematic_monitoring:
        criteria.append(str(_("systematic monitoring")))
    sensitive = _sensitive_kinds(activity)
    if sensitive:
        criteria.append(", ".join(sensitive))
    if activity.large_scale:
        criteria.append(str(_("large scale")))
    if activity.matching_datasets:
        criteria.append(str(_("matching or combining datasets")))
    if activity.involves_vulnerable:
        criteria.append(str(_("children's data")) if activity.involves_children
                        else str(_("vulnerable data subjects")))
    if activity.innovative_technology:
        criteria.append(str(_("innovative technology")))
    if activity.prevents_exercise_of_right:
        criteria.append(str(_("preventing the exercise of a right or the use of a service")))
    return criteria


def _ico_list(activity: Activity) -> list[str]:
    """Processing on the ICO's list (Art 35(4)) that needs a DPIA on its own, for a UK
    organisation: matching data from several sources, and children's data used for
    profiling, automated decisions or marketing. (Its other entries, innovative
    technology, biometrics, tracking, need another criterion, as the EDPB's do.)"""
    if activity.jurisdiction != "uk":
        return []
    found = []
    if activity.matching_datasets:
        found.append(str(_("ICO list: data matching")))
    if activity.involves_children and (
            activity.evaluation_or_scoring or activity.automated_decision_making
            or activity.automated_decision_legal_effect or activity.does_direct_marketing):
        found.append(str(_("ICO list: children targeted for profiling or marketing")))
    return found


def dpia_triggers(activity: Activity | ProcessingActivity) -> list[str]:
    """Why a DPIA is expected for the activity (Art 35(1), (3) and (4)): two or more of the
    EDPB's screening criteria, or an entry of the ICO's list that needs no other. Empty
    when none is expected: one criterion alone is a matter of screening
    (``dpia_criteria``)."""
    activity = as_record(activity)
    return _triggers(activity, dpia_criteria(activity))


def _triggers(activity: Activity, criteria: list[str]) -> list[str]:
    ico = _ico_list(activity)
    if len(criteria) >= 2 or ico:
        return criteria + ico
    return []


def _dpia_recorded(activity: Activity) -> bool:
    return bool(activity.dpia_link) or activity.dpia_status in (
        DpiaStatus.IN_PROGRESS, DpiaStatus.COMPLETED)


@rule("A35-DPIA", Severity.ERROR, "Art 35", "DPIA where required")
def _dpia(activity, today):
    triggers = dpia_triggers(activity)
    if _is_controller(activity) and triggers and not _dpia_recorded(activity):
        yield "dpia_status", _("A DPIA is expected (%(why)s) but none is recorded: start one "
                               "and link it.") % {"why": ", ".join(triggers)}


@rule("A35-SCREENING", Severity.INFO, "Art 35(1)", "DPIA screening recorded")
def _dpia_screening(activity, today):
    criteria = dpia_criteria(activity)
    if (_is_controller(activity) and len(criteria) == 1 and not _triggers(activity, criteria)
            and not activity.dpia_required and not _dpia_recorded(activity)):
        yield "dpia_required", _("One DPIA screening criterion is met (%(why)s): a DPIA is "
                                 "expected when two are; record whether one is required.") % {
            "why": criteria[0]}


@rule("A22-SAFEGUARDS", Severity.ERROR, "Art 22(3)", "Safeguards for automated decisions")
def _art22(activity, today):
    if (_is_controller(activity) and activity.automated_decision_legal_effect
            and not activity.automated_decision_safeguards.strip()):
        yield "automated_decision_safeguards", _(
            "Decisions with legal or similarly significant effect are made by automated "
            "means: describe how people obtain human intervention, give their view and "
            "contest the decision.")


@rule("A8-CHILD-CONSENT", Severity.ERROR, "Art 8(1)-(2)", "Children's consent")
def _art8(activity, today):
    consent = any(b.basis.kind == LawfulBasisKind.CONSENT for b in _bases(activity))
    if (_is_controller(activity) and consent and activity.involves_children
            and not activity.children_consent.strip()):
        yield "children_consent", _(
            "Children's data is processed on consent: record how age is checked and how "
            "consent is given or authorised by the holder of parental responsibility.")


# --- Transparency, joint control, marketing ---------------------------------------------------

@rule("A14-SOURCE", Severity.WARNING, "Art 14(2)(f)", "Source of data not from the person")
def _art14(activity, today):
    if (_is_controller(activity) and activity.data_from_other_sources
            and not activity.source_of_data.strip()):
        yield "source_of_data", _("Some data is obtained from others: say where it comes "
                                  "from (people must be told the source).")


@rule("A13-NOTICE", Severity.WARNING, "Art 13, 14", "Privacy notice")
def _notice(activity, today):
    if _is_controller(activity) and not activity.privacy_notice_link:
        yield "privacy_notice_link", _("No link to the privacy notice: link the notice that "
                                       "tells people about this processing.")


@rule("A26-ARRANGEMENT", Severity.WARNING, "Art 26(1)-(2)", "Joint controller arrangement")
def _arrangement(activity, today):
    if activity.role == ActivityRole.JOINT_CONTROLLER and not activity.joint_arrangement_link:
        yield "joint_arrangement_link", _(
            "The organisation is a joint controller with no link to the arrangement that sets "
            "each controller's duties: link it.")


@rule("PECR-CONSENT", Severity.ERROR, "PECR reg 22 / ePrivacy Art 13", "Consent to e-marketing")
def _pecr(activity, today):
    consent = any(b.basis.kind == LawfulBasisKind.CONSENT for b in _bases(activity))
    if activity.electronic_marketing and not consent and not activity.soft_opt_in:
        yield "electronic_marketing", _(
            "Electronic direct marketing needs the recipient's consent: rely on consent, or "
            "record that the soft opt-in applies (existing customers, similar products, a "
            "chance to refuse each time).")


# --- Upkeep ---------------------------------------------------------------------------------

@rule("REVIEW-OVERDUE", Severity.WARNING, "Art 5(2), 24(1)", "Review date")
def _review(activity, today):
    if activity.next_review_on and activity.next_review_on < today:
        yield "next_review_on", _("The review was due on %(date)s: review the record and "
                                  "approve it again.") % {"date": activity.next_review_on}


@rule("DRAFT-STALE", Severity.INFO, "Art 30(1)", "Draft left open")
def _draft(activity, today):
    days = settings.ROPA_DRAFT_STALE_DAYS
    # A draft since its creation, or since it went back to draft.
    since = activity.status_changed_at or activity.created_at
    if activity.status == ActivityStatus.DRAFT and since and (
        today - timezone.localdate(since)
    ).days > days:
        yield "status", _("The record has been a draft for more than %(days)s days: complete "
                          "it and submit it for review.") % {"days": days}

