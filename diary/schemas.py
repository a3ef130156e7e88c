"""Declared request shapes (pydantic), shared by the API, the HTML forms and the OpenAPI file.

Validation and documentation come from the same declarations so they cannot drift apart.
"""

import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationError,
)

from diary.errors import ApiError

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Strict(BaseModel):
    """Unknown fields are refused and types are not coerced ("3" is not 3)."""

    model_config = ConfigDict(extra="forbid", strict=True)


def _email(value: str) -> str:
    if not EMAIL_RE.match(value.strip()):
        raise ValueError("must be an email address like name@example.org")
    return value.strip()


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be a time zone name like Europe/Paris") from None
    return value


Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(_email)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
TimeZone = Annotated[str, StringConstraints(max_length=64), AfterValidator(_time_zone)]
Password = Annotated[str, StringConstraints(max_length=256)]


class UserCreate(Strict):
    email: Email
    password: Password
    role: Literal["patient", "physician"] = "patient"
    name: Name
    time_zone: TimeZone = "UTC"


class SessionCreate(Strict):
    email: Annotated[str, StringConstraints(max_length=254)]
    password: Password
    remember: bool = False


class PasswordChange(Strict):
    current_password: Password
    new_password: Password


FRIENDLY = {
    "missing": "is required",
    "extra_forbidden": "is not a field we know",
    "int_type": "must be a whole number",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "literal_error": None,  # pydantic's message lists the allowed values: keep it
}


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Map a pydantic error to ``{"field.path": "plain message"}``, first error per field."""
    fields = {}
    for error in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in error["loc"]) or "body"
        message = FRIENDLY.get(error["type"]) or _clean(error["msg"])
        fields.setdefault(loc, message)
    return fields


def _clean(message: str) -> str:
    # "Value error, must be ..." -> "must be ..."
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def validate(model: type[BaseModel], data, *, strict=True):
    """Return ``model`` validated from ``data`` or raise ApiError 422 naming the fields.

    ``strict=False`` is for HTML forms, whose values all arrive as text.
    """
    if not isinstance(data, dict):
        raise ApiError(
            422, "invalid", "The body must be a JSON object.", {"body": "must be an object"}
        )
    try:
        return model.model_validate(data, strict=strict)
    except ValidationError as exc:
        raise ApiError(422, "invalid", "Some fields are not valid.", field_errors(exc)) from None


class UserOut(BaseModel):
    id: int
    email: str
    role: Literal["patient", "physician"]
    name: str
    time_zone: str
    created_at: str


class SessionOut(BaseModel):
    user: UserOut | None
    csrf_token: str
