from django.urls import path

from civichub.market import pages, views

app_name = "market"
C = "c/<slug:council_slug>"

urlpatterns = [
    path(f"{C}/market/", views.index, name="index"),
    path(f"{C}/market/providers/", views.providers, name="providers"),
    path(f"{C}/market/providers/new/", views.register, name="register"),
    path(f"{C}/market/providers/<uuid:organisation_id>/", views.provider, name="provider"),
    path(f"{C}/market/offers/<uuid:offer_id>/", views.offer, name="offer"),
    path(f"{C}/market/offers/<uuid:offer_id>/end/", views.end_offer, name="end-offer"),
    path(f"{C}/market/your-offer/<slug:category>/", views.edit_offer, name="edit-offer"),
    path(f"{C}/cost-exercises/", views.exercises, name="exercises"),
    path(f"{C}/cost-exercises/<uuid:exercise_id>/", views.exercise, name="exercise"),
    path(
        f"{C}/cost-exercises/<uuid:exercise_id>/returns/<uuid:return_id>/", views.cost_return, name="return"
    ),
    path(f"{C}/markets/<slug:category>/", pages.market, name="market"),
    path(f"{C}/markets/<slug:category>/statements/", pages.statement_versions, name="statements"),
    path(f"{C}/market-statements/<uuid:statement_id>/", pages.statement, name="statement"),
    path("market-statements/<uuid:statement_id>/", pages.public_statement, name="public-statement"),
]
