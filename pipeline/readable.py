"""Amounts as people write them: `£1.7bn`, `£6,797,998.00`, `£500m–£600m`.

A display string beside the numbers (which stay numeric in the database): an amount written in
full (`6,797,998.00`, `£230,000`) is shown in full, with thousands separators and pennies when
it was written with them; an amount written with a scale (`£1.7bn`, `£4.4m`, `£700k`, `498,293`
under `£000`) is shown with bn, m or k. The view `money_readable` (db/schema/15_money_readable.sql)
computes the same string in SQL for sqlite-utils users; a test checks both agree on every row.
"""

from __future__ import annotations

CURRENCY_SIGNS = {"GBP": "£", "USD": "$", "EUR": "€"}
SCALES = ((1e9, "bn"), (1e6, "m"), (1e3, "k"))


def written_in_full(value: float, text: str) -> bool:
    """The whole units of `value` appear among the digits of `text` (commas dropped)."""
    return f"{int(abs(value))}" in text.replace(",", "")


def bound(currency: str | None, value: float, text: str) -> str:
    sign = "-" if value < 0 else ""
    unit = CURRENCY_SIGNS.get(currency or "", f"{currency} " if currency else "")
    a = abs(value)
    if written_in_full(value, text):
        whole = int(a)
        shown = f"{whole:,}"
        if "." in text:
            shown += f".{round((a - whole) * 100):02d}"
    else:
        shown = next((f"{a / size:.6g}{suffix}" for size, suffix in SCALES if a >= size), f"{a:.6g}")
    return f"{sign}{unit}{shown}"


def amount(currency: str | None, low: float | None, high: float | None, text: str) -> str | None:
    """`£1.7bn`, or `£2bn–£2.5bn` for a range; None when there is no value."""
    if low is None:
        return None
    shown = bound(currency, low, text)
    if high is not None and high != low:
        shown += "–" + bound(currency, high, text)
    return shown
