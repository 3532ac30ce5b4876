from django.urls import include, path

from civichub.api import api
from civichub.core import urls as core_urls
from civichub.places import views as places_views

# The council's home page (/c/<council>/) is the places overview of its area, deprivation and wards. It
# keeps the kernel's name core:council, which the layout and every context's breadcrumbs link to, and
# joins the kernel's URLs here because the kernel imports no context.
core_patterns = [
    *core_urls.urlpatterns,
    path("c/<slug:council_slug>/", places_views.council_overview, name="council"),
]

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include((core_patterns, core_urls.app_name))),
    path("", include("civichub.places.urls")),
    path("", include("civichub.integration.urls")),
    path("", include("civichub.directory.urls")),
    path("", include("civichub.market.urls")),
    path("", include("civichub.needs.urls")),
    path("", include("civichub.funding.urls")),
    path("", include("civichub.records.urls")),
    path("", include("civichub.commissioning.urls")),
    path("", include("civichub.commissioning.money_urls")),
    path("", include("civichub.people.urls")),
]
