from django.urls import path

from edudesk.desk.views import actions, auth, bulk, consultations, held_mail, queue, search, ticket

app_name = "desk"

urlpatterns = [
    path("", queue.queue_view, name="queue"),
    path("sign-in", auth.sign_in_view, name="login"),
    path("sign-out", auth.sign_out_view, name="logout"),
    path("filters", queue.save_filter, name="save_filter"),
    path("filters/<int:pk>/delete", queue.delete_filter, name="delete_filter"),
    path("search", search.search, name="search"),
    path("bulk", bulk.bulk, name="bulk"),
    path("t/<str:number>/", ticket.ticket_view, name="ticket"),
    path("t/<str:number>/compose", ticket.compose, name="compose"),
    path("t/<str:number>/status", ticket.change_status, name="status"),
    path("t/<str:number>/presence", ticket.heartbeat, name="presence"),
    path("t/<str:number>/canned", ticket.insert_canned, name="canned"),
    path("t/<str:number>/a/<int:ordinal>", ticket.attachment_view, name="attachment"),
    path("t/<str:number>/m/<int:message_id>/raw", ticket.raw_mail, name="raw_mail"),
    path("t/<str:number>/held/<int:inbound_id>", held_mail.held_text, name="held_mail"),
    path("t/<str:number>/held/<int:inbound_id>/accept", held_mail.accept, name="accept_held"),
    path("t/<str:number>/held/<int:inbound_id>/reject", held_mail.reject, name="reject_held"),
    path("t/<str:number>/assign", actions.assign, name="assign"),
    path("t/<str:number>/priority", actions.priority, name="priority"),
    path("t/<str:number>/category", actions.category, name="category"),
    path("t/<str:number>/merge", actions.merge, name="merge"),
    path("t/<str:number>/split", actions.split, name="split"),
    path("t/<str:number>/link", actions.link, name="link"),
    path("consultations/", consultations.consultation_list, name="consultations"),
    path("consultations/callers", consultations.caller_search, name="callers"),
    path("consultations/callers/<int:pk>", consultations.caller_pick, name="caller_pick"),
    path("consultations/<int:pk>/convert", consultations.convert, name="convert"),
]
