"""Base models: company, currency, country, partner, user, product, tax, ir.model(.data)."""

from __future__ import annotations

from typing import Any

from fakes.odoo.exceptions import OdooException
from fakes.odoo.fields import Field
from fakes.odoo.orm import BaseModel, public_model, register

__all__ = [
    "IrModel",
    "IrModelData",
    "Product",
    "ResCompany",
    "ResCountry",
    "ResCurrency",
    "ResPartner",
    "ResUsers",
]

_DISPLAY = Field("char", "Display Name", compute="_compute_display_name")
_ACTIVE = Field("boolean", "Active", default=True)
_COMPANY = Field("many2one", "Company", relation="res.company", default=lambda env: 1)
_LANGS = (("en_US", "English (US)"), ("fr_BE", "French (BE) / Français (BE)"))


@register
class ResCurrency(BaseModel):
    _name = "res.currency"
    _description = "Currency"
    _fields = {
        "name": Field("char", "Currency", required=True),
        "symbol": Field("char", "Symbol"),
        "active": _ACTIVE,
        "display_name": _DISPLAY,
    }


@register
class ResCountry(BaseModel):
    _name = "res.country"
    _description = "Country"
    _fields = {
        "name": Field("char", "Country Name", required=True),
        "code": Field("char", "Country Code"),
        "display_name": _DISPLAY,
    }


@register
class ResCompany(BaseModel):
    _name = "res.company"
    _description = "Companies"
    _fields = {
        "name": Field("char", "Company Name", required=True),
        "partner_id": Field("many2one", "Partner", relation="res.partner"),
        "currency_id": Field("many2one", "Currency", relation="res.currency"),
        "email": Field("char", "Email"),
        "active": _ACTIVE,
        "display_name": _DISPLAY,
    }


@register
class ResPartner(BaseModel):
    _name = "res.partner"
    _description = "Contact"
    _order = "name, id"
    _fields = {
        "name": Field("char", "Name", required=True),
        "display_name": _DISPLAY,
        "email": Field("char", "Email"),
        "phone": Field("char", "Phone"),
        "is_company": Field("boolean", "Is a Company", default=False),
        "company_type": Field(
            "selection",
            "Company Type",
            selection=(("person", "Individual"), ("company", "Company")),
            compute="_compute_company_type",
        ),
        "parent_id": Field("many2one", "Related Company", relation="res.partner"),
        "child_ids": Field("one2many", "Contact", relation="res.partner", inverse="parent_id"),
        "vat": Field("char", "Tax ID"),
        "street": Field("char", "Street"),
        "city": Field("char", "City"),
        "zip": Field("char", "Zip"),
        "country_id": Field("many2one", "Country", relation="res.country"),
        "customer_rank": Field("integer", "Customer Rank", default=0),
        "supplier_rank": Field("integer", "Supplier Rank", default=0),
        "lang": Field("selection", "Language", selection=_LANGS, default="en_US"),
        "comment": Field("html", "Notes"),
        "ref": Field("char", "Reference"),
        "company_id": Field("many2one", "Company", relation="res.company"),
        "active": _ACTIVE,
    }

    def _compute_company_type(self, row: dict[str, Any]) -> str:
        return "company" if row.get("is_company") else "person"

    def _display_name(self, row: dict[str, Any]) -> str:
        name = str(row.get("name") or "")
        parent = row.get("parent_id")
        if parent:
            parent_row = self.store.get(self._name, parent)
            if parent_row:
                return f"{parent_row.get('name') or ''}, {name}"
        return name


@register
class ResUsers(BaseModel):
    _name = "res.users"
    _description = "User"
    _order = "name, login"
    _fields = {
        "name": Field("char", "Name", required=True),
        "login": Field("char", "Login", required=True),
        "display_name": _DISPLAY,
        "partner_id": Field("many2one", "Related Partner", relation="res.partner"),
        "company_id": _COMPANY,
        "company_ids": Field("many2many", "Companies", relation="res.company"),
        "email": Field("char", "Email"),
        "tz": Field("char", "Timezone", default="UTC"),
        "lang": Field("selection", "Language", selection=_LANGS, default="en_US"),
        "share": Field("boolean", "Share User", default=False),
        "active": _ACTIVE,
    }

    @public_model
    def context_get(self) -> dict[str, Any]:
        """The calling user's context: lang, tz and uid."""
        row = self.store.get(self._name, self.env.uid) or {}
        return {
            "lang": row.get("lang") or "en_US",
            "tz": row.get("tz") or False,
            "uid": self.env.uid,
        }


