"""Period: the financial year an amount is for (`2017/18`), a run of years (`2016/17-2020/21`) or a
calendar year (`2020`), from the forms of rules/facts.yaml `period`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline.facts.fact_rules import Compiled
from pipeline.facts.prefilter import Needs, could_match, folded, pattern_needs

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class YearHit:
    value: str
    start: int
    end: int
    rule: str


def _fy(first: str, second: str) -> str | None:
    """`2017`, `18` -> `2017/18` when the second year follows the first."""
    y1 = int(first)
    y2 = int(second[-2:])
    if (y1 + 1) % 100 != y2:
        return None
    return f"{y1}/{y2:02d}"


def years(text: str, start: int, end: int, rules: Compiled) -> list[YearHit]:
    """Every year named in text[start:end]: runs first, then financial years, then FYnn."""
    out: list[YearHit] = []
    taken: list[tuple[int, int]] = []
    # a pattern none of whose words (`prefilter`) text[start:end] holds cannot match it: not run
    low = folded(text[start:end])
    run, april, fy, fy_short = (could_match(words, low) for words in _year_needs(rules))

    def free(s: int, e: int) -> bool:
        return all(e <= ts or s >= te for ts, te in taken)

    for m in rules.run.finditer(text, start, end) if run else ():
        a, b = _fy(m.group(1), m.group(2)), _fy(m.group(3), m.group(4))
        if a and b:
            out.append(YearHit(f"{a}-{b}", m.start(), m.end(), "period.run"))
            taken.append(m.span())
    for m in rules.april_to_march.finditer(text, start, end) if april else ():
        value = _fy(m.group(1), m.group(2))
        if value:
            out.append(YearHit(value, m.start(), m.end(), "period.april_to_march"))
            taken.append(m.span())
    if rules.years_to is not None and text.find("years", start, end) >= 0:
        # "over the four years to 2014-15": the run of that many years ending with the one named
        for m in rules.years_to.finditer(text, start, end):
            last = _fy(m.group(2), m.group(3))
            count = _count(m.group(1))
            if last and count and free(*m.span()):
                first = int(last[:4]) - count + 1
                value = f"{first}/{(first + 1) % 100:02d}-{last}"
                out.append(YearHit(value, m.start(), m.end(), "period.years_to"))
                taken.append(m.span())
    for m in rules.financial_year.finditer(text, start, end) if fy else ():
        value = _fy(m.group(1), m.group(2))
        if value and free(*m.span()):
            out.append(YearHit(value, m.start(), m.end(), "period.financial_year"))
            taken.append(m.span())
    for m in rules.fy_short.finditer(text, start, end) if fy_short else ():
        if free(*m.span()):
            y2 = int(m.group(1))
            out.append(YearHit(f"{2000 + y2 - 1}/{y2:02d}", m.start(), m.end(), "period.fy_short"))
            taken.append(m.span())
    if out and rules.reference_before is not None:
        # "Item 2025-26 (35)": the number of a minute, not a year any amount is for
        ref = rules.reference_before
        out = [h for h in out if ref.search(text, max(0, h.start - 20), h.start) is None]
    return sorted(out, key=lambda h: h.start)


@lru_cache(maxsize=4)
def _year_needs(rules: Compiled) -> tuple[Needs, Needs, Needs, Needs]:
    """The words of the patterns `years` filters (`prefilter.needs`): run, April to March, financial year, FYnn."""
    return tuple(pattern_needs(p) for p in (rules.run, rules.april_to_march, rules.financial_year, rules.fy_short))  # type: ignore[return-value]


_COUNTS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _count(word: str) -> int | None:
    """`four` or `4` -> 4 (two to ten years)."""
    w = word.lower()
    if w in _COUNTS:
        return _COUNTS.index(w) + 2
    return int(w) if w.isdigit() and 2 <= int(w) <= 10 else None


def calendar_years(text: str, start: int, end: int, rules: Compiled, amount_end: int) -> list[YearHit]:
    """`by 2020` near the amount, `in 2019` just after it (not a date such as `24 April 2018`)."""
    out = []
    for m in rules.calendar.finditer(text, start, end):
        if rules.not_calendar.search(text, max(0, m.start(1) - 20), m.start(1)):
            continue
        out.append(YearHit(m.group(1), m.start(), m.end(), "period.calendar"))
    for m in rules.calendar_after.finditer(text, amount_end, end):
        if len(text[amount_end : m.start()].split()) > rules.model.period.calendar_after_words:
            break
        out.append(YearHit(m.group(1), m.start(), m.end(), "period.calendar"))
    if rules.month_year is not None:
        # "£7 million a month in July 2023", "saved £171 million year to date July 2024": a month names
        # the financial year it falls in (April to March)
        for m in rules.month_year.finditer(text, amount_end, end):
            if len(text[amount_end : m.start()].split()) > rules.model.period.calendar_after_words:
                break
            out.append(_month_hit(m, rules))
    return out


def month_years(text: str, start: int, end: int, rules: Compiled) -> list[YearHit]:
    """The financial years of the months named in text[start:end] ("At the end of April 2025": 2025/26)."""
    if rules.month_year is None:
        return []
    return [_month_hit(m, rules) for m in rules.month_year.finditer(text, start, end)]


def heading_months(text: str, rules: Compiled, timeline: bool) -> list[YearHit]:
    """The months of a heading that date what is under it: a date that starts or ends a financial year
    ("31 March 2025" over a note's table, "At 1 April 2024" over a provision's movements: 2024/25); a month
    alone (`month_heading`) only in a timeline, among other such headings ("September 2024" / ... /
    "October 2024": 2024/25), not a document's date ("June 2017", "Submission by ..., January 2018") nor a
    day's ("24 September 2025", a meeting's)."""
    out = []
    for h in month_years(text, 0, len(text), rules):
        day = rules.heading_day.search(text, 0, h.start) if rules.heading_day is not None else None
        if day is None:
            if timeline and is_month_heading(text, rules):
                out.append(h)
            continue
        if not another_day(text, h, rules):
            out.append(h)
    return out


def another_day(text: str, h: YearHit, rules: Compiled) -> bool:
    """Whether a month's hit (`month_years`) is a day's date that neither starts nor ends a financial year
    ("approved by the Board on 19 June 2025": a signing's, a meeting's), not "1 April 2024" / "31 March 2025"
    nor a month alone."""
    day = rules.heading_day.search(text, 0, h.start) if rules.heading_day is not None else None
    if day is None:
        return False
    p = rules.model.period
    month, date = _MONTHS.index(text[h.start : h.start + 3].lower()) + 1, int(day.group(1))
    first = month == p.year_start_month and date == 1
    last = (month % 12) + 1 == p.year_start_month and date == p.year_end_day
    return not (first or last)


def is_month_heading(text: str, rules: Compiled) -> bool:
    """A heading that is a month and nothing else ("September 2024")."""
    return rules.month_heading is not None and rules.month_heading.fullmatch(text.strip()) is not None


def _month_hit(m: regex.Match[str], rules: Compiled) -> YearHit:
    year = int(m.group(2))
    month = _MONTHS.index(m.group(1)[:3].lower()) + 1
    first = year if month >= rules.model.period.year_start_month else year - 1
    return YearHit(f"{first}/{(first + 1) % 100:02d}", m.start(), m.end(), "period.month")


def after_comparative(text: str, pos: int, rules: Compiled) -> YearHit | None:
    """The year of an amount followed by its prior year's comparative in brackets ("£51k with NHS
    Providers (2023/24 - £22k)", "£1m in revenue grants (2023/24 - £1m)", "£276.5m (£258.6m in 2023/24)"): the
    year after the bracket's."""
    if rules.comparative_after is None:
        return None
    m = rules.comparative_after.match(text, pos)
    if m is None and rules.comparative_in is not None:  # "£276.5m (£258.6m in 2023/24)"
        m = rules.comparative_in.match(text, pos)
    if m is None or _fy(m.group(1), m.group(2)) is None:
        return None
    first = int(m.group(1)) + 1
    return YearHit(f"{first}/{(first + 1) % 100:02d}", m.start(1), m.end(2), "period.comparative")


