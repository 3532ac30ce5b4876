from django.urls import path

from civichub.core import views

app_name = "core"

urlpatterns = [
    path("", views.start, name="start"),
    path(".well-known/security.txt", views.security_txt, name="security-txt"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("home/", views.home, name="home"),
    path("platform/", views.platform, name="platform"),
    path("platform/unlock/", views.unlock_account, name="unlock-account"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<uuid:organisation_id>/", views.organisation, name="organisation"),
    path("account/api-tokens/", views.api_tokens, name="api-tokens"),
    path("account/api-tokens/<uuid:token_id>/revoke/", views.revoke_api_token, name="revoke-api-token"),
    path("c/<slug:council_slug>/provider/", views.provider_home, name="provider-home"),
    path("c/<slug:council_slug>/providers/", views.providers, name="providers"),
    path("c/<slug:council_slug>/providers/<uuid:provider_id>/", views.provider, name="provider"),
    path("c/<slug:council_slug>/people-with-access/", views.people_with_access, name="people-with-access"),
]