@register
class AccountTax(BaseModel):
    _name = "account.tax"
    _description = "Tax"
    _fields = {
        "name": Field("char", "Tax Name", required=True),
        "amount": Field("float", "Amount", default=0.0),
        "amount_type": Field(
            "selection",
            "Tax Computation",
            selection=(("percent", "Percentage of Price"),),
            default="percent",
        ),
        "type_tax_use": Field(
            "selection",
            "Tax Type",
            selection=(("sale", "Sales"), ("purchase", "Purchases"), ("none", "None")),
            default="sale",
        ),
        "company_id": _COMPANY,
        "active": _ACTIVE,
        "display_name": _DISPLAY,
    }


@register
class Product(BaseModel):
    _name = "product.product"
    _description = "Product Variant"
    _order = "default_code, name, id"
    _fields = {
        "name": Field("char", "Name", required=True),
        "display_name": _DISPLAY,
        "default_code": Field("char", "Internal Reference"),
        "list_price": Field("float", "Sales Price", default=1.0),
        "lst_price": Field("float", "Sales Price", compute="_compute_lst_price"),
        "standard_price": Field("float", "Cost", default=0.0),
        "type": Field(
            "selection",
            "Product Type",
            selection=(("consu", "Goods"), ("service", "Service"), ("combo", "Combo")),
            default="consu",
        ),
        "sale_ok": Field("boolean", "Can be Sold", default=True),
        "purchase_ok": Field("boolean", "Can be Purchased", default=True),
        "taxes_id": Field("many2many", "Sales Taxes", relation="account.tax"),
        "description_sale": Field("text", "Sales Description"),
        "company_id": Field("many2one", "Company", relation="res.company"),
        "active": _ACTIVE,
    }

    def _compute_lst_price(self, row: dict[str, Any]) -> float:
        return float(row.get("list_price") or 0.0)

    def _display_name(self, row: dict[str, Any]) -> str:
        code = row.get("default_code")
        return f"[{code}] {row.get('name')}" if code else str(row.get("name") or "")


@register
class IrModel(BaseModel):
    _name = "ir.model"
    _description = "Models"
    _order = "model"
    _fields = {
        "name": Field("char", "Model Description", required=True),
        "model": Field("char", "Model", required=True),
        "info": Field("text", "Information"),
        "state": Field(
            "selection",
            "Type",
            selection=(("manual", "Custom Object"), ("base", "Base Object")),
            default="base",
        ),
        "transient": Field("boolean", "Transient Model", default=False),
        "modules": Field("char", "In Apps"),
        "display_name": _DISPLAY,
    }


@register
class IrModelData(BaseModel):
    _name = "ir.model.data"
    _description = "Model Data"
    _rec_name = "complete_name"
    _fields = {
        "name": Field("char", "External Identifier", required=True),
        "module": Field("char", "Module", required=True),
        "model": Field("char", "Model Name", required=True),
        "res_id": Field("integer", "Record ID"),
        "noupdate": Field("boolean", "Non Updatable", default=False),
        "complete_name": Field("char", "Complete ID", compute="_compute_complete_name"),
        "display_name": _DISPLAY,
    }

    def _compute_complete_name(self, row: dict[str, Any]) -> str:
        return f"{row.get('module')}.{row.get('name')}"

    def _display_name(self, row: dict[str, Any]) -> str:
        return self._compute_complete_name(row)

    @public_model
    def check_object_reference(
        self, module: str, xml_id: str, raise_on_access_error: bool = False
    ) -> list[Any]:
        """``[model, res_id]`` of an external id; ValueError when it does not exist."""
        self.check_access("read")
        for row in self.store.all(self._name):
            if (
                row.get("module") == module
                and row.get("name") == xml_id
                and self.store.exists(str(row["model"]), int(row["res_id"]))
            ):
                return [row["model"], row["res_id"]]
        raise OdooException(
            f"External ID not found in the system: {module}.{xml_id}", name="builtins.ValueError"
        )