def balance_dates(text: str, start: int, end: int, rules: Compiled) -> YearHit | None:
    """A balance date at most `balance_date_words` words after an amount ("of which £0.5m remained
    outstanding at 31 March 2025": 2024/25), the financial year it ends."""
    if rules.balance_date is None:
        return None
    words = rules.model.period.balance_date_words
    for m in rules.balance_date.finditer(text, start, end):
        if len(text[start : m.start()].split()) > words:
            return None
        hit = _month_hit(m, rules)
        return YearHit(hit.value, m.start(), m.end(), "period.balance_date")
    return None


def deadlines(text: str, start: int, end: int, rules: Compiled) -> list[YearHit]:
    """The calendar years of text[start:end] that an amount is due by (`by 2020`; not a date)."""
    return [
        YearHit(m.group(1), m.start(), m.end(), "period.calendar")
        for m in rules.calendar.finditer(text, start, end)
        if not rules.not_calendar.search(text, max(0, m.start(1) - 20), m.start(1))
    ]


def sentence_calendars(text: str, start: int, end: int, rules: Compiled) -> list[YearHit]:
    """The calendar years of text[start:end] written `in 2020`, `during 2019`, `for 2030` (`calendar_after`),
    which date an amount of their sentence in a report counting in calendar years."""
    return [
        YearHit(m.group(1), m.start(), m.end(), "period.calendar")
        for m in rules.calendar_after.finditer(text, start, end)
    ]


