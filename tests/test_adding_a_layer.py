"""Adding a layer is adding a record (and its torch twin function): shown here with Tanh, the
hidden-layer activation a reader of the tutorial adds first. Every generic check (partials
against torch, the edges, finite differences) runs over it with no other change to the
harness; a tutorial-style Tanh passes them and a slip in its derivative fails them."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np
import torch

from reference.checks import all_checks, run_checks
from reference.layers import FDTarget, Layer

# --- the README's "adding a layer" diff starts here ----------------------------------------


def tanh_twin(a: dict[str, np.ndarray], device: str) -> dict[str, np.ndarray]:
    """nn.Tanh on its own: h and the diagonal of dh/dz, by autograd."""
    z = torch.as_tensor(a["z"], device=device).clone().requires_grad_(True)
    h = torch.nn.Tanh()(z)
    (grad,) = torch.autograd.grad(h.sum(), z)
    return {"h": h.detach().cpu().numpy(), "dh/dz": grad.cpu().numpy()}


def tanh_partials(impl: ModuleType, a: dict[str, np.ndarray], path: str) -> dict[str, Any]:
    tanh = impl.Tanh()
    return {"h": tanh.forward(a["z"]), "dh/dz": tanh.backward(a["z"]).output_wrt_x}


TANH = Layer(
    name="Tanh",
    needs=("Tanh", "Tanh.forward", "Tanh.backward"),
    sample=lambda seed, shape, dtype: {
        "z": np.random.default_rng(seed).normal(0.0, 2.0, shape[1]).astype(dtype)
    },
    partials=tanh_partials,
    torch=tanh_twin,
    edges=tuple({"z": z} for z in (-1000.0, -20.0, 0.0, 20.0, 1000.0)),
    fd=(
        FDTarget(
            "dh/dz",
            "z",
            "Tanh.backward(...).output_wrt_x",
            lambda impl, a: impl.Tanh().forward(a["z"]),
            lambda impl, a, g: g * tanh_partials(impl, a, "")["dh/dz"],
        ),
    ),
)

# --- and ends here (plus "h" and "dh/dz" in reference/tolerances.py) -----------------------


@dataclass
class TanhPartials:
    output_wrt_x: np.ndarray


class Tanh:
    """Tutorial style: tanh(x), and its derivative 1 - tanh(x)**2."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.tanh(x)

    def backward(self, x: np.ndarray) -> TanhPartials:
        return TanhPartials(1 - np.tanh(x) ** 2)


class TanhSlip(Tanh):
    """The slip: the square forgotten, 1 - tanh(x)."""

    def backward(self, x: np.ndarray) -> TanhPartials:
        return TanhPartials(1 - np.tanh(x))


def implementation(tanh: type) -> ModuleType:
    module = ModuleType("my_tanh")
    module.Tanh = tanh  # type: ignore[attr-defined]
    return module


def test_the_record_brings_every_kind_of_check() -> None:
    kinds = {check.id.split("-")[0] for check in all_checks(layers=(TANH,))}
    assert kinds == {"partials", "edge", "fd"}


def test_a_tutorial_style_tanh_passes() -> None:
    results = run_checks(implementation(Tanh), layers=(TANH,), expect="torch")
    assert {r.status for r in results} == {"passed"}, [r.message for r in results][:1]


def test_a_slip_in_its_derivative_fails_by_name() -> None:
    results = run_checks(implementation(TanhSlip), layers=(TANH,))
    failed = [r for r in results if r.status == "failed"]
    assert failed, "the forgotten square passed"
    assert {f"{r.layer} {r.quantity}" for r in failed} == {"Tanh dh/dz"}
