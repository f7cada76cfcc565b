"""Results as data: what a check found, in fields, until a report renders it.

A :class:`Result` is one check's outcome (its :class:`Status`) with the :class:`Finding`\\ s
behind it: for each quantity that did not simply match torch, its :class:`Grade`, the
convention or register cause that explains it, and the :class:`Evidence` (the input, the
implementation's value, torch's, the exact value, each side's error in ulps). Every report
(the ``check`` table, the pytest plugin, ``verify``, the evaluation) reads these fields;
nothing parses a message. Results pickle, and :meth:`Result.to_json` /
:meth:`Result.from_json` round-trip them losslessly (floats as their ``repr``, NaN and inf
as strings, so the JSON is strict).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

import numpy as np

__all__ = ["Evidence", "Finding", "Grade", "Quantity", "Result", "Status", "Value"]


class Status(StrEnum):
    """A check's outcome."""

    PASSED = "passed"
    KNOWN = "known"  # a registered divergence of the tutorial, or an expected failure
    FAILED = "failed"
    CANNOT_RUN = "cannot run"  # the implementation lacks what the check calls


class Grade(StrEnum):
    """What a value is, judged against torch's and the exact value (reference.verdicts)."""

    MATCHES_TORCH = "matches torch"
    CLOSER = "closer to the mathematics"
    CONVENTION = "named convention"
    KNOWN = "registered divergence"
    WRONG = "wrong"


def what(layer: str, quantity: str, check: str) -> str:
    """A layer and quantity as the reports name them; a check's kind where there is none."""
    return f"{layer} {quantity}".strip() or check.split("-")[0]


def _plain(x: float) -> float | str:
    return x if math.isfinite(x) else repr(x)  # 'nan', 'inf', '-inf': strict JSON


