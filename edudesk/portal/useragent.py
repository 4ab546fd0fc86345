"""The browser's name and version from the User-Agent header, to prefill the form's field.

Order matters: Edge, Opera and Yandex Browser also say «Chrome», and Chrome also says «Safari».
"""

import re

_BROWSERS = (
    (re.compile(r"YaBrowser/([\d.]+)"), "Яндекс Браузер"),
    (re.compile(r"Edg(?:e|A|iOS)?/([\d.]+)"), "Microsoft Edge"),
    (re.compile(r"OPR/([\d.]+)"), "Opera"),
    (re.compile(r"Firefox/([\d.]+)"), "Firefox"),
    (re.compile(r"Chromium/([\d.]+)"), "Chromium"),
    (re.compile(r"(?:HeadlessChrome|Chrome|CriOS)/([\d.]+)"), "Chrome"),
    (re.compile(r"Version/([\d.]+).*Safari/"), "Safari"),
)


def browser_from_user_agent(user_agent: str) -> str:
    """«Chrome 120.0.6099.109», or "" when the header names no known browser."""
    for pattern, name in _BROWSERS:
        match = pattern.search(user_agent or "")
        if match:
            return f"{name} {match.group(1)}"
    return ""
