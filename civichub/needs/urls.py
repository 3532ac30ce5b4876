from django.urls import path

from civichub.needs import views

app_name = "needs"
C = "c/<slug:council_slug>"

urlpatterns = [
    path(f"{C}/needs/", views.index, name="index"),
    path(f"{C}/needs/areas/<str:code>/", views.area, name="area"),
    path(f"{C}/needs/demand/", views.demand, name="demand"),
]
