"""Sign-in and sign-out of the agent workspace."""

import math

from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudesk.desk.forms import SignInForm
from edudesk.desk.signin import sign_in


def sign_in_view(request):
    if request.user.is_authenticated:
        return redirect("desk:queue")
    form = SignInForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        result = sign_in(request, form.cleaned_data["username"], form.cleaned_data["password"])
        if result.ok:
            login(request, result.user)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                target = ""
            return redirect(target or "desk:queue")
        status = 403 if result.locked_for else 401
        if result.locked_for:
            minutes = max(1, math.ceil(result.locked_for.total_seconds() / 60))
            error = _("Слишком много неудачных попыток входа. Попробуйте снова через %(minutes)d мин.") % {
                "minutes": minutes}
        else:
            error = _("Неверный логин или пароль.")
    return render(request, "desk/sign_in.html", {"form": form, "error": error}, status=status)


@require_POST
def sign_out_view(request):
    logout(request)
    return redirect("desk:login")
