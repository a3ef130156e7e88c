"""A Spanish reader, in a real browser: every page, the patient's, the physician's, the view
link's, the sign-in and error pages, shows none of the app's English (the list is built from
the catalogue itself), and offline the phone stays in Spanish."""

import re
import time
from datetime import UTC, datetime
from functools import cache

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from diary.i18n import catalogues
from tests.browser.conftest import (
    NO_WORKER,
    PHONE,
    api_post,
    assert_targets_big_enough,
    page_width,
    poll,
    ready,
    register_via_api,
    scripted,
    seed_demo_diary,
)

SPANISH = {**PHONE, "locale": "es-ES"}
# Fragments of English that are the same word in Spanish, or that the Spanish pages show on
# purpose (abbreviations, a file format, a code's example).
SAME_IN_BOTH = {"diary", "FHIR R4", "CSV", "PRP", "MSC", "NAP", "IMMPACT"}


@cache
def english_only() -> frozenset[str]:
    """Every distinctive piece of English the catalogue translates: each source string cut at
    its placeholders and markup, pieces of three words or more, none also found in a Spanish
    translation (a name the two languages share)."""
    with catalogues.po_path("es").open("rb") as handle:
        spanish = read_po(handle)
    pieces, translated = set(), []
    for message in spanish:
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        translated.extend(texts)
        for source in sources:
            for piece in re.split(r"%\(\w+\)s|<[^>]+>|[“”«»()]|\s[-—–]\s", source):
                piece = " ".join(piece.split()).strip(" .,:;!?")
                if len(piece.split()) >= 3 and piece not in SAME_IN_BOTH:
                    pieces.add(piece)
    everything_spanish = "\n".join(translated)
    return frozenset(p for p in pieces if p not in everything_spanish)


def what_a_reader_meets(page) -> str:
    """The page's visible text, its title, and the names a screen reader says."""
    return page.evaluate(
        """() => [document.title, document.body.innerText,
            ...[...document.querySelectorAll('[aria-label],[title],[placeholder],[alt]')]
              .flatMap((e) => ['aria-label', 'title', 'placeholder', 'alt']
                .map((a) => e.getAttribute(a)).filter(Boolean))].join('\\n')"""
    )


def assert_spanish(page, path):
    page.goto(path)
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "es", path
    # Spanish words are longer, or shorter ("1 día"): the pages still fit the phone, and
    # every control, a link alone on its line too, is still a 44 px target.
    assert page_width(page) == PHONE["viewport"]["width"], path
    assert_targets_big_enough(page)
    text = " ".join(what_a_reader_meets(page).split())
    found = sorted(piece for piece in english_only() if piece in text)
    where = [text[max(0, text.index(p) - 60) : text.index(p) + len(p) + 20] for p in found[:3]]
    assert not found, f"{path} shows English: {found[:8]} in {where}"


# The charts' dates, as Chromium's Intl writes them in Spanish ("ago 2026", "23 sept 2026"),
# never the date adapter's English ("Aug 2026").
MONTH = r"(ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic)"
SPANISH_MONTH = re.compile(rf"{MONTH} \d{{4}}")
SPANISH_DAY = re.compile(rf"\d{{1,2}} {MONTH} \d{{4}}")

# The timeline's x-axis labels and the tooltip's title of a day in the middle of the chart.
TIMELINE_JS = """() => {
    const chart = Chart.getChart(document.getElementById('timeline-chart'));
    const days = chart.data.datasets[2].data;  // leg pain, one day: no gaps
    const middle = Math.floor(days.length / 2);
    chart.tooltip.setActiveElements([{ datasetIndex: 2, index: middle }], { x: 0, y: 0 });
    chart.update();
    const ticks = chart.scales.x.getLabelItems().map((item) => item.label);
    const words = [chart.options.scales.y.title.text, ...chart.data.datasets.map((d) => d.label)];
    return { ticks, title: chart.tooltip.title, words };
}"""
# A therapy's before/after chart: its two-line labels and the tooltip's title of the second.
WINDOWS_JS = """(canvas) => {
    const chart = Chart.getChart(canvas);
    chart.tooltip.setActiveElements([{ datasetIndex: 0, index: 1 }], { x: 0, y: 0 });
    chart.update();
    return { label: chart.data.labels[1], title: chart.tooltip.title };
}"""


def assert_spanish_timeline(page):
    """The timeline of the page open (a patient's, a physician's or a view link's charts)
    writes its dates in Spanish, on the axis and in the tooltip, and its words too."""
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('timeline-chart'))"
    )
    drawn = page.evaluate(TIMELINE_JS)
    assert drawn["ticks"] and all(SPANISH_MONTH.fullmatch(tick) for tick in drawn["ticks"]), drawn
    assert len(drawn["title"]) == 1 and SPANISH_DAY.fullmatch(drawn["title"][0]), drawn
    assert drawn["words"][0] == "Dolor (0-10)", drawn
    assert "Dolor de pierna, un día" in drawn["words"], drawn
    return drawn


