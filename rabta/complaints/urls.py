from django.urls import path

from rabta.complaints import views, views_office

app_name = "complaints"

urlpatterns = [
    path("track/", views.track, name="track"),
    path("lodge/", views.lodge, name="lodge"),
    path("lodge/categories/", views.lodge_categories, name="lodge_categories"),
    path("lodge/places/", views.lodge_places, name="lodge_places"),
    path("mine/", views.mine, name="mine"),
    # Staff pages (views_office): before the complainant's "<tracking number>/" pages.
    path("inbox/", views_office.inbox, name="inbox"),
    path("escalations/", views_office.escalations, name="escalations"),
    path("escalations/reviews/<str:reference>/<str:action>/", views_office.review_act, name="review_act"),
    path("oversight/", views_office.oversight, name="oversight"),
    path("oversight/standings/<int:user_id>/", views_office.standing_decide, name="standing_decide"),
    path("oversight/audits/<int:audit_id>/", views_office.audit_close, name="audit_close"),
    path("office/<str:tracking_number>/", views_office.work_page, name="work"),
    path("office/<str:tracking_number>/<str:action>/", views_office.work_act, name="work_act"),
    path("waiting/", views.waiting, name="waiting"),
    path("<str:tracking_number>/", views.detail, name="detail"),
    path("<str:tracking_number>/message/", views.message_send, name="message"),
    path("<str:tracking_number>/feedback/", views.feedback_give, name="feedback"),
    path("<str:tracking_number>/reopen/", views.reopen, name="reopen"),
    path("<str:tracking_number>/appeal/", views.appeal, name="appeal"),
    path("<str:tracking_number>/files/", views.attachment_add, name="attachment"),
]
