from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from rabta.api.api import api
from rabta.core import pages
from rabta.core import views as core_views

admin.site.site_header = "Rabta administration"
admin.site.site_title = "Rabta admin"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_views.metrics, name="metrics"),
    path("api/", api.urls),
    path("open311/v2/", include("rabta.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # At the root, so the service worker's scope is the whole site.
    path("sw.js", pages.service_worker, name="service_worker"),
    path("manifest.webmanifest", pages.manifest, name="manifest"),
]

# Pages carry the language in the URL (/en/..., /ur/...) so a shared link opens in the language it
# was shared in. Unknown prefixes (/fr/...) are simply not found.
urlpatterns += i18n_patterns(
    path("", pages.home, name="home"),
    path("offline/", pages.offline, name="offline"),
    path("accounts/", include("rabta.accounts.urls")),
    path("accounts/", include("rabta.accountability.urls")),
    path("complaints/", include("rabta.complaints.urls")),
    path("intelligence/", include("rabta.intelligence.urls")),
    path("directory/", include("rabta.directory.urls")),
    path("customs/", include("rabta.customs.urls")),
    path("scorecards/", include("rabta.scorecards.urls")),
    path("trade/tariff/", include("rabta.tariff.urls")),
    path("risk/agency/", include("rabta.risk.urls_agency")),
    path("enforcement/", include("rabta.enforcement.urls")),
    path("exchange/", include("rabta.exchange.urls")),
    path("risk/", include("rabta.risk.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

handler400 = "rabta.core.pages.bad_request"
handler403 = "rabta.core.pages.permission_denied"
handler404 = "rabta.core.pages.page_not_found"
handler500 = "rabta.core.pages.server_error"
