"""Desk personas: signed-in agents of the e-school and of the LMS vendor."""

import io

import pytest
from PIL import Image

from edudesk.testing import factories


def png_bytes(colour=(200, 30, 30), size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def agent_client(client, line1_agent):
    """Анна Соколова, first line of the e-school, signed in to the desk."""
    client.force_login(line1_agent)
    return client


@pytest.fixture
def outsider_client(client, outsider_agent):
    client.force_login(outsider_agent)
    return client


@pytest.fixture
def colleague(eschool):
    return factories.agent(eschool, username="colleague", full_name="Морозов Илья")


@pytest.fixture
def error_ticket(eschool, teacher):
    """A teacher's error report without the browser and without a screenshot."""
    return factories.ticket(eschool, teacher, category="error",
                            fields={"region": "Республика Татарстан", "steps": "Открываю журнал"})
