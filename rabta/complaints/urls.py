from django.urls import path

from rabta.complaints import views

app_name = "complaints"

urlpatterns = [
    path("track/", views.track, name="track"),
    path("lodge/", views.lodge, name="lodge"),
    path("lodge/categories/", views.lodge_categories, name="lodge_categories"),
    path("lodge/places/", views.lodge_places, name="lodge_places"),
    path("mine/", views.mine, name="mine"),
    path("waiting/", views.waiting, name="waiting"),
    path("<str:tracking_number>/", views.detail, name="detail"),
    path("<str:tracking_number>/message/", views.message_send, name="message"),
    path("<str:tracking_number>/feedback/", views.feedback_give, name="feedback"),
    path("<str:tracking_number>/reopen/", views.reopen, name="reopen"),
    path("<str:tracking_number>/appeal/", views.appeal, name="appeal"),
    path("<str:tracking_number>/files/", views.attachment_add, name="attachment"),
]
