"""Calling model methods the way ``execute_kw`` and JSON-2 do: lookup, binding, result shape."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from fakes.odoo import models as _models  # noqa: F401  (registers the models)
from fakes.odoo.exceptions import AccessError, HttpError, OdooException, UserError
from fakes.odoo.orm import REGISTRY, BaseModel, Env

__all__ = ["call_json2", "call_kw", "describe_model", "public_method"]


def _private(model: str, method: str, version: int) -> AccessError:
    if version < 18:
        return AccessError(f"Private methods (such as {method}) cannot be called remotely.")
    return AccessError(f"Private methods (such as '{model}.{method}') cannot be called remotely.")


def public_method(env: Env, model: str, method: str) -> tuple[BaseModel, Callable[..., Any], str]:
    """The bound model, its public method and its api kind (``model`` or ``records``)."""
    if model not in REGISTRY:
        raise UserError(f"Object {model} doesn't exist")
    records = env[model]
    if method.startswith("_"):
        raise _private(model, method, env.settings.major)
    func = getattr(type(records), method, None)
    kind = getattr(func, "_rpc", None)
    if func is None or kind is None:
        message = (
            f"The method '{model}.{method}' does not exist"
            if env.settings.major >= 19
            else f"The method '{method}' does not exist on the model '{model}'"
        )
        raise OdooException(message, name="builtins.AttributeError")
    return records, func, str(kind)


def _ids(value: Any) -> list[int]:
    if isinstance(value, bool):
        raise OdooException(f"Invalid ids {value!r}", name="builtins.TypeError")
    if isinstance(value, int):
        return [value]
    if isinstance(value, list | tuple) and all(
        isinstance(i, int) and not isinstance(i, bool) for i in value
    ):
        return list(value)
    raise OdooException(f"Invalid record ids {value!r}", name="builtins.TypeError")


def _bind(
    func: Callable[..., Any], records: BaseModel, args: list[Any], kwargs: dict[str, Any]
) -> inspect.BoundArguments:
    try:
        return inspect.signature(func).bind(records, *args, **kwargs)
    except TypeError as exc:
        raise OdooException(str(exc), name="builtins.TypeError") from exc


def call_kw(
    env: Env, model: str, method: str, args: list[Any], kwargs: dict[str, Any] | None
) -> Any:
    """``execute_kw``: ids from ``args[0]`` unless @api.model; create of one dict gives an int."""
    records, func, kind = public_method(env, model, method)
    kwargs = dict(kwargs or {})
    env.context = {**env.context, **dict(kwargs.pop("context", None) or {})}
    args = list(args or [])
    if kind == "records":
        if not args:
            raise OdooException(f"{method}() missing the record ids", name="builtins.TypeError")
        records = records.browse(_ids(args.pop(0)))
    bound = _bind(func, records, args, kwargs)
    result = func(*bound.args, **bound.kwargs)
    if method == "create":
        first = bound.arguments.get("vals_list")
        return result[0] if isinstance(first, dict) else result
    return result


def call_json2(env: Env, model: str, method: str, body: dict[str, Any]) -> Any:
    """JSON-2: ``ids``, ``context`` and named arguments only; HTTP errors as Odoo 19 raises them."""
    if model not in REGISTRY:
        raise HttpError(404, f"the model {model!r} does not exist")
    try:
        records, func, kind = public_method(env, model, method)
    except OdooException as exc:
        if exc.name == "builtins.AttributeError":
            raise HttpError(404, exc.message) from exc
        raise
    kwargs = dict(body)
    ids = kwargs.pop("ids", None) or []
    env.context = {**env.context, **dict(kwargs.pop("context", None) or {})}
    if kind == "model" and ids:
        raise HttpError(422, f"cannot call {model}.{method} with ids")
    records = records.browse(_ids(ids))
    try:
        bound = inspect.signature(func).bind(records, **kwargs)
    except TypeError as exc:
        raise HttpError(422, str(exc)) from exc
    return func(*bound.args, **bound.kwargs)


def describe_model(env: Env, model: str) -> dict[str, Any]:
    """What ``/doc-bearer/<model>.json`` returns: fields and public methods with parameters."""
    records = env[model]
    methods: dict[str, Any] = {}
    for name in sorted(dir(type(records))):
        func = getattr(type(records), name, None)
        kind = getattr(func, "_rpc", None)
        if kind is None or func is None:
            continue
        params = {}
        for param in list(inspect.signature(func).parameters.values())[1:]:
            default = None if param.default is inspect.Parameter.empty else param.default
            params[param.name] = {
                "name": param.name,
                "kind": "POSITIONAL_OR_KEYWORD",
                "default": default if param.default is not inspect.Parameter.empty else None,
                "annotation": str(param.annotation),
                "doc": None,
            }
        methods[name] = {
            "signature": f"({', '.join(params)})",
            "parameters": params,
            "return": {"annotation": "", "doc": None},
            "raise": {},
            "doc": (func.__doc__ or "").strip(),
            "api": ["model"] if kind == "model" else [],
            "model": model,
            "module": "base",
        }
    return {
        "model": model,
        "name": type(records)._description,
        "doc": "",
        "fields": env.sudo()[model].fields_get(),
        "methods": methods,
    }
