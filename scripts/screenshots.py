"""`make screenshots`: every customer and agent page on the demo data, at 1280 and 390 px, into
var/screenshots/ with an index.html to look at them all in a minute.

A fresh SQLite database under var/screenshots/ gets the demo data; the site is served in this
process by Django's live-server thread (with the error-page tour URLs, edudesk/testing/error_urls.py)
and photographed by Debian's chromium through Playwright. The page list is
edudesk/testing/tour.py (one line per page). Usage:

    .venv/bin/python scripts/screenshots.py [--only NAME ...] [--out DIR]
"""

from __future__ import annotations

import argparse
import html
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prepare_environment(out: Path) -> Path:
    """A database and media folder of the run's own, jobs inline, mail kept in memory."""
    state = Path(tempfile.mkdtemp(prefix="edudesk-screenshots-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{state / 'demo.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(state / "media")
    os.environ["HUEY_IMMEDIATE"] = "true"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("LOG_LEVEL", "CRITICAL")  # the error pages' deliberate failures are expected
    os.environ["DJANGO_SETTINGS_MODULE"] = "edudesk.settings"
    # Playwright's sync API keeps an event loop in this thread; the ORM calls made beside it
    # (the tour's addresses) are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    out.mkdir(parents=True, exist_ok=True)
    return state


def load_demo_site() -> None:
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.ROOT_URLCONF = "edudesk.testing.error_urls"
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", verbosity=0)


# The innermost elements reaching past the viewport's right edge: what makes a page scroll sideways.
WIDEST = """width => {
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 1 || box.width === 0) continue;
    if ([...el.children].some(c => c.getBoundingClientRect().right > width + 1)) continue;
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (el.classList.length ? "." + [...el.classList].join(".") : "");
    out.push(`${name} (${Math.round(box.right)} px)`);
  }
  return out.slice(0, 4);
}"""


def photograph(base_url: str, out: Path, only: set[str], widths) -> list[tuple[str, int, str]]:
    from playwright.sync_api import sync_playwright

    from edudesk.desk.tests.browser import launch
    from edudesk.testing.tour import PAGES, open_page, sign_in

    shots = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        contexts = {}
        for spec in PAGES:
            if only and spec.name not in only:
                continue
            if spec.who not in contexts:
                contexts[spec.who] = browser.new_context(locale="ru-RU")
                sign_in(contexts[spec.who], spec.who, base_url)
            for width in widths:
                page, status = open_page(contexts[spec.who], spec, base_url, width)
                file_name = f"{spec.name}-{width}.png"
                page.screenshot(path=str(out / file_name), full_page=True)
                width_used = page.evaluate("document.scrollingElement.scrollWidth")
                note = f"HTTP {status}"
                if width_used > width:
                    note += f", {width_used} px wide: " + ", ".join(page.evaluate(WIDEST, width))
                shots.append((spec.name, width, note))
                print(f"{file_name:<36} {note}", flush=True)
                page.close()
        browser.close()
    return shots


def write_index(out: Path, shots: list[tuple[str, int, str]]) -> None:
    rows = {}
    for name, width, note in shots:
        rows.setdefault(name, []).append((width, note))
    figures = []
    for name, widths in rows.items():
        cells = "".join(
            f'<figure><a href="{name}-{w}.png"><img src="{name}-{w}.png" alt="{name} {w}" '
            f'loading="lazy" class="w{w}"></a><figcaption>{w} px · {html.escape(note)}</figcaption></figure>'
            for w, note in widths)
        figures.append(f'<section id="{name}"><h2>{html.escape(name)}</h2><div>{cells}</div></section>')
    toc = " · ".join(f'<a href="#{name}">{name}</a>' for name in rows)
    (out / "index.html").write_text(f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>edudesk screenshots</title>
<style>
body {{ font: 14px system-ui, sans-serif; margin: 1rem 2rem; background: #eef0f3; }}
section {{ margin: 1.5rem 0; }} h2 {{ font-size: 1rem; margin: 0 0 .4rem; }}
section > div {{ display: flex; gap: 1rem; align-items: flex-start; }}
figure {{ margin: 0; background: #fff; padding: .4rem; border: 1px solid #ccd; }}
img {{ display: block; max-height: 640px; object-fit: contain; object-position: top; }}
img.w1280 {{ width: 640px; }} img.w390 {{ width: 195px; }}
</style></head><body>
<h1>edudesk: every page at 1280 and 390 px</h1>
<p>{toc}</p>
{"".join(figures)}
</body></html>
""", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "var" / "screenshots"))
    parser.add_argument("--only", nargs="*", default=[], help="page names from edudesk/testing/tour.py")
    parser.add_argument("--widths", nargs="*", type=int, default=[1280, 390])
    args = parser.parse_args()
    out = Path(args.out)
    state = prepare_environment(out)
    try:
        load_demo_site()
        from edudesk.testing.tour import served

        with served() as base_url:
            shots = photograph(base_url, out, set(args.only), args.widths)
        write_index(out, shots)
    finally:
        shutil.rmtree(state, ignore_errors=True)
    print(f"{len(shots)} screenshots: {out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
