from django.urls import path

from civichub.records.views import documents, register, retention

app_name = "records"

C = "c/<slug:council_slug>/records"

urlpatterns = [
    path(f"{C}/", retention.dashboard, name="dashboard"),
    path(f"{C}/documents/", documents.search, name="documents"),
    path(f"{C}/documents/new/", documents.upload, name="upload"),
    path(f"{C}/documents/<uuid:document_id>/", documents.document, name="document"),
    path(f"{C}/documents/<uuid:document_id>/versions/<int:number>/", documents.download, name="download"),
    path(f"{C}/policies/", documents.policies, name="policies"),
    path(f"{C}/decisions/", register.register, name="decisions"),
    path(f"{C}/decisions/new/", register.new_decision, name="new-decision"),
    path(f"{C}/decisions/<uuid:decision_id>/", register.decision, name="decision"),
    path(f"{C}/forward-plan/", register.forward_plan, name="forward-plan"),
    path(f"{C}/schedule/", retention.schedule, name="schedule"),
    path(f"{C}/holds/", retention.holds, name="holds"),
    path(f"{C}/holds/<uuid:hold_id>/", retention.hold, name="hold"),
    path(f"{C}/disposals/", retention.disposals, name="disposals"),
    path(f"{C}/disposals/<uuid:disposal_id>/", retention.disposal_run, name="disposal"),
    path(f"{C}/requests/", retention.information_requests, name="requests"),
    path(f"{C}/requests/<uuid:request_id>/", retention.information_request, name="request"),
    path("decisions/<slug:council_slug>/", register.public_register, name="public-decisions"),
    path("decisions/<slug:council_slug>/feed.atom", register.feed, name="decisions-feed"),
    path(
        "decisions/<slug:council_slug>/<uuid:decision_id>/", register.public_decision, name="public-decision"
    ),
]
