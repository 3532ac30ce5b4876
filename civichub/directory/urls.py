from django.urls import path

from civichub.directory import views
from civichub.directory.oruk import api as oruk

app_name = "directory"

urlpatterns = [
    path("find/", views.find, name="find"),
    path("report/", views.report, name="report"),
    path("report/track/", views.track, name="track"),
    path("report/<str:reference>/", views.report_status, name="report-status"),
    path("c/<slug:council_slug>/reports/", views.report_queue, name="report-queue"),
    path("c/<slug:council_slug>/responsibilities/", views.responsibilities, name="responsibilities"),
    path("c/<slug:council_slug>/reports/<str:reference>/", views.handle_report, name="handle-report"),
    path("c/<slug:council_slug>/directory/export.json", views.export, name="export"),
    path("c/<slug:council_slug>/services/", views.managed_services, name="managed-services"),
    path("c/<slug:council_slug>/services/new/", views.new_service, name="new-service"),
    path("c/<slug:council_slug>/services/<uuid:service_id>/", views.managed_service, name="managed-service"),
    path("c/<slug:council_slug>/services/<uuid:service_id>/edit/", views.edit_service, name="edit-service"),
    path(
        "c/<slug:council_slug>/services/<uuid:service_id>/withdraw/",
        views.withdraw_service,
        name="withdraw-service",
    ),
    path(
        "c/<slug:council_slug>/services/<uuid:service_id>/history/",
        views.service_history,
        name="service-history",
    ),
    path("c/<slug:council_slug>/changes/", views.change_requests, name="changes"),
    path("c/<slug:council_slug>/changes/<uuid:change_id>/", views.change_request, name="change"),
    path("find/services/<uuid:service_id>/", views.service_page, name="service"),
    path("openreferral/", oruk.root, name="oruk-root"),
    path("openreferral/openapi.json", oruk.openapi, name="oruk-openapi"),
    path("openreferral/services", oruk.services, name="oruk-services"),
    path("openreferral/services/<str:service_id>", oruk.service, name="oruk-service"),
    path("openreferral/taxonomies", oruk.taxonomies, name="oruk-taxonomies"),
    path("openreferral/taxonomies/<str:taxonomy_id>", oruk.taxonomy, name="oruk-taxonomy"),
    path("openreferral/taxonomy_terms", oruk.taxonomy_terms, name="oruk-taxonomy-terms"),
    path("openreferral/taxonomy_terms/<str:term_id>", oruk.taxonomy_term, name="oruk-taxonomy-term"),
    path("openreferral/service_at_locations", oruk.services_at_locations, name="oruk-services-at-locations"),
    path(
        "openreferral/service_at_locations/<str:sal_id>",
        oruk.service_at_location,
        name="oruk-service-at-location",
    ),
    path("openreferral/organizations", oruk.organizations, name="oruk-organizations"),
    path("openreferral/organizations/<str:org_id>", oruk.organization, name="oruk-organization"),
]
