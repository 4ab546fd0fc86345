"""Recall and false-positive rate of the auto-reply recognition on the corpus.

    .venv/bin/python tests/mail/autoreply_recall.py

``tests/mail/corpus/autoreply/*.eml`` must all be recognised (recall), none of
``tests/mail/corpus/person/*.eml`` may be (false positives).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "mail" / "corpus"


def classify(directory: str) -> dict[str, str]:
    """File name → the noise reason ("" for a person's mail)."""
    from edudesk.mail.parsing import parse_mail

    return {path.name: parse_mail(path.read_bytes()).noise.reason
            for path in sorted((CORPUS / directory).glob("*.eml"))}


def by_text_alone(directory: str) -> dict[str, bool]:
    """File name → recognised from the sender's own words, the subject and headers ignored."""
    from edudesk.mail.autoreply import auto_reply_reason
    from edudesk.mail.parsing import parse_mail
    from edudesk.mail.quoting import own_text

    return {path.name: bool(auto_reply_reason("Re: x", own_text(parse_mail(path.read_bytes()).text)))
            for path in sorted((CORPUS / directory).glob("*.eml"))}


def main() -> int:
    sys.path.insert(0, str(REPO))
    auto, person = classify("autoreply"), classify("person")
    missed = [name for name, reason in auto.items() if not reason]
    caught = [f"{name} ({reason})" for name, reason in person.items() if reason]
    recall = (len(auto) - len(missed)) / len(auto)
    false_positive_rate = len(caught) / len(person)
    print(f"auto-replies recognised: {len(auto) - len(missed)}/{len(auto)} (recall {recall:.1%})")
    print(f"people's mail taken for auto-replies: {len(caught)}/{len(person)} "
          f"(false-positive rate {false_positive_rate:.1%})")
    text_auto, text_person = by_text_alone("autoreply"), by_text_alone("person")
    print(f"by the text alone (subject and headers ignored): "
          f"{sum(text_auto.values())}/{len(text_auto)} auto-replies, "
          f"{sum(text_person.values())}/{len(text_person)} people's mails")
    for name in missed:
        print(f"  missed: {name}")
    for name in caught:
        print(f"  false positive: {name}")
    return 0 if not missed and not caught else 1


if __name__ == "__main__":
    raise SystemExit(main())
