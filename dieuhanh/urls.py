from django.urls import include, path

from dieuhanh.api.router import api
from dieuhanh.portal.urls import ckan_urlpatterns

urlpatterns = [
    *ckan_urlpatterns,
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("dieuhanh.notifications.urls")),
    path("", include("dieuhanh.jobs.urls")),
    path("", include("dieuhanh.plans.urls")),
    path("", include("dieuhanh.indicators.urls")),
    path("", include("dieuhanh.indices.urls")),
    path("", include("dieuhanh.dossiers.urls")),
    path("", include("dieuhanh.difficulties.urls")),
    path("", include("dieuhanh.emulation.urls")),
    path("", include("dieuhanh.innovation.urls")),
    path("", include("dieuhanh.cockpit.urls")),
    path("", include("dieuhanh.portal.urls")),
    path("", include("dieuhanh.reports.urls")),
    path("", include("dieuhanh.web.urls")),
]

handler400 = "dieuhanh.web.errors.bad_request"
