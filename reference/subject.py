"""The one boundary to the implementation under test (the subject): loading it, naming what it
lacks, and calling it as the tutorial does.

An implementation is a module or a ``.py`` file with the tutorial's API (see README). The
functions here call it exactly as the tutorial's own code would, and return its numbers
under the quantity names of :mod:`reference.records.tutorial`, so both sides compare name by name.
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

from reference import notebooks
from reference.quantities import output_names

Arrays = dict[str, np.ndarray]

DEFAULT_IMPL = "scratch"


class ImplementationError(Exception):
    """The implementation cannot be checked at all: not found, or it fails to import."""


def load_impl(spec: str, run_all: bool = False) -> ModuleType:
    """Import ``spec`` (a dotted module name, a path to a .py file or to a notebook).

    A file is imported under its own name with its stdout captured: the tutorial's code,
    saved unchanged, trains and prints at import. A notebook's definitions are run (every
    statement with ``run_all``; reference.notebooks). What it lacks of the API is not an
    error here: :func:`missing` names it, and only the checks that need it fail.
    """
    path = Path(spec).expanduser()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            if notebooks.is_notebook(spec):
                module = _load_notebook(path, run_all)
            elif spec.endswith(".py") or path.is_file():
                if not path.is_file():
                    raise ImplementationError(f"implementation file not found: {spec}")
                module_name = f"_impl_{path.stem}"
                loader_spec = importlib.util.spec_from_file_location(module_name, path)
                if loader_spec is None or loader_spec.loader is None:
                    raise ImplementationError(f"cannot import {spec} as a Python file")
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
    except ImplementationError:
        raise
    except notebooks.NotebookError as exc:
        raise ImplementationError(str(exc)) from None
    except Exception as exc:  # any failure to import is the implementation's, and named
        raise ImplementationError(f"cannot import implementation {spec!r}: {exc!r}") from exc
    return module


def _load_notebook(path: Path, run_all: bool) -> ModuleType:
    source = notebooks.script(path, run_all)
    module = ModuleType(f"_impl_{path.stem}")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module
    # As in Jupyter: the notebook's folder is importable (a helper module beside it).
    sys.path.insert(0, str(path.resolve().parent))
    try:
        exec(compile(source, str(path), "exec"), module.__dict__)
    finally:
        sys.path.remove(str(path.resolve().parent))
    return module


def impl_id(spec: str) -> str:
    """A short name for test ids and reports: a file's stem, or the module name."""
    return Path(spec).stem if spec.endswith((".py", notebooks.SUFFIX)) else spec


def _instance(cls: type) -> Any:
    """A small instance: layers with a shape take (in_features, out_features) = (1, 1), the
    two-layer network (in_features, hidden_features, out_features) = (1, 1, 1)."""
    for args in ((1, 1), (1, 1, 1), ()):
        try:
            return cls(*args)
        except TypeError:
            continue
    return cls()


def missing(impl: ModuleType, needs: tuple[str, ...] | list[str]) -> list[str]:
    """What of ``needs`` ("Class", "Class.attribute", "Class.a|b") the implementation lacks."""
    out: list[str] = []
    instances: dict[str, Any] = {}
    for need in dict.fromkeys(needs):
        cls_name, _, attributes = need.partition(".")
        if cls_name not in instances:
            cls = getattr(impl, cls_name, None)
            if cls is None:
                out.append(f"class {cls_name}")
                instances[cls_name] = None
                continue
            try:
                instances[cls_name] = _instance(cls)
            except Exception as exc:
                out.append(f"{cls_name}(...) could not be built: {exc!r}")
                instances[cls_name] = None
        instance = instances[cls_name]
        options = attributes.split("|")
        if attributes and instance is not None and not any(hasattr(instance, a) for a in options):
            out.append(" or ".join(f"{cls_name}.{a}" for a in options))
    return out


def bce_backward(loss: Any) -> Any:
    """The loss's backward method: the tutorial's spelling ``backwards``, or ``backward``."""
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


def new_two_layer(impl: ModuleType, a: Arrays) -> Any:
    """The implementation's TwoLayerNetwork with the weights, activation and reduction of a."""
    n_hidden, n_in = a["W1"].shape
    net = impl.TwoLayerNetwork(
        n_in,
        n_hidden,
        a["W2"].shape[0],
        activation=str(a["activation"]),
        reduction=str(a["reduction"]),
    )
    for k in (1, 2):
        linear = getattr(net, f"linear{k}")
        linear.weight, linear.bias = a[f"W{k}"].copy(), a[f"b{k}"].copy()
    return net


