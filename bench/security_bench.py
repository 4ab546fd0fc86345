"""What the request budgets and the bounded metrics labels buy (docs/security.md).

    .venv/bin/python bench/security_bench.py

1. Decoding: three anonymous posts of ten 40-megapixel PNG screenshots each, checked the way the
   form checks them, with the per-request pixel budget (as under the middleware) and without it
   (as before); each variant in its own process, reporting seconds and peak resident memory.
2. /metrics: its size before and after 3,000 requests with random HTTP methods.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DECODE = r"""
import io, json, os, resource, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudesk.settings")
django.setup()
from PIL import Image
from django.conf import settings
from edudesk.intake.attachments import Upload, check_uploads
from edudesk.security import budget

buffer = io.BytesIO()
Image.new("RGB", (8000, 5000), (250, 250, 250)).save(buffer, format="PNG")  # 40 MP, ~120 KB
picture = buffer.getvalue()
uploads = [Upload(f"снимок{n}.png", picture) for n in range(10)]
started = time.perf_counter()
decoded = 0
for _post in range(3):
    if sys.argv[1] == "budget":
        with budget.request_budget(settings.EDUDESK_MAX_PIXELS_PER_REQUEST):
            accepted, refused = check_uploads(uploads)
    else:
        accepted, refused = check_uploads(uploads)
    decoded += len(accepted)
print(json.dumps({"seconds": round(time.perf_counter() - started, 1), "decoded": decoded,
                  "upload_kb": round(len(picture) * 10 / 1024),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
"""

METRICS = r"""
import os, random, string
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudesk.settings")
django.setup()
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
before = len(client.get("/metrics").content)
for _n in range(3000):
    client.generic("".join(random.choices(string.ascii_uppercase, k=8)), "/healthz")
after = len(client.get("/metrics").content)
print(before, after)
"""


def run(code: str, *args: str) -> str:
    env = {**os.environ, "EDUDESK_DECODE_CONCURRENCY": "2", "LOG_LEVEL": "ERROR"}
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stdout.strip().splitlines()[-1]


def main() -> None:
    for variant in ("budget", "no-budget"):
        print(f"three posts of 10 × 40 MP, {variant}:", run(DECODE, variant))
    before, after = run(METRICS).split()
    print(f"/metrics before / after 3,000 random methods: {int(before) / 1024:.0f} KB / "
          f"{int(after) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
