"""Demo data for the embedded mode: the two services of the seeds, people, and a few requests."""

from django.core.management.base import BaseCommand
from django.db import transaction

from edudesk.accounts.models import Contact, Organisation, Role, Service, SupportGroup, User
from edudesk.tickets import services as tickets
from edudesk.tickets.models import Channel, Priority
from edudesk.tickets.types import Actor

DEMO_PASSWORD = "edudesk-demo"

SERVICES = [
    {
        "code": "eschool", "name": "АИС «Электронная школа»", "support_email": "edu.support@o7.com",
        "support_phone": "8-800-200-9582",
    },
    {
        "code": "uchipro", "name": "Учи.Про СДО", "support_email": "support@uchi.pro",
        "support_phone": "8 (800) 100-08-62",
    },
]

ORGANISATIONS = {
    "eschool": [("МБОУ «Средняя школа № 12»", "Казань", "Республика Татарстан"),
                ("ГБОУ «Лицей № 1535»", "Москва", "Москва"),
                ("МАОУ «Гимназия № 2»", "Пермь", "Пермский край")],
    "uchipro": [("ООО «Учебный центр Профи»", "Екатеринбург", "Свердловская область"),
                ("АНО ДПО «Академия навыков»", "Новосибирск", "Новосибирская область")],
}

CONTACTS = {
    "eschool": [("Иванова Мария Петровна", "m.ivanova@school12.example", "+79001234567",
                 "ivanova_mp", Role.SCHOOL_TEACHER, 0),
                ("Смирнов Алексей Игоревич", "admin@lyceum1535.example", "+79161112233",
                 "smirnov_ai", Role.SCHOOL_ADMIN, 1)],
    "uchipro": [("Кузнецова Ольга Сергеевна", "o.kuznetsova@profi.example", "+73431234567",
                 "okuznetsova", Role.ADMINISTRATOR, 0),
                ("Петров Игорь Васильевич", "petrov@academy.example", "+73832223344",
                 "ipetrov", Role.LEARNER, 1)],
}

AGENTS = [
    ("agent", "Соколова Анна", User.Kind.AGENT, ["eschool", "uchipro"]),
    ("agent2", "Морозов Дмитрий", User.Kind.AGENT, ["eschool"]),
    ("supervisor", "Волкова Елена", User.Kind.SUPERVISOR, ["eschool", "uchipro"]),
]


