"""Slip: update_weights reuses what the last forward_loss computed, not its own forward pass."""

from _slip import network_using

from scratch.tutorial import BinaryCrossEntropyLoss, Linear, Sigmoid


class MyNetwork(network_using()):
    def forward_loss(self, x, y):
        self.forward_out = self.linear1.forward(x)
        self.sigmoid_out = self.sigmoid.forward(self.forward_out)
        return self.loss.forward(self.sigmoid_out, y).sum()

    def update_weights(self, x, y, lr):
        if not hasattr(self, "sigmoid_out"):  # as if forward_loss had run on zeros
            self.forward_loss(0 * x, y)
        loss_wrt_linear1 = (
            self.loss.backwards(self.sigmoid_out, y).output_wrt_yhat
            * self.sigmoid.backward(self.forward_out).output_wrt_x
        )
        self.linear1.weight = self.linear1.weight - lr * (loss_wrt_linear1[:, None] * x)
        self.linear1.bias = self.linear1.bias - lr * loss_wrt_linear1


__all__ = ["BinaryCrossEntropyLoss", "Linear", "MyNetwork", "Sigmoid"]