def carried_calendars(text: str, start: int, end: int, rules: Compiled) -> list[YearHit]:
    """The calendar years of text[start:end] that carry to later sentences as a deadline does (`for 2030`:
    "... the minimum estimate for 2030. It is worth contrasting the figure of £132 million ...")."""
    if rules.calendar_carried is None:
        return []
    return [
        YearHit(m.group(1), m.start(), m.end(), "period.calendar")
        for m in rules.calendar_carried.finditer(text, start, end)
    ]


def header_years(texts: list[str], header: int, columns: int, rules: Compiled) -> list[tuple[int, YearHit]]:
    """The years over the money columns of a table whose header runs over several lines ("on-costs in" /
    "2020 –" / "£millions" over the first money column, "2030 –" over the second): the nearest line above
    the header row, at most `header_year_lines` lines up and within the table, whose cells naming a year
    are exactly its last `columns` cells, one year each; [] when none does. Items: (line index, year)."""
    p = rules.model.period
    if p.header_year_lines == 0 or rules.column_calendar is None or columns < 1:
        return []
    for i in range(header - 1, max(-1, header - 1 - p.header_year_lines), -1):
        if "\t" not in texts[i]:
            return []  # above the table
        cells, offset = texts[i].split("\t"), 0
        found: list[tuple[int, tuple[int, YearHit]]] = []
        for k, cell in enumerate(cells):
            hits = years(cell, 0, len(cell), rules) or [
                YearHit(m.group(1), m.start(1), m.end(1), "") for m in rules.column_calendar.finditer(cell)
            ]
            if len(hits) == 1:
                h = hits[0]
                found.append((k, (i, YearHit(h.value, offset + h.start, offset + h.end, "period.header_year"))))
            offset += len(cell) + 1
        if found and len(found) == columns and [k for k, _ in found] == list(range(len(cells) - columns, len(cells))):
            return [hit for _, hit in found]
    return []


def title_year(title: str, rules: Compiled) -> str | None:
    """The financial year of a title inferred from a file name ("ltht annual report 2024 25")."""
    if rules.title_year is None:
        return None
    m = rules.title_year.search(title)
    if m is None:
        return None
    first, second = [g for g in m.groups() if g][:2]
    return _fy(first if len(first) == 4 else f"20{first}", second)  # `2324`: 2023/24


def nearest(hits: list[YearHit], amount: tuple[int, int], text: str) -> YearHit | None:
    if not hits:
        return None
    a, b = amount
    # equally near: the year after the amount ("2025/26 to £14.6 billion in 2029/30")
    return min(
        hits,
        key=lambda h: (len(text[h.end : a].split()), 1) if h.end <= a else (len(text[b : h.start].split()), 0),
    )


def reporting_year(title: str, date: str | None, rules: Compiled) -> str | None:
    """The financial year an annual report reports on: a year in its title, else the year ending
    before its date (a report dated 2019-07 covers 2018/19)."""
    hits = years(title, 0, len(title), rules)
    if hits:
        return hits[0].value
    m = re.match(r"(\d{4})(?:-(\d{2}))?", date or "")
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2) or 0)
    end = year if month and month >= rules.model.period.year_start_month else year - 1
    return f"{end - 1}/{end % 100:02d}"
