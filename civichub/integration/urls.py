from django.urls import path

from civichub.integration import views

app_name = "integration"

urlpatterns = [
    path("c/<slug:council_slug>/imports/", views.imports, name="imports"),
    path("c/<slug:council_slug>/imports/<uuid:run_id>/", views.import_run, name="import"),
    path("events/types/", views.event_types, name="event-types"),
    path("c/<slug:council_slug>/events/", views.events, name="events"),
    path("c/<slug:council_slug>/webhooks/", views.webhooks, name="webhooks"),
    path("c/<slug:council_slug>/retention/", views.retention, name="retention"),
    path("c/<slug:council_slug>/webhooks/<uuid:endpoint_id>/", views.webhook, name="webhook"),
    path(
        "c/<slug:council_slug>/webhooks/<uuid:endpoint_id>/<slug:action>/",
        views.webhook_action,
        name="webhook-action",
    ),
    path(
        "c/<slug:council_slug>/webhooks/<uuid:endpoint_id>/deliveries/<uuid:delivery_id>/",
        views.delivery,
        name="delivery",
    ),
    path(
        "c/<slug:council_slug>/webhooks/<uuid:endpoint_id>/deliveries/<uuid:delivery_id>/redeliver/",
        views.redeliver,
        name="redeliver",
    ),
]
