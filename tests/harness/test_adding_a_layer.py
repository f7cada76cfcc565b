"""Adding a layer is adding a record and a torch mapping: ReLU was added so (the README shows
the diff). Every generic check runs over it with no other change to the harness; a
tutorial-style ReLU passes them, a slip in its derivative fails them by name, and the one
choice the mathematics leaves open (the derivative at 0) is told apart from a slip."""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any, ClassVar

import mpmath
import numpy as np
import pytest
import torch

import scratch.grown
import scratch.stable
from reference import oracle
from reference.__main__ import _parser
from reference.checks import all_checks, run_checks
from reference.records.grown import ACTIVATIONS, RELU, TWO_LAYER, activation_record
from reference.training import Setup
from reference.twin import TORCH_LAYERS
from tests.paths import ROOT


def implementation(**classes: type) -> ModuleType:
    module = ModuleType("my_relu")
    for name, cls in classes.items():
        setattr(module, name, cls)
    return module


class ReLUSlip(scratch.grown.ReLU):
    """The slip: the derivative as the output, max(x, 0), instead of the step."""

    def backward(self, x: np.ndarray) -> scratch.grown.ActivationPartials:
        return scratch.grown.ActivationPartials(np.maximum(x, 0))


class ReLUOneAtZero(scratch.grown.ReLU):
    """x >= 0: the derivative 1 at 0, a subgradient as valid as torch's 0."""

    def backward(self, x: np.ndarray) -> scratch.grown.ActivationPartials:
        return scratch.grown.ActivationPartials((x >= 0).astype(x.dtype))


def test_the_record_brings_every_kind_of_check() -> None:
    kinds = {check.id.split("-")[0] for check in all_checks(layers=(RELU,))}
    # state: its backward after a forward on another input (the record's after_forward);
    # layout: its inputs as strided views.
    assert kinds == {"partials", "edge", "fd", "state", "layout"}


def test_a_tutorial_style_relu_passes() -> None:
    results = run_checks(implementation(ReLU=scratch.grown.ReLU), layers=(RELU,), expect="torch")
    assert {r.status for r in results} == {"passed"}, [r.message for r in results][:1]


def test_a_slip_in_its_derivative_fails_by_name() -> None:
    results = run_checks(implementation(ReLU=ReLUSlip), layers=(RELU,))
    failed = [r for r in results if r.status == "failed"]
    assert failed, "the derivative taken as the output passed"
    assert {f"{r.layer} {r.quantity}" for r in failed} == {"ReLU dh/dz"}


def test_the_derivative_one_at_zero_is_a_convention_at_the_layer() -> None:
    """At z = 0 alone, 1 is named as the other convention (a pass, noted), and fails only
    under --expect torch; everywhere else it is torch's value."""
    impl = implementation(ReLU=ReLUOneAtZero)
    results = run_checks(impl, layers=(RELU,), select=lambda i: i.startswith("edge-"))
    at_zero = [r for r in results if re.search(r"z=-?0-", r.check)]
    assert len(at_zero) == 4
    assert all(r.status == "passed" and "relu'(0) = 1" in r.message for r in at_zero)
    assert all(r.status == "passed" and not r.message for r in results if r not in at_zero)
    strict = run_checks(impl, layers=(RELU,), expect="torch", select=lambda i: "z=0-" in i)
    assert {r.status for r in strict} == {"failed"}


def test_the_derivative_one_at_zero_is_a_slip_where_it_changes_a_result() -> None:
    """In the two-layer network, a sample with its hidden unit at exactly 0 (the edge grid's
    second sample) gets a b1 gradient that torch's does not: that is wrong, with evidence."""
    relu_module = ModuleType("relu_one")
    relu_module.__dict__.update(vars(scratch.stable))

    class Network(scratch.stable.TwoLayerNetwork):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            if isinstance(self.activation, scratch.grown.ReLU):
                self.activation = ReLUOneAtZero()

    relu_module.TwoLayerNetwork = Network  # type: ignore[attr-defined]
    results = run_checks(
        relu_module,
        layers=(TWO_LAYER,),
        select=lambda i: i.startswith("edge-TwoLayerNetwork-float64-z=20,y=1"),
    )
    (result,) = results
    assert result.status == "failed"
    assert f"{result.layer} {result.quantity}" == "TwoLayerNetwork dL/db1"
    assert "exact value" in result.message


def test_the_readme_shows_the_relu_diff_as_it_is_in_the_code() -> None:
    """Every added line of the README's diff is a line of the file it names."""
    readme = (ROOT / "README.md").read_text()
    diff = readme.split("## Adding a layer")[1].split("```diff\n")[1].split("```")[0]
    files = re.split(r"^diff --git a/\S+ b/(\S+)\n", diff, flags=re.M)[1:]
    assert {files[i] for i in range(0, len(files), 2)} == {
        "reference/records/grown.py",
        "reference/twin.py",
    }
    for path, body in zip(files[::2], files[1::2], strict=True):
        source = (ROOT / path).read_text().splitlines()
        added = [
            line[1:] for line in body.splitlines() if line.startswith("+") and line[1:4] != "++ "
        ]
        assert added, path
        missing = [line for line in added if line not in source]
        assert not missing, f"{path}: {missing[:3]}"


