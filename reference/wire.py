"""What crosses from an implementation's process to the harness: plain data, as strict JSON.

Never pickle: unpickling what the other side sent would run its code on the harness's side.
An array crosses as its dtype (numbers, booleans and strings only), shape and bytes; a
NumPy subclass (``np.matrix``) keeps its name, so that a check can say what was returned;
NaN and inf cross as themselves. Anything else (an object the implementation returned) crosses
as its type's name and repr, a value no check accepts.
"""

from __future__ import annotations

import base64
import json
import math
import warnings
from typing import Any

import numpy as np

__all__ = ["Foreign", "WireError", "decode", "encode"]

# dtype kinds an array may cross with: booleans, integers, floats, complex, strings.
KINDS = "biufcU"


class WireError(ValueError):
    """What came across is not data this side reads."""


class Foreign(str):
    """An object of a type that does not cross: its type's name and repr."""


def _encode(obj: Any) -> Any:
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else {"float": repr(obj)}
    if isinstance(obj, np.generic):
        return _encode(np.asarray(obj)) if obj.dtype.kind in KINDS else _foreign(obj)
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind not in KINDS:
            return _foreign(obj)
        base = np.asarray(obj, order="C")  # a 0-d array stays 0-d, a subclass becomes its base
        return {
            "array": base.dtype.str,
            "shape": list(base.shape),
            "bytes": base64.b64encode(base.tobytes()).decode(),
            "subclass": "" if type(obj) is np.ndarray else type(obj).__name__,
        }
    if isinstance(obj, tuple):
        return {"tuple": [_encode(v) for v in obj]}
    if isinstance(obj, list):
        return [_encode(v) for v in obj]
    if isinstance(obj, dict) and all(isinstance(k, str) for k in obj):
        return {"dict": {k: _encode(v) for k, v in obj.items()}}
    return _foreign(obj)


def _foreign(obj: Any) -> dict[str, str]:
    return {"foreign": f"{type(obj).__name__}: {obj!r:.200}"}


def encode(obj: Any) -> bytes:
    return json.dumps(_encode(obj), allow_nan=False).encode()


def _decode(obj: Any) -> Any:
    if obj is None or isinstance(obj, bool | int | str | float):
        return obj
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    if not isinstance(obj, dict) or (len(obj) != 1 and "array" not in obj):
        raise WireError(f"not data: {str(obj)[:80]}")
    if "float" in obj:
        return float(obj["float"])
    if "tuple" in obj:
        return tuple(_decode(v) for v in obj["tuple"])
    if "dict" in obj:
        return {str(k): _decode(v) for k, v in obj["dict"].items()}
    if "foreign" in obj:
        return Foreign(obj["foreign"])
    if "array" in obj:
        dtype = np.dtype(obj["array"])
        if dtype.kind not in KINDS:
            raise WireError(f"an array of {dtype} does not cross")
        shape = tuple(int(n) for n in obj["shape"])
        data = np.frombuffer(base64.b64decode(obj["bytes"]), dtype=dtype)
        array = data.reshape(shape).copy()
        if obj.get("subclass") != "matrix":
            return array
        with warnings.catch_warnings():  # np.matrix's notice is for whoever chose it
            warnings.simplefilter("ignore", PendingDeprecationWarning)
            return np.asmatrix(array)
    raise WireError(f"not data: {str(obj)[:80]}")


def decode(message: bytes) -> Any:
    try:
        return _decode(json.loads(message))
    except (ValueError, TypeError, KeyError) as exc:
        raise WireError(f"what came across is not data: {exc}") from None