@dataclass(frozen=True, eq=False)
class Value:
    """An array as data: dtype, shape and its elements (float64 holds every float32 exactly).
    Two values are equal when every element has the same bits (NaN equals NaN, -0.0 is not
    0.0): the test of "unchanged" in a regression check."""

    dtype: str
    shape: tuple[int, ...]
    data: tuple[Any, ...]  # flattened, C order

    def _key(self) -> tuple[Any, ...]:
        return (self.dtype, self.shape, tuple(map(repr, self.data)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Value) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    @classmethod
    def of(cls, array: Any) -> Value:
        a = np.asarray(array)
        # tolist: Python floats and ints, as float() and int() of each element, at C speed.
        if a.dtype.kind in "fc":
            data: tuple[Any, ...] = tuple(a.astype(np.float64).ravel().tolist())
        elif a.dtype.kind in "biu":
            data = tuple(int(v) for v in a.ravel().tolist())  # a bool as 0 or 1
        else:
            data = tuple(str(v) for v in a.ravel())
        return cls(a.dtype.name, tuple(a.shape), data)

    def array(self) -> np.ndarray:
        if self.dtype.startswith(("str", "<U", "object")):
            return np.array(self.data).reshape(self.shape)
        return np.array(self.data, dtype=np.float64).astype(self.dtype).reshape(self.shape)

    def to_json(self) -> dict[str, Any]:
        # A float32's shortest repr is its own (0.1, not 0.10000000149011612): from_json reads
        # it back through the dtype, to the same bits.
        narrow = self.dtype in ("float32", "float16")
        short = (lambda v: float(str(np.dtype(self.dtype).type(v)))) if narrow else float
        data = [_plain(short(v)) if isinstance(v, float) else v for v in self.data]
        return {"dtype": self.dtype, "shape": list(self.shape), "data": data}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Value:
        dtype = d["dtype"]
        kind = np.dtype(dtype).kind if not dtype.startswith("str") else "U"
        if kind in "fc":
            exact = np.array([float(v) for v in d["data"]], np.float64).astype(dtype)
            data: tuple[Any, ...] = tuple(float(v) for v in exact.astype(np.float64))
        else:
            data = tuple(d["data"])
        return cls(dtype, tuple(d["shape"]), data)


@dataclass(frozen=True)
class Evidence:
    """The case a finding rests on: the input, both values, the exact value, the ulps."""

    inputs: dict[str, Value] = field(default_factory=dict)
    got: Value | None = None
    torch: Value | None = None
    exact: tuple[float, ...] | None = None  # the mathematics' value, nearest float64
    # Errors against the exact value in ulps of the dtype: "got", "torch", "tutorial"; and
    # against the clamped loss's own derivative: "got clamped", "torch clamped".
    ulps: dict[str, float] = field(default_factory=dict)
    differs_in: str = ""  # shape, dtype, NaN/inf, or value
    rtol: float | None = None
    atol: float | None = None
    slip: str = ""  # the catalogued slip that gives the same value here
    # Where the loss's clamp at 100 binds, the clamped function's own derivative (flat: 0),
    # beside the formula's (oracle.CLAMPED).
    clamped: tuple[float, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "inputs": {k: v.to_json() for k, v in self.inputs.items()},
            "got": self.got.to_json() if self.got else None,
            "torch": self.torch.to_json() if self.torch else None,
            "exact": [_plain(v) for v in self.exact] if self.exact is not None else None,
            "ulps": {k: _plain(v) for k, v in self.ulps.items()},
            "differs_in": self.differs_in,
            "rtol": self.rtol,
            "atol": self.atol,
            "slip": self.slip,
            "clamped": [_plain(v) for v in self.clamped] if self.clamped is not None else None,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Evidence:
        value = lambda v: Value.from_json(v) if v is not None else None  # noqa: E731
        return cls(
            inputs={k: Value.from_json(v) for k, v in d["inputs"].items()},
            got=value(d["got"]),
            torch=value(d["torch"]),
            exact=tuple(float(v) for v in d["exact"]) if d["exact"] is not None else None,
            ulps={k: float(v) for k, v in d["ulps"].items()},
            differs_in=d["differs_in"],
            rtol=d["rtol"],
            atol=d["atol"],
            slip=d["slip"],
            clamped=tuple(float(v) for v in d["clamped"]) if d["clamped"] is not None else None,
        )


@dataclass(frozen=True)
class Quantity:
    """One quantity a check compared, pass or fail: the implementation's value and the
    reference's (torch's, or a stored torch run's), with the tolerance it was held to and the
    input; ``exact`` is the mathematics' value where the verdict computed it. What a
    regression check compares between two versions (reference.regression)."""

    layer: str
    quantity: str
    got: Value | None  # None: not an array of numbers (it crossed as an object, or None)
    reference: Value
    rtol: float
    atol: float
    dtype: str  # the check's: its ulps count distances (a float32 run's losses sum in float64)
    inputs: dict[str, Value] = field(default_factory=dict)
    exact: tuple[float, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "layer": self.layer,
            "quantity": self.quantity,
            "got": self.got.to_json() if self.got else None,
            # Bit for bit the implementation's value, as it often is: said, not repeated.
            "reference": "got" if self.reference == self.got else self.reference.to_json(),
            "rtol": self.rtol,
            "atol": self.atol,
            "dtype": self.dtype,
            "inputs": {k: v.to_json() for k, v in self.inputs.items()},
        }
        if self.exact is not None:
            d["exact"] = [_plain(v) for v in self.exact]
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Quantity:
        got = Value.from_json(d["got"]) if d["got"] is not None else None
        reference = got if d["reference"] == "got" else Value.from_json(d["reference"])
        if reference is None:
            raise ValueError("a quantity's reference is 'got', and got is None")
        return cls(
            d["layer"],
            d["quantity"],
            got,
            reference,
            d["rtol"],
            d["atol"],
            d["dtype"],
            {k: Value.from_json(v) for k, v in d["inputs"].items()},
            tuple(float(v) for v in d["exact"]) if "exact" in d else None,
        )


@dataclass(frozen=True)
class Finding:
    """The verdict on one quantity that did not simply match torch.

    ``label`` is what the reports count it as ("closer to the mathematics than torch", "the
    convention 'eps-clip 1e-7'", a register cause); ``text`` the full report as first
    rendered (shown, never parsed).
    """

    layer: str
    quantity: str
    grade: Grade
    label: str = ""
    convention: str = ""
    cause: str = ""
    text: str = ""
    evidence: Evidence | None = None

    def to_json(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["grade"] = str(self.grade)
        d["evidence"] = self.evidence.to_json() if self.evidence else None
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Finding:
        evidence = Evidence.from_json(d["evidence"]) if d["evidence"] else None
        return cls(**{**d, "grade": Grade(d["grade"]), "evidence": evidence})


@dataclass(frozen=True)
class Result:
    """One check's outcome: its id, status, grade, and the findings behind them.

    A failure's ``layer`` and ``quantity`` name the first wrong quantity; ``message`` is the
    rendered text (the failure in full, or the notes of a pass); ``missing`` is what a check
    that cannot run needs and the implementation lacks; ``quantities`` every quantity it
    compared, in order, up to the first wrong one.
    """

    check: str
    status: Status
    message: str = ""
    layer: str = ""
    quantity: str = ""
    grade: Grade | None = None
    findings: tuple[Finding, ...] = ()
    missing: tuple[str, ...] = ()
    quantities: tuple[Quantity, ...] = ()

    @property
    def what(self) -> str:
        """What the reports call it: its first wrong layer and quantity, or its kind."""
        return what(self.layer, self.quantity, self.check)

    @property
    def failed(self) -> bool:
        return self.status in (Status.FAILED, Status.CANNOT_RUN)

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "status": str(self.status),
            "message": self.message,
            "layer": self.layer,
            "quantity": self.quantity,
            "grade": str(self.grade) if self.grade is not None else None,
            "findings": [f.to_json() for f in self.findings],
            "missing": list(self.missing),
            # The quantities of a check mostly share their input: each distinct one once.
            "inputs": [{k: v.to_json() for k, v in i.items()} for i in self._inputs()],
            "quantities": [
                {**q.to_json(), "inputs": self._inputs().index(q.inputs)} for q in self.quantities
            ],
        }

    def _inputs(self) -> list[dict[str, Value]]:
        distinct: list[dict[str, Value]] = []
        for q in self.quantities:
            if q.inputs not in distinct:
                distinct.append(q.inputs)
        return distinct

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Result:
        inputs = [{k: Value.from_json(v) for k, v in i.items()} for i in d["inputs"]]
        return cls(
            check=d["check"],
            status=Status(d["status"]),
            message=d["message"],
            layer=d["layer"],
            quantity=d["quantity"],
            grade=Grade(d["grade"]) if d["grade"] is not None else None,
            findings=tuple(Finding.from_json(f) for f in d["findings"]),
            missing=tuple(d["missing"]),
            quantities=tuple(
                replace(Quantity.from_json({**q, "inputs": {}}), inputs=inputs[q["inputs"]])
                for q in d["quantities"]
            ),
        )
