"""English and Spanish: which language a request is in, dates and numbers per locale, the
API's stable codes with translated messages, and what stays English (the exports)."""

import csv
import io
import json
import warnings
from datetime import date
from html import unescape

from diary.accounts.sessions import device_words
from diary.clinical import analysis, comparison_words, regions
from diary.i18n.text import (
    english,
    format_decimal,
    format_fixed,
    format_percent,
    in_language,
    ngettext,
)
from diary.questionnaires import engine
from diary.reminders import push
from tests.conftest import form_token, text_of

SPANISH = {"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}
NBSP = "\u00a0"


def lang_of(response):
    html = response.get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


# ---- dates, numbers and the verdict's words ---------------------------------------------


def test_dates_follow_the_language():
    with in_language("es"):
        assert comparison_words.day_words("2026-03-03") == "3 mar 2026"
        assert comparison_words.span_words("2026-07-17", "2026-08-13") == "17 jul – 13 ago 2026"
    assert comparison_words.day_words("2026-03-03") == "3 Mar 2026"
    assert comparison_words.span_words("2026-07-17", "2026-08-13") == "17 Jul – 13 Aug 2026"


def test_numbers_and_percentages_follow_the_language():
    assert format_fixed(7.45, 1) == "7.5"
    assert format_percent(0.63) == "63%"
    with in_language("es"):
        assert format_fixed(7.45, 1) == "7,5"
        assert format_percent(0.63) == f"63{NBSP}%"
        assert comparison_words.activity_number(3.6) == f"3,6{NBSP}de{NBSP}4"


def test_every_language_rounds_halves_away_from_zero():
    # Babel and "%.1f" alone round halves to even, from the binary value: 4.2, 2.67, 62%.
    for code, comma in (("en", "."), ("es", ",")):
        with in_language(code):
            assert format_fixed(4.25, 1) == f"4{comma}3"
            assert format_fixed(-4.25, 1) == f"-4{comma}3"
            assert format_fixed(2.675, 2) == f"2{comma}68"
            assert format_fixed(-0.04, 1) == f"0{comma}0"
            assert format_decimal(2.0625) == f"2{comma}063"
            assert format_percent(0.625).startswith("63")
            assert format_percent(0.285).startswith("29")  # 28.5%, not 28


def test_a_number_with_a_fraction_is_said_in_the_plural_in_each_language():
    # gettext's plural rules count whole things: a float (1.5 doses a week of a medicine
    # taken when needed, on the charts and the summary) was deprecated there, a TypeError to
    # come, in Spanish, the one language with a catalogue.
    def doses(n):
        one, many = "%(doses)s dose a week %(when)s", "%(doses)s doses a week %(when)s"
        return ngettext(one, many, n, doses=n, when="").strip()

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        said = [doses(n) for n in (0.5, 1.0, 1.5, 2)]
        assert said == ["0.5 doses a week", "1.0 dose a week", "1.5 doses a week", "2 doses a week"]
        with in_language("es"):
            assert doses(1.5) == "1.5 dosis a la semana"


def window(mean_after, category="substantial_improvement", before=7.5, **extra):
    change = {
        "category": category,
        "leg_abs": mean_after - before,
        "leg_pct_reduction": analysis.percent_reduction(before, mean_after),
    }
    return {"enough_data": True, "change": change, "leg": {"mean": mean_after}, **extra}


def test_the_verdict_is_one_sentence_in_each_language():
    baseline = {"leg": {"mean": 7.5}}
    later = window(2.9)  # 61.3% lower
    english_words = comparison_words.change_sentence("prp_injection", later, baseline)
    assert english_words == "Leg pain 61% lower than before the injection: substantial improvement."
    with in_language("es"):
        spanish = comparison_words.change_sentence("prp_injection", later, baseline)
        assert spanish == (
            f"Dolor de pierna: 61{NBSP}% menos que antes de la inyección; mejoría sustancial."
        )
        # The article joins the preposition as Spanish does: "del bloqueo", not "de el".
        assert "antes del bloqueo nervioso" in comparison_words.change_sentence(
            "nerve_block", later, baseline
        )
        progress = {"in_progress": True, "days_elapsed": 14, "days_in_window": 29}
        assert "mejoría sustancial hasta ahora (en curso: 14 de 29 días hasta ahora)" in (
            comparison_words.change_sentence("surgery", {**later, **progress}, baseline)
        )


def test_region_names_and_clinical_words_are_translated():
    with in_language("es"):
        assert regions.label("l_calf_back") == "Pantorrilla izquierda"
        assert regions.label("c_low_back") == "Zona lumbar, centro"
        labels = [r.label for r in regions.REGIONS]
        assert len(set(labels)) == len(labels)
        assert all("Left" not in label and "Right" not in label for label in labels)
        assert push.reminder()["title"] == "Es la hora de su diario"
        assert device_words("Chrome on Android") == "Chrome en Android"
    assert regions.label("l_calf_back") == "Left back of calf"
    assert push.reminder() == push.REMINDER


def test_questionnaires_ship_only_the_translations_their_licence_allows():
    with in_language("es"):
        catalogue = engine.catalogue()
        pgic, rmdq, odi = catalogue["pgic"], catalogue["rmdq"], catalogue["odi"]
        assert pgic.language == "es" and pgic.item("1").words(2) == "Mucho mejor"
        assert odi.language == "es"
        # The RMDQ may only be shown in its published English: its statements stay English,
        # our own words about it do not.
        assert rmdq.language == "en"
        assert rmdq.item("1").text == "I stay at home most of the time because of my back."
        assert rmdq.measures == "discapacidad"
    with english():
        assert engine.catalogue()["pgic"].item("1").words(2) == "Much improved"


# ---- choosing the language ----------------------------------------------------------------


def test_the_browser_language_decides_on_a_first_visit(client):
    spanish = client.get("/signin", headers=SPANISH)
    assert lang_of(spanish) == "es"
    assert spanish.headers["Content-Language"] == "es"
    assert "Accept-Language" in spanish.headers["Vary"]
    assert "Iniciar sesión" in spanish.get_data(as_text=True)
    assert lang_of(client.get("/signin", headers={"Accept-Language": "fr, de"})) == "en"
    assert lang_of(client.get("/signin")) == "en"


def test_the_sign_in_page_chooser_keeps_the_choice_in_a_cookie(client):
    page = client.get("/signin").get_data(as_text=True)
    assert 'value="es" lang="es"' in page and ">Español</button>" in page
    assert 'value="en" lang="en" class="button" aria-pressed="true">English</button>' in page
    token = form_token(client, "/signin")
    response = client.post("/language?next=/signin", data={"locale": "es", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/signin")
    assert "diary_lang=es" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert lang_of(client.get("/signin")) == "es"  # no Accept-Language needed any more
    # An unknown language changes nothing; the chooser never leads off the site.
    token = form_token(client, "/signin")
    refused = client.post(
        "/language?next=https://evil.example/", data={"locale": "xx", "csrf_token": token}
    )
    assert "Set-Cookie" not in refused.headers
    assert refused.headers["Location"] == "/signin"
    assert client.post("/language", data={"locale": "es"}).status_code == 400  # no CSRF token


def test_the_account_keeps_its_language_for_every_device(patient, make_api):
    me = patient.put("/api/v1/users/me", {"locale": "es"})
    assert me.status_code == 200 and me.get_json()["locale"] == "es"
    # English browser, Spanish account: the account wins.
    assert lang_of(patient.client.get("/today", headers={"Accept-Language": "en"})) == "es"
    other_device = make_api()
    other_device.signin()
    assert lang_of(other_device.client.get("/history")) == "es"
    # null goes back to the browser's language.
    assert patient.put("/api/v1/users/me", {"locale": None}).get_json()["locale"] is None
    assert lang_of(patient.client.get("/today")) == "en"


def test_an_unsupported_locale_is_refused_naming_the_field(patient):
    response = patient.put("/api/v1/users/me", {"locale": "fr", "name": "Pat Changed"})
    assert response.status_code == 422
    body = response.get_json()["error"]
    assert body["code"] == "invalid" and "locale" in body["fields"]
    assert patient.get("/api/v1/session").get_json()["user"]["name"] == "Pat"  # nothing written


def test_the_account_page_sets_the_language(patient):
    page = patient.client.get("/account").get_data(as_text=True)
    assert '<option value="es" lang="es">Español</option>' in page
    token = form_token(patient.client, "/account")
    response = patient.client.post(
        "/account/profile", data={"locale": "es", "csrf_token": token}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert lang_of(response) == "es" and "Guardado: su idioma." in html
    assert patient.get("/api/v1/session").get_json()["user"]["locale"] == "es"


def test_the_accounts_language_outlives_signing_out_on_this_browser(patient, make_api):
    # A Spanish account on a browser that says English signs out onto Spanish words.
    patient.put("/api/v1/users/me", {"locale": "es"})
    browser = make_api()
    browser.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert "diary_lang=es" in browser.signin().headers["Set-Cookie"]
    token = form_token(browser.client, "/today")
    signed_out = browser.client.post("/signout", data={"csrf_token": token}, follow_redirects=True)
    assert signed_out.request.path == "/signin" and lang_of(signed_out) == "es"
    assert "Ha cerrado la sesión." in text_of(signed_out)
    # Signing out of a fresh browser whose cookie was lost says it in Spanish too.
    other = make_api()
    other.signin()
    other.client.delete_cookie("diary_lang")
    token = form_token(other.client, "/today")
    response = other.client.post("/signout", data={"csrf_token": token})
    assert "diary_lang=es" in response.headers["Set-Cookie"]
    assert lang_of(other.client.get("/signin")) == "es"


def test_the_account_pages_language_choice_sets_or_clears_this_browsers(patient):
    for choice, cookie in [("es", "diary_lang=es;"), ("", "diary_lang=;")]:
        token = form_token(patient.client, "/account")
        response = patient.client.post(
            "/account/profile", data={"locale": choice, "csrf_token": token}
        )
        assert cookie in response.headers["Set-Cookie"]
    # "Your browser's language": the cookie is gone, and the browser's language decides.
    patient.signout()
    assert lang_of(patient.client.get("/signin")) == "en"
    assert lang_of(patient.client.get("/signin", headers=SPANISH)) == "es"


# ---- the API: stable codes, translated messages ------------------------------------------


def test_api_codes_stay_english_while_messages_follow_the_language(patient, client):
    refused = patient.post(
        "/api/v1/entries", {"day": "2026-01-05", "leg_pain": 11}, headers=SPANISH
    )
    error = refused.get_json()["error"]
    assert refused.status_code == 422 and error["code"] == "invalid"
    assert error["message"] == "Algunos campos no son válidos."
    assert error["fields"]["leg_pain"] == "debe ser como máximo 10"
    client.delete("/api/v1/session", headers={"X-CSRFToken": patient.token()})
    anonymous = client.get("/api/v1/entries", headers=SPANISH).get_json()["error"]
    assert anonymous == {
        "code": "unauthenticated",
        "message": "Inicie sesión primero.",
        "fields": {},
    }
    english_error = client.get("/api/v1/entries").get_json()["error"]
    assert (
        english_error["code"] == "unauthenticated" and english_error["message"] == "Sign in first."
    )


def test_api_field_messages_are_spanish_whatever_the_fault(patient, doctor):
    def fields(api, method, path, body):
        answer = api.request(method, path, body, headers=SPANISH).get_json()["error"]
        return answer["fields"]

    entry = {"day": "2026-01-05", "leg_pain": 4}
    assert fields(patient, "POST", "/api/v1/entries", {**entry, "regions": "l_foot"}) == {
        "regions": "debe ser un objeto"
    }
    assert fields(patient, "POST", "/api/v1/entries", {**entry, "red_flags": "yes"}) == {
        "red_flags": "debe ser una lista"
    }
    # A literal's choices are joined in Spanish, built from its values.
    assert fields(patient, "PUT", "/api/v1/users/me", {"locale": "fr"}) == {
        "locale": "debe ser uno de estos: 'en' o 'es'"
    }
    keys = {"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "a", "auth": "b"}}
    assert fields(patient, "POST", "/api/v1/push/subscriptions", keys) == {
        "keys.p256dh": "debe ser la clave pública P-256 del navegador (base64url)",
        "keys.auth": "debe ser el secreto de autenticación de 16 bytes del navegador (base64url)",
    }
    # Refusals by role, and the cohort file's query (its contents are English, not its errors).
    refusals = [
        (doctor, "/api/v1/entries", "Solo los pacientes llevan un diario."),
        (patient, "/api/v1/patients", "Solo los médicos pueden ver esto."),
        (
            doctor,
            "/api/v1/cohorts/table.csv?kind=zz",
            "Algunos parámetros de la consulta no son válidos.",
        ),
    ]
    for api, path, message in refusals:
        assert api.get(path, headers=SPANISH).get_json()["error"]["message"] == message


def test_error_pages_in_spanish_say_no_english(patient, make_api):
    patient.put("/api/v1/users/me", {"locale": "es"})
    patient.post("/api/v1/entries", {"day": "2026-01-05", "leg_pain": 4})
    weeks = patient.client.get("/charts?weeks=foo")
    assert weeks.status_code == 400 and "La única opción para weeks es 'all'" in text_of(weeks)
    client = make_api().client
    gone = client.get("/v/" + "A" * 43, headers=SPANISH)
    assert gone.status_code == 404 and "Este enlace no abre ningún diario" in text_of(gone)
    # Too many sign-ins: the limit in our words, not Flask-Limiter's "5 per 1 minute".
    client.get("/signin", headers=SPANISH)
    for _ in range(6):
        token = form_token(client, "/signin")
        limited = client.post(
            "/signin",
            data={"email": "pat@example.org", "password": "wrong one!!", "csrf_token": token},
            headers=SPANISH,
        )
    assert limited.status_code == 429
    assert "(como máximo 5 intentos en 1 minuto)." in text_of(limited)


def test_keep_it_agrees_with_the_noun_it_keeps(patient):
    patient.put("/api/v1/users/me", {"locale": "es"})
    medicine = patient.post(
        "/api/v1/medications",
        {
            "name": "Pregabalina",
            "strength": "75",
            "unit": "mg",
            "schedule": "regular",
            "start_day": "2026-01-05",
        },
    ).get_json()
    therapy = patient.post(
        "/api/v1/therapies", {"kind": "surgery", "start_day": "2026-01-05"}
    ).get_json()
    medicine_page = text_of(patient.client.get(f"/medications/{medicine['id']}/delete"))
    therapy_page = text_of(patient.client.get(f"/therapies/{therapy['id']}/delete"))
    assert "Conservarlo" in medicine_page and "Conservarla" not in medicine_page
    assert "Conservarla" in therapy_page


def test_time_zones_are_named_in_spanish_with_their_ids_unchanged(client):
    page = client.get("/register", headers=SPANISH).get_data(as_text=True)
    assert '<option value="America/New_York">Estados Unidos — Nueva York</option>' in page
    assert '<option value="Europe/London">Reino Unido — Londres</option>' in page
    english = client.get("/register").get_data(as_text=True)
    assert '<option value="America/New_York">United States — New York</option>' in english


# ---- what stays English -------------------------------------------------------------------


def test_exports_keep_their_documented_english_whatever_the_language(patient):
    patient.put("/api/v1/users/me", {"locale": "es"})
    patient.post(
        "/api/v1/therapies",
        {"kind": "nerve_block", "label": "", "start_day": "2026-01-05"},
    )
    therapies = patient.get("/api/v1/export.csv?table=therapies", headers=SPANISH)
    rows = list(csv.DictReader(io.StringIO(therapies.get_data(as_text=True).lstrip("\ufeff"))))
    assert "kind_name" in rows[0] and rows[0]["kind_name"] == "Nerve block"
    bundle = json.loads(patient.get("/api/v1/export.fhir.json", headers=SPANISH).data)
    texts = json.dumps(bundle)
    assert "Nerve block" in texts and "Bloqueo nervioso" not in texts


def test_the_manifest_and_offline_page_exist_in_each_language(client):
    manifest = client.get("/manifest.webmanifest?lang=es").get_json()
    assert manifest["lang"] == "es" and manifest["short_name"] == "Diario del dolor"
    assert manifest["id"] == "/today"  # one installed app, whatever language it speaks
    assert client.get("/manifest.webmanifest", headers=SPANISH).get_json()["lang"] == "en"
    assert lang_of(client.get("/offline?lang=es")) == "es"
    # Precached without cookies: the plain address is English, whatever the browser says,
    # and says so to the service worker, which keeps it by its Content-Language.
    english_offline = client.get("/offline", headers=SPANISH)
    assert lang_of(english_offline) == "en"
    assert english_offline.headers["Content-Language"] == "en"
    assert client.get("/offline?lang=es").headers["Content-Language"] == "es"
    spanish_page = client.get("/signin", headers=SPANISH).get_data(as_text=True)
    assert 'href="/manifest.webmanifest?lang=es"' in spanish_page


def test_a_spanish_page_carries_its_scripts_words_as_data_not_code(client):
    html = client.get("/signin", headers=SPANISH).get_data(as_text=True)
    block = html.split('<meta id="i18n" name="diary-messages" content=\'', 1)[1].split("'>")[0]
    words = json.loads(unescape(block))
    assert '<script type="application/json"' not in html
    assert words["All synced"] == "Todo sincronizado"
    assert words["%(num)s unsynced change"] == [
        "%(num)s cambio sin sincronizar",
        "%(num)s cambios sin sincronizar",
    ]
    assert (
        "Registration was refused. Check the fields, or sign in if you already have an account."
        not in words
    )
    # English pages carry no block: their scripts' words are the source text.
    assert 'id="i18n"' not in client.get("/signin").get_data(as_text=True)


def test_the_day_a_migration_adds_the_locale_column(app):
    from diary.db import get_db

    with app.app_context():
        columns = {row[1] for row in get_db().execute("PRAGMA table_info(users)")}
    assert "locale" in columns


def test_long_days_in_spanish(patient):
    patient.put("/api/v1/users/me", {"locale": "es"})
    day = date(date.today().year - 1, 3, 3)  # last year's: said with its year
    patient.post("/api/v1/entries", {"day": day.isoformat(), "leg_pain": 4})
    html = patient.client.get("/history").get_data(as_text=True)
    assert f"3 de marzo de {day.year}" in html


def test_imported_macros_speak_each_pages_language_not_the_first_ones(patient):
    # Jinja keeps an imported template's top level once per app: words set there would stay
    # in the language of the first page that imported it.
    english_page = patient.client.get("/today").get_data(as_text=True)
    assert 'data-words-numb="numbness or pins and needles"' in english_page
    patient.put("/api/v1/users/me", {"locale": "es"})
    spanish_page = patient.client.get("/today").get_data(as_text=True)
    assert 'data-words-numb="entumecimiento u hormigueo"' in spanish_page


def test_pages_in_two_languages_in_turn_each_keep_their_own(client):
    # The catalogue is kept per language across requests: a Spanish page must never be
    # answered from the English one's, nor the other way round, whatever the order.
    for accept, lang, word in [
        (SPANISH, "es", "Iniciar sesión"),
        ({"Accept-Language": "en"}, "en", "Sign in"),
        (SPANISH, "es", "Iniciar sesión"),
        ({"Accept-Language": "en"}, "en", "Sign in"),
    ]:
        page = client.get("/signin", headers=accept)
        assert lang_of(page) == lang
        assert word in page.get_data(as_text=True)
        if lang == "en":
            assert "Iniciar sesión" not in page.get_data(as_text=True)
