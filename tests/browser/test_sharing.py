"""Sharing in Chromium: a patient invites on a phone, a physician registers from the invite's
link and reads the charts, the patient ends it and sees the visit in the log; a view link's
summary prints on A4 and Letter; axe on every new page, light and dark."""

import io
import re
import time
import uuid
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from diary.db import write
from tests.browser.conftest import (
    NO_WORKER,
    PHONE,
    add_share,
    add_user,
    assert_no_axe_violations_light_and_dark,
    assert_targets_big_enough,
    charts_drawn,
    live_database,
    page_only,
    page_width,
    register_via_api,
    seed_demo_diary,
)


def _fits_the_phone(page):
    # Nothing wider than the phone: a wide page makes the browser zoom out.
    assert page_width(page) <= PHONE["viewport"]["width"]


def test_invite_accept_read_revoke_on_phones(browser, live_server, new_user):
    url = live_server.url
    patient_context = browser.new_context(**PHONE)
    patient = patient_context.new_page()
    user = new_user()
    register_via_api(patient, url, user)
    seed_demo_diary(patient, url)

    # The patient opens Sharing from the bottom bar and creates a code.
    patient.goto(url + "/today")
    patient.get_by_role("navigation", name="Main").get_by_role("link", name="Sharing").click()
    expect(patient.get_by_role("heading", name="Sharing", exact=True)).to_be_visible()
    expect(patient.get_by_text("Nobody. Your diary is yours alone.")).to_be_visible()
    assert_no_axe_violations_light_and_dark(patient)
    patient.get_by_role("button", name="Create an invite code").click()
    code = patient.locator("[data-invite-code]").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", code)
    expect(patient.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    accept_link = patient.get_by_role("link", name=re.compile(r"patients.accept")).inner_text()
    assert_no_axe_violations_light_and_dark(patient)
    _fits_the_phone(patient)

    # The physician follows the QR code's address on their phone: no account yet.
    doctor_context = browser.new_context(**PHONE)
    doctor = doctor_context.new_page()
    loads = []
    doctor.on("load", lambda page: loads.append(page.url))
    doctor.goto(accept_link)
    expect(doctor.get_by_role("heading", name="Sign in")).to_be_visible()
    doctor.get_by_role("link", name="Create an account").click()
    expect(doctor.get_by_label("I read diaries patients share with me (physician)")).to_be_checked()
    doctor.get_by_label("Your name").fill("Dr Rivera")
    doctor.get_by_label("Email").fill(f"rivera{time.time_ns()}@example.org")
    doctor.get_by_label("Password").fill("a calm river at dawn")
    doctor.get_by_role("button", name="Create account").click()
    expect(doctor.get_by_label("Invite code from your patient")).to_have_value(code)
    assert_no_axe_violations_light_and_dark(doctor)
    doctor.get_by_role("button", name="Add patient").click()
    expect(doctor.get_by_text(f"{user['name']} now shares their diary with you.")).to_be_visible()
    expect(doctor.get_by_role("heading", name=user["name"], exact=True)).to_be_visible()
    charts_drawn(doctor)
    sentence = doctor.locator("[data-change-sentence]").first
    expect(sentence).to_contain_text("lower than before the injection")
    # Four page loads and four form fields from the link to the before/after in words:
    # the link (sign in), the registration, the invite code filled in, the patient's charts.
    assert len(loads) == 4, loads
    expect(doctor.get_by_role("link", name=re.compile("^Edit "))).to_have_count(0)
    assert_no_axe_violations_light_and_dark(doctor)
    _fits_the_phone(doctor)

    doctor.get_by_role("link", name="Printable summary").click()
    expect(
        doctor.get_by_role("heading", name=f"Pain diary summary: {user['name']}")
    ).to_be_visible()
    assert_no_axe_violations_light_and_dark(doctor)
    doctor.get_by_role("link", name="Back to the charts").click()
    doctor.get_by_role("link", name="All patients").click()
    expect(doctor.get_by_role("link", name=user["name"], exact=True)).to_be_visible()
    # The verdict comes with the caveat, once, and says the two therapies overlap: the
    # injection was given in physiotherapy's weeks before, so it is no clean baseline either.
    expect(doctor.get_by_text("Keep in mind:")).to_have_count(1)
    expect(doctor.locator("[data-overlap]")).to_have_text(
        "Overlaps with Stem-cell injection (L5-S1): this is not a before-any-therapy baseline, "
        "and the change may come from either."
    )
    expect(doctor.locator("[data-baseline-after]")).to_have_count(0)
    assert_no_axe_violations_light_and_dark(doctor)
    doctor.get_by_role("link", name=user["name"], exact=True).click()
    patient_page = doctor.url

    # The patient sees who has access and what they looked at, and ends it in one tap.
    patient.goto(url + "/sharing/")
    expect(patient.get_by_text("Dr Rivera", exact=True)).to_be_visible()
    log = patient.locator("[data-access-log]")
    expect(log).to_contain_text("Dr Rivera viewed your charts on")
    expect(log).to_contain_text("Dr Rivera viewed your printable summary on")
    assert_no_axe_violations_light_and_dark(patient)
    _fits_the_phone(patient)
    patient.get_by_role("button", name="Stop sharing with Dr Rivera").click()
    expect(patient.get_by_text("Dr Rivera can no longer see your diary.")).to_be_visible()
    expect(patient.get_by_text("Nobody. Your diary is yours alone.")).to_be_visible()

    # The physician's next page is refused.
    response = doctor.goto(patient_page)
    assert response.status == 404
    doctor.goto(url + "/patients/")
    expect(doctor.get_by_text("No patient shares with you yet")).to_be_visible()
    assert_no_axe_violations_light_and_dark(doctor)
    patient_context.close()
    doctor_context.close()


def _pdf_facts(pdf: bytes):
    """Pages, all text, and per page the number of straight line segments and stroke colours."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    text, pages = "", []
    for page in reader.pages:
        content = page.get_contents().get_data().decode("latin-1")
        text += page.extract_text() + "\n"
        pages.append(
            {
                "text": page.extract_text(),
                "lines": len(re.findall(r"(?m) l$", content)),
                "strokes": set(re.findall(r"([\d.]+ [\d.]+ [\d.]+) RG\b", content)),
            }
        )
    return reader, text, pages


@page_only
def test_a_view_link_summary_prints_on_a4_and_letter(browser, live_server, new_user, page):
    url = live_server.url
    user = new_user()
    register_via_api(page, url, user)
    seed_demo_diary(page, url)
    page.goto(url + "/sharing/")
    page.get_by_label("30 days").check()
    page.get_by_role("button", name="Create a view link").click()
    link = page.get_by_label("The link").input_value()
    assert_no_axe_violations_light_and_dark(page)
    comparison = page.request.get(url + "/api/v1/therapies").json()["therapies"][0]
    windows = page.request.get(f"{url}/api/v1/therapies/{comparison['id']}/comparison").json()
    by_name = {w["name"]: w for w in windows["windows"]}

    # Someone without an account, at a desk, opens the link.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, **NO_WORKER)
    reader = desk.new_page()
    errors = []
    reader.on("pageerror", lambda e: errors.append(str(e)))
    reader.goto(link)
    expect(
        reader.get_by_role("heading", name=f"Pain diary summary: {user['name']}")
    ).to_be_visible()
    expect(reader.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    assert_no_axe_violations_light_and_dark(reader)
    reader.get_by_role("link", name="See the full charts").click()
    charts_drawn(reader)
    assert_no_axe_violations_light_and_dark(reader)
    reader.get_by_role("link", name="Back to the summary").click()
    # Print the summary, not the charts page it is leaving (or a blank page between them).
    reader.wait_for_url(link)
    reader.wait_for_load_state("load")
    expect(
        reader.get_by_role("heading", name=f"Pain diary summary: {user['name']}")
    ).to_be_visible()

    token = link.rsplit("/", 1)[1]
    for paper in ("A4", "Letter"):
        # The print dialog's "Headers and footers" is on by default: Chromium's own would
        # print the page's address, the link's secret token with it, on every page. The
        # page's margin boxes replace them with the patient's name and the page number.
        pdf = reader.pdf(format=paper, print_background=False, display_header_footer=True)
        document, text, pages = _pdf_facts(pdf)
        assert len(pages) in (1, 2), (paper, len(pages))
        assert token not in "".join(text.split()), paper
        assert "/v/" not in text and "127.0.0.1" not in text, paper
        for number, sheet in enumerate(pages, 1):
            words = " ".join(sheet["text"].split())
            assert user["name"] in words, (paper, number)
            assert f"{number} / {len(pages)}" in words, (paper, number, words[-80:])
        width = float(document.pages[0].mediabox.width)
        assert abs(width - {"A4": 595.3, "Letter": 612}[paper]) < 1.5, width
        flat = " ".join(text.split())
        for words in ("substantial improvement", "Before", "Latest 4 weeks", "Keep in mind"):
            assert words in flat, (paper, words)
        for name in ("baseline", "latest"):
            assert f"{by_name[name]['leg']['mean']:.1f}" in flat, (paper, name)
        assert "Print or save as PDF" not in flat and "See the full charts" not in flat
        chart = next(p for p in pages if "Daily pain" in p["text"])
        # The timeline is drawn: hundreds of segments, in the leg line's colour (#414487).
        assert chart["lines"] > 300, chart["lines"]
        assert ".2549 .2667 .5294" in chart["strokes"]
    assert errors == []

    # A chat program fetching the link for its preview card: no name, no data.
    preview = desk.new_page()
    preview.set_extra_http_headers({"User-Agent": "WhatsApp/2.23.20.0"})
    preview.goto(link)
    expect(preview.get_by_role("heading", name="A diary shared with you")).to_be_visible()
    expect(preview.get_by_text(user["name"])).to_have_count(0)
    assert_no_axe_violations_light_and_dark(preview)
    desk.close()


def patients_sharing_with(live_server, physician_id, count):
    """``count`` patients share with the physician, straight in the live server's database:
    every tenth is a Garcia with a warning sign yesterday whose share ends within the month.
    Returns the id of one more patient, who shared and stopped."""
    from diary.schemas import EntryData
    from diary.sharing import invites
    from diary.sync import store

    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    with live_database(live_server) as db:
        for n in range(count):
            garcia = n % 10 == 0
            patient = add_user(db, "patient", f"{'Sam Garcia' if garcia else 'Alex Morgan'} {n}")
            entry = {"day": yesterday, "leg_pain": n % 11}
            if garcia:
                entry["red_flags"] = ["saddle_numbness"]
            with write(db):
                store.apply_change(
                    db, patient.id, "entry", uuid.uuid4(), None, False, EntryData(**entry)
                )
            add_share(db, patient.id, physician_id, days=10 if garcia else 365)
        former = add_user(db, "patient", "Former Patient")
        add_share(db, former.id, physician_id)
        share = invites.of_patient(db, former.id)[0]
        invites.revoke(db, former.id, share["id"])
    return former.id


@page_only
def test_a_physicians_list_empty_paged_and_searched_its_refusals_and_the_delete_page_pass_axe(
    page, live_server, new_user
):
    url = live_server.url
    physician = register_via_api(page, url, new_user("physician"))
    page.goto(url + "/")
    expect(page.get_by_role("heading", name="Your patients")).to_be_visible()
    assert_no_axe_violations_light_and_dark(page)
    page.get_by_label("Invite code from your patient").fill("AAAAA-AAAAA")
    page.get_by_role("button", name="Add patient").click()
    expect(page.get_by_role("alert")).to_contain_text("This code does not work")
    assert_no_axe_violations_light_and_dark(page)

    # Fifty-five patients: by name, the second page of those found holds the five Garcias, each
    # with a warning sign and a share that ends soon.
    former = patients_sharing_with(live_server, physician["id"], 55)
    page.goto(url + "/patients/?sort=name&q=a&page=2")
    expect(page.get_by_role("navigation", name="Pages of the list")).to_contain_text("Page 2 of 2")
    expect(page.locator(".search-result")).to_contain_text("“a”: 55 of 55")
    expect(page.locator("[data-ends-soon]")).to_have_count(5)
    expect(page.locator(".flag-box")).to_have_count(5)
    assert_no_axe_violations_light_and_dark(page)
    assert_targets_big_enough(page)
    # The page of a patient who stopped sharing, and the code form after too many wrong codes.
    page.goto(f"{url}/patients/{former}")
    expect(page.get_by_text("This diary is not shared with you now.")).to_be_visible()
    assert_no_axe_violations_light_and_dark(page)
    assert_targets_big_enough(page)
    page.goto(url + "/patients/accept")
    code = page.get_by_label("Invite code from your patient")
    wrong = {
        "code": "AAAAA-AAAAA",
        "csrf_token": page.locator("form", has=code).locator("[name=csrf_token]").input_value(),
    }
    too_many = page.get_by_role("heading", name="Too many attempts")
    # Each server worker counts wrong codes on its own: codes are sent until one refuses,
    # then the form, which shows the refusal when that worker answers it.
    for _ in range(40):
        if page.request.post(url + "/patients/accept", form=wrong).status == 429:
            code.fill(wrong["code"])
            with page.expect_navigation():
                page.get_by_role("button", name="Add patient").click()
            if too_many.count():
                break
    expect(too_many).to_be_visible()
    assert_no_axe_violations_light_and_dark(page)
    assert_targets_big_enough(page)

    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Delete my account…").click()
    expect(page.get_by_role("heading", name="Delete your account")).to_be_visible()
    assert_no_axe_violations_light_and_dark(page)
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Delete my account and data").click()
    expect(page.get_by_text("Your password is not right. Nothing was deleted.")).to_be_visible()
    assert_no_axe_violations_light_and_dark(page)
