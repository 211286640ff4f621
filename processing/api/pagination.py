from rest_framework.pagination import PageNumberPagination


class RegisterPagination(PageNumberPagination):
    """``?page=N&page_size=M``; the page size is capped so one request stays cheap."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