def network_partials(impl: ModuleType, net: Any, x: np.ndarray, y: np.ndarray) -> Arrays:
    """The sample's summed loss and its gradients, chained from the implementation's layers
    exactly as the tutorial's update_weights chains them."""
    sigmoid, loss = impl.Sigmoid(), impl.BinaryCrossEntropyLoss()
    z = net.linear1.forward(x)
    yhat = sigmoid.forward(z)
    dl_dyhat = bce_backward(loss)(yhat, y).output_wrt_yhat
    dl_dz = dl_dyhat * sigmoid.backward(z).output_wrt_x
    linear = net.linear1.backward(x)
    return {
        "loss": np.asarray(net.forward_loss(x, y)),
        "dL/dyhat": np.asarray(dl_dyhat),
        "dL/dz": np.asarray(dl_dz),
        "dL/dW": np.outer(dl_dz, linear.output_wrt_weight),
        "dL/db": np.asarray(dl_dz * linear.output_wrt_bias),
    }


# How a network takes one step: the tutorial's two calls, a fused train_step, or a whole
# epoch of one sample by train_epoch(X, Y, lr), where the implementation has them
# (scratch.stable has train_step; scratch.compiled both); the checks take every path it has.
STEP_PATHS = ("two-calls", "train_step", "train_epoch")


def step_paths(impl: ModuleType) -> tuple[str, ...]:
    network = getattr(impl, "MyNetwork", None)
    return tuple(p for p in STEP_PATHS if p == "two-calls" or hasattr(network, p))


def step(net: Any, x: np.ndarray, y: np.ndarray, lr: float, path: str = "two-calls") -> Arrays:
    """One step (forward_loss then update_weights, train_step, or train_epoch on one sample);
    the loss before the update and the new weights."""
    if path == "train_step":
        loss = net.train_step(x, y, lr)
    elif path == "train_epoch":
        loss = net.train_epoch(x[np.newaxis], y[np.newaxis], lr)[0]
    else:
        loss = net.forward_loss(x, y)
        net.update_weights(x, y, lr)
    return {"loss": np.asarray(loss), "W": net.linear1.weight, "b": net.linear1.bias}


def weight_gradient(upstream: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dL/dW from dL/dz and a Linear's output_wrt_weight (its input): the tutorial's outer
    product for one sample, summed over a mini-batch."""
    return np.outer(upstream, x) if np.ndim(x) == 1 else np.asarray(upstream).T @ x


def bias_gradient(upstream: np.ndarray, ones: np.ndarray) -> np.ndarray:
    """dL/db from dL/dz and a Linear's output_wrt_bias, summed over a mini-batch."""
    g = np.asarray(upstream * ones)
    return g if g.ndim == 1 else g.sum(axis=0)


def chained_partials(net: Any, attributes: tuple[str, ...], x: np.ndarray, y: np.ndarray) -> Arrays:
    """The loss and every gradient of a network of layers (its ``attributes``, in forward
    order), chained from the implementation's own partials as the harness derives them:
    a Linear gives dL/dW = g^T x, dL/db = g summed, and passes g @ output_wrt_x down; an
    activation multiplies g by its output_wrt_x. Names as :class:`reference.twin.SequentialTwin`.
    """
    layers = [getattr(net, a) for a in attributes]
    is_linear = [a.startswith("linear") for a in attributes]
    names, suffixes = output_names(is_linear)
    inputs, out = [], x
    for layer in layers:
        inputs.append(out)
        out = layer.forward(out)
    g = bce_backward(net.loss)(out, y).output_wrt_yhat
    grads: Arrays = {"loss": np.asarray(net.forward_loss(x, y))}
    linear_index = sum(is_linear)
    for k in reversed(range(len(layers))):
        grads[f"dL/d{names[k]}"] = np.asarray(g)
        if is_linear[k]:
            linear_index -= 1
            suffix = suffixes[linear_index]
            partials = layers[k].backward(inputs[k])
            grads["dL/dW" + suffix] = weight_gradient(g, partials.output_wrt_weight)
            grads["dL/db" + suffix] = bias_gradient(g, partials.output_wrt_bias)
            if k > 0:
                g = g @ partials.output_wrt_x
        else:
            g = g * layers[k].backward(inputs[k]).output_wrt_x
    return grads
