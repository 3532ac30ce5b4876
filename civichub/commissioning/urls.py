from django.urls import path

from civichub.commissioning import views

app_name = "commissioning"
C = "c/<slug:council_slug>/commissioning"

urlpatterns = [
    path(f"{C}/", views.index, name="index"),
    path(f"{C}/commissions/<uuid:commission_id>/", views.commission, name="commission"),
    path(f"{C}/procurements/<uuid:procurement_id>/", views.procurement, name="procurement"),
    path(f"{C}/contracts/<uuid:contract_id>/", views.contract, name="contract"),
    path(f"{C}/contracts/<uuid:contract_id>/history/", views.history, name="history"),
]
