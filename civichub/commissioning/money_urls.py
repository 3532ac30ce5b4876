from django.urls import path

from civichub.commissioning import money_views as views

app_name = "money"
C = "c/<slug:council_slug>"

urlpatterns = [
    path(f"{C}/commissioning/dashboard/", views.dashboard, name="dashboard"),
    path(f"{C}/contracts-register/", views.contracts_register, name="register"),
    path(f"{C}/personal-budget/", views.personal_budgets_page, name="personal-budgets"),
    path(f"{C}/personal-budget/<uuid:personal_budget_id>/", views.personal_budget, name="personal-budget"),
    path(f"{C}/ward-budgets/", views.ward_budgets_page, name="ward-budgets"),
    path(f"{C}/ward-budgets/<uuid:ward_budget_id>/", views.ward_budget, name="ward-budget"),
    path(f"{C}/contracts/<uuid:contract_id>/payments/", views.contract_payments, name="contract-payments"),
]
