# This file is part of the cv::xai module (development-time data generator).
# License: Apache 2.0, same as OpenCV.
"""Tiny ONNX nets for the module tests (modules/xai/testdata), exported the way users export
their classifiers (torch.onnx.export, a dynamic batch axis): nets ending in a Softmax under
different node and output names, the same net without it, a net with no spatial layer, a net
with dynamic height and width, and a net with two outputs. A few hundred weights each; the same seed gives the same files.

    /usr/bin/python3 tools/datagen/make_test_nets.py [OUTPUT_DIR]
"""
import os
import sys

import onnx
import torch
from torch import nn

OPSET = 11
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "..", "modules", "xai", "testdata")


class Features(nn.Module):
    """conv (stride 4) -> ReLU -> conv (stride 2) -> ReLU: a 4 x 4 grid for a 32 x 32 input."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 4, stride=4)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(6, 8, 3, stride=2, padding=1)
        self.relu2 = nn.ReLU()

    def forward(self, x):
        return self.relu2(self.conv2(self.relu1(self.conv1(x))))


class Head(nn.Module):
    def __init__(self, softmax):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 5)
        self.act = nn.Softmax(dim=1) if softmax else nn.Identity()

    def forward(self, x):
        return self.act(self.fc(torch.flatten(self.pool(x), 1)))


class Classifier(nn.Module):
    """features -> head; `tail` reshapes the probabilities again (a pass-through after the Softmax)."""

    def __init__(self, softmax, tail=False):
        super().__init__()
        self.features = Features()
        self.head = Head(softmax)
        self.tail = tail

    def forward(self, x):
        y = self.head(self.features(x))
        return y.reshape(y.shape[0], -1) if self.tail else y


class TopLevelSoftmax(nn.Module):
    """The Softmax as the graph's last node outside any submodule (node name /Softmax)."""

    def __init__(self):
        super().__init__()
        self.body = Classifier(softmax=False)

    def forward(self, x):
        return torch.softmax(self.body(x), dim=1)


class TwoOutputs(nn.Module):
    """The classifier's logits and, as a second graph output, its pooled features (as a net
    exported for retrieval and classification at once)."""

    def __init__(self):
        super().__init__()
        self.body = Classifier(softmax=False)

    def forward(self, x):
        features = self.body.features(x)
        return self.body.head(features), torch.flatten(self.body.head.pool(features), 1)


class Mlp(nn.Module):
    """Flatten -> Gemm -> ReLU -> Gemm: nothing spatial to explain."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3 * 8 * 8, 16)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(16, 5)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(torch.flatten(x, 1))))


def export(model, path, size, output_names, dynamic_hw=False):
    model.eval()
    axes = {0: "batch"}
    if dynamic_hw:
        axes.update({2: "height", 3: "width"})
    names = output_names.split(",")
    dynamic = {"input": axes}
    dynamic.update({n: {0: "batch"} for n in names})
    torch.onnx.export(model, torch.zeros(1, 3, size, size), path, opset_version=OPSET,
                      do_constant_folding=True, input_names=["input"], output_names=names,
                      dynamic_axes=dynamic)
    onnx.checker.check_model(onnx.load(path))


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT)
    os.makedirs(out, exist_ok=True)
    nets = [
        # file, model, input size, output names (comma-separated), dynamic height and width
        ("softmax_prob.onnx", Classifier(softmax=True), 32, "prob", False),
        ("softmax_top_level.onnx", TopLevelSoftmax(), 32, "class_scores", False),
        ("softmax_reshaped.onnx", Classifier(softmax=True, tail=True), 32, "output", False),
        ("logits.onnx", Classifier(softmax=False), 32, "logits", False),
        ("mlp.onnx", Mlp(), 8, "logits", False),
        ("dynamic_hw.onnx", Classifier(softmax=False), 32, "logits", True),
        ("two_outputs.onnx", TwoOutputs(), 32, "logits,features", False),
    ]
    for name, model, size, output, dynamic in nets:
        # Every net from the same seed: the softmax nets and the logits net share their weights.
        torch.manual_seed(7)
        for p in model.parameters():
            nn.init.uniform_(p, -1.0, 1.0)
        export(model, os.path.join(out, name), size, output, dynamic)
        print("wrote", os.path.join(out, name))


if __name__ == "__main__":
    main()
