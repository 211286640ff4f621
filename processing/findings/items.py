"""Rules on the items Article 30 asks every record to hold, and on who the controllers are."""

from __future__ import annotations

from ..models import ActivityRole
from .base import Severity, _, _categories, _is_controller, rule


@rule("A30-PURPOSES", Severity.ERROR, "Art 30(1)(b) / 30(2)(b)", "Purposes recorded")
def _purposes(activity, today):
    if not activity.purposes:
        yield "purposes", _("No purpose is recorded: state why the data is processed "
                            "(for a processor, the categories of processing).")


@rule("A30-SUBJECTS", Severity.ERROR, "Art 30(1)(c)", "Data subjects recorded")
def _subjects(activity, today):
    if _is_controller(activity) and not activity.data_subjects:
        yield "data_subjects", _("No category of data subjects: say whose data this is.")


@rule("A30-DATA", Severity.ERROR, "Art 30(1)(c)", "Personal data recorded")
def _data(activity, today):
    if _is_controller(activity) and not _categories(activity):
        yield "data_categories", _("No category of personal data: list what data is processed.")


@rule("A30-RECIPIENTS", Severity.ERROR, "Art 30(1)(d)", "Recipients recorded")
def _recipients(activity, today):
    if (_is_controller(activity) and not activity.recipients_none
            and not activity.recipients):
        yield "recipients", _("No recipient is recorded: add who receives the data, "
                              "or tick 'no recipients'.")


@rule("A30-RETENTION", Severity.ERROR, "Art 30(1)(f)", "Retention recorded")
def _retention(activity, today):
    if _is_controller(activity) and not activity.retention_rules:
        yield "retention_rules", _("No retention rule: record how long the data is kept "
                                   "(a period such as P7Y, or the criteria).")


@rule("A30-SECURITY", Severity.ERROR, "Art 30(1)(g) / 30(2)(d)", "Security measures recorded")
def _security(activity, today):
    if not activity.security_measures and not activity.security_description.strip():
        yield "security_measures", _("No security measure: describe the technical and "
                                     "organisational measures that protect the data.")


@rule("A30-CONTROLLERS", Severity.ERROR, "Art 30(2)(a)", "Controllers served recorded")
def _controllers_served(activity, today):
    if activity.is_processor_record and not activity.controllers_served:
        yield "controllers_served", _("This is a processor record: name each controller "
                                      "on whose behalf the data is processed.")


@rule("A30-CONTROLLER-CONTACTS", Severity.WARNING, "Art 30(2)(a)",
      "DPO and representative of each controller served")
def _controller_contacts(activity, today):
    if not activity.is_processor_record:
        return
    for party in activity.controllers_served:
        if not (party.dpo_contact.strip() or party.representative_contact.strip()):
            yield "controllers_served", _(
                "%(name)s is a controller served with neither its DPO nor its Art 27 "
                "representative recorded: record their names and contact details on its "
                "third-party record (or that it has none)."
            ) % {"name": party.name}


@rule("A26-JOINT", Severity.ERROR, "Art 26 / 30(1)(a)", "Joint controllers named")
def _joint(activity, today):
    if activity.role == ActivityRole.JOINT_CONTROLLER and not activity.joint_controllers:
        yield "joint_controllers", _("The organisation is a joint controller: name the other "
                                     "controller(s) and their contact details.")

