from django.urls import path

from civichub.people import views

app_name = "people"
C = "c/<slug:council_slug>/people"

urlpatterns = [
    path(f"{C}/", views.index, name="index"),
    path(f"{C}/review/", views.review_queue, name="review"),
    path(f"{C}/review/<uuid:pair_id>/", views.review_pair, name="pair"),
    path(f"{C}/persons/<uuid:person_id>/", views.person, name="person"),
    path(f"{C}/persons/<uuid:person_id>/sar/", views.subject_access, name="sar"),
    path(f"{C}/merges/", views.merges, name="merges"),
    path(f"{C}/merges/<uuid:merge_id>/undo/", views.unmerge, name="unmerge"),
    path(f"{C}/runs/", views.runs, name="runs"),
    path(f"{C}/quality/", views.quality, name="quality"),
    path(f"{C}/thresholds/", views.thresholds, name="thresholds"),
    path(f"{C}/agreements/", views.agreements, name="agreements"),
]
