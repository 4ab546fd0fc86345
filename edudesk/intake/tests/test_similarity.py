"""«Не пытайтесь создать новый инцидент с идентичной проблемой»: find the ticket already open."""

from edudesk.intake.similarity import rank_similar, similarity, terms

GRADES = "Не выставляются оценки в электронном журнале 5А класса по математике"


def test_same_problem_in_other_words_scores_high():
    same = "Здравствуйте! В журнале 5А не получается выставить оценку по математике"
    assert similarity(GRADES, same) >= 0.3


def test_different_problem_of_the_same_user_scores_low():
    assert similarity(GRADES, "Не могу войти в систему под логином ivanova, пишет неверный пароль") < 0.15
    assert similarity(GRADES, "В журнале 7Б не отображается расписание уроков") < 0.3


def test_word_forms_and_aspect_pairs_meet():
    assert terms("оценки не выставляются") == terms("оценка не выставить")


def test_greetings_and_courtesies_do_not_count():
    assert terms("Здравствуйте! Добрый день, спасибо заранее, помогите пожалуйста") == []


def test_negation_is_kept():
    assert "не" in terms("курс не открывается")


def test_rank_returns_matches_above_threshold_best_first():
    open_tickets = [
        ("INC0000101", "Не могу войти под логином ivanova"),
        ("INC0000102", "Оценки в журнал не выставляются, 5А, математика, учитель Иванова"),
        ("INC0000103", "В журнале 5А не получается выставить оценку по математике"),
        ("INC0000104", "Не формируется отчёт об успеваемости за четверть"),
    ]
    matches = rank_similar(GRADES, open_tickets)
    assert [match.key for match in matches] == ["INC0000103", "INC0000102"]
    assert matches[0].score >= matches[1].score


def test_rank_with_no_open_tickets_is_empty():
    assert rank_similar(GRADES, []) == []


def test_rank_respects_limit():
    open_tickets = [(n, GRADES) for n in range(10)]
    assert len(rank_similar(GRADES, open_tickets, limit=3)) == 3


def test_lms_course_problem_is_matched_across_word_order():
    assert similarity(
        "Курс «Охрана труда» не открывается у слушателей, белый экран",
        "Слушатели не могут открыть курс Охрана труда — пустой белый экран",
    ) >= 0.3
