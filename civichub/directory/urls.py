from django.urls import path

from civichub.directory import views

app_name = "directory"

urlpatterns = [
    path("openreferral/", views.root, name="oruk-root"),
    path("openreferral/services", views.services, name="oruk-services"),
    path("openreferral/services/<str:service_id>", views.service, name="oruk-service"),
    path("openreferral/taxonomies", views.taxonomies, name="oruk-taxonomies"),
    path("openreferral/taxonomy_terms", views.taxonomy_terms, name="oruk-taxonomy-terms"),
]
