"""A verb's aspect pair read as one word: «сохранилась» / «сохраняются», «выставить» / «выставлять».

Russian says the same action with a perfective verb («не сохранилась») or an imperfective one
(«не сохраняются»); pymorphy3 gives them different lemmas, so search and duplicate detection
would treat them as different words. Here a perfective verb is read as its imperfective partner:

1. a small table of common support verbs whose partner no rule derives — the prefixed pairs
   («сделать» / «делать», «поставить» / «ставить») and irregular ones («войти» / «входить»);
2. the regular suffixal pairs, derived by rule and accepted only when pymorphy3 knows the
   derived word as an imperfective infinitive: «-ить» → «-ять»/«-ать» with the consonant
   alternations («загрузить» → «загружать», «отправить» → «отправлять»), «-ивать»/«-ывать»
   with «о» → «а» in the root («сбросить» → «сбрасывать», «установить» → «устанавливать»),
   «-ыть» → «-ывать», «-дать» → «-давать», «-нуть» → «-ать», «-йти» → «-ходить»,
   «-ести» → «-осить»/«-одить».

A verb with no partner found stays itself. The reflexive «-ся» is dropped too: «не могу
выставить оценки» and «оценки не выставляются» are the same fault, in search and in matching.
"""

from __future__ import annotations

from functools import lru_cache

from edudesk.search import lemmas

# Perfective → imperfective partners that the rules below cannot derive (or derive wrongly:
# «поставить» → «поставлять» means "to supply"). Common verbs of support requests only.
PARTNERS = {
    "сделать": "делать", "поставить": "ставить", "поменять": "менять", "написать": "писать",
    "посмотреть": "смотреть", "сформировать": "формировать", "потерять": "терять",
    "начать": "начинать", "понять": "понимать", "принять": "принимать", "снять": "снимать",
    "занять": "занимать", "взять": "брать", "нажать": "нажимать", "помочь": "помогать",
    "смочь": "мочь", "увидеть": "видеть", "вернуть": "возвращать", "войти": "входить",
    "выкинуть": "выкидывать", "пропасть": "пропадать", "упасть": "падать", "сесть": "садиться",
    "лечь": "ложиться", "дать": "давать", "прочитать": "читать", "прочесть": "читать",
    "заблокировать": "блокировать", "разблокировать": "разблокировывать",
    "зарегистрировать": "регистрировать", "авторизовать": "авторизовывать",
    "подключить": "подключать", "отключить": "отключать", "включить": "включать",
    "выключить": "выключать", "исправить": "исправлять", "позвонить": "звонить",
    "отобразить": "отображать", "приложить": "прикладывать", "продлить": "продлевать",
    "вложить": "вкладывать",
    "предложить": "предлагать", "положить": "класть", "выложить": "выкладывать",
    "зависнуть": "зависать", "пройти": "проходить", "подписать": "подписывать",
    "перезапустить": "перезапускать", "запустить": "запускать", "пустить": "пускать",
    "напечатать": "печатать", "распечатать": "распечатывать", "оплатить": "оплачивать",
    "заплатить": "платить", "обновить": "обновлять", "создать": "создавать",
    "завершить": "завершать", "прислать": "присылать", "послать": "посылать",
    "выслать": "высылать", "отослать": "отсылать", "переслать": "пересылать",
    "ответить": "отвечать", "найти": "находить", "объяснить": "объяснять",
    "скопировать": "копировать", "отсканировать": "сканировать", "протестировать": "тестировать",
    "отредактировать": "редактировать", "отформатировать": "форматировать",
    "подготовить": "подготавливать", "уйти": "уходить", "отозвать": "отзывать",
}

_ALTERNATIONS = (
    ("ст", "щ"), ("ск", "щ"), ("з", "ж"), ("с", "ш"), ("д", "жд"), ("д", "ж"), ("т", "ч"),
    ("т", "щ"), ("б", "бл"), ("в", "вл"), ("п", "пл"), ("м", "мл"), ("ф", "фл"),
)


def _alternated(stem: str) -> list[str]:
    stems = [stem]
    for end, replacement in _ALTERNATIONS:
        if stem.endswith(end):
            stems.append(stem[: -len(end)] + replacement)
    return stems


def _root_a(stem: str) -> str:
    """«сбрОс» → «сбрАс»: the last «о» of the stem turns to «а» before «-ивать»/«-ывать»."""
    position = stem.rfind("о")
    return stem[:position] + "а" + stem[position + 1:] if position > 0 else stem


def _derived(verb: str) -> list[str]:
    """Imperfective candidates for a perfective infinitive, most likely first."""
    if verb.endswith("ить"):
        plain, *alternated = _alternated(verb[:-3])
        # «отметить» is «отмечать», not «отметать»: an alternated stem before the plain «-ать».
        candidates = [plain + "ять", *(s + e for s in alternated for e in ("ять", "ать")),
                      plain + "ать"]
        shifted = _alternated(_root_a(verb[:-3]))
        return candidates + [s + e for s in [plain, *alternated, *shifted]
                             for e in ("ивать", "ывать")]
    if verb.endswith("брать"):
        return [verb[:-5] + "бирать"]
    if verb.endswith("звать"):
        return [verb[:-5] + "зывать"]
    if verb.endswith("ыть"):
        return [verb[:-3] + "ывать"]
    if verb.endswith("дать"):
        return [verb[:-2] + "вать"]
    if verb.endswith("нуть"):
        return [verb[:-4] + "ать", verb[:-4] + "ивать"]
    if verb.endswith(("ать", "ять")):
        stem = verb[:-3]
        return [stem + e for s in (stem, _root_a(stem)) for e in ("ивать", "ывать")] + [
            _root_a(stem) + e for e in ("ивать", "ывать")]
    if verb.endswith("йти"):
        prefix = verb[:-3]
        return [prefix + "ходить", prefix.removesuffix("о") + "ходить"]
    if verb.endswith("ести"):
        return [verb[:-4] + e for e in ("осить", "одить", "отить")]
    return []


def _imperfective_infinitive(word: str) -> bool:
    morph = lemmas.analyser()
    if not morph.word_is_known(word):
        return False
    return any(p.tag.POS == "INFN" and p.tag.aspect == "impf" and p.normal_form == word
               for p in morph.parse(word))


def _perfective_infinitive(word: str) -> bool:
    return any(p.tag.POS == "INFN" and p.tag.aspect == "perf" and p.normal_form == word
               for p in lemmas.analyser().parse(word))


@lru_cache(maxsize=20_000)
def partner(verb: str) -> str:
    """The imperfective a perfective infinitive pairs with; any other word unchanged."""
    if verb in PARTNERS:
        return PARTNERS[verb]
    # «заходить», «проходить» are also rare perfectives («заходить все магазины»): a verb that
    # can be imperfective is its own partner.
    if _imperfective_infinitive(verb) or not _perfective_infinitive(verb):
        return verb
    for candidate in _derived(verb):
        if _imperfective_infinitive(candidate):
            return candidate
    return verb


@lru_cache(maxsize=20_000)
def aspect_key(verb: str) -> str:
    """One word for a verb infinitive, its aspect partner and their reflexive forms: the
    imperfective's infinitive without «-ся» («сохранилась», «сохранять» → «сохранять»)."""
    if verb in PARTNERS:
        return PARTNERS[verb]
    base = verb
    if verb.endswith(("ться", "тись", "чься")) and len(verb) > 5:
        base = verb[:-2]
    return partner(base)