def test_the_list_of_english_is_the_catalogues_not_a_handful():
    pieces = english_only()
    assert len(pieces) > 500
    assert "How is your pain today" in pieces and "Keep the other version" in pieces


@pytest.fixture
def spanish_context(browser):
    """New Spanish phones. Without ``worker``, no service worker is installed: the test is
    about a page's words (``page_only`` in tests/browser/conftest.py)."""
    contexts = []

    def make(on=None, worker=False):
        options = SPANISH if worker else {**SPANISH, **NO_WORKER}
        context = (on or browser).new_context(**options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def test_every_page_speaks_spanish(spanish_context, live_server, new_user):
    url = live_server.url
    # Signed out: the start, sign-in, registration and password pages, and the errors.
    page = spanish_context().new_page()
    for path in (
        "/",
        "/signin",
        "/register",
        "/password-reset",
        "/reset/not-a-token",
        "/nothing-here",
        "/offline?lang=es",
    ):
        assert_spanish(page, url + path)

    # A patient with the demo diary: every page of theirs.
    patient = new_user()
    page = spanish_context().new_page()
    page.goto(url + "/signin")
    patient["id"] = register_via_api(page, url, patient)["id"]
    therapies = seed_demo_diary(page, url)
    medicine = api_post(
        page,
        url,
        "/api/v1/medications",
        {
            "name": "Pregabalina",
            "strength": "75",
            "unit": "mg",
            "schedule": "as_needed",
            "start_day": therapies[0]["start_day"],
            "changes": [],
        },
    )
    dose = api_post(
        page,
        url,
        "/api/v1/doses",
        {"medication_id": medicine["id"], "taken_at": datetime.now(UTC).isoformat()},
    )
    entry = page.request.get(url + "/api/v1/entries?limit=1").json()["entries"][0]
    answer = page.request.get(url + "/api/v1/responses").json()["responses"][0]["id"]
    therapy = therapies[0]["id"]
    for path in (
        "/today",
        "/history",
        "/charts",
        "/therapies/",
        "/therapies/new",
        "/therapies/new?kind=physiotherapy",
        f"/therapies/{therapy}/edit",
        f"/therapies/{therapy}/delete",
        f"/entries/{entry['id']}/edit",
        "/medications/",
        "/medications/new",
        f"/medications/{medicine['id']}/edit",
        f"/medications/{medicine['id']}/delete",
        f"/medications/doses/{dose['id']}/edit",
        f"/questionnaires/responses/{answer}/edit",
        f"/questionnaires/responses/{answer}/delete",
        "/questionnaires/",
        f"/questionnaires/pgic/new?therapy={therapy}",
        "/questionnaires/odi/new",
        "/sharing/",
        "/account",
        "/account/data/",
        "/account/delete",
    ):
        assert_spanish(page, url + path)

    # What the scripts write: the charts' dates and names...
    page.goto(url + "/charts")
    assert_spanish_timeline(page)
    page.locator("[data-range-days='91']").click()  # three months: a tick a week
    weeks = page.evaluate(TIMELINE_JS)["ticks"]
    assert weeks and all(SPANISH_DAY.fullmatch(tick) for tick in weeks), weeks
    canvas = page.locator("[data-windows-chart]").first
    canvas.scroll_into_view_if_needed()
    page.wait_for_function("(canvas) => Chart.getChart(canvas)", arg=canvas.element_handle())
    bars = page.evaluate(WINDOWS_JS, canvas.element_handle())
    assert bars["label"] == ["Semanas", "2-3"] and bars["title"] == ["Semanas 2-3"], bars
    # ... and the questions before deleting a therapy or a medicine.
    # "Keep it" agrees with the noun: "el medicamento" is masculine.
    for path, form, link, name, keep in (
        (
            f"/therapies/{therapy}/edit",
            "[data-therapy-form]",
            "[data-therapy-delete]",
            None,
            "Conservarla",
        ),
        (
            f"/medications/{medicine['id']}/edit",
            "[data-medication-form]",
            "[data-medication-delete]",
            "Pregabalina 75 mg",
            "Conservar el medicamento",
        ),
    ):
        page.goto(url + path)
        scripted(page, form)
        page.locator(link).click()
        title = page.locator("dialog[open] h2")
        expect(title).to_have_text(re.compile(r"^¿Borrar «.+»\?$"))
        if name:
            expect(title).to_have_text(f"¿Borrar «{name}»?")
        expect(page.locator("dialog[open]").get_by_role("button", name=keep)).to_be_visible()
        page.keyboard.press("Escape")

    # The RMDQ stays in its published English, and says so in Spanish.
    page.goto(url + "/questionnaires/rmdq/new")
    expect(page.locator(".english-only")).to_contain_text("Este cuestionario está en inglés")
    expect(page.locator("ol.statement-list")).to_have_attribute("lang", "en")

    # A view link, as a physician without an account opens it.
    page.goto(url + "/sharing/")
    page.get_by_role("button", name="Crear un enlace de consulta").click()
    link = page.locator("[data-copy-source]").input_value()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    page.locator("[data-copy-button]").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Copiado.")
    page.get_by_role("link", name="Volver a Compartir").click()
    page.get_by_role("button", name="Crear un código de invitación").click()
    code = page.locator("[data-invite-code]").inner_text()
    reader = spanish_context().new_page()
    assert_spanish(reader, link)
    assert_spanish(reader, link.rstrip("/") + "/charts")
    assert_spanish_timeline(reader)

    # A physician the patient shares with.
    doctor = new_user("physician")
    page = spanish_context().new_page()
    page.goto(url + "/signin")
    register_via_api(page, url, doctor)
    api_post(page, url, "/api/v1/shares/accept", {"code": code})
    assert_spanish(page, url + "/patients/")
    assert_spanish(page, url + f"/patients/{patient['id']}")
    assert_spanish_timeline(page)
    assert_spanish(page, url + f"/patients/{patient['id']}/summary")
    assert_spanish(page, url + "/patients/accept")
    assert_spanish(page, url + "/clinic/cohorts")
    assert_spanish(page, url + "/clinic/cohorts?kind=msc_injection&population=all&through=3m")
    # The group's means in the chart's tooltip: a decimal comma, and one patient is singular.
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('cohort-chart'))"
    )
    tooltip = page.evaluate(
        """() => {
            const chart = Chart.getChart(document.getElementById('cohort-chart'));
            chart.tooltip.setActiveElements([{ datasetIndex: 0, index: 0 }], { x: 0, y: 0 });
            chart.update();
            return chart.tooltip.body.map((b) => b.lines.join(' ')).join(' ');
        }"""
    )
    assert re.fullmatch(
        r"Dolor de pierna, media del grupo: \d+,\d ± – DE \(1 paciente\)", tooltip
    ), tooltip
    assert_spanish(page, url + "/account")


