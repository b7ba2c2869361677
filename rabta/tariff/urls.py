from django.urls import path

from rabta.tariff import views

app_name = "tariff"

urlpatterns = [
    path("", views.tariff_search_page, name="search"),
    path("codes/<str:code>/", views.tariff_code_page, name="code"),
    path("enquiries/", views.enquiry_page, name="enquiries"),
    path("enquiries/<int:enquiry_id>/answer/", views.enquiry_answer_page, name="enquiry_answer"),
]
