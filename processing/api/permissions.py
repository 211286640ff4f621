"""Who may do what through the API (DESIGN section 7).

Reading is scoped by the querysets (``for_user``): another organisation's objects are
simply not found (404). Writing depends on the user's role in the activity's
organisation: the DPO edits its organisations' register, a contributor edits the
activities it owns and submits them for review, auditors and API clients only read.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from entities.models import MemberRole, Membership

#: Workflow actions only the DPO may take (a contributor submits, the DPO decides).
DPO_ACTIONS = frozenset({"approve", "retire", "reinstate", "return_to_draft"})
WRITER_ROLES = frozenset({MemberRole.DPO, MemberRole.CONTRIBUTOR})


def user_roles(request) -> dict[int, str]:
    """{organisation id: role} of the requesting user, read once per request."""
    cached = getattr(request, "ropa_roles", None)
    if cached is None:
        cached = dict(
            Membership.objects.filter(user=request.user).values_list("organisation_id", "role")
        )
        request.ropa_roles = cached
    return cached


def role_in(request, organisation_id: int) -> str | None:
    if request.user.is_superuser:
        return MemberRole.DPO
    return user_roles(request).get(organisation_id)


def writable_organisation_ids(request) -> set[int] | None:
    """Organisations where the user may create activities (None: all, for a superuser)."""
    if request.user.is_superuser:
        return None
    return {org for org, role in user_roles(request).items() if role in WRITER_ROLES}


def visible_organisation_ids(request) -> set[int] | None:
    """Organisations the user is a member of (None: all, for a superuser)."""
    if request.user.is_superuser:
        return None
    return set(user_roles(request))


def dpo_organisation_ids(request) -> set[int] | None:
    """Organisations whose register the user keeps as DPO (None: all, for a superuser)."""
    if request.user.is_superuser:
        return None
    return {org for org, role in user_roles(request).items() if role == MemberRole.DPO}


class EntityPermission(BasePermission):
    """Organisations and third parties: every member reads; the DPO of the organisation
    writes. A DPO may add an organisation (a company of its group): it becomes its DPO."""

    message = "Only the DPO of the organisation changes its register."

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        allowed = dpo_organisation_ids(request)
        return allowed is None or bool(allowed)

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        organisation_id = obj.pk if view.basename == "organisation" else obj.organisation_id
        return role_in(request, organisation_id) == MemberRole.DPO


class ActivityPermission(BasePermission):
    message = "Your role in this organisation does not allow this change."

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        if view.action == "create":
            allowed = writable_organisation_ids(request)
            return allowed is None or bool(allowed)
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        role = role_in(request, obj.organisation_id)
        if role == MemberRole.DPO:
            return True
        if role == MemberRole.CONTRIBUTOR:
            return obj.is_owned_by(request.user) and view.action not in DPO_ACTIONS
        return False
