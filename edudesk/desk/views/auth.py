"""Sign-in and sign-out of the agent workspace."""

from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudesk.desk.forms import SignInForm
from edudesk.desk.signin import sign_in
from edudesk.security import lockout


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
        status = 429 if result.locked else 401
        error = lockout.locked_message(request) if result.locked else _("Неверный логин или пароль.")
    response = render(request, "desk/sign_in.html", {"form": form, "error": error}, status=status)
    if status == 429:
        response["Retry-After"] = str(result.retry_after)
    return response


@require_POST
def sign_out_view(request):
    logout(request)
    return redirect("desk:login")
