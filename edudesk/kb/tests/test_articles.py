"""Articles: Markdown rendered and sanitised, every save keeps the previous version, only agents
of the service write them."""

import pytest
from django.core.exceptions import PermissionDenied

from edudesk.kb import markdown
from edudesk.kb.models import Article, ArticleRevision
from edudesk.kb.tests.conftest import write
from edudesk.testing import factories

pytestmark = pytest.mark.django_db


def test_markdown_is_rendered_and_a_script_or_javascript_link_never_survives():
    html = markdown.render("# Шаги\n\n**Сохранить** <script>alert(1)</script> "
                           "[плохо](javascript:alert(1)) [хорошо](https://edu.example/help)\n\n"
                           "<img src=x onerror=alert(1)>")
    assert "<h2>Шаги</h2>" in html and "<strong>Сохранить</strong>" in html
    assert "<script" not in html and "javascript:" not in html.replace("(javascript:", "")
    assert 'href="javascript' not in html and "onerror=" not in html.replace("onerror=alert", "")
    assert '<a href="https://edu.example/help" rel="noopener noreferrer nofollow">хорошо</a>' in html


def test_plain_text_drops_markup_for_search_and_replies():
    assert markdown.plain("1. Нажмите **«Сохранить»**\n- [ссылка](https://x.example)") == \
        "Нажмите «Сохранить»\nссылка"


def test_saving_an_article_keeps_the_previous_version_with_its_author_and_time(
        grades_article, line1_agent, eschool):
    colleague = factories.agent(eschool, username="colleague", full_name="Морозов Илья")
    first_time = grades_article.updated_at
    write(colleague, eschool, "Оценки не сохраняются", "Новый текст", article=grades_article)
    write(line1_agent, eschool, "Оценки не сохраняются (2)", "Третий текст", article=grades_article)
    grades_article.refresh_from_db()
    assert grades_article.title == "Оценки не сохраняются (2)"
    assert grades_article.updated_by == line1_agent
    revisions = list(grades_article.revisions.order_by("written_at", "id"))
    assert [(r.title, r.author) for r in revisions] == [
        ("Оценки не сохраняются в электронном журнале", line1_agent),
        ("Оценки не сохраняются", colleague)]
    assert revisions[0].written_at == first_time
    assert revisions[0].category_name == "Журнал и оценки"


def test_html_and_search_text_follow_the_body(grades_article):
    assert "<strong>«Сохранить»</strong>" in grades_article.html
    assert grades_article.search_text.startswith("оценки не сохраняются")


def test_an_agent_of_another_service_may_not_write_the_article(grades_article, uchipro):
    stranger = factories.agent(uchipro, username="lms_agent")
    with pytest.raises(PermissionDenied):
        write(stranger, grades_article.service, "Чужая", "текст", article=grades_article)
    assert not ArticleRevision.objects.exists()


def test_only_published_public_articles_are_public(grades_article, line1_agent, eschool):
    internal = write(line1_agent, eschool, "Сброс пароля через админку", "Только для агентов",
                     visibility=Article.Visibility.INTERNAL)
    draft = write(line1_agent, eschool, "Черновик", "текст", status=Article.Status.DRAFT)
    assert grades_article.is_public
    assert not internal.is_public and not draft.is_public
