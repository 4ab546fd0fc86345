from django.urls import path

from edudesk.portal import views_intake, views_portal

app_name = "portal"

urlpatterns = [
    path("<slug:service>/new", views_intake.new_request, name="new"),
    path("<slug:service>/review/<uuid:draft>", views_intake.review, name="review"),
    path("<slug:service>/submitted/<str:receipt>", views_intake.submitted, name="submitted"),
    path("<slug:service>/widget", views_intake.widget_entry, name="widget"),
    path("<slug:service>/widget/form", views_intake.widget_form, name="widget_form"),
    path("<slug:service>/widget/review/<uuid:draft>", views_intake.widget_review,
         name="widget_review"),
    path("<slug:service>/widget/requests", views_intake.widget_requests, name="widget_requests"),
    path("<slug:service>/signin", views_portal.signin, name="signin"),
    path("<slug:service>/signin/<str:token>", views_portal.signin_link, name="signin_link"),
    path("<slug:service>/signout", views_portal.signout, name="signout"),
    path("<slug:service>/requests/", views_portal.my_requests, name="requests"),
    path("<slug:service>/requests/<str:number>/", views_portal.ticket_page, name="ticket"),
    path("<slug:service>/requests/<str:number>/reply", views_portal.reply, name="reply"),
    path("<slug:service>/requests/<str:number>/action", views_portal.act, name="act"),
    path("<slug:service>/requests/<str:number>/close", views_portal.close_page, name="close"),
    path("<slug:service>/requests/<str:number>/undo", views_portal.undo, name="undo"),
    path("<slug:service>/requests/<str:number>/pictures/<int:ordinal>", views_portal.picture,
         name="picture"),
]