def push_without_words(page, url):
    """What the phone shows for a push that carries no title or text, delivered to the
    page's service worker through Chromium's DevTools protocol (as a push service would)."""
    page.context.grant_permissions(["notifications"], origin=url)
    devtools = page.context.new_cdp_session(page)
    registrations = []
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    devtools.send("ServiceWorker.enable")
    deadline = time.monotonic() + 15
    while not registrations and time.monotonic() < deadline:
        page.evaluate("1")  # lets the protocol's events in
    registration = next(r for r in registrations if not r["isDeleted"])
    devtools.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": url, "registrationId": registration["registrationId"], "data": ""},
    )
    shown = poll(
        page,
        """navigator.serviceWorker.ready.then((r) => r.getNotifications())
            .then((shown) => shown.map((n) => [n.title, n.body]))""",
    )
    devtools.detach()
    return shown


def test_offline_a_spanish_phone_stays_in_spanish(
    spanish_context, full_chromium, live_server, new_user
):
    url = live_server.url
    # The whole browser: the headless shell refuses the notification the end of this shows.
    page = spanish_context(full_chromium, worker=True).new_page()
    page.goto(url + "/signin")
    user = new_user()
    user["id"] = register_via_api(page, url, user)["id"]
    page.goto(url + "/today")
    # The pages are kept per language: this user's Spanish ones.
    ready(page, user["id"], lang="es")
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="¿Cómo está su dolor hoy?")).to_be_visible()
    expect(page.locator(".site-header [data-sync-text]")).to_have_text("Sin conexión")
    # Saved offline, said in Spanish by the script.
    scripted(page)
    page.locator("label[for='leg_pain-6']").click()
    page.get_by_role("button", name="Guardar", exact=True).click()
    expect(page.locator("[data-today-status]")).to_contain_text("Guardado en este teléfono")
    page.get_by_role("link", name="Historial").click()
    expect(page.get_by_role("heading", name="Historial", exact=True)).to_be_visible()
    # A page never opened: the offline page, in Spanish too.
    page.goto(url + "/account")
    expect(page.get_by_role("heading", name="No tiene conexión")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    page.context.set_offline(False)
    # A reminder that comes without its words (the server's always carry them) is Spanish too.
    assert push_without_words(page, url) == [
        ["Es la hora de su diario", "Toque para anotar el día de hoy."]
    ]
