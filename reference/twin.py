"""The torch.nn twins of the layers and networks, and the partials autograd computes for them.

Every partial is returned under the harness's quantity names, the same for both sides (the
table in :mod:`reference.records.tutorial`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import numpy as np

from reference.quantities import output_names


class _OnFirstUse:
    """A module imported when first used: torch is loaded where torch's values are computed,
    never in an implementation's process (reference.isolation), which only drives it."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)


if TYPE_CHECKING:
    import torch
    from torch import nn
else:
    torch, nn = _OnFirstUse("torch"), _OnFirstUse("torch.nn")

Arrays = dict[str, np.ndarray]


def torch_dtype(dtype: Any) -> torch.dtype:
    return {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64}[
        np.dtype(dtype)
    ]


def _tensor(a: Any, device: str, dtype: Any, grad: bool = False) -> torch.Tensor:
    t = torch.as_tensor(np.asarray(a), dtype=torch_dtype(dtype), device=device).clone()
    return t.requires_grad_(grad)


def _numpy(t: torch.Tensor | None) -> np.ndarray:
    if t is None:
        raise RuntimeError("autograd left no gradient where one was expected")
    return t.detach().cpu().numpy()


def bce_partials(
    yhat: np.ndarray, y: np.ndarray, device: str = "cpu", reduction: str = "sum"
) -> Arrays:
    """nn.BCELoss on its own: the per-element loss and d(sum or mean of the loss)/d yhat."""
    t_yhat = _tensor(yhat, device, yhat.dtype, grad=True)
    t_y = _tensor(y, device, y.dtype)
    loss = nn.BCELoss(reduction="none")(t_yhat, t_y)
    reduced = nn.BCELoss(reduction=reduction)(t_yhat, t_y)
    (grad,) = torch.autograd.grad(reduced, t_yhat)
    return {"loss": _numpy(loss), "dL/dyhat": _numpy(grad)}


def sigmoid_partials(z: np.ndarray, device: str = "cpu") -> Arrays:
    """nn.Sigmoid on its own: yhat and the diagonal of d yhat / dz."""
    t_z = _tensor(z, device, z.dtype, grad=True)
    yhat = nn.Sigmoid()(t_z)
    (grad,) = torch.autograd.grad(yhat.sum(), t_z)
    return {"yhat": _numpy(yhat), "dyhat/dz": _numpy(grad)}


def activation_partials(kind: str, z: np.ndarray, device: str = "cpu") -> Arrays:
    """An activation of TORCH_LAYERS on its own: h and the diagonal of dh/dz."""
    t_z = _tensor(z, device, z.dtype, grad=True)
    h = torch_layer(kind)(t_z)
    (grad,) = torch.autograd.grad(h.sum(), t_z)
    return {"h": _numpy(h), "dh/dz": _numpy(grad)}


def linear_batch_partials(
    weight: np.ndarray, bias: np.ndarray, x: np.ndarray, device: str = "cpu"
) -> Arrays:
    """nn.Linear on one sample or a batch: z and d(sum z)/dW, /db and /dx."""
    linear = _linear(weight, bias, device)
    t_x = _tensor(x, device, x.dtype, grad=True)
    z = linear(t_x)
    z.sum().backward()
    return {
        "z": _numpy(z),
        "dz/dW": _numpy(linear.weight.grad),
        "dz/db": _numpy(linear.bias.grad),
        "dz/dx": _numpy(t_x.grad),
    }


def linear_partials(
    weight: np.ndarray, bias: np.ndarray, x: np.ndarray, device: str = "cpu"
) -> Arrays:
    """nn.Linear on its own, with the given parameters: z and d(sum z)/dW, d(sum z)/db."""
    linear = _linear(weight, bias, device)
    z = linear(_tensor(x, device, x.dtype))
    z.sum().backward()
    return {"z": _numpy(z), "dz/dW": _numpy(linear.weight.grad), "dz/db": _numpy(linear.bias.grad)}


def _linear(weight: np.ndarray, bias: np.ndarray, device: str) -> nn.Linear:
    out_features, in_features = weight.shape
    linear = nn.Linear(in_features, out_features, device=device, dtype=torch_dtype(weight.dtype))
    with torch.no_grad():
        linear.weight.copy_(torch.as_tensor(weight))
        linear.bias.copy_(torch.as_tensor(bias))
    return linear


# --- any network of known layers: nn.Sequential mapped layer by layer -----------------------

# The implementation's layer class name -> the name of its torch.nn module (Linear takes
# its weights).
TORCH_LAYERS: dict[str, str] = {
    "Linear": "Linear",
    "Sigmoid": "Sigmoid",
    "Tanh": "Tanh",
    "ReLU": "ReLU",
}


def torch_layer(kind: str) -> nn.Module:
    """A new torch.nn module of the mapped kind (an activation; Linear is built with its
    weights)."""
    module: nn.Module = getattr(nn, TORCH_LAYERS[kind])()
    return module


# A network as data: ("Linear", (W, b)) or ("Tanh", ()), in the order the forward pass runs.
LayerSpec = tuple[str, tuple[np.ndarray, ...]]


