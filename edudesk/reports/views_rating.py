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
@require_POST
def rating_reviewed_view(request, pk: int):
    if satisfaction.mark_reviewed(pk, request.user.served_service_ids()):
        messages.success(request, _("Оценка отмечена как разобранная."))
    return redirect("reports:board")
