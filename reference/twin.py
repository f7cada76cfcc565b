"""The torch.nn twins of the tutorial's layers, and the partials autograd computes for them.

Every partial is returned under the harness's quantity names, the same for both sides (the
table in :mod:`reference.layers`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

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


def bce_partials(yhat: np.ndarray, y: np.ndarray, device: str = "cpu") -> Arrays:
    """nn.BCELoss on its own: the per-element loss and d(sum loss)/d yhat."""
    t_yhat = _tensor(yhat, device, yhat.dtype, grad=True)
    t_y = _tensor(y, device, y.dtype)
    loss = nn.BCELoss(reduction="none")(t_yhat, t_y)
    (grad,) = torch.autograd.grad(loss.sum(), t_yhat)
    return {"loss": _numpy(loss), "dL/dyhat": _numpy(grad)}


def sigmoid_partials(z: np.ndarray, device: str = "cpu") -> Arrays:
    """nn.Sigmoid on its own: yhat and the diagonal of d yhat / dz."""
    t_z = _tensor(z, device, z.dtype, grad=True)
    yhat = nn.Sigmoid()(t_z)
    (grad,) = torch.autograd.grad(yhat.sum(), t_z)
    return {"yhat": _numpy(yhat), "dyhat/dz": _numpy(grad)}


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


class TorchTwin:
    """The tutorial's network in torch.nn, started from given weights.

    ``nn.Linear`` -> ``nn.Sigmoid`` -> ``nn.BCELoss(reduction="sum")`` (the tutorial sums the
    per-element losses of a sample), trained by ``torch.optim.SGD`` one sample at a time.
    """

    def __init__(
        self,
        weight: np.ndarray,
        bias: np.ndarray,
        lr: float,
        device: str = "cpu",
        dtype: Any = np.float32,
    ) -> None:
        self.device = device
        self.dtype = np.dtype(dtype)
        self.linear = _linear(np.asarray(weight, self.dtype), np.asarray(bias, self.dtype), device)
        self.sigmoid = nn.Sigmoid()
        self.loss = nn.BCELoss(reduction="sum")
        self.optimizer = torch.optim.SGD(self.linear.parameters(), lr=lr)

    @classmethod
    def from_network(
        cls, net: Any, lr: float, device: str = "cpu", dtype: Any = np.float32
    ) -> TorchTwin:
        """The twin of a tutorial-API network, from that network's current weights."""
        return cls(net.linear1.weight, net.linear1.bias, lr, device, dtype)

    @property
    def weight(self) -> np.ndarray:
        return _numpy(self.linear.weight)

    @property
    def bias(self) -> np.ndarray:
        return _numpy(self.linear.bias)

    def _inputs(self, x: np.ndarray, y: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        return _tensor(x, self.device, self.dtype), _tensor(y, self.device, self.dtype)

    def forward_loss(self, x: np.ndarray, y: np.ndarray) -> float:
        t_x, t_y = self._inputs(x, y)
        with torch.no_grad():
            return float(self.loss(self.sigmoid(self.linear(t_x)), t_y))

    def partials(self, x: np.ndarray, y: np.ndarray) -> Arrays:
        """Every network-level partial of one sample, by autograd; the weights do not change."""
        t_x, t_y = self._inputs(x, y)
        z = self.linear(t_x)
        z.retain_grad()
        yhat = self.sigmoid(z)
        yhat.retain_grad()
        loss = self.loss(yhat, t_y)
        self.linear.zero_grad()
        loss.backward()
        out = {
            "loss": _numpy(loss),
            "dL/dyhat": _numpy(yhat.grad),
            "dL/dz": _numpy(z.grad),
            "dL/dW": _numpy(self.linear.weight.grad),
            "dL/db": _numpy(self.linear.bias.grad),
        }
        self.linear.zero_grad()
        return out

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        """One SGD step on one sample; returns the loss before the update."""
        return self.step_tensors(*self._inputs(x, y))

    def step_tensors(self, t_x: torch.Tensor, t_y: torch.Tensor) -> float:
        """The torch loop's step, on tensors already on the device: zero_grad, forward,
        BCELoss, backward, SGD step, and ``.item()`` (which waits for the device)."""
        self.optimizer.zero_grad()
        loss = self.loss(self.sigmoid(self.linear(t_x)), t_y)
        loss.backward()
        self.optimizer.step()
        return loss.item()
