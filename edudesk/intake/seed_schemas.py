"""The form schemas of the two seed platforms, as data.

``eschool`` is the regional «Электронная школа» (its memo lists the common data of a first
request and what to send with an error message); ``uchipro`` is the LMS vendor Uchi.Pro (its
guide lists the data to give when writing by mail and what to add per kind of problem). The
texts quote the seeds: they are the product's wording. A data migration stores these in the
FormSchema table, where administrators edit them.
"""

from __future__ import annotations

from edudesk.intake.schema import CategorySpec, Choice, FieldSpec, FormSchema, tr

SCREENSHOT_RULE = tr(
    "Формат изображения — .jpeg или .png. Изображения, вставленные в файлы .doc, .zip или .rar, "
    "не принимаются к рассмотрению. В описании можно ссылаться на вложения: «картинка1», "
    "«картинка2».",
    "Image format: .jpeg or .png. Images inserted into .doc, .zip or .rar files are not "
    "accepted. In the description you may refer to the attachments as «картинка1», «картинка2».",
)

ONE_PROBLEM = tr(
    "В одном обращении должна быть описана одна проблема. Каждому инциденту присваивается свой "
    "номер, что помогает ускорить решение проблемы.",
    "Describe one problem per request. Each incident gets its own number, which helps to solve "
    "the problem faster.",
)

CONTACTS_ADVICE = tr(
    "Необходимо предоставлять актуальные контактные данные на случай, если специалисту "
    "технической поддержки понадобится связаться с вами для уточнения вопросов.",
    "Give up-to-date contact details in case the support specialist needs to contact you "
    "to clarify something.",
)

FROM_LMS = tr(
    "Если вы пишете из СДО, эти данные придут нам автоматически.",
    "If you write from the LMS, this data reaches us automatically.",
)


def _screenshots(required: bool, help_text=SCREENSHOT_RULE) -> FieldSpec:
    return FieldSpec(
        key="screenshots",
        label=tr("Снимки экрана", "Screenshots"),
        type="file",
        required=required,
        help=help_text,
    )


def _error_category() -> CategorySpec:
    return CategorySpec(
        key="error",
        label=tr("Сообщение об ошибке", "Error message"),
        help=tr(
            "Если вследствие каких-либо действий появилось информационное сообщение или "
            "сообщение об ошибке, пришлите снимок экрана, наименование и версию браузера и "
            "подробное описание порядка действий.",
            "If an information or error message appeared after some action, send a screenshot, "
            "the browser's name and version and a detailed description of the steps.",
        ),
        fields=(
            _screenshots(
                required=True,
                help_text=tr(
                    "Снимок экрана, на котором видно данное сообщение. "
                    + SCREENSHOT_RULE.get("ru"),
                    "A screenshot on which the message is visible. " + SCREENSHOT_RULE.get("en"),
                ),
            ),
            FieldSpec(
                key="browser",
                label=tr("Наименование и версия браузера", "Browser name and version"),
                type="browser",
                help=tr(
                    "Например: Chrome 120 или Яндекс Браузер 24.1. Мы заполнили поле по данным "
                    "вашего браузера — проверьте его.",
                    "For example: Chrome 120 or Yandex Browser 24.1. We filled it in from your "
                    "browser — please check it.",
                ),
            ),
            FieldSpec(
                key="steps",
                label=tr("Порядок действий, который привёл к ошибке", "Steps that lead to it"),
                type="textarea",
                help=tr(
                    "Подробное описание порядка действий, которые привели к возникновению "
                    "данного сообщения, — все, что поможет воспроизвести проблему.",
                    "A detailed description of the actions that led to the message — "
                    "everything that helps to reproduce the problem.",
                ),
            ),
            FieldSpec(
                key="details",
                label=tr(
                    "Класс, предмет, даты, ФИО пользователей", "Class, subject, dates, user names"
                ),
                type="textarea",
                required=False,
                help=tr(
                    "Класс, предмет, даты, ФИО пользователей и прочие имеющиеся сведения, "
                    "если они относятся к проблеме.",
                    "Class, subject, dates, user names and any other details that relate to "
                    "the problem.",
                ),
            ),
        ),
    )


