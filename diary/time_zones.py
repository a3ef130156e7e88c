"""The time zones a person picks from, grouped by region and named with their country.

The system's time zone database lists one or more zones per country (``zone.tab``) and the
countries' names (``iso3166.tab``), so a person in Oslo finds "Norway — Oslo" under Europe
rather than guessing which city their zone is named after. Validation accepts every zone the
server knows (``fields.time_zones``); this is only the list people choose from. Pure: no
Flask.
"""

import zoneinfo
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from diary.fields import time_zones
from diary.i18n.text import N_, current_locale, gettext, language

#: The regions of zone names, in the order shown, with the words for each.
REGIONS = {
    "Africa": N_("Africa"),
    "America": N_("Americas"),
    "Antarctica": N_("Antarctica"),
    "Arctic": N_("Arctic"),
    "Asia": N_("Asia"),
    "Atlantic": N_("Atlantic Ocean"),
    "Australia": N_("Australia"),
    "Europe": N_("Europe"),
    "Indian": N_("Indian Ocean"),
    "Pacific": N_("Pacific Ocean"),
}
DEFAULT = "UTC"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def _table(name: str) -> list[list[str]]:
    """The rows of one of the database's tab-separated tables, [] when it has none."""
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / name
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            return [line.split("\t") for line in lines if line and not line.startswith("#")]
    return []


def _city(zone: str) -> str:
    # "America/Argentina/Buenos_Aires" -> "Argentina / Buenos Aires"
    return zone.split("/", 1)[1].replace("_", " ").replace("/", " / ")


def groups() -> tuple[tuple[str, tuple[Choice, ...]], ...]:
    """``groups_in`` the reader's language."""
    return groups_in(language())


@cache
def groups_in(code: str) -> tuple[tuple[str, tuple[Choice, ...]], ...]:
    """``((region words, (Choice, ...)), ...)``: "Universal" (UTC) first, then each region's
    zones sorted by their words. Without the database's tables, every known zone of each
    region is listed by its city."""
    # The database's English names; other languages take Babel's (CLDR) where it has one,
    # for the countries and the cities ("Estados Unidos — Nueva York"). The values, the
    # zones' ids, stay what they are.
    names = current_locale().territories if code != "en" else {}
    cities = current_locale().time_zones if code != "en" else {}
    countries = {
        row[0]: names.get(row[0], row[1]) for row in _table("iso3166.tab") if len(row) >= 2
    }
    known = set(time_zones())
    listed = {}
    for row in _table("zone.tab"):
        if len(row) >= 3 and row[2] in known:
            country = countries.get(row[0])
            city = cities.get(row[2], {}).get("city") or _city(row[2])
            listed[row[2]] = f"{country} — {city}" if country else city
    if not listed:
        listed = {z: _city(z) for z in known if z.split("/", 1)[0] in REGIONS and "/" in z}
    by_region = {region: [] for region in REGIONS}
    for zone, label in listed.items():
        region = zone.split("/", 1)[0]
        if region in by_region:
            by_region[region].append(Choice(zone, label))
    result = [
        (gettext("Universal"), (Choice(DEFAULT, gettext("UTC (Coordinated Universal Time)")),))
    ]
    for region, choices in by_region.items():
        if choices:
            result.append((gettext(REGIONS[region]), tuple(sorted(choices, key=lambda c: c.label))))
    return tuple(result)


def place(zone: str) -> str:
    """The place a zone is named after, in the reader's language where the locale data
    knows it ("Madrid", "Nueva York"): "23:30 (Madrid time)". A zone named after no place
    ("UTC") is its name."""
    if "/" not in zone:
        return zone
    if language() != "en":
        city = current_locale().time_zones.get(zone, {}).get("city")
        if city:
            return city
    return zone.rsplit("/", 1)[1].replace("_", " ")


def listed(zone: str) -> bool:
    """True when ``zone`` is one of the choices (a zone set through the API may not be)."""
    return any(choice.value == zone for _, choices in groups() for choice in choices)
