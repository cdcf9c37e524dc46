"""Amounts people can read: `£1.7bn`, `£6,797,998.00` beside the numbers, which stay numeric."""

from __future__ import annotations

import sqlite3

import pytest

from pipeline.readable import amount


@pytest.mark.parametrize(
    ("currency", "low", "high", "text", "shown"),
    [
        ("GBP", 1.7e9, 1.7e9, "£1.7bn", "£1.7bn"),
        ("GBP", 6797998.0, 6797998.0, "6,797,998.00", "£6,797,998.00"),  # a table cell under AP Amount (£)
        ("GBP", 9.53e9, 9.53e9, "£9.53 billion", "£9.53bn"),
        ("GBP", 230000.0, 230000.0, "£230,000", "£230,000"),
        ("GBP", 700000.0, 700000.0, "c£700k", "£700k"),
        ("GBP", 498293000.0, 498293000.0, "498,293", "£498.293m"),  # under £000: written in thousands
        ("GBP", 5e8, 6e8, "£500-£600 million", "£500m–£600m"),
        ("GBP", -1666.89, -1666.89, "(1,666.89)", "-£1,666.89"),
        ("USD", 1e11, 1e11, "$100 billion", "$100bn"),
        ("EUR", 5e6, 5e6, "€5m", "€5m"),
        ("GBP", 2.5e8, 2.5e8, "a quarter of a billion pounds", "£250m"),
    ],
)
def test_amounts_as_people_write_them(currency, low, high, text, shown):
    assert amount(currency, low, high, text) == shown


def test_the_view_gives_sqlite_users_the_same_amount_and_keeps_the_numbers(built_db):
    conn = sqlite3.connect(built_db)
    rows = conn.execute("SELECT amount, currency, low, high, text, typeof(low) FROM money_readable").fetchall()
    assert len(rows) == conn.execute("SELECT count(*) FROM money").fetchone()[0] > 1000
    differ = [r for r in rows if r[0] != amount(r[1], r[2], r[3], r[4])]
    assert differ == []
    assert {r[5] for r in rows} == {"real"}
    shown = dict(conn.execute("SELECT text, amount FROM money_readable WHERE text IN ('£1.7bn', '6,797,998.00')"))
    assert shown == {"£1.7bn": "£1.7bn", "6,797,998.00": "£6,797,998.00"}
