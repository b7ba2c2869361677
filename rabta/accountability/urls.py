from django.urls import path

from rabta.accountability import views, views_actions

app_name = "accountability"

urlpatterns = [
    path("standing/", views.standing, name="standing"),
    path("actions/", views_actions.action_list, name="actions"),
    path("actions/new/", views_actions.action_record, name="action_record"),
    path("actions/<int:action_id>/", views_actions.action_detail, name="action"),
    path("actions/<int:action_id>/<str:move>/", views_actions.action_move, name="action_move"),
]
