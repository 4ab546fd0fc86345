"""«Не пытайтесь создать новый инцидент с идентичной проблемой»: find the ticket already open.

Quality on the labelled requests is guarded by tests/similarity; these are the rules.
"""

from edudesk.intake.similarity import confident_match, rank_similar, similarity, terms
from edudesk.intake.text_features import TermWeights, features

GRADES = "Не выставляются оценки в электронном журнале 5А класса по математике"
OPEN_TICKETS = [
    ("INC0000101", "Не могу войти под логином ivanova"),
    ("INC0000102", "Оценки в журнал не выставляются, 5А, математика, учитель Иванова"),
    ("INC0000103", "В журнале 5А не получается выставить оценку по математике"),
    ("INC0000104", "Не формируется отчёт об успеваемости за четверть"),
]


def test_the_same_problem_in_other_words_is_listed_among_the_requesters_tickets():
    matches = rank_similar(GRADES, OPEN_TICKETS)
    assert {match.key for match in matches} == {"INC0000102", "INC0000103"}
    assert matches[0].score >= matches[1].score


def test_different_problems_of_the_same_user_score_low():
    assert similarity(GRADES, "Не могу войти в систему под логином ivanova, пишет неверный пароль") < 0.05
    assert similarity(GRADES, "В журнале 7Б не отображается расписание уроков") < 0.3


def test_word_forms_and_a_verbs_aspect_pair_are_one_word():
    assert features("оценки не выставляются").words == features("оценку не выставить").words
    assert features("не сохранилась").words == features("не сохраняются").words


def test_the_category_classifiers_terms_are_unchanged():
    assert terms("оценки не выставляются") == terms("оценка не выставить")


def test_greetings_courtesies_names_and_phones_do_not_count():
    assert not features("Здравствуйте! Добрый день, спасибо заранее, помогите пожалуйста").words
    assert set(features("Иванова Татьяна Викторовна, тел. 8-920-111-22-33, ivanova_tv").words) <= {
        "тело"}


def test_an_error_code_counts():
    assert "500" in features("выдаёт ошибку 500").words


def test_negation_is_kept():
    assert "не открывать" in features("курс не открывается").words


def test_a_typo_still_meets_the_word_through_its_letters():
    query = "оценки не сохраняюца в журнале"
    matches = rank_similar(query, [(1, "Оценки не сохраняются в журнале 5А"),
                                   (2, "Расписание не открывается"), (3, "Отчёт не формируется")])
    assert [match.key for match in matches] == [1]


def test_rank_with_no_open_tickets_is_empty():
    assert rank_similar(GRADES, []) == []
    assert confident_match(GRADES, []) is None


def test_rank_respects_limit():
    assert len(rank_similar(GRADES, [(n, GRADES) for n in range(10)], limit=3)) == 3


def test_nothing_is_listed_when_the_best_hardly_beats_the_rest():
    timetable = ("INC0000105", "В электронном журнале не открывается расписание 5А класса")
    assert rank_similar(GRADES, [*OPEN_TICKETS, timetable]) == []


def test_a_confident_match_clearly_beats_the_runner_up():
    tickets = [OPEN_TICKETS[0], OPEN_TICKETS[2], OPEN_TICKETS[3]]
    assert confident_match(GRADES, tickets).key == "INC0000103"


def test_two_equally_good_candidates_are_not_a_confident_match():
    assert confident_match(GRADES, OPEN_TICKETS) is None


def test_a_weak_best_is_not_a_confident_match():
    tickets = [(1, "В журнале 7Б не отображается расписание уроков"), (2, "Не формируется отчёт")]
    assert confident_match(GRADES, tickets) is None


def test_a_lone_open_ticket_must_read_much_alike():
    assert confident_match(GRADES, [(1, "В журнале 7Б не отображается расписание уроков")]) is None
    assert confident_match(GRADES, [OPEN_TICKETS[2]]).key == "INC0000103"


def test_the_signature_says_nothing_about_the_problem():
    letter = "Не открывается журнал\nС уважением, Иванова Т.В., учитель математики, СОШ №12"
    assert features(letter).words == features("Не открывается журнал").words


def test_the_requesters_own_frame_in_every_letter_does_not_make_a_match():
    frame = "Здравствуйте! Пишу из МБОУ СОШ №12 г. Торжка.\n{}\nС уважением, учитель математики"
    tickets = [(1, frame.format("Не формируется отчёт об успеваемости")),
               (2, frame.format("Пропало расписание на неделю")),
               (3, frame.format("Не приходят уведомления родителям"))]
    assert rank_similar(frame.format("Не могу войти, пишет неверный пароль"), tickets) == []


def test_the_services_common_phrases_do_not_make_a_match():
    service = TermWeights.from_texts([
        "В электронном журнале не открывается расписание, как это сделать?",
        "Электронный журнал: как это сделать, чтобы родители видели оценки",
        "Как это сделать в электронном журнале: перенести урок",
        "В электронном журнале пропал класс",
        "Электронный журнал не открывается, как это сделать",
    ])
    query = "В электронном журнале не прикрепляется файл к домашнему заданию, как это сделать?"
    candidates = [(1, "Как это сделать в электронном журнале: выгрузить отчёт в Excel"),
                  (2, "Не получается выгрузить отчёт об успеваемости")]
    assert rank_similar(query, candidates, weights=service) == []
    assert confident_match(query, candidates, weights=service) is None


def test_lms_course_problem_is_matched_across_word_order():
    assert similarity(
        "Курс «Охрана труда» не открывается у слушателей, белый экран",
        "Слушатели не могут открыть курс Охрана труда — пустой белый экран",
    ) >= 0.3


def test_the_writers_earlier_letters_show_their_frame_to_a_lone_open_ticket():
    frame = ("Здравствуйте! Пишу из МБОУ СОШ №12 г. Торжка, электронный журнал 7А класса, "
             "учитель информатики и классный руководитель.\n{}\nИнформатика, 7А, кабинет 12")
    open_ticket = [(1, frame.format("Пропало расписание на неделю"))]
    query = frame.format("Не приходят уведомления родителям")
    earlier = [frame.format("Не формируется отчёт"), frame.format("Как перенести урок")]
    assert rank_similar(query, open_ticket, history=earlier) == []
    assert confident_match(query, open_ticket, history=earlier) is None
    same = frame.format("Расписание на неделю пропало")
    assert confident_match(same, open_ticket, history=earlier).key == 1
