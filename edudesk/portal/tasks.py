"""Huey jobs of the portal: the sign-in link's mail, decided away from the request."""

from huey.contrib.djhuey import db_task


@db_task()
def mail_login_link_job(service_id: int, email: str) -> None:
    from edudesk.portal.auth import mail_login_link

    mail_login_link(service_id, email)
