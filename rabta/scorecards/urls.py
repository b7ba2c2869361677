from django.urls import path

from rabta.scorecards import views

app_name = "scorecards"

urlpatterns = [
    path("", views.index, name="index"),
    path("definitions/", views.definitions, name="definitions"),
    path("league/", views.league, name="league"),
    path("live/", views.live, name="live"),
    path("report/<int:year>-<int:month>/", views.report, name="report"),
    path("<str:level>/<str:code>/", views.unit, name="unit"),
    path("<str:level>/<str:code>/complaints/", views.complaints, name="complaints"),
]
