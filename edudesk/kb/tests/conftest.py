import pytest

from edudesk.kb import services
from edudesk.kb.models import Article, Category


def write(user, service, title, body, *, category=None, visibility=Article.Visibility.PUBLIC,
          status=Article.Status.PUBLISHED, article=None):
    data = services.ArticleData(service_id=service.pk, title=title, body=body, category=category,
                                visibility=visibility, status=status)
    return services.save_article(user, data, article)


@pytest.fixture
def journal(eschool):
    return Category.objects.create(service=eschool, name="Журнал и оценки")


@pytest.fixture
def grades_article(line1_agent, eschool, journal):
    return write(line1_agent, eschool, "Оценки не сохраняются в электронном журнале",
                 "Нажмите **«Сохранить»** внизу страницы журнала и дождитесь сообщения "
                 "«Изменения сохранены». Очистите кэш браузера.", category=journal)
