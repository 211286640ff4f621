"""The API's answer for activity records, written out.

``ActivitySerializer`` describes the answer (the OpenAPI schema is built from it) and can
give it; a page of 100 activities holds thousands of nested objects, and DRF's field by
field walk over them cost twice the page's budget (docs/architecture.md). So the views
answer with :func:`represent_activities`, which builds the same dicts directly from the
records; a test holds its answer to the serializer's, key for key and in order, over
varied and generated registers. A field added to the serializer and not here fails it.
"""

from __future__ import annotations

from rest_framework import serializers

from processing.completeness import activity_completeness
from processing.findings import activity_findings
from processing.models.activity import SCREENING_FIELDS
from processing.register import records as r

_datetime = serializers.DateTimeField().to_representation
_date = serializers.DateField().to_representation


def _when(value, convert):
    return None if value is None else convert(value)


class _Shared:
    """Representations of the terms and third parties of one answer, made once each."""

    def __init__(self):
        self.memo: dict[tuple[str, int], dict] = {}
        self.keep: list = []  # the objects behind the ids, alive as long as the memo

    def once(self, kind: str, obj, make) -> dict:
        key = (kind, id(obj))
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = make(obj)
            self.keep.append(obj)
        return found

    def subject(self, t: r.Term) -> dict:
        return self.once("subject", t, lambda t: {
            "code": t.code, "name": t.name, "description": t.description, "dpv_iri": t.dpv_iri,
            "vulnerable": t.vulnerable, "children": t.children})

    def data(self, t: r.Term) -> dict:
        return self.once("data", t, lambda t: {
            "code": t.code, "name": t.name, "dpv_iri": t.dpv_iri,
            "special_category": t.special_category, "criminal_offence": t.criminal_offence})

    def art9(self, t: r.Term) -> dict:
        return self.once("art9", t, lambda t: {
            "code": t.code, "article": t.article, "name": t.name, "dpv_iri": t.dpv_iri,
            "uk_schedule1_part": t.uk_schedule1_part})

    def sch1(self, t: r.Term) -> dict:
        return self.once("sch1", t, lambda t: {
            "code": t.code, "article": t.article, "name": t.name, "part": t.part,
            "applies_to": t.applies_to, "needs_policy_document": t.needs_policy_document,
            "dpv_iri": t.dpv_iri})

    def measure(self, t: r.Term) -> dict:
        return self.once("measure", t, lambda t: {
            "code": t.code, "name": t.name, "kind": t.kind, "description": t.description,
            "dpv_iri": t.dpv_iri})

    def mechanism(self, t: r.Term | None) -> dict | None:
        return None if t is None else self.once("mechanism", t, lambda t: {
            "code": t.code, "article": t.article, "name": t.name, "kind": t.kind,
            "requires_documented_safeguards": t.requires_documented_safeguards,
            "description": t.description, "dpv_iri": t.dpv_iri})

    def recipient_category(self, t: r.Term | None) -> dict | None:
        return None if t is None else self.once("recipient_category", t, lambda t: {
            "code": t.code, "name": t.name, "dpv_iri": t.dpv_iri})

    def party(self, p: r.ThirdParty | None) -> dict | None:
        return None if p is None else self.once("party", p, lambda p: {
            "id": p.id, "name": p.name, "kind": p.kind})


def _activity(a: r.Activity, shared: _Shared) -> dict:
    found = activity_findings(a)
    return {
        "id": a.id, "organisation": a.organisation_id, "organisation_name": a.organisation,
        "reference": a.reference, "name": a.name, "business_function": a.business_function,
        "owner": {"name": a.owner, "email": a.owner_email} if a.owner else None,
        "role": a.role, "status": a.status,
        "status_changed_at": _when(a.status_changed_at, _datetime), "version": a.version,
        "created_at": _when(a.created_at, _datetime), "updated_at": _when(a.updated_at, _datetime),
        "last_reviewed_on": _when(a.last_reviewed_on, _date),
        "next_review_on": _when(a.next_review_on, _date), "description": a.description,
        "purposes": [{"id": p.id, "description": p.description, "position": p.position}
                     for p in a.purposes],
        "data_subjects": [shared.subject(t) for t in a.data_subjects],
        "data_categories": [shared.data(t) for t in a.data_categories],
        "special_category_conditions": [shared.art9(t) for t in a.special_category_conditions],
        "schedule1_conditions": [shared.sch1(t) for t in a.schedule1_conditions],
        "lawful_bases": [{
            "id": u.id, "basis": u.basis.code, "article": u.basis.article, "label": u.basis.name,
            "kind": u.basis.kind, "dpv_iri": u.basis.dpv_iri,
            "data_categories": [c.code for c in u.data_categories],
            "purposes": [p.description for p in u.purposes],
            "legitimate_interest": u.legitimate_interest, "lia_link": u.lia_link,
            "consent_record_link": u.consent_record_link, "citation": u.citation,
            "consent_description": u.consent_description,
            "recognised_interest": u.recognised_interest, "notes": u.notes,
        } for u in a.lawful_bases],
        "recipients_none": a.recipients_none,
        "recipients": [{
            "id": x.id, "third_party": shared.party(x.third_party),
            "category": shared.recipient_category(x.category), "category_name": x.category_name,
            "data_categories": [c.code for c in x.data_categories], "purpose": x.purpose,
        } for x in a.recipients],
        "joint_controllers": [shared.party(p) for p in a.joint_controllers],
        "controllers_served": [shared.party(p) for p in a.controllers_served],
        "transfers": [{
            "id": t.id, "country": t.country.code if t.country else None,
            "country_name": t.country.name if t.country else None,
            "international_organisation": t.international_organisation,
            "third_party": shared.party(t.third_party), "mechanism": shared.mechanism(t.mechanism),
            "safeguards": t.safeguards, "safeguard_document_link": t.safeguard_document_link,
            "tia_link": t.tia_link, "scc_module": t.scc_module,
        } for t in a.transfers],
        "retention_rules": [{
            "id": x.id, "data_category": x.data_category.code if x.data_category else None,
            "period": x.period, "period_is_maximum": x.period_is_maximum,
            "trigger": x.trigger, "trigger_description": x.trigger_description,
            "legal_source": x.legal_source, "deletion_method": x.deletion_method,
            "criteria": x.criteria, "description": x.describe(),
        } for x in a.retention_rules],
        "security_measures": [shared.measure(t) for t in a.security_measures],
        "security_description": a.security_description, "source_of_data": a.source_of_data,
        "automated_decision_making": a.automated_decision_making,
        "automated_decision_legal_effect": a.automated_decision_legal_effect,
        "automated_decision_description": a.automated_decision_description,
        "systematic_monitoring": a.systematic_monitoring, "data_location": a.data_location,
        "dpia_required": a.dpia_required, "dpia_status": a.dpia_status, "dpia_link": a.dpia_link,
        "breach_occurred": a.breach_occurred, "breach_link": a.breach_link,
        "retention_policy_link": a.retention_policy_link,
        "retention_adhered": a.retention_adhered,
        "retention_non_adherence_reason": a.retention_non_adherence_reason,
        **{name: getattr(a, name) for name in SCREENING_FIELDS},
        "findings": [finding.as_dict() for finding in found],
        "completeness": activity_completeness(a, findings=found).as_dict(),
    }


def represent_activities(activities: list[r.Activity]) -> list[dict]:
    """What ``ActivitySerializer(activities, many=True).data`` gives."""
    shared = _Shared()
    return [_activity(a, shared) for a in activities]


def represent_activity(activity: r.Activity) -> dict:
    return represent_activities([activity])[0]
