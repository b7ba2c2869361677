"""``/open311/v2/``: GeoReport v2 and the service-request-updates extension, each in .json and .xml."""

from django.urls import re_path

from rabta.open311 import views

FMT = r"\.(?P<fmt>json|xml)$"

app_name = "open311"
urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]{1,60})" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    # GeoReport v2's documents write both: requests/{id} (the wiki) and request/{id} (swagger.json).
    re_path(r"^requests?/(?P<service_request_id>[^/]{1,40})" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]{1,60})" + FMT, views.token_detail, name="token"),
    re_path(r"^servicerequestupdates" + FMT, views.request_updates, name="updates"),
    re_path(r"^.*\.(?P<fmt>xml)$", views.unknown),
    re_path(r"^.*$", views.unknown),
]
