"""Implementations: loading one, checking its contract, and reading its partials by name.

An implementation is a module or a ``.py`` file with the tutorial's API (see README). The
functions here call it exactly as the tutorial's own code would, and return its numbers
under the quantity names of :mod:`reference.twin`, so both sides compare name by name.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

Arrays = dict[str, np.ndarray]

DEFAULT_IMPL = "scratch"


class ContractError(Exception):
    """The implementation lacks part of the tutorial's API."""


def load_impl(spec: str) -> ModuleType:
    """Import ``spec`` (a dotted module name or a path to a .py file) and check its contract.

    A file is imported under its own name with its stdout captured: the tutorial's code,
    saved unchanged, trains and prints at import.
    """
    path = Path(spec)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            if spec.endswith(".py") or path.is_file():
                if not path.is_file():
                    raise ContractError(f"implementation file not found: {spec}")
                module_name = f"_impl_{path.stem}"
                loader_spec = importlib.util.spec_from_file_location(module_name, path)
                if loader_spec is None or loader_spec.loader is None:
                    raise ContractError(f"cannot import {spec} as a Python file")
                module = importlib.util.module_from_spec(loader_spec)
                sys.modules[module_name] = module
                # As when a script runs: its own folder is importable while it loads.
                sys.path.insert(0, str(path.resolve().parent))
                try:
                    loader_spec.loader.exec_module(module)
                finally:
                    sys.path.remove(str(path.resolve().parent))
            else:
                module = importlib.import_module(spec)
    except ContractError:
        raise
    except Exception as exc:  # any failure to import is the implementation's, and named
        raise ContractError(f"cannot import implementation {spec!r}: {exc!r}") from exc
    check_contract(module, spec)
    return module


# What the harness calls: class -> required attributes (checked on a small instance).
CONTRACT: dict[str, tuple[str, ...]] = {
    "Linear": ("weight", "bias", "forward", "backward"),
    "Sigmoid": ("forward", "backward"),
    "BinaryCrossEntropyLoss": ("forward",),
    "MyNetwork": ("linear1", "forward_loss", "update_weights"),
}


def check_contract(module: ModuleType, spec: str) -> None:
    """Raise ContractError naming everything the module lacks."""
    missing: list[str] = []
    for cls_name, attributes in CONTRACT.items():
        cls = getattr(module, cls_name, None)
        if cls is None:
            missing.append(f"class {cls_name}")
            continue
        try:
            instance = cls(1, 1) if cls_name in ("Linear", "MyNetwork") else cls()
        except Exception as exc:
            missing.append(f"{cls_name}(...) could not be built: {exc!r}")
            continue
        missing += [f"{cls_name}.{a}" for a in attributes if not hasattr(instance, a)]
        if cls_name == "BinaryCrossEntropyLoss" and not (
            hasattr(instance, "backwards") or hasattr(instance, "backward")
        ):
            missing.append("BinaryCrossEntropyLoss.backwards (or .backward)")
    if missing:
        raise ContractError(
            f"implementation {spec!r} breaks the tutorial's API; missing: " + ", ".join(missing)
        )


def _bce_backward(loss: Any) -> Any:
    return loss.backwards if hasattr(loss, "backwards") else loss.backward


def new_linear(impl: ModuleType, weight: np.ndarray, bias: np.ndarray) -> Any:
    """The implementation's Linear, holding the given weight and bias."""
    out_features, in_features = weight.shape
    linear = impl.Linear(in_features, out_features)
    linear.weight, linear.bias = weight.copy(), bias.copy()
    return linear


def new_network(
    impl: ModuleType, weight: np.ndarray, bias: np.ndarray, dtype: Any | None = None
) -> Any:
    """The implementation's MyNetwork, holding the given weight and bias (cast to dtype)."""
    out_features, in_features = weight.shape
    net = impl.MyNetwork(in_features, out_features)
    dtype = weight.dtype if dtype is None else dtype
    net.linear1.weight, net.linear1.bias = weight.astype(dtype), bias.astype(dtype)
    return net


def bce_partials(impl: ModuleType, yhat: np.ndarray, y: np.ndarray) -> Arrays:
    loss = impl.BinaryCrossEntropyLoss()
    return {
        "loss": np.asarray(loss.forward(yhat, y)),
        "dL/dyhat": np.asarray(_bce_backward(loss)(yhat, y).output_wrt_yhat),
    }


def sigmoid_partials(impl: ModuleType, z: np.ndarray) -> Arrays:
    sigmoid = impl.Sigmoid()
    return {
        "yhat": np.asarray(sigmoid.forward(z)),
        "dyhat/dz": np.asarray(sigmoid.backward(z).output_wrt_x),
    }


def linear_partials(
    impl: ModuleType, weight: np.ndarray, bias: np.ndarray, x: np.ndarray
) -> Arrays:
    """z, and d(sum z)/dW and d(sum z)/db built from the layer's partials as the tutorial's
    update_weights uses them: the outer product with an upstream gradient of ones."""
    linear = new_linear(impl, weight, bias)
    partials = linear.backward(x)
    ones = np.ones_like(bias)
    return {
        "z": np.asarray(linear.forward(x)),
        "dz/dW": np.outer(ones, partials.output_wrt_weight),
        "dz/db": ones * partials.output_wrt_bias,
    }


def network_partials(impl: ModuleType, net: Any, x: np.ndarray, y: np.ndarray) -> Arrays:
    """The sample's summed loss and its gradients, chained from the implementation's layers
    exactly as the tutorial's update_weights chains them."""
    sigmoid, loss = impl.Sigmoid(), impl.BinaryCrossEntropyLoss()
    z = net.linear1.forward(x)
    yhat = sigmoid.forward(z)
    dl_dyhat = _bce_backward(loss)(yhat, y).output_wrt_yhat
    dl_dz = dl_dyhat * sigmoid.backward(z).output_wrt_x
    linear = net.linear1.backward(x)
    return {
        "loss": np.asarray(net.forward_loss(x, y)),
        "dL/dyhat": np.asarray(dl_dyhat),
        "dL/dz": np.asarray(dl_dz),
        "dL/dW": np.outer(dl_dz, linear.output_wrt_weight),
        "dL/db": np.asarray(dl_dz * linear.output_wrt_bias),
    }


# How a network takes one step: the tutorial's two calls, or a fused train_step where the
# implementation has one (scratch.stable does); the suite checks every path an impl offers.
STEP_PATHS = ("two-calls", "train_step")


def step_paths(impl: ModuleType) -> tuple[str, ...]:
    return tuple(p for p in STEP_PATHS if p == "two-calls" or hasattr(impl.MyNetwork, p))


def step(net: Any, x: np.ndarray, y: np.ndarray, lr: float, path: str = "two-calls") -> Arrays:
    """One step (forward_loss then update_weights, or train_step); the loss before the update
    and the new weights."""
    if path == "train_step":
        loss = net.train_step(x, y, lr)
    else:
        loss = net.forward_loss(x, y)
        net.update_weights(x, y, lr)
    return {"loss": np.asarray(loss), "W": net.linear1.weight, "b": net.linear1.bias}
