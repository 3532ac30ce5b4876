from django.urls import path

from civichub.funding import views

app_name = "funding"
C = "c/<slug:council_slug>"

urlpatterns = [
    path(f"{C}/funding/", views.index, name="index"),
    path(f"{C}/funding/<uuid:opportunity_id>/", views.opportunity, name="opportunity"),
    path(f"{C}/funding/past-grants/<str:code>/", views.past_grants, name="past-grants"),
]