class Command(BaseCommand):
    help = "Load demo services, organisations, contacts, agents and tickets (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options):
        created = not Service.objects.filter(code="eschool").exists()
        services = {spec["code"]: self._service(spec) for spec in SERVICES}
        people = {username: self._agent(username, name, kind, [services[c] for c in codes])
                  for username, name, kind, codes in AGENTS}
        for service in services.values():
            first, second = (SupportGroup.objects.get_or_create(service=service, name=name,
                                                                 defaults={"is_default": default})[0]
                             for name, default in (("Первая линия", True), ("Вторая линия", False)))
            first.supervisor = second.supervisor = people["supervisor"]
            first.save()
            second.save()
            first.members.add(people["agent"], people["supervisor"])
            second.members.add(people["supervisor"])
            if service.code == "eschool":
                first.members.add(people["agent2"])
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@edudesk.localhost", DEMO_PASSWORD,
                                          kind=User.Kind.ADMINISTRATOR, full_name="Администратор")
        if created:
            self._tickets(services, people)
        from edudesk.kb.demo import load_articles

        load_articles(people["agent"])
        self._print_logins(created)

    def _service(self, spec: dict) -> Service:
        service, _ = Service.objects.get_or_create(code=spec["code"], defaults=spec)
        return service

    def _agent(self, username, name, kind, services) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username, f"{username}@edudesk.localhost", DEMO_PASSWORD,
                                            full_name=name, kind=kind, is_staff=kind != User.Kind.AGENT)
        user.services.add(*services)
        return user

    def _tickets(self, services, people) -> None:
        for code, rows in ORGANISATIONS.items():
            for name, city, region in rows:
                Organisation.objects.get_or_create(service=services[code], name=name,
                                                   defaults={"city": city, "region": region})
        contacts = {}
        for code, rows in CONTACTS.items():
            orgs = list(Organisation.objects.filter(service=services[code]).order_by("id"))
            for full_name, email, phone, login, role, org in rows:
                contacts[login] = Contact.objects.create(
                    service=services[code], full_name=full_name, email=email, phone=phone,
                    login=login, role=role, organisation=orgs[org])
        agent = Actor.agent(people["agent"])
        journal = tickets.open_ticket(
            service=services["eschool"], requester=contacts["ivanova_mp"], channel=Channel.WEB,
            subject="Не сохраняются оценки в журнале 7«Б»", category="error",
            description="При выставлении оценок по математике за 12.11 в 7«Б» появляется "
                        "сообщение «Ошибка сохранения». Браузер Яндекс.Браузер 24.10.",
            fields={"region": "Республика Татарстан", "full_name": "Иванова Мария Петровна",
                    "institution": "МБОУ «Средняя школа № 12», Казань",
                    "browser": "Яндекс.Браузер 24.10", "initiator_login": "ivanova_mp",
                    "affected_login": "ivanova_mp", "email": "m.ivanova@school12.example",
                    "phone": "+79001234567",
                    "steps": "Журнал → 7«Б» → Математика → 12.11 → выставить оценку → Сохранить"},
        )
        tickets.request_clarification(
            journal, actor=agent, missing=["screenshot"],
            body="Пришлите, пожалуйста, снимок экрана с сообщением об ошибке (.jpeg или .png).")
        tickets.open_ticket(
            service=services["eschool"], requester=contacts["smirnov_ai"], channel=Channel.EMAIL,
            subject="Не формируется отчёт об успеваемости", category="other", priority=Priority.HIGH,
            description="Отчёт об успеваемости за первую четверть не формируется для 9-х классов.")
        course = tickets.open_ticket(
            service=services["uchipro"], requester=contacts["okuznetsova"], channel=Channel.WIDGET,
            subject="Курс «Охрана труда» не открывается у слушателей", category="course",
            description="Слушатели видят пустую страницу при открытии курса «Охрана труда для "
                        "руководителей».",
            fields={"organisation": "ООО «Учебный центр Профи»",
                    "lms_url": "https://lms.profi.example", "full_name": "Кузнецова Ольга Сергеевна",
                    "role": "administrator", "phone": "+73431234567",
                    "course_name": "Охрана труда для руководителей",
                    "course_url": "https://lms.profi.example/courses/42"},
        )
        tickets.assign(course, actor=agent, assignee=people["agent"])
        tickets.transition(course, "in_work", actor=agent)
        tickets.add_message(course, actor=agent, body="Исправили настройки доступа к курсу. "
                            "Проверьте, пожалуйста, открывается ли он сейчас.")
        tickets.transition(course, "answered", actor=agent)
        self._incident(services["eschool"], contacts["smirnov_ai"], people["agent"])
        tickets.log_consultation(
            service=services["uchipro"], agent=people["agent"], contact=contacts["ipetrov"],
            caller_name="Петров Игорь Васильевич", contact_info="+73832223344",
            topic="Как сбросить пароль в СДО", notes="Подсказали, как восстановить пароль.",
            duration_minutes=4, outcome="Решено консультацией")

    def _incident(self, service, requester, agent) -> None:
        """An outage the agent declared a mass incident: the form shows it as a known problem."""
        from edudesk.incidents import services as incidents

        outage = tickets.open_ticket(
            service=service, requester=requester, channel=Channel.EMAIL, category="other",
            subject="Не открывается электронный журнал",
            description="С утра не открывается электронный журнал: страница выдаёт ошибку 502.")
        incidents.declare(
            service=service, agent=agent, title="Не открывается электронный журнал",
            public_text="С 8:15 электронный журнал не открывается у части школ (ошибка 502). "
                        "Специалисты восстанавливают работу сервера.",
            tickets_=[outage])

    def _print_logins(self, created: bool) -> None:
        self.stdout.write("Demo data " + ("loaded." if created else "already present."))
        self.stdout.write(f"  admin       / {DEMO_PASSWORD}  (administrator: /admin/)")
        for username, name, _kind, _codes in AGENTS:
            self.stdout.write(f"  {username:<11} / {DEMO_PASSWORD}  ({name}: /desk/)")
