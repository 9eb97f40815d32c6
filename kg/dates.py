"""Dates at the precision a source gives: a day, a month or a year.

The one place that reads such a date (``2026-03-16``, ``2026-03``, ``2026``, or an RDF
literal typed ``xsd:date``, ``xsd:gYearMonth``, ``xsd:gYear``) and says which days it
covers. The parameter binder, the CSV templates, the charts and the time bounds the
build derives (:mod:`kg.timebounds`) all use it.

>>> date_span("2026-02")
(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
>>> date_literal("2024-02-29")
rdflib.term.Literal('2024-02-29', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#date'))
"""

from __future__ import annotations

import calendar
import datetime
import re
from typing import Optional, Union

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

__all__ = ["DATATYPES", "date_literal", "date_span", "first_day", "last_day", "span_of"]

#: The datatypes of a date at each precision, finest first.
DATATYPES = (XSD.date, XSD.gYearMonth, XSD.gYear)

#: A date of each datatype, with an optional time zone (which its span ignores).
_FORMS = {
    XSD.date: re.compile(r"(\d{4})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?\Z"),
    XSD.gYearMonth: re.compile(r"(\d{4})-(\d{2})()(Z|[+-]\d{2}:\d{2})?\Z"),
    XSD.gYear: re.compile(r"(\d{4})()()(Z|[+-]\d{2}:\d{2})?\Z"),
}


def _parts(text: str, datatype: URIRef, *, zone: bool = False) -> Optional[tuple[int, ...]]:
    """Year, month and day of ``text`` as a date of ``datatype`` (as many as it gives)."""
    match = _FORMS[datatype].match(text)
    if match is None or (match.group(4) and not zone):
        return None
    parts = tuple(int(p) for p in match.groups()[:3] if p)
    try:
        datetime.date(*parts, *(1,) * (3 - len(parts)))
    except ValueError:
        return None
    return parts


def date_literal(text: str) -> Literal:
    """The typed literal for a date as written: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.

    :raises ValueError: ``text`` is none of these, or no such day exists.

    >>> date_literal("2026").datatype == XSD.gYear
    True
    >>> date_literal("2026-02-30")
    Traceback (most recent call last):
    ...
    ValueError: '2026-02-30' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)
    """
    for datatype in DATATYPES:
        if _parts(text, datatype) is not None:
            return Literal(text, datatype=datatype)
    raise ValueError(f"{text!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")


def span_of(value: Union[str, Literal]) -> Optional[tuple[datetime.date, datetime.date]]:
    """The first and last day of ``value``, or ``None`` when it is not a date.

    ``value`` is text (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``) or a literal typed
    ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` (a time zone is ignored). A plain
    literal is read as text (the shapes report its missing datatype; the other rules then
    read the date as written); a literal of another type, with a language, or ill-formed
    for its type, is not a date.

    >>> span_of(Literal("2026", datatype=XSD.gYear))
    (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    >>> span_of(Literal("2026", datatype=XSD.integer)) is None
    True
    """
    if isinstance(value, Literal) and value.datatype not in (None, XSD.string):
        found = [_parts(str(value), value.datatype, zone=True)] if value.datatype in DATATYPES else []
    elif isinstance(value, Literal) and value.language:
        found = []
    else:
        found = [_parts(str(value), datatype) for datatype in DATATYPES]
    for parts in filter(None, found):
        if len(parts) == 3:
            return datetime.date(*parts), datetime.date(*parts)
        if len(parts) == 2:
            year, month = parts
            return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])
        return datetime.date(parts[0], 1, 1), datetime.date(parts[0], 12, 31)
    return None


def date_span(date: Union[str, Literal]) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a date (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) at its precision.

    :raises ValueError: ``date`` is not a date.

    >>> date_span("2025")
    (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    """
    span = span_of(date)
    if span is None:
        raise ValueError(f"{str(date)!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
    return span


def first_day(date: Union[str, Literal]) -> datetime.date:
    """The first day of a date at its precision (a month's 1st, a year's 1 January).

    >>> first_day("2026-03")
    datetime.date(2026, 3, 1)
    """
    return date_span(date)[0]


def last_day(date: Union[str, Literal]) -> datetime.date:
    """The last day of a date at its precision (a month's last day, a year's 31 December).

    >>> last_day("2024-02")
    datetime.date(2024, 2, 29)
    """
    return date_span(date)[1]
