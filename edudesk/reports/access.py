"""Who sees the reports: supervisors and administrators, for the services they serve."""

import functools

from django.core.exceptions import PermissionDenied

from edudesk.desk.access import agent_required, served_services


def supervisor_required(view):
    """Signed-in supervisors only; other staff get 403, visitors the sign-in form."""

    @agent_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_supervisor:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def report_services(user):
    return list(served_services(user))
