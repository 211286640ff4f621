from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Contact, Country, Membership, Organisation, RecipientCategory, ThirdParty


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_eea", "eu_adequacy", "uk_adequacy"]
    list_filter = ["is_eea", "is_eu", "eu_adequacy", "uk_adequacy"]
    search_fields = ["name", "code"]


class ContactInline(admin.StackedInline):
    model = Contact
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class ScopedAdminMixin:
    """Non-superusers see the objects of the organisations they are members of."""

    organisation_path = "organisation"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            **{f"{self.organisation_path}__memberships__user": request.user}
        ).distinct()


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "registration_number", "authority_registration_ref", "country",
                    "parent"]
    search_fields = ["name", "trading_name", "registration_number"]
    autocomplete_fields = ["country", "parent"]
    inlines = [ContactInline, MembershipInline]

    def get_queryset(self, request):
        return Organisation.objects.for_user(request.user)


@admin.register(RecipientCategory)
class RecipientCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "dpv_iri"]
    search_fields = ["name", "code"]


@admin.register(ThirdParty)
class ThirdPartyAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "organisation", "kind", "category", "country", "contract_link"]
    list_filter = ["kind", "category", "organisation"]
    search_fields = ["name", "service", "address"]
    autocomplete_fields = ["organisation", "category", "country", "group_organisation"]
