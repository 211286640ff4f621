"""The app's URLs plus ``/bench/raw-lawful-basis/<id>/``: the lawful-basis lookup answered
by a bare Django view from one raw SQL query, the yardstick of the API lookup."""

import json

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import path

from ropa.urls import urlpatterns as app_urlpatterns

RAW_SQL = """
SELECT a.id, a.reference, a.name, b.code, b.article, b.name, b.dpv_iri,
       u.legitimate_interest, u.lia_link, u.consent_record_link, u.citation
FROM processing_processingactivity a
JOIN processing_activitylawfulbasis u ON u.activity_id = a.id
JOIN processing_lawfulbasis b ON b.id = u.basis_id
WHERE a.id = %s
ORDER BY b.code
"""


def raw_lawful_basis(request, pk):
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, [pk])
        rows = cursor.fetchall()
    if not rows:
        return HttpResponse(status=404)
    body = {
        "id": rows[0][0], "reference": rows[0][1], "name": rows[0][2],
        "lawful_bases": [
            {"code": r[3], "article": r[4], "label": r[5], "dpv_iri": r[6],
             "legitimate_interest": r[7], "lia_link": r[8], "consent_record_link": r[9],
             "citation": r[10]}
            for r in rows
        ],
    }
    return JsonResponse(body, json_dumps_params={"separators": (",", ":")}) if body else \
        HttpResponse(json.dumps(body))


urlpatterns = [
    path("bench/raw-lawful-basis/<int:pk>/", raw_lawful_basis),
    *app_urlpatterns,
]
