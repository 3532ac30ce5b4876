from django.urls import path

from civichub.places import views

app_name = "places"

urlpatterns = [
    path("places/", views.find, name="find"),
    path("places/postcodes/<str:postcode>/", views.postcode, name="postcode"),
    path("places/lsoas/<str:code>/", views.lsoa, name="lsoa"),
    path("places/wards/<str:code>/", views.ward, name="ward"),
    path("c/<slug:council_slug>/councillor/", views.councillor_home, name="councillor-home"),
    path("c/<slug:council_slug>/resident/", views.resident_home, name="resident-home"),
    path("c/<slug:council_slug>/wards.csv", views.council_wards_csv, name="council-wards-csv"),
    path("c/<slug:council_slug>/wards/<str:code>/", views.council_ward, name="council-ward"),
    path("c/<slug:council_slug>/lsoas/", views.council_lsoas, name="council-lsoas"),
]
