"""gettext catalogs and Babel formatting, bound to one participant's locale and zone."""

from __future__ import annotations

import datetime as dt
import gettext
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

from bot.core.zones import zone_label

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locales"
DOMAIN = "messages"
LOCALES = ("id", "en")

_DATETIME_PATTERN = {"id": "EEEE, d MMMM y 'pukul' HH.mm", "en": "EEEE, d MMMM y 'at' HH:mm"}
_DATE_PATTERN = {"id": "EEEE, d MMMM y", "en": "EEEE, d MMMM y"}


def N_(message: str) -> str:
    """Marks a string for extraction without translating it (translated later, at use)."""
    return message


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The compiled catalog for a locale (fails loudly if `make catalogs` was not run)."""
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[locale])


@lru_cache(maxsize=4096)
def _money(amount: int, locale: str) -> str:
    """Babel's formatting, once per amount and locale (the program's amounts are few, and
    Babel took a quarter of a millisecond per status message: bench/telegram_inbound.py)."""
    return format_currency(amount, "IDR", format="¤#,##0", currency_digits=False, locale=locale)


class Translator:
    """Translates and formats for one participant: `t._("…").format(…)`, `t.money(…)`."""

    def __init__(self, locale: str, timezone: str) -> None:
        self.locale = locale if locale in LOCALES else "id"
        self.timezone = timezone
        self._zone = ZoneInfo(timezone)
        self._catalog = translations(self.locale)

    def _(self, message: str) -> str:
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog.ngettext(singular, plural, n)

    def money(self, amount: int) -> str:
        """Rupiah without decimals: Rp600.000 (id), IDR600,000 (en)."""
        return _money(amount, self.locale)

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.locale)

    def local(self, moment: dt.datetime) -> dt.datetime:
        """A UTC moment in the participant's zone."""
        return moment.astimezone(self._zone)

    def datetime(self, moment: dt.datetime) -> str:
        """Selasa, 30 November 2021 pukul 23.59 WIB."""
        return self.datetime_in(moment, self.timezone)

    def datetime_in(self, moment: dt.datetime, timezone: str) -> str:
        """The moment as said in another zone: Selasa, 30 November 2021 pukul 23.59 WIB."""
        local = moment.astimezone(ZoneInfo(timezone))
        text = format_datetime(local, _DATETIME_PATTERN[self.locale], locale=self.locale)
        return f"{text} {zone_label(timezone)}"

    def date(self, day: dt.date) -> str:
        """Selasa, 30 November 2021."""
        return format_date(day, _DATE_PATTERN[self.locale], locale=self.locale)

    def month(self, day: dt.date) -> str:
        """Desember 2022."""
        return format_date(day, "MMMM y", locale=self.locale)

    def short_date(self, day: dt.date) -> str:
        """30 November 2021."""
        return format_date(day, "d MMMM y", locale=self.locale)
