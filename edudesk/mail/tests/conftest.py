"""Fixtures shared by the mail tests: the e-mail corpus under tests/mail/corpus."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

MAIL_TESTS = Path(__file__).resolve().parents[3] / "tests" / "mail"
CORPUS = MAIL_TESTS / "corpus"


def load_mail_test_module(name: str):
    """Import a helper module from tests/mail/ (not a package: it also holds plain scripts)."""
    spec = importlib.util.spec_from_file_location(f"mail_tests_{name}", MAIL_TESTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def read_corpus_mail(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


@pytest.fixture
def corpus_mail():
    """``corpus_mail("reply_with_quoted_history.eml")`` → the raw bytes of that test mail."""
    return read_corpus_mail
