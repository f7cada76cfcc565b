"""The quantity names of a network, the same for both sides (the implementation's chained
partials in reference.subject, torch's in reference.twin)."""

from __future__ import annotations


def output_names(is_linear: list[bool]) -> tuple[list[str], list[str]]:
    """The name of each layer's output (z1, h, z2, yhat; z, yhat with one Linear), and the
    suffix of each Linear's weight and bias names (W1, b1, ...; W, b with one Linear)."""
    count = sum(is_linear)
    suffixes = [str(k + 1) for k in range(count)] if count > 1 else [""]
    names, linear_index = [], 0
    for k, linear in enumerate(is_linear):
        if linear:
            names.append("z" + suffixes[linear_index])
            linear_index += 1
        else:
            names.append("yhat" if k == len(is_linear) - 1 else "h")
    return names, suffixes
