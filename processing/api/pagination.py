from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination


class RegisterPagination(PageNumberPagination):
    """``?page=N&page_size=M``; the page size is capped so one request stays cheap. A page
    or page size that is not a whole number from 1 (or given twice) is a 400 that names it,
    never silently replaced by the default; a page past the last one answers 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        for name in (self.page_query_param, self.page_size_query_param):
            values = request.query_params.getlist(name)
            if not values:
                continue
            if len(values) > 1:
                raise ValidationError({name: f"Give {name} once, not {len(values)} times."})
            value = values[0]
            if not (value.isascii() and value.isdigit() and int(value) >= 1):
                raise ValidationError({name: f"'{value[:40]}' is not a whole number from 1."})
            if name == self.page_size_query_param and int(value) > self.max_page_size:
                raise ValidationError({name: f"At most {self.max_page_size} per page, not {value}."})
            if name == self.page_query_param and len(value) > 9:
                raise NotFound(f"There is no page {value[:40]}.")
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters
