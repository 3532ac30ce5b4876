from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "civichub.places"
    label = "places"
    verbose_name = "Places: local authorities, wards, LSOAs, postcodes"