@pytest.mark.parametrize(
    ("activation", "module"),
    [("relu", torch.nn.ReLU), ("tanh", torch.nn.Tanh), ("sigmoid", torch.nn.Sigmoid)],
)
def test_the_network_maps_each_activation_to_torch(activation: str, module: type) -> None:
    """The twin of an implementation's network is its own layers, mapped one by one."""
    from reference.twin import SequentialTwin, layer_specs

    net = scratch.grown.TwoLayerNetwork(3, 4, 1, activation=activation)
    specs = layer_specs(net, ("linear1", "activation", "linear2", "sigmoid"))
    model = SequentialTwin(specs, "sum", 0.1).model
    assert [type(m) for m in model] == [torch.nn.Linear, module, torch.nn.Linear, torch.nn.Sigmoid]
    weight = next(iter(model[2].parameters()))  # nn.Linear's weight comes first
    np.testing.assert_array_equal(weight.detach().numpy(), net.linear2.weight)


def test_a_layer_with_no_torch_mapping_is_named() -> None:
    from reference.twin import layer_specs

    class GELU(scratch.grown.ReLU):
        pass

    net = scratch.grown.TwoLayerNetwork(3, 4, 1)
    net.activation = GELU()
    with pytest.raises(ValueError, match=r"activation is a GELU: no torch\.nn mapping for it"):
        layer_specs(net, ("linear1", "activation", "linear2", "sigmoid"))


class Softplus:
    """softplus(x) = log(1 + e^x); its derivative is the sigmoid."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.logaddexp(0, x)

    def backward(self, x: np.ndarray) -> scratch.grown.ActivationPartials:
        return scratch.grown.ActivationPartials(1 / (1 + np.exp(-x)))


class SoftplusNetwork(scratch.grown.TwoLayerNetwork):
    activations: ClassVar[dict[str, type[Any]]] = {
        **scratch.grown.TwoLayerNetwork.activations,
        "softplus": Softplus,
    }


def test_an_activation_is_added_in_two_places(monkeypatch: pytest.MonkeyPatch) -> None:
    """A record in the activations' table and a torch mapping: the two-layer grid, the CLI,
    the torch twin and the exact values take it from there."""
    softplus = activation_record(
        "Softplus",
        2.0,
        (-20.0, 0.0, 20.0),
        f=lambda z: mpmath.log1p(mpmath.exp(z)),
        df=lambda z, convention: 1 / (1 + mpmath.exp(-z)),
    )
    monkeypatch.setitem(ACTIVATIONS, "softplus", softplus)
    monkeypatch.setitem(TORCH_LAYERS, "Softplus", "Softplus")
    impl = implementation(
        Linear=scratch.grown.Linear,
        Sigmoid=scratch.grown.Sigmoid,
        BinaryCrossEntropyLoss=scratch.grown.BinaryCrossEntropyLoss,
        Softplus=Softplus,
        TwoLayerNetwork=SoftplusNetwork,
    )
    ids = [c.id for c in all_checks(impl, layers=(softplus, TWO_LAYER), devices=("cpu",))]
    assert "partials-Softplus-4-float32-seed0-cpu" in ids
    assert "partials-TwoLayerNetwork-3x5x1-float64-seed0-softplus-mean-cpu" in ids
    chosen = ("partials-Softplus-", "fd-Softplus-")
    results = run_checks(
        impl,
        layers=(softplus, TWO_LAYER),
        select=lambda i: i.startswith(chosen) or "-softplus-" in i,
    )
    assert len(results) > 20
    assert {r.status for r in results} == {"passed"}, [r.message for r in results if r.failed][:1]
    args = _parser().parse_args(["verify", "--network", "two-layer", "--activation", "softplus"])
    setup = Setup("two-layer", activation=args.activation)
    assert [kind for kind, _ in setup.specs(setup.initial_params(0, "float32"))][1] == "Softplus"
    # The exact values: the two-layer oracle takes the activation's from its record.
    a = {**TWO_LAYER.sample(0, (0, 3, 5, 1), np.float64), "activation": np.array("softplus")}
    exact = oracle.exact(TWO_LAYER, a, "dL/dW1")[oracle.MATHEMATICS]
    torch_value = TWO_LAYER.torch(a, "cpu")["dL/dW1"].ravel()
    np.testing.assert_allclose([float(e) for e in exact], torch_value, rtol=1e-10)


def test_the_slip_of_an_added_activation_fails_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same added activation with its derivative taken as its output: red, by name."""

    class SoftplusSlip(Softplus):
        def backward(self, x: np.ndarray) -> scratch.grown.ActivationPartials:
            return scratch.grown.ActivationPartials(np.logaddexp(0, x))

    softplus = activation_record(
        "Softplus",
        2.0,
        (0.0,),
        f=lambda z: mpmath.log1p(mpmath.exp(z)),
        df=lambda z, convention: 1 / (1 + mpmath.exp(-z)),
    )
    monkeypatch.setitem(TORCH_LAYERS, "Softplus", "Softplus")
    results = run_checks(implementation(Softplus=SoftplusSlip), layers=(softplus,))
    assert {f"{r.layer} {r.quantity}" for r in results if r.failed} == {"Softplus dh/dz"}
