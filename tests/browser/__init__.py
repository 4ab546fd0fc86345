"""Browser tests: a package, so that one chromium serves all of them (tests/browser/conftest.py)."""
