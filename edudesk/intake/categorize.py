"""The kind of problem of a request that came without one (a letter, an API call).

The intake pipeline asks ``suggest`` for a submission without a category on a channel that has
no category chooser; the ticket is filed under the suggested category, so the clarification asks
exactly that category's data (a screenshot, browser and steps for an error message; the course's
name and link; the test question's text …). The suggestion and its confidence are kept on the
ticket's CREATED event (``data["category_suggestion"]``); agents see them on the ticket page and
correct the category in one click. Each agent's correction or confirmation is an example the
service's model learns from (``record_example``); ``train_service`` retrains it — periodically
(``intake.tasks``) or on demand (``manage.py train_categories``).

Until a service has a trained model, its schema's own words are the model (the cold start).
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from edudesk.accounts.models import Service
from edudesk.intake.classifier import COLD_START_LIFT, CategoryModel, train
from edudesk.intake.models import CategoryExample
from edudesk.intake.models import CategoryModel as CategoryModelRow
from edudesk.intake.schema import FormSchema
from edudesk.tickets.models import Channel, Ticket

# Channels whose requests arrive without a category chooser.
INFERRED_CHANNELS = frozenset({Channel.EMAIL, Channel.API})
SUGGESTION_KEY = "category_suggestion"
# Models per service kept in this process; a retrained model is picked up within this time.
MODEL_CACHE_SECONDS = 60
_models: dict[int, tuple[float, CategoryModel | None]] = {}


@dataclass(frozen=True)
class Suggestion:
    category: str
    confidence: float
    # "schema" (the cold start: the schema's words only) or "learned" (with agents' examples).
    source: str

    def as_data(self) -> dict:
        return {"category": self.category, "confidence": self.confidence, "source": self.source}


def infers_category(channel: str, category: str) -> bool:
    return not category and channel in INFERRED_CHANNELS


def suggest(service: Service, schema: FormSchema, text: str) -> Suggestion | None:
    """The category this text most likely belongs to among the service's schema categories."""
    allowed = [category.key for category in schema.categories]
    if len(allowed) < 2 or not text.strip():
        return None
    model, source = _model_for(service, schema)
    prediction = model.predict(text, allowed, min_lift=COLD_START_LIFT if source == "schema" else 0)
    if prediction is None:
        return None
    return Suggestion(prediction.category, prediction.confidence, source)


def created_data(ticket: Ticket) -> dict:
    """The data of the ticket's CREATED event: what the intake noticed when registering it."""
    from edudesk.tickets.events import EventKind

    data = ticket.events.filter(kind=EventKind.CREATED).values_list("data", flat=True).first()
    return data or {}


def suggestion_of(ticket: Ticket, data: dict | None = None) -> dict | None:
    """What was suggested when the ticket was registered, if anything."""
    return (created_data(ticket) if data is None else data).get(SUGGESTION_KEY)


def record_example(ticket: Ticket, category: str) -> CategoryExample | None:
    """An agent set (or kept) the category of a request whose category was suggested: the
    service's model learns from it. Only the latest choice per ticket counts."""
    suggestion = suggestion_of(ticket)
    if suggestion is None or not category:
        return None
    suggested = suggestion.get("category", "")
    source = (CategoryExample.Source.CONFIRMED if category == suggested
              else CategoryExample.Source.CORRECTED)
    values = {"service_id": ticket.service_id, "text": f"{ticket.subject}\n{ticket.description}",
              "category": category, "suggested": suggested, "source": source,
              "created_at": timezone.now()}
    try:
        with transaction.atomic():
            example, _created = CategoryExample.objects.update_or_create(ticket=ticket, defaults=values)
    except IntegrityError:  # the same ticket corrected twice at once: the other write stands
        return None
    return example


def train_service(service: Service, schema: FormSchema) -> CategoryModelRow:
    """Train the service's model from its schema and every example its agents gave, and store it."""
    rows = CategoryExample.objects.filter(service=service).order_by("id")
    examples = list(rows.values_list("id", "text", "category"))
    model = train(schema, [(text, category) for _id, text, category in examples])
    row, _created = CategoryModelRow.objects.update_or_create(service=service, defaults={
        "data": model.to_bytes(),
        "categories": [category.key for category in schema.categories],
        "examples": len(examples),
        "last_example_id": examples[-1][0] if examples else 0,
        "trained_at": timezone.now(),
    })
    _models.pop(service.pk, None)
    return row


def services_due_for_training() -> list[Service]:
    """Services with examples newer than their stored model (or examples and no model)."""
    due = []
    for service in Service.objects.filter(pk__in=CategoryExample.objects.values("service_id")):
        newest = CategoryExample.objects.filter(service=service).order_by("-id").values_list(
            "id", flat=True).first()
        row = CategoryModelRow.objects.filter(service=service).only("last_example_id").first()
        if row is None or row.last_example_id < newest:
            due.append(service)
    return due


def forget_models() -> None:
    _models.clear()


def _model_for(service: Service, schema: FormSchema) -> tuple[CategoryModel, str]:
    """The stored model when it knows the schema's current categories, else the schema's own."""
    categories = {category.key for category in schema.categories}
    learned = _stored_model(service)
    if learned is not None and set(learned.classes) == categories:
        return learned, "learned"
    return _schema_model(schema.dumps()), "schema"


def _stored_model(service: Service) -> CategoryModel | None:
    """The service's trained model (or its absence), read at most once per MODEL_CACHE_SECONDS."""
    entry = _models.get(service.pk)
    if entry is not None and time.monotonic() - entry[0] < MODEL_CACHE_SECONDS:
        return entry[1]
    row = CategoryModelRow.objects.filter(service=service).only("data").first()
    model = CategoryModel.from_bytes(bytes(row.data)) if row is not None else None
    _models[service.pk] = (time.monotonic(), model)
    return model


@functools.lru_cache(maxsize=32)
def _schema_model(schema_document: str) -> CategoryModel:
    """The cold start: a model of the schema's own words (one per schema version)."""
    return train(FormSchema.loads(schema_document), [])
