# This file is part of the cv::xai module (development-time data generator).
# License: Apache 2.0, same as OpenCV.
"""Three small shape classifiers covering the layer kinds a CAM method meets.

All share the contract the module's tests rely on: 3 x 128 x 128 input, the last
spatial layer at stride 16 (8 x 8 maps), global average pooling, one linear layer,
raw logits out. Every ReLU is its own named module (never reused), so the ONNX
node names, and hence the cv::dnn layer names, say where they sit.
"""
from collections import OrderedDict

import torch
from torch import nn


def _conv_bn_relu(cin, cout, stride=1, groups=1, kernel=3):
    # Named children give ONNX names like /stem/relu/Relu instead of /stem/2/Relu.
    return nn.Sequential(OrderedDict([
        ("conv", nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False)),
        ("bn", nn.BatchNorm2d(cout)),
        ("relu", nn.ReLU()),
    ]))


class _Classifier(nn.Module):
    """features -> global average pool -> linear; the head every model shares."""

    def __init__(self, features, channels, num_classes):
        super().__init__()
        self.features = features
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x):
        # flatten (not view/reshape with x.size(0)) exports as one Flatten node,
        # which keeps the batch axis dynamic for cv::dnn.
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))


class VGGNet(_Classifier):
    """Plain conv stack, no normalisation: conv3x3-ReLU blocks separated by 2x2 max pooling."""
    DESCRIPTION = ("VGG-style plain stack without normalisation: "
                   "conv3x3(16, stride 2)-ReLU, conv3x3(32)-ReLU-maxpool, conv3x3(64)-ReLU-maxpool, "
                   "2x conv3x3(128)-ReLU-maxpool, conv3x3(128)-ReLU (8 x 8); "
                   "global average pool, linear.")

    def __init__(self, num_classes):
        # One list of widths per resolution. The first conv has stride 2, unlike VGG:
        # full-resolution layers made a training step twice as slow on one thread.
        # Widths 96 at stride 8 plateaued at 94 % top-1; 128 reaches 96 %.
        plan = [[16, 32], [64], [128, 128], [128]]
        layers, cin = OrderedDict(), 3
        for stage, widths in enumerate(plan, start=1):
            if stage > 1:
                layers["pool%d" % (stage - 1)] = nn.MaxPool2d(2)
            for i, cout in enumerate(widths, start=1):
                stride = 2 if stage == 1 and i == 1 else 1
                layers["conv%d_%d" % (stage, i)] = nn.Conv2d(cin, cout, 3, stride, padding=1)
                layers["relu%d_%d" % (stage, i)] = nn.ReLU()
                cin = cout
        super().__init__(nn.Sequential(layers), cin, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                # Without BatchNorm the default init trains slowly; He init is what VGG needs.
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                nn.init.zeros_(m.bias)


class BasicBlock(nn.Module):
    """ResNet basic block; a strided block projects the shortcut with conv1x1 + BN."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(OrderedDict([
                ("conv", nn.Conv2d(cin, cout, 1, stride, bias=False)),
                ("bn", nn.BatchNorm2d(cout)),
            ]))
        self.relu_out = nn.ReLU()  # after the residual add: the block's output

    def forward(self, x):
        y = self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))
        return self.relu_out(y + self.shortcut(x))


class ResNet(_Classifier):
    """Stem at stride 2, then residual stages at strides 4, 8, 16."""
    DESCRIPTION = ("ResNet-style: stem conv3x3(24, stride 2)-BN-ReLU; stages of basic blocks "
                   "(conv3x3-BN-ReLU-conv3x3-BN, identity or conv1x1-BN shortcut, add, ReLU): "
                   "layer1 32 ch stride 2 + 32 ch, layer2 64 ch stride 2, layer3 128 ch stride 2; "
                   "global average pool, linear.")

    def __init__(self, num_classes):
        features = nn.Sequential(OrderedDict([
            ("stem", _conv_bn_relu(3, 24, stride=2)),
            ("layer1", nn.Sequential(BasicBlock(24, 32, 2), BasicBlock(32, 32, 1))),
            ("layer2", nn.Sequential(BasicBlock(32, 64, 2))),
            ("layer3", nn.Sequential(BasicBlock(64, 128, 2))),
        ]))
        super().__init__(features, 128, num_classes)


class MobileNet(_Classifier):
    """MobileNet-v1-style depthwise-separable stack."""
    DESCRIPTION = ("MobileNet-v1-style: stem conv3x3(24, stride 2)-BN-ReLU, then depthwise-separable "
                   "blocks (depthwise conv3x3-BN-ReLU, pointwise conv1x1-BN-ReLU) with widths/strides "
                   "48/2, 48/1, 96/2, 96/1, 160/2, 160/1; global average pool, linear.")

    def __init__(self, num_classes):
        # Every block after the stem works at stride >= 4: depthwise convolutions are
        # slow per FLOP on one CPU thread, and a 64 x 64 stage doubled the step time.
        plan = [(48, 2), (48, 1), (96, 2), (96, 1), (160, 2), (160, 1)]
        layers, cin = OrderedDict([("stem", _conv_bn_relu(3, 24, stride=2))]), 24
        for i, (cout, stride) in enumerate(plan, start=1):
            layers["block%d" % i] = nn.Sequential(OrderedDict([
                ("dw", _conv_bn_relu(cin, cin, stride=stride, groups=cin)),
                ("pw", _conv_bn_relu(cin, cout, kernel=1)),
            ]))
            cin = cout
        super().__init__(nn.Sequential(layers), cin, num_classes)


ARCHITECTURES = {"vgg": VGGNet, "resnet": ResNet, "mobilenet": MobileNet}
