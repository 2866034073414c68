"""A join key written without its table is named by the first table the join equates it in."""

from __future__ import annotations

import duckdb
import pytest

from tablepilot.sql.shared_keys import qualify_shared_keys

COLUMNS = {
    "Customers": ["Customer_ID", "Customer_name"],
    "Customers_Policies": ["Customer_ID", "Policy_ID", "Date_Opened"],
    "Policies": ["Policy_ID", "name"],
    "Cities": ["name"],
}


def test_an_ambiguous_join_key_runs_once_qualified() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE Customers (Customer_ID INT, Customer_name TEXT)")
    con.execute("CREATE TABLE Customers_Policies (Customer_ID INT, Policy_ID INT, Date_Opened TEXT)")
    con.execute("INSERT INTO Customers VALUES (1, 'Diana'), (2, 'Bo')")
    con.execute("INSERT INTO Customers_Policies VALUES (1, 10, '2017-01-09'), (2, 11, '2016-06-24')")
    sql = (
        "SELECT Date_Opened FROM Customers AS T1 JOIN Customers_Policies AS T2 "
        "ON T1.Customer_ID = T2.Customer_ID WHERE Customer_ID = 1"
    )
    with pytest.raises(duckdb.BinderException, match="Ambiguous"):
        con.execute(sql)
    mended = qualify_shared_keys(sql, COLUMNS)
    assert mended == sql.replace("WHERE Customer_ID", "WHERE T1.Customer_ID")
    assert con.execute(mended).fetchall() == [("2017-01-09",)]


def test_a_chain_of_joins_on_one_key_names_the_first_table() -> None:
    sql = (
        'SELECT "Policy_ID" FROM "Customers_Policies" JOIN "Policies" '
        'ON "Customers_Policies"."Policy_ID" = "Policies"."Policy_ID"'
    )
    assert qualify_shared_keys(sql, COLUMNS) == sql.replace(
        'SELECT "Policy_ID"', 'SELECT "Customers_Policies"."Policy_ID"'
    )


@pytest.mark.parametrize(
    "sql",
    [
        # both hold "name" but no join equates them: two different things
        "SELECT name FROM Policies JOIN Cities ON Policies.Policy_ID = 1",
        "SELECT T1.Customer_ID FROM Customers AS T1 JOIN Customers_Policies AS T2 ON T1.Customer_ID = T2.Customer_ID",
        # an equality under OR does not make the two equal
        (
            "SELECT Customer_ID FROM Customers AS T1 JOIN Customers_Policies AS T2 "
            "ON T1.Customer_ID = T2.Customer_ID OR T2.Policy_ID = 1"
        ),
        "SELECT Customer_name FROM Customers",
        "SELECT FROM WHERE",
    ],
)
def test_left_alone(sql: str) -> None:
    assert qualify_shared_keys(sql, COLUMNS) is None
