from django.urls import path

from civichub.core import account_views, views

app_name = "core"

urlpatterns = [
    path("", views.start, name="start"),
    path(".well-known/security.txt", views.security_txt, name="security-txt"),
    path("sign-in/", account_views.sign_in, name="sign-in"),
    path("sign-in/code/", account_views.sign_in_code, name="sign-in-code"),
    path("sign-in/set-up-authenticator/", account_views.sign_in_set_up, name="sign-in-set-up"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("home/", views.home, name="home"),
    path("platform/", views.platform, name="platform"),
    path("platform/unlock/", views.unlock_account, name="unlock-account"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<uuid:organisation_id>/", views.organisation, name="organisation"),
    path("account/", account_views.account, name="account"),
    path("account/password/", account_views.change_password, name="change-password"),
    path("account/authenticator/", account_views.account_second_factor, name="second-factor"),
    path("account/authenticator/recovery-codes/", account_views.renew_recovery_codes, name="recovery-codes"),
    path("account/authenticator/remove/", account_views.remove_second_factor, name="remove-second-factor"),
    path("account/sign-out-everywhere/", account_views.sign_out_everywhere, name="sign-out-everywhere"),
    path("platform/reset-authenticator/", account_views.reset_second_factor, name="reset-second-factor"),
    path("account/api-tokens/", views.api_tokens, name="api-tokens"),
    path("account/api-tokens/<uuid:token_id>/revoke/", views.revoke_api_token, name="revoke-api-token"),
    path("c/<slug:council_slug>/provider/", views.provider_home, name="provider-home"),
    path("c/<slug:council_slug>/providers/", views.providers, name="providers"),
    path("c/<slug:council_slug>/providers/<uuid:provider_id>/", views.provider, name="provider"),
    path("c/<slug:council_slug>/people-with-access/", views.people_with_access, name="people-with-access"),
    path(
        "c/<slug:council_slug>/people-with-access/<uuid:membership_id>/remove/",
        account_views.remove_membership,
        name="remove-membership",
    ),
    path(
        "c/<slug:council_slug>/authenticator-policy/",
        account_views.staff_second_factor,
        name="staff-second-factor",
    ),
]