def _course_name(help_text) -> FieldSpec:
    return FieldSpec(
        key="course_name",
        label=tr("Полное название курса", "Full course name"),
        help=help_text,
    )


def _lms_categories() -> tuple[CategorySpec, ...]:
    course_help = tr(
        "Если вопрос касается курса или учебного материала, укажите полное название и "
        "прикрепите ссылку.",
        "If the question concerns a course or learning material, give its full name and a link.",
    )
    test_help = tr(
        "Если что-то не так с тестом, напишите, к какому курсу он прикреплен, и пришлите текст "
        "вопроса.",
        "If something is wrong with a test, tell us which course it belongs to and send the "
        "question's text.",
    )
    application_help = tr(
        "Если проблема касается заявки, пришлите ссылку на нее.",
        "If the problem concerns an application, send its link.",
    )
    document_help = tr(
        "Если неправильно формируется документ, укажите заявку, в которой вы его делаете, и "
        "дайте ссылку на документ.",
        "If a document is generated wrongly, name the application in which you make it and "
        "give a link to the document.",
    )
    return (
        CategorySpec(
            key="course",
            label=tr("Курс или учебный материал", "Course or learning material"),
            help=course_help,
            fields=(
                _course_name(course_help),
                FieldSpec(
                    key="course_url",
                    label=tr("Ссылка на курс или материал", "Link to the course or material"),
                    type="url",
                    help=course_help,
                ),
                _screenshots(required=False),
            ),
        ),
        CategorySpec(
            key="test",
            label=tr("Тест", "Test"),
            help=test_help,
            fields=(
                _course_name(tr("Курс, к которому прикреплен тест.", "The test's course.")),
                FieldSpec(
                    key="question_text",
                    label=tr("Текст вопроса", "The question's text"),
                    type="textarea",
                    help=test_help,
                ),
                _screenshots(required=False),
            ),
        ),
        CategorySpec(
            key="application",
            label=tr("Заявка", "Application"),
            help=application_help,
            fields=(
                FieldSpec(
                    key="application_url",
                    label=tr("Ссылка на заявку", "Link to the application"),
                    type="url",
                    help=application_help,
                ),
                _screenshots(required=False),
            ),
        ),
        CategorySpec(
            key="document",
            label=tr("Формирование документа", "Document generation"),
            help=document_help,
            fields=(
                FieldSpec(
                    key="application",
                    label=tr("Заявка, в которой формируется документ", "Application"),
                    help=document_help,
                ),
                FieldSpec(
                    key="document_url",
                    label=tr("Ссылка на документ", "Link to the document"),
                    type="url",
                    help=document_help,
                ),
                _screenshots(required=False),
            ),
        ),
    )


def _suggestion_category() -> CategorySpec:
    return CategorySpec(
        key="suggestion",
        label=tr("Предложение по доработке платформы", "Suggestion for improving the platform"),
        help=tr(
            "Опишите, что и зачем стоит изменить. Снимок экрана не нужен.",
            "Describe what should change and why. No screenshot is needed.",
        ),
        suggestion=True,
    )


def _other_category() -> CategorySpec:
    return CategorySpec(
        key="other",
        label=tr("Другое", "Other"),
        fields=(_screenshots(required=False),),
    )


def _description(label, help_text) -> FieldSpec:
    return FieldSpec(key="description", label=label, type="textarea", help=help_text)


def _email(label) -> FieldSpec:
    return FieldSpec(
        key="email", label=label, type="email", context_key="email", help=CONTACTS_ADVICE
    )


def _phone(label) -> FieldSpec:
    return FieldSpec(
        key="phone", label=label, type="phone", context_key="phone", help=CONTACTS_ADVICE
    )


