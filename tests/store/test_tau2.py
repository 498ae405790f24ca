"""tau2-bench import/export: counts and exact values from the real retail db.json, the round
trip, idempotent re-import, customer-service changes, and the exact problems of bad files."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from store.db import Store
from store.errors import ImportRejected
from store.importers.tau2 import export_tau2, import_tau2
from store.models import Item, Order, OrderItem, PaymentMethod, Product, User

MINI = Path(__file__).resolve().parents[1] / "data" / "tau2_mini"


def _counts(store: Store) -> dict[str, int]:
    with store.session() as s:
        return {
            str(m.__tablename__): int(s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Product, Item, User, PaymentMethod, Order, OrderItem)
        }


def _write(directory: Path, data: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "db.json").write_text(json.dumps(data, indent=4))
    return directory


def _line_of(text: str, key: str) -> int:
    """1-based line of ``"key": {`` in ``text``, found line by line."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.strip() == f'"{key}": {{')


def test_import_counts_and_values(store: Store, tau2_dir: Path) -> None:
    report = import_tau2(store, tau2_dir)
    assert (report.products_added, report.items_added) == (50, 591)
    assert (report.users_added, report.orders_added) == (500, 1000)
    assert 0 < report.seconds < 60
    assert _counts(store) == {
        "product": 50,
        "item": 591,
        "user": 500,
        "paymentmethod": 695,
        "order": 1000,
        "orderitem": 2978,
    }
    with store.session() as s:
        shirt = s.get(Product, "9523456873")
        assert shirt is not None
        assert (shirt.title, shirt.product_type, shirt.category_leaf, shirt.brand, shirt.seq) == (
            "T-Shirt",
            "T-Shirt",
            "T-Shirt",
            "",
            0,
        )
        assert shirt.price == 46.66  # the cheapest of its 12 variants
        variant = s.get(Item, "9612497925")
        assert variant is not None and (variant.seq, variant.price) == (0, 50.88)
        assert variant.options == {
            "color": "blue",
            "size": "M",
            "material": "cotton",
            "style": "crew neck",
        }
        noah = s.get(User, "noah_brown_6181")
        assert noah is not None and (noah.email, noah.zip, noah.seq) == (
            "noah.brown7922@example.com",
            "80279",
            0,
        )
        card = s.get(PaymentMethod, "credit_card_7815826")
        assert card is not None and (card.user_id, card.brand, card.last_four, card.seq) == (
            "noah_brown_6181",
            "mastercard",
            "9212",
            1,
        )
        order = s.get(Order, "#W2611340")
        assert order is not None and (order.status, order.user_id) == ("processed", "james_li_5688")
        assert order.payment_history == [
            {
                "transaction_type": "payment",
                "amount": 536.65,
                "payment_method_id": "gift_card_1725971",
            }
        ]
        lines = s.scalars(
            select(OrderItem)
            .where(col(OrderItem.order_id) == "#W2611340")
            .order_by(col(OrderItem.seq))
        ).all()
        assert [(li.name, li.item_id, li.price) for li in lines] == [
            ("Water Bottle", "6469567736", 47.84),
            ("Office Chair", "8426249116", 488.81),
        ]


def test_export_reproduces_the_file(store: Store, tau2_dir: Path, tmp_path: Path) -> None:
    import_tau2(store, tau2_dir)
    path = export_tau2(store, tmp_path / "out")
    original = (tau2_dir / "db.json").read_text()
    assert json.loads(path.read_text()) == json.loads(original)
    assert path.read_text() == original  # same formatting and key order, too


def test_reimport_changes_nothing(store: Store, tau2_dir: Path) -> None:
    import_tau2(store, tau2_dir)
    with store.session() as s:
        stamps = dict(s.execute(select(col(Order.order_id), col(Order.updated_at))).all())
    report = import_tau2(store, tau2_dir)
    assert not report.changed
    assert (report.products_unchanged, report.items_unchanged) == (50, 591)
    assert (report.users_unchanged, report.orders_unchanged) == (500, 1000)
    assert _counts(store)["orderitem"] == 2978
    with store.session() as s:
        assert dict(s.execute(select(col(Order.order_id), col(Order.updated_at))).all()) == stamps


def test_customer_service_changes_round_trip(store: Store, tmp_path: Path) -> None:
    import_tau2(store, MINI)
    data = json.loads((MINI / "db.json").read_text())
    changed = copy.deepcopy(data)
    lamp = changed["products"]["1000000001"]["variants"]
    lamp["2000000001"]["price"] = 23.0  # now the cheapest variant
    del lamp["2000000002"]
    ada = changed["users"]["ada_park_1001"]
    ada["payment_methods"]["gift_card_9000001"]["balance"] = 12.5
    del ada["payment_methods"]["credit_card_9000002"]
    delivered = changed["orders"]["#W9000001"]
    delivered.update(
        status="exchange requested",
        exchange_items=["2000000001"],
        exchange_new_items=["2000000002"],
        exchange_payment_method_id="gift_card_9000001",
        exchange_price_difference=-1.5,
    )
    delivered["items"][1]["price"] = 5.49
    changed["orders"]["#W9000002"]["status"] = "pending (item modified)"
    report = import_tau2(store, _write(tmp_path / "changed", changed))
    assert (report.products_updated, report.products_unchanged) == (1, 1)
    assert (report.items_updated, report.items_removed, report.items_unchanged) == (1, 1, 1)
    assert (report.users_updated, report.users_unchanged) == (1, 1)
    assert (report.orders_updated, report.orders_unchanged) == (2, 0)
    with store.session() as s:
        lamp_row = s.get(Product, "1000000001")
        assert lamp_row is not None and lamp_row.price == 23.0
        assert s.get(PaymentMethod, "credit_card_9000002") is None
    exported = export_tau2(store, tmp_path / "out")
    assert json.loads(exported.read_text()) == changed


def test_corrupted_copy_is_rejected_and_commits_nothing(
    store: Store, tau2_dir: Path, tmp_path: Path
) -> None:
    import_tau2(store, MINI)
    before = _counts(store)
    data = json.loads((tau2_dir / "db.json").read_text())
    data["products"]["9523456873"]["variants"]["9612497925"]["price"] = "abc"
    stray = copy.deepcopy(data["orders"]["#W2611340"])
    stray.update(order_id="#W0000001", user_id="ghost_0000")
    data["orders"]["#W0000001"] = stray
    bad = _write(tmp_path / "bad", data)
    text = (bad / "db.json").read_text()
    with pytest.raises(ImportRejected) as caught:
        import_tau2(store, bad)
    assert [str(p) for p in caught.value.problems] == [
        f"db.json:{_line_of(text, '9612497925')}: products.9523456873.variants.9612497925.price: "
        "must be a number, got 'abc'",
        f"db.json:{_line_of(text, '#W0000001')}: orders.#W0000001.user_id: unknown user "
        "'ghost_0000'; add the user to users or fix the id",
    ]
    assert _counts(store) == before
    with store.session() as s:
        assert s.get(Product, "9523456873") is None
        assert s.get(Order, "#W2611340") is None


def test_cross_checks_report_every_problem(sqlite_store: Store, tmp_path: Path) -> None:
    data = json.loads((MINI / "db.json").read_text())
    notebook = data["products"]["1000000002"]
    notebook["color"] = "red"
    del notebook["variants"]["2000000003"]["available"]
    data["products"]["1000000003"] = {
        "name": "Lamp Shade",
        "product_id": "1000000003",
        "variants": {
            "2000000001": {  # already the lamp's
                "item_id": "2000000001",
                "options": {},
                "available": True,
                "price": 9.0,
            }
        },
    }
    ben = data["users"]["ben_ito_1002"]
    ben["user_id"] = "ben_ito_9999"
    ben["payment_methods"]["paypal_9000003"]["source"] = "cash"
    data["users"]["ada_park_1001"]["orders"] = ["#W9000001"]
    first = data["orders"]["#W9000001"]
    first["status"] = "lost"
    first["items"][0]["product_id"] = "1000000002"
    first["items"][1]["item_id"] = "2999999999"
    data["orders"]["#W9000002"]["user_id"] = "ben_ito_1002"
    bad = _write(tmp_path / "bad", data)
    text = (bad / "db.json").read_text()
    with pytest.raises(ImportRejected) as caught:
        import_tau2(sqlite_store, bad)
    line = {
        k: _line_of(text, k)
        for k in (
            "1000000002",
            "2000000003",
            "1000000003",
            "ben_ito_1002",
            "paypal_9000003",
            "#W9000001",
            "#W9000002",
        )
    }
    shade_variant = next(
        n
        for n in range(line["1000000003"], len(text.splitlines()) + 1)
        if text.splitlines()[n - 1].strip() == '"2000000001": {'
    )
    statuses = (
        "'pending', 'processed', 'delivered', 'cancelled', 'pending (item modified)', "
        "'return requested', 'exchange requested'"
    )
    got = [(p.line, p.field, p.message) for p in caught.value.problems]
    assert got == [
        (
            line["2000000003"],
            "products.1000000002.variants.2000000003.available",
            "required key is missing",
        ),
        (
            line["1000000002"],
            "products.1000000002.color",
            "unknown key; the tau2 retail layout has no such field (check the spelling)",
        ),
        (
            shade_variant,
            "products.1000000003.variants.2000000001",
            "item id '2000000001' is already a variant of product '1000000001'; item ids must be "
            "unique",
        ),
        (line["ben_ito_1002"], "users.ben_ito_1002.user_id", "must equal its key 'ben_ito_1002'"),
        (
            line["paypal_9000003"],
            "users.ben_ito_1002.payment_methods.paypal_9000003.source",
            "must be one of ('credit_card', 'paypal', 'gift_card'), got 'cash'",
        ),
        (line["#W9000001"], "orders.#W9000001.status", f"must be one of ({statuses}), got 'lost'"),
        (
            line["#W9000001"],
            "orders.#W9000001.items[0].product_id",
            "item '2000000001' is a variant of product '1000000001', not '1000000002'",
        ),
        (
            line["#W9000001"],
            "orders.#W9000001.items[1].item_id",
            "unknown item '2999999999'; it is not a variant of any product in db.json or the store",
        ),
        (
            line["#W9000002"],
            "orders.#W9000002.user_id",
            "user 'ben_ito_1002' does not list this order in their orders; add it there",
        ),
    ]
    assert _counts(sqlite_store)["product"] == 0


def test_unreadable_directory_and_json(sqlite_store: Store, tmp_path: Path) -> None:
    with pytest.raises(ImportRejected, match=r"pass the folder that holds tau2's db\.json"):
        import_tau2(sqlite_store, tmp_path)
    (tmp_path / "db.json").write_text('{"products": {}\n "users": {}}')
    with pytest.raises(ImportRejected) as caught:
        import_tau2(sqlite_store, tmp_path)
    assert str(caught.value.problems[0]) == (
        "db.json:2: file: not valid JSON: Expecting ',' delimiter at column 2"
    )
