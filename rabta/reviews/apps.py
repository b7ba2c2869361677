from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "rabta.reviews"
    label = "reviews"
    verbose_name = "Decision reviews"
