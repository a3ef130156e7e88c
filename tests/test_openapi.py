"""The OpenAPI document describes every API route exactly, and the API keeps to it.

schemathesis drives the real app in-process with every check it has: no 500, responses
and status codes as documented, every schema-valid request accepted and every schema-
invalid one refused, authentication enforced where declared, and (stateful, following the
document's links) created rows readable, editable and gone once deleted.
"""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from diary import create_app
from diary.db import write
from diary.fields import time_zones
from tests.conftest import PASSWORD, TEST_CONFIG, Api


def _methods(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_every_api_route_is_in_the_document(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    described = {
        (path, method.upper()) for path, ops in document["paths"].items() for method in ops
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in _methods(rule):
            assert (path, method) in described, f"{method} {rule.rule} is not in openapi.json"


def test_request_schemas_come_from_the_validation_models(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    entry = schemas["EntryCreate"]
    assert entry["additionalProperties"] is False
    assert entry["properties"]["note"]["maxLength"] == 2000
    assert set(entry["required"]) == {"day"}


def test_every_field_says_what_it_takes(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    entry = schemas["EntryCreate"]["properties"]
    assert entry["day"]["format"] == "date" and re.match(entry["day"]["pattern"], "2020-02-29")
    assert not re.match(entry["day"]["pattern"], "2021-02-29")
    assert "c_low_back" in entry["regions"]["propertyNames"]["enum"]
    user = schemas["UserCreate"]["properties"]
    assert "Europe/Paris" in user["time_zone"]["enum"]
    assert user["password"]["minLength"] == 10
    assert re.match(user["email"]["pattern"], "a@example.org")
    entries = document["paths"]["/api/v1/entries/{object_id}"]["get"]
    assert entries["parameters"][0]["schema"]["format"] == "uuid"
    assert entries["security"] == [{"session": []}]
    assert document["paths"]["/api/v1/session"]["post"]["security"] == []
    created = document["paths"]["/api/v1/entries"]["post"]["responses"]["201"]
    assert created["links"]["ReadIt"]["parameters"] == {"object_id": "$response.body#/id"}
    assert "414" in entries["responses"]


def test_an_address_longer_than_the_server_reads_is_414(api):
    response = api.get("/api/v1/entries?after=" + "x" * 9000)
    assert response.status_code == 414
    assert response.get_json()["error"]["code"] == "uri_too_long"


def test_anyone_not_signed_in_hears_401_before_any_csrf_complaint(client):
    response = client.post("/api/v1/entries", json={"day": "2026-01-01", "leg_pain": 3})
    assert response.status_code == 401


# ---- schemathesis against the real app ----------------------------------------------------

# The fuzzing patient signs in when the fuzzing starts, on the real clock: these tests keep it
# (no date here depends on the run's day).
pytestmark = pytest.mark.real_clock

FUZZER = "fuzz@example.org"


class Patient(Api):
    """The fuzzing patient. Fuzzing may sign it out or delete it: it comes back."""

    def ensure(self):
        signed_out = self.get("/api/v1/session").get_json()["user"] is None
        if signed_out and self.signin(FUZZER).status_code != 200:
            self.register(email=FUZZER, password=PASSWORD)
        return {
            "cookie": self.client.get_cookie("diary_session").value,
            "token": self.token(),
        }


class RequestCount:
    """Counts the requests the app answers: the fuzzer's session can change only through one."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.answered = 0

    def __call__(self, environ, start_response):
        self.answered += 1
        return self.wsgi_app(environ, start_response)


# Rules the schema cannot state, each answered with a status its check does not expect for a
# schema-valid request; every other operation is held to schemathesis' defaults.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]
REFUSED = ["400", "401", "403", "404", "405", "409", "422", "429"]
CONFIG = {
    "operations": [
        {
            # A refused registration is 400 whatever the reason (a taken email, a common
            # password), so that registering cannot tell anyone who has an account.
            "include-operation-id": "api.create_user_post",
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
        },
        {
            # The password asked again is checked against the account (422 naming it).
            "include-operation-id": [
                "api.change_password_put",
                "api.delete_me_delete",
                "api.change_email_put",
            ],
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}},
        },
        {
            # A copy's ids are unique across the file, and a therapy's course does not
            # end before it starts: rules between records and fields, stated in words
            # (DiaryCopy's and TherapyData's descriptions), answered 422 naming them.
            "include-operation-id": "api.import_copy_post",
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}},
        },
        {
            # A response's therapy_id names one of the patient's therapies: a rule against
            # what the diary holds, stated in words (the field's description), answered 422
            # naming therapy_id.
            "include-operation-id": ["api.response_create_post", "api.response_update_put"],
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}},
        },
        {
            # A medicine's dose changes lie within its course, one a day: rules between
            # fields, stated in words (MedicationData's description), answered 422
            # naming changes or end_day.
            "include-operation-id": ["api.medication_create_post", "api.medication_update_put"],
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}},
        },
        {
            # A dose is taken no later than an hour ahead of the server's clock: a rule
            # against the clock, stated in words (taken_at's description), which the pattern
            # states only to the day; a later moment that day is 422 naming taken_at.
            "include-operation-id": ["api.dose_create_post", "api.dose_update_put"],
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}},
        },
        {
            # More than 1,000 changes is 413 with the limits, so the phone splits its
            # outbox (the same status as a body over 2 MB). A cursor of the right shape is
            # still 422 naming it when this database did not give it out (another sync
            # epoch, or past every change it made: a restored database), which a pattern
            # cannot state; the phone then pulls from the start.
            "include-operation-id": "api.sync_post",
            "checks": {
                "negative_data_rejection": {"expected-statuses": [*REFUSED, "413"]},
                "positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]},
            },
        },
    ]
}


def filter_body(context, body):
    # A course cannot end before it starts: a rule between two fields, which the document
    # states in words (TherapyData's description) and the API answers with 422 naming end_day.
    if isinstance(body, dict) and isinstance(body.get("end_day"), str):
        return not isinstance(body.get("start_day"), str) or body["end_day"] >= body["start_day"]
    return True


def filter_query(context, query):
    # A span ending before it starts is 422 naming to: a rule between two parameters, which
    # the document states in words (the to parameter's description).
    if isinstance(query, dict) and isinstance(query.get("from"), str):
        return not isinstance(query.get("to"), str) or query["to"] >= query["from"]
    return True


# Time zones the coverage phase still tries one by one (the first and last listed, and two
# between); the others add about 1,200 requests that test the same thing again.
ZONES_TRIED = {time_zones()[0], time_zones()[-1], "America/New_York", "Europe/Madrid"}


def filter_case(context, case):
    # The coverage phase sends each of the ~600 time zones the document lists as its own
    # positive case, to the registration and to the account. The enum and the validator
    # are one list (diary.fields.time_zones), so they cannot disagree: a few zones show
    # that a listed zone is accepted, and the zones' other cases (wrong type, unlisted
    # name) all still run.
    data = getattr(case.meta.phase, "data", None) if case.meta else None
    description = getattr(data, "description", "") or ""
    if "valid 'time_zone' value: Enum value" in description and isinstance(case.body, dict):
        return case.body.get("time_zone") in ZONES_TRIED
    return True


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory):
    """The app schemathesis drives, on its own database, with the fuzzing patient's client."""
    instance = tmp_path_factory.mktemp("openapi")
    app = create_app(
        {
            **TEST_CONFIG,
            "DATABASE": str(instance / "diary.sqlite3"),
            "REGISTRATION_LIMIT": "100000 per hour",
            "SIGNIN_FAILURE_LIMIT": "100000 per minute",
        }
    )
    app.wsgi_app = RequestCount(app.wsgi_app)
    yield app
    app.extensions["diary.db"].close_all()


@pytest.fixture(scope="module")
def api_schema(fuzzed_app):
    """The document as the app serves it, signed in as the PWA is.

    Loaded while the tests run, not while they are collected: building every operation's
    cases (thousands, in the coverage phase) happens once, in the worker that fuzzes.
    """
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", fuzzed_app, config=SchemathesisConfig.from_dict(CONFIG)
    )
    patient = Patient(fuzzed_app.test_client())
    requests = fuzzed_app.wsgi_app

    @schema.auth(refresh_interval=None)
    class SessionAuth:
        """The patient's session cookie and CSRF header, as the PWA sends them."""

        # (the answered count when it was made, the cookie and token)
        last = (None, None)

        def get(self, case, ctx):
            # Building an operation's cases makes hundreds with no request in between: the
            # session checked for the first one holds for the rest. Once cases run, each
            # follows requests that may have signed the patient out.
            answered, data = SessionAuth.last
            if answered != requests.answered:
                data = patient.ensure()
                SessionAuth.last = (requests.answered, data)
            return data

        def set(self, case, data, ctx):
            case.cookies = {**(case.cookies or {}), "diary_session": data["cookie"]}
            # In-process, nothing decompresses the answers as an HTTP client would: ask for
            # them uncompressed (tests/test_security.py checks the compression itself).
            case.headers = {
                **(case.headers or {}),
                "X-CSRFToken": data["token"],
                "Accept-Encoding": "identity",
            }

    schema.hook(filter_body)
    schema.hook(filter_query)
    schema.hook(filter_case)
    return schema


lazy_schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    # schemathesis 4.32's lazy loader renames the test after each operation through the
    # node's ``_nodeid``, which pytest 9 no longer keeps: give it one to read and write.
    request.node._nodeid = request.node.nodeid


# Examples per operation and phase: enough to reach every refusal the document states
# (tests/test_inputs.py holds the hand-made hostile cases), within the suite's 5 minutes.
# One test, each operation a subtest named by its method and path.
@lazy_schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_to_the_document(case):
    response = case.call()
    case.validate_response(response)


def test_api_workflows_keep_to_the_document(api_schema, fuzzed_app):
    """Stateful: following the document's links, created rows are readable, editable and
    gone once deleted."""

    class APIWorkflow(api_schema.as_state_machine()):
        def setup(self):
            # Each scenario starts from an empty database, so that replaying it (as
            # hypothesis does to confirm and shrink a failure) meets the same answers again.
            db = fuzzed_app.extensions["diary.db"].get()
            with write(db):
                for table in ("users", "revisions"):  # the rest goes with the users (cascade)
                    db.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names

    APIWorkflow.run(
        settings=settings(
            max_examples=20,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