def eschool_schema() -> FormSchema:
    """АИС «Электронная школа»: the memo's «стандартный перечень необходимых (общих) данных»."""
    return FormSchema(
        service="eschool",
        common=(
            FieldSpec(key="region", label=tr("Регион", "Region"), type="region"),
            FieldSpec(
                key="full_name", label=tr("ФИО", "Full name"), context_key="full_name"
            ),
            FieldSpec(
                key="institution",
                label=tr(
                    "Наименование учреждения с указанием города",
                    "Institution name with its city",
                ),
                context_key="organisation",
                help=tr("Например: МБОУ «СОШ № 5», г. Тверь", "For example: School No. 5, Tver"),
            ),
            _description(tr("Суть вопроса", "The question"), ONE_PROBLEM),
            FieldSpec(
                key="initiator_login",
                label=tr("Логин пользователя инициатора заявки", "Login of the requester"),
                type="login",
                context_key="login",
            ),
            FieldSpec(
                key="affected_login",
                label=tr(
                    "Логин пользователя, под которым наблюдается проблема",
                    "Login under which the problem is seen",
                ),
                type="login",
            ),
            _email(tr("Адрес электронной почты", "E-mail address")),
            _phone(tr("Телефон", "Phone")),
        ),
        categories=(_error_category(), _suggestion_category(), _other_category()),
    )


UCHIPRO_ROLES = (
    ("administrator", "администратор", "administrator"),
    ("manager", "менеджер", "manager"),
    ("teacher", "преподаватель", "teacher"),
    ("editor", "редактор", "editor"),
    ("learner", "слушатель", "learner"),
    ("contractor", "контрагент", "contractor"),
    ("agent", "агент", "agent"),
)


def uchipro_schema() -> FormSchema:
    """Uchi.Pro LMS: the data to give «если пишете на почту»; from the LMS it arrives filled."""
    return FormSchema(
        service="uchipro",
        common=(
            FieldSpec(
                key="organisation",
                label=tr("Название организации (вендора)", "Organisation (vendor)"),
                context_key="organisation",
                help=FROM_LMS,
            ),
            FieldSpec(
                key="lms_url",
                label=tr("Ссылка на СДО", "Link to the LMS"),
                type="url",
                context_key="platform_url",
                help=FROM_LMS,
            ),
            FieldSpec(
                key="full_name",
                label=tr("Ваше ФИО", "Your full name"),
                context_key="full_name",
                help=FROM_LMS,
            ),
            FieldSpec(
                key="role",
                label=tr("Ваша роль в СДО", "Your role in the LMS"),
                type="choice",
                choices=tuple(Choice(value, tr(ru, en)) for value, ru, en in UCHIPRO_ROLES),
                context_key="role",
                help=FROM_LMS,
            ),
            _phone(tr("Контактный телефон", "Contact phone")),
            _email(tr("Адрес электронной почты", "E-mail address")),
            _description(
                tr("Описание проблемы", "Description of the problem"),
                tr(
                    "Помните: «Одна заявка — одна проблема». Дайте как можно больше информации "
                    "о проблеме.",
                    "Remember: one request — one problem. Give as much information about the "
                    "problem as you can.",
                ),
            ),
        ),
        categories=(
            _error_category(),
            *_lms_categories(),
            _suggestion_category(),
            _other_category(),
        ),
    )


def generic_schema(service_code: str) -> FormSchema:
    """A starting point for a service the seeds do not describe (a university, say)."""
    return FormSchema(
        service=service_code,
        common=(
            FieldSpec(key="full_name", label=tr("ФИО", "Full name"), context_key="full_name"),
            FieldSpec(
                key="organisation",
                label=tr("Организация", "Organisation"),
                context_key="organisation",
                required=False,
            ),
            _description(tr("Суть вопроса", "The question"), ONE_PROBLEM),
            _email(tr("Адрес электронной почты", "E-mail address")),
            _phone(tr("Телефон", "Phone")),
        ),
        categories=(_error_category(), _suggestion_category(), _other_category()),
    )


SEED_SCHEMAS = {"eschool": eschool_schema, "uchipro": uchipro_schema}


def initial_schema(service_code: str) -> FormSchema:
    factory = SEED_SCHEMAS.get(service_code)
    return factory() if factory else generic_schema(service_code)
