"""The seeded world: company, currencies, partners, products, journals and the two users."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Literal

from fakes.odoo.dispatch import call_kw
from fakes.odoo.orm import REGISTRY, Env, Settings
from fakes.odoo.store import OdooStore

__all__ = ["OdooUser", "Role", "make_users", "seed"]

Role = Literal["executive", "drafter"]


@dataclass(frozen=True)
class OdooUser:
    """A login with its password, API key (both work for RPC), role and uid."""

    login: str
    password: str
    api_key: str
    role: Role
    uid: int
    name: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The JSON form printed by the CLI and the test API."""
        return {
            "login": self.login,
            "password": self.password,
            "api_key": self.api_key,
            "role": self.role,
            "uid": self.uid,
            "name": self.name,
        }


def make_users() -> list[OdooUser]:
    """The executive ``admin`` (uid 2) and the ``drafter`` (uid 3), with fresh secrets."""
    return [
        OdooUser(
            "admin",
            secrets.token_urlsafe(12),
            secrets.token_hex(20),
            "executive",
            2,
            "Mitchell Admin",
        ),
        OdooUser(
            "drafter",
            secrets.token_urlsafe(12),
            secrets.token_hex(20),
            "drafter",
            3,
            "Drafting Agent",
        ),
    ]


def _create(env: Env, model: str, vals: dict[str, Any]) -> int:
    result = call_kw(env, model, "create", [vals], {})
    assert isinstance(result, int)
    return result


def seed(store: OdooStore, users: list[OdooUser], settings: Settings) -> None:
    """Fill an empty store with the demo company, users and accounting basics."""
    env = Env(store, 1, settings, su=True)
    with store.transaction():
        eur = _create(env, "res.currency", {"name": "EUR", "symbol": "€"})
        _create(env, "res.currency", {"name": "USD", "symbol": "$"})
        be = _create(env, "res.country", {"name": "Belgium", "code": "BE"})
        us = _create(env, "res.country", {"name": "United States", "code": "US"})
        _create(env, "res.country", {"name": "Germany", "code": "DE"})
        company_partner = _create(
            env,
            "res.partner",
            {
                "name": "Platinum Demo Co",
                "is_company": True,
                "email": "info@platinum.example",
                "country_id": be,
                "city": "Brussels",
            },
        )
        company = _create(
            env,
            "res.company",
            {
                "name": "Platinum Demo Co",
                "partner_id": company_partner,
                "currency_id": eur,
                "email": "info@platinum.example",
            },
        )
        store.update("res.partner", company_partner, {"company_id": company})
        bot = _create(env, "res.partner", {"name": "OdooBot", "active": False})
        root = _create(
            env,
            "res.users",
            {
                "name": "OdooBot",
                "login": "__system__",
                "partner_id": bot,
                "active": False,
                "company_ids": [[6, 0, [company]]],
            },
        )
        xmlids: list[tuple[str, str, str, int]] = [
            ("base", "main_partner", "res.partner", company_partner),
            ("base", "main_company", "res.company", company),
            ("base", "user_root", "res.users", root),
            ("base", "EUR", "res.currency", eur),
            ("base", "be", "res.country", be),
            ("base", "us", "res.country", us),
        ]
        for user in sorted(users, key=lambda u: u.uid):
            partner = _create(
                env,
                "res.partner",
                {"name": user.name or user.login, "email": f"{user.login}@platinum.example"},
            )
            uid = _create(
                env,
                "res.users",
                {
                    "name": user.name or user.login,
                    "login": user.login,
                    "partner_id": partner,
                    "email": f"{user.login}@platinum.example",
                    "company_ids": [[6, 0, [company]]],
                },
            )
            if uid != user.uid:
                raise ValueError(f"seeded {user.login} as uid {uid}, expected {user.uid}")
            store.update(
                "res.users",
                uid,
                {"password": user.password, "api_key": user.api_key, "role": user.role},
            )
            if user.login == "admin":
                xmlids += [
                    ("base", "user_admin", "res.users", uid),
                    ("base", "partner_admin", "res.partner", partner),
                ]
        customers: list[int] = []
        for vals in (
            {
                "name": "Azure Interior",
                "is_company": True,
                "email": "azure.Interior24@example.com",
                "city": "Fremont",
                "country_id": us,
                "street": "4557 De Silva St",
                "zip": "94538",
            },
            {
                "name": "Deco Addict",
                "is_company": True,
                "email": "deco_addict@example.com",
                "city": "Pleasant Hill",
                "country_id": us,
            },
            {
                "name": "Gemini Furniture",
                "is_company": True,
                "email": "gemini_furniture@example.com",
                "city": "Brussels",
                "country_id": be,
            },
        ):
            customers.append(_create(env, "res.partner", vals))
        azure = customers[0]
        _create(
            env,
            "res.partner",
            {
                "name": "Brandon Freeman",
                "parent_id": azure,
                "email": "brandon.freeman55@example.com",
            },
        )
        tax = _create(env, "account.tax", {"name": "15%", "amount": 15.0, "type_tax_use": "sale"})
        xmlids.append(("account", "1_tax_sale_15", "account.tax", tax))
        _create(
            env,
            "product.product",
            {"name": "Consulting", "default_code": "CONS", "type": "service", "list_price": 100.0},
        )
        _create(
            env,
            "product.product",
            {
                "name": "Office Chair",
                "default_code": "FURN_7777",
                "type": "consu",
                "list_price": 120.5,
                "standard_price": 70.0,
            },
        )
        for name, code, kind in (
            ("Customer Invoices", "INV", "sale"),
            ("Vendor Bills", "BILL", "purchase"),
            ("Bank", "BNK1", "bank"),
            ("Cash", "CSH1", "cash"),
            ("Miscellaneous Operations", "MISC", "general"),
        ):
            journal = _create(env, "account.journal", {"name": name, "code": code, "type": kind})
            xmlids.append(("account", f"1_{kind}", "account.journal", journal))
        for model_name, cls in sorted(REGISTRY.items()):
            _create(
                env,
                "ir.model",
                {
                    "name": cls._description or model_name,
                    "model": model_name,
                    "transient": cls._transient,
                    "modules": model_name.split(".")[0],
                },
            )
        for module, name, model, res_id in xmlids:
            _create(
                env,
                "ir.model.data",
                {
                    "module": module,
                    "name": name,
                    "model": model,
                    "res_id": res_id,
                    "noupdate": True,
                },
            )