def layer_specs(net: Any, attributes: tuple[str, ...]) -> list[LayerSpec]:
    """The implementation's own layers, read by class name, with their current weights."""
    specs: list[LayerSpec] = []
    for attribute in attributes:
        layer = getattr(net, attribute)
        kind = type(layer).__name__
        if kind not in TORCH_LAYERS:
            raise ValueError(
                f"{attribute} is a {kind}: no torch.nn mapping for it in reference.twin."
                f"TORCH_LAYERS (known: {', '.join(TORCH_LAYERS)})"
            )
        params = (layer.weight, layer.bias) if kind == "Linear" else ()
        specs.append((kind, tuple(np.asarray(p) for p in params)))
    return specs


class SequentialTwin:
    """A network of known layers in torch.nn: ``nn.Sequential`` built layer by layer from
    specs (:func:`layer_specs`), ``nn.BCELoss(reduction)``, trained by ``torch.optim.SGD``.

    Quantity names follow the layers: the k-th Linear's output, weight and bias are ``zk``,
    ``Wk``, ``bk`` (``z``, ``W``, ``b`` where there is one Linear), the hidden activation's
    output is ``h``, the final sigmoid's ``yhat``.
    """

    def __init__(
        self,
        specs: list[LayerSpec],
        reduction: str,
        lr: float,
        device: str = "cpu",
        dtype: Any = np.float32,
    ) -> None:
        self.device, self.dtype = device, np.dtype(dtype)
        modules: list[nn.Module] = []
        for kind, params in specs:
            if kind == "Linear":
                weight, bias = (np.asarray(p, self.dtype) for p in params)
                modules.append(_linear(weight, bias, device))
            else:
                modules.append(torch_layer(kind))
        self.model = nn.Sequential(*modules)
        self.linears = [m for m in modules if isinstance(m, nn.Linear)]
        self.loss = nn.BCELoss(reduction=reduction)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=lr)
        self.names, self.suffixes = output_names([kind == "Linear" for kind, _ in specs])

    def params(self) -> Arrays:
        """The current weights, copied: W1, b1, W2, b2 (W, b with one Linear)."""
        out = {}
        for suffix, linear in zip(self.suffixes, self.linears, strict=True):
            # Copies: on the CPU .numpy() shares the tensor's memory, which SGD moves on.
            out["W" + suffix] = _numpy(linear.weight).copy()
            out["b" + suffix] = _numpy(linear.bias).copy()
        return out

    def partials(self, x: np.ndarray, y: np.ndarray) -> Arrays:
        """The loss and dL/d(every output, weight and bias), by autograd; no step."""
        out = _tensor(x, self.device, self.dtype)
        kept = []
        for module in self.model:
            out = module(out)
            out.retain_grad()
            kept.append(out)
        loss = self.loss(out, _tensor(y, self.device, self.dtype))
        self.model.zero_grad()
        loss.backward()
        # In the order backpropagation derives them: dL/dyhat, dL/dz2, dL/dW2, dL/db2, dL/dh...
        grads = {"loss": _numpy(loss)}
        linears = iter(zip(reversed(self.suffixes), reversed(self.linears), strict=True))
        for name, module, t in reversed(list(zip(self.names, self.model, kept, strict=True))):
            grads[f"dL/d{name}"] = _numpy(t.grad)
            if isinstance(module, nn.Linear):
                suffix, linear = next(linears)
                grads["dL/dW" + suffix] = _numpy(linear.weight.grad)
                grads["dL/db" + suffix] = _numpy(linear.bias.grad)
        self.model.zero_grad()
        return grads

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        """One SGD step on a sample or a mini-batch; returns the loss before the update."""
        self.optimizer.zero_grad()
        t_x, t_y = _tensor(x, self.device, self.dtype), _tensor(y, self.device, self.dtype)
        loss = self.loss(self.model(t_x), t_y)
        loss.backward()
        self.optimizer.step()
        return loss.item()


class TorchTwin(SequentialTwin):
    """The tutorial's network in torch.nn, started from given weights: ``nn.Linear`` ->
    ``nn.Sigmoid`` -> ``nn.BCELoss(reduction="sum")`` (the tutorial sums the per-element losses
    of a sample), trained by ``torch.optim.SGD`` one sample at a time."""

    def __init__(
        self,
        weight: np.ndarray,
        bias: np.ndarray,
        lr: float,
        device: str = "cpu",
        dtype: Any = np.float32,
    ) -> None:
        super().__init__([("Linear", (weight, bias)), ("Sigmoid", ())], "sum", lr, device, dtype)
        self.linear: nn.Linear = self.linears[0]
        self.sigmoid: nn.Module = self.model[1]

    @property
    def weight(self) -> np.ndarray:
        return _numpy(self.linear.weight)

    @property
    def bias(self) -> np.ndarray:
        return _numpy(self.linear.bias)

    def step_tensors(self, t_x: torch.Tensor, t_y: torch.Tensor) -> float:
        """The torch loop's step, on tensors already on the device: zero_grad, forward,
        BCELoss, backward, SGD step, and ``.item()`` (which waits for the device)."""
        self.optimizer.zero_grad()
        loss = self.loss(self.sigmoid(self.linear(t_x)), t_y)
        loss.backward()
        self.optimizer.step()
        return loss.item()
