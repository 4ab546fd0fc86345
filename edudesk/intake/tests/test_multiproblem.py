"""«Одна заявка — одна проблема»: several problems in one request are found and split."""

from edudesk.intake.multiproblem import detect_problems

NUMBERED = """Здравствуйте!
У нас несколько проблем:
1. Не открывается курс «Охрана труда» у слушателей.
2. В тесте по пожарной безопасности неправильный ответ на вопрос 3.
3. Не формируется удостоверение в заявке 1542.

С уважением, Петров Олег"""


def test_numbered_distinct_problems_are_detected_and_split():
    split = detect_problems(NUMBERED)
    assert split is not None
    assert len(split.items) == 3
    assert split.items[0] == "Не открывается курс «Охрана труда» у слушателей."
    assert split.intro == "Здравствуйте!\nУ нас несколько проблем:"
    assert split.outro == "С уважением, Петров Олег"


def test_each_split_ticket_keeps_greeting_signature_and_one_problem():
    texts = detect_problems(NUMBERED).ticket_texts()
    assert len(texts) == 3
    assert all(text.startswith("Здравствуйте!") and text.endswith("Петров Олег") for text in texts)
    assert "заявке 1542" in texts[2] and "Охрана труда" not in texts[2]


def test_bulleted_problems_are_detected():
    text = "- не выставляются оценки в журнале 5А\n- пропало расписание у 7Б класса\n"
    assert len(detect_problems(text).items) == 2


def test_inline_numbered_problems_are_detected():
    text = "Проблемы: 1) не открывается журнал 5А; 2) у учеников пропали домашние задания"
    split = detect_problems(text)
    assert split.items == ("не открывается журнал 5А", "у учеников пропали домашние задания")
    assert split.intro == "Проблемы:"


def test_steps_to_reproduce_one_problem_are_not_split():
    text = """При сохранении оценки появляется ошибка.
Порядок действий:
1. Открыть журнал 5А класса по математике.
2. Выбрать дату 12.11 и поставить оценку.
3. Нажать «Сохранить» — появляется ошибка 500."""
    assert detect_problems(text) is None


def test_list_of_actions_without_a_problem_in_each_item_is_not_split():
    text = "Что сделано:\n1. Очистили кэш браузера\n2. Перезагрузили компьютер\n3. Ошибка осталась"
    assert detect_problems(text) is None


def test_nested_steps_stay_with_their_problem():
    text = """1. Не выставляются оценки в журнале 5А
   - открываю журнал
   - нажимаю сохранить
2. Пропало расписание уроков у 7Б класса"""
    split = detect_problems(text)
    assert len(split.items) == 2
    assert "нажимаю сохранить" in split.items[0]


def test_same_problem_repeated_in_two_items_is_not_split():
    text = "1. Не выставляются оценки в журнале 5А\n2. Оценки в журнале 5А не выставляются"
    assert detect_problems(text) is None


def test_single_problem_text_is_not_split():
    assert detect_problems("Не открывается курс «Охрана труда», белый экран.") is None


def test_dates_and_numbers_inside_text_are_not_a_list():
    text = "С 1. ноября не работает вход. В 2. часа ночи тоже не работало."
    assert detect_problems(text) is None


def test_subjects_are_short_first_lines():
    split = detect_problems(NUMBERED)
    assert split.subjects()[0] == "Не открывается курс «Охрана труда» у слушателей"
    long = "1. " + "не работает " * 20 + "\n2. пропали оценки у всех учеников класса"
    assert len(detect_problems(long).subjects()[0]) <= 80


def test_prose_counting_its_problems_is_split_without_the_courtesies():
    text = ("Добрый день. Во-первых, у учителей не сохраняются оценки за 12 ноября. Во-вторых, в "
            "дневнике родителей не отображается домашнее задание по русскому языку. Спасибо.")
    split = detect_problems(text)
    assert split.items == ("У учителей не сохраняются оценки за 12 ноября.",
                           "В дневнике родителей не отображается домашнее задание по русскому языку.")
    assert split.intro == "Добрый день." and split.outro == "Спасибо."


def test_prose_adding_a_problem_with_also_besides_and_one_more_is_split():
    for marker in ("Также", "Кроме того,", "И ещё:", "Помимо этого,"):
        text = (f"Здравствуйте! Не открывается раздел «Контингент», белый экран. {marker} у директора "
                "не отображаются отчёты, список пустой.\nС уважением, завуч Сидорова О.П.")
        split = detect_problems(text)
        assert split is not None and len(split.items) == 2, marker
        assert split.outro == "С уважением, завуч Сидорова О.П."
        assert split.items[1] == "У директора не отображаются отчёты, список пустой."


def test_also_adding_to_the_same_problem_is_not_a_second_problem():
    for addition in ("Также пробовали в другом браузере — ошибка та же.",
                     "Также прикладываю скриншот назначения.",
                     "Кроме того, оно не открывается и на планшете."):
        text = f"Здравствуйте! Не загружается расписание уроков, висит загрузка. {addition}"
        assert detect_problems(text) is None, addition


def test_one_fault_reported_for_two_people_is_not_split():
    text = ("Добрый день. Не открывается журнал у учителя Ивановой М.П. (логин ivanova_mp). "
            "Также не открывается журнал у учителя Петрова С.С. (логин petrov_ss).")
    assert detect_problems(text) is None
    listed = "1. Не открывается журнал у Ивановой М.П.\n2. Не открывается журнал у Петрова С.С."
    assert detect_problems(listed) is None


def test_a_sign_off_right_after_the_last_item_is_not_part_of_it():
    text = "1. Не открывается журнал 5А.\n2. Пропало расписание у 7Б класса.\nС уважением, Петрова"
    split = detect_problems(text)
    assert split.items[-1] == "Пропало расписание у 7Б класса."
    assert split.outro == "С уважением, Петрова"
    inline = "Проблемы: 1) не открывается журнал 5А; 2) пропали домашние задания у 7Б. Спасибо!"
    assert detect_problems(inline).items[-1] == "пропали домашние задания у 7Б."


def test_a_question_is_a_request_of_its_own():
    text = ("Здравствуйте. 1. Не формируется отчёт ОО-1, выходит ошибка. "
            "2. Прошу подсказать, как сменить классного руководителя в 6Г.")
    assert len(detect_problems(text).items) == 2
