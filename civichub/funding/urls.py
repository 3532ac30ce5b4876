from django.urls import path

from civichub.funding import views, views_search

app_name = "funding"
C = "c/<slug:council_slug>"

urlpatterns = [
    path(f"{C}/funding/", views.index, name="index"),
    path(f"{C}/funding/<uuid:opportunity_id>/", views.opportunity, name="opportunity"),
    path(f"{C}/funding/past-grants/<str:code>/", views.past_grants, name="past-grants"),
    path(f"{C}/funding/add/", views_search.add_opportunity, name="add-opportunity"),
    path(f"{C}/funding/saved-searches/", views_search.saved_searches, name="saved-searches"),
    path(
        f"{C}/funding/saved-searches/<uuid:saved_search_id>/delete/",
        views_search.delete_saved_search,
        name="delete-saved-search",
    ),
]
