from django.urls import path

from civichub.needs import form_views, views

app_name = "needs"
C = "c/<slug:council_slug>"

urlpatterns = [
    path(f"{C}/needs/", views.index, name="index"),
    path(f"{C}/needs/areas/<str:code>/", views.area, name="area"),
    path(f"{C}/needs/demand/", views.demand, name="demand"),
    path(f"{C}/needs/categories/new/", form_views.add_category, name="add-category"),
    path(f"{C}/needs/people/", form_views.person_needs, name="person"),
    path(f"{C}/needs/people/record/", form_views.record_need, name="record-need"),
    path(f"{C}/needs/assessed/<str:need_id>/status/", form_views.change_status, name="change-status"),
    path(f"{C}/needs/assessed/<str:need_id>/change/", form_views.change_need, name="change-need"),
    path(f"{C}/needs/assessed/<str:need_id>/withdraw/", form_views.withdraw_need, name="withdraw-need"),
    path(f"{C}/needs/unmet/", form_views.unmet, name="unmet"),
]
