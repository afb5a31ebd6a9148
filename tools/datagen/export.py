# This file is part of the cv::xai module (development-time data generator).
# License: Apache 2.0, same as OpenCV.
"""ONNX export plus the checks that make a model fit for the C++ tests: cv::dnn reads
it, agrees with torch, takes batches, and exposes a 4-D ReLU target layer."""
import cv2
import numpy as np
import onnx
import torch

import train

OPSET = 11
INPUT_NAME, OUTPUT_NAME = "input", "logits"
MAX_ABS_DIFF = 1e-4


class ExportError(RuntimeError):
    pass


def export(model, path):
    model.eval()
    dummy = torch.zeros(1, 3, 128, 128)
    torch.onnx.export(model, dummy, path, opset_version=OPSET, do_constant_folding=True,
                      input_names=[INPUT_NAME], output_names=[OUTPUT_NAME],
                      dynamic_axes={INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}})
    onnx.checker.check_model(onnx.load(path))


def blob(images):
    """The documented preprocessing, done by cv::dnn itself so Python and C++ agree."""
    return cv2.dnn.blobFromImages(list(images), train.INPUT_SCALE, (128, 128),
                                  (train.INPUT_MEAN,) * 3, False, False)


def read_net(path):
    net = cv2.dnn.readNet(path)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
    return net


@torch.no_grad()
def verify_against_torch(model, path, images):
    """Fail loudly unless cv::dnn reproduces the torch logits at batch 1 and at batch len(images)."""
    expected = model(train.to_tensor(np.stack(images))).numpy()
    net = read_net(path)
    worst = 0.0
    for batch in ([images[0]], images):
        net.setInput(blob(batch))
        got = net.forward(OUTPUT_NAME)
        want = expected[:len(batch)]
        if got.shape != want.shape:
            raise ExportError("%s: cv::dnn output %s, torch %s at batch %d"
                              % (path, got.shape, want.shape, len(batch)))
        worst = max(worst, float(np.abs(got - want).max()))
    if worst > MAX_ABS_DIFF:
        raise ExportError("%s: cv::dnn and torch logits differ by %.3g (> %g)"
                          % (path, worst, MAX_ABS_DIFF))
    return worst


def find_target_layer(path, image):
    """Name and channel count of the last ReLU whose output is 4-D with 8 x 8 maps."""
    net = read_net(path)
    relus = [name for name in net.getLayerNames() if net.getLayer(name).type == "ReLU"]
    if not relus:
        raise ExportError("%s: cv::dnn reports no ReLU layer" % path)
    net.setInput(blob([image, image]))
    out = net.forward(relus[-1])
    if out.ndim != 4 or out.shape[0] != 2 or out.shape[2:] != (8, 8):
        raise ExportError("%s: last ReLU %s gives %s, expected 2 x K x 8 x 8"
                          % (path, relus[-1], out.shape))
    return relus[-1], int(out.shape[1])


def dnn_predict(path, images, batch=25):
    """Class ids predicted by cv::dnn for uint8 BGR images, in batches of `batch`."""
    net = read_net(path)
    preds, probs = [], []
    for first in range(0, len(images), batch):
        net.setInput(blob(images[first:first + batch]))
        logits = net.forward(OUTPUT_NAME)
        e = np.exp(logits - logits.max(1, keepdims=True))
        preds.append(logits.argmax(1))
        probs.append(e / e.sum(1, keepdims=True))
    return np.concatenate(preds), np.concatenate(probs)
