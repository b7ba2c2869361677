from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    name = "rabta.scorecards"
    label = "scorecards"
    verbose_name = "Scorecards"
