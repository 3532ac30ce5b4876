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

# Bids, matching with reasons, funding against need and the council's own grants (issue 12, second part).
from civichub.funding import bid_views, giving_views, match_views  # noqa: E402

urlpatterns += [
    path(f"{C}/funding/bids/", bid_views.index, name="bids"),
    path(f"{C}/funding/bids/new/", bid_views.add, name="bid-add"),
    path(f"{C}/funding/bids/<uuid:bid_id>/", bid_views.bid, name="bid"),
    path(f"{C}/funding/bids/<uuid:bid_id>/edit/", bid_views.edit, name="bid-edit"),
    path(f"{C}/funding/bids/<uuid:bid_id>/status/", bid_views.change_status, name="bid-status"),
    path(f"{C}/funding/match/", match_views.match, name="match"),
    path(f"{C}/funding/needs/<uuid:need_id>/", match_views.need, name="need"),
    path(f"{C}/funding/per-head/", giving_views.per_head, name="per-head"),
    path(f"{C}/funding/grants/", giving_views.grants, name="grants"),
    path(f"{C}/funding/grants/publishing/", giving_views.publishing, name="grants-publishing"),
    path(f"{C}/funding/grants/<uuid:grant_id>/", giving_views.edit_grant, name="grant-edit"),
    path(f"{C}/funding/grants/<uuid:grant_id>/withdraw/", giving_views.withdraw_grant, name="grant-withdraw"),
    path(f"{C}/funding/grants/360giving.json", giving_views.package, name="grants-360giving"),
]
