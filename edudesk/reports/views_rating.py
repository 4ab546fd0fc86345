"""The customer's rating page (signed link, no sign-in) and the supervisor's follow-up."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudesk.reports import satisfaction
from edudesk.reports.access import supervisor_required
from edudesk.reports.models import Rating


def rate_view(request, token: str):
    try:
        ticket = satisfaction.ticket_for(token)
    except satisfaction.RatingRefused as refusal:
        return render(request, "reports/rate.html", {"error": str(refusal)}, status=400)
    rating = Rating.objects.filter(ticket=ticket).first()
    context = {"ticket": ticket, "service": ticket.service, "rating": rating,
               "scores": satisfaction.SCORES,
               "can_change": satisfaction.can_change(rating, timezone.now())}
    if request.method == "POST":
        try:
            score = int(request.POST.get("score") or 0)
        except ValueError:
            score = 0
        try:
            context["rating"] = satisfaction.rate(ticket, score, request.POST.get("comment", ""))
            context["saved"] = True
        except satisfaction.RatingRefused as refusal:
            context["error"] = str(refusal)
            return render(request, "reports/rate.html", context, status=400)
    return render(request, "reports/rate.html", context)


@supervisor_required
def follow_ups_view(request):
    """Low ratings to look into (open) and the last ones closed, with what was done."""
    served = request.user.served_service_ids()
    return render(request, "reports/follow_ups.html", {
        "open_follow_ups": satisfaction.open_follow_ups(served, limit=200),
        "closed_follow_ups": satisfaction.closed_follow_ups(served)})


@supervisor_required
@require_POST
def close_follow_up_view(request, pk: int):
    try:
        satisfaction.close_follow_up(pk, request.user, request.POST.get("note", ""))
    except satisfaction.RatingRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Разбор оценки закрыт."))
    return redirect("reports:follow_ups")
