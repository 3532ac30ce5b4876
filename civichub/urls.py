from django.urls import include, path

from civichub.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("civichub.core.urls")),
    path("", include("civichub.places.urls")),
    path("", include("civichub.integration.urls")),
    path("", include("civichub.directory.urls")),
]
