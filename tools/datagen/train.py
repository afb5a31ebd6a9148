# This file is part of the cv::xai module (development-time data generator).
# License: Apache 2.0, same as OpenCV.
"""Single-threaded, deterministic training on a stream of freshly rendered scenes."""
import sys
import time

import numpy as np
import torch
from torch import nn

import nets
import scenes

# The preprocessing every model card promises, i.e.
# cv::dnn::blobFromImage(img, 1/127.5, Size(128, 128), Scalar(127.5, 127.5, 127.5), false, false).
INPUT_MEAN = 127.5
INPUT_SCALE = 1.0 / 127.5

# Per-architecture schedules; sized so each fits inside 15 minutes on one core.
# warmup_div: the one-cycle schedule starts at lr / warmup_div (OneCycleLR's default 25).
# Without BatchNorm the VGG sat at chance until the rate passed about 1e-3, so it starts higher.
SCHEDULES = {
    "vgg": {"steps": 2500, "batch": 32, "lr": 2e-3, "warmup_div": 5},
    "resnet": {"steps": 1900, "batch": 32, "lr": 3e-3},
    "mobilenet": {"steps": 2400, "batch": 32, "lr": 4e-3},
}

# Curriculum (see scenes._ease): calm scenes for the first steps, full clutter from
# this fraction of the schedule on, so the second half trains on the test distribution.
EASY_UNTIL, FULL_FROM = 0.05, 0.35


def difficulty(step, steps):
    return min(1.0, max(0.0, (step / steps - EASY_UNTIL) / (FULL_FROM - EASY_UNTIL)))


def to_tensor(images):
    """uint8 N x H x W x 3 BGR -> float N x 3 x H x W, exactly as blobFromImage does it."""
    x = torch.from_numpy(np.ascontiguousarray(images.transpose(0, 3, 1, 2))).float()
    return (x - INPUT_MEAN) * INPUT_SCALE


def set_deterministic(seed):
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)


def train(arch, log=sys.stderr):
    """Train one architecture from a fixed seed; returns (eval-mode model, seconds)."""
    cfg = SCHEDULES[arch]
    set_deterministic(1234)
    model = nets.ARCHITECTURES[arch](len(scenes.CLASSES))
    # AdamW + one-cycle reaches high accuracy in few steps for all three nets with one
    # recipe; label smoothing keeps the logits moderate, so softmax-weighted Score-CAM
    # sees graded class probabilities rather than saturated ones.
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg["lr"], total_steps=cfg["steps"],
                                                pct_start=0.15, div_factor=cfg.get("warmup_div", 25))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
    model.train()
    start = time.perf_counter()
    hits = seen = 0
    for step in range(cfg["steps"]):
        images, labels = scenes.training_batch(step, cfg["batch"], difficulty(step, cfg["steps"]))
        x, y = to_tensor(images), torch.from_numpy(labels)
        logits = model(x)
        loss = loss_fn(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        hits += int((logits.argmax(1) == y).sum())
        seen += len(y)
        if (step + 1) % 100 == 0:
            print("  %s step %d/%d  loss %.3f  train acc %.3f  %.0f s" % (
                arch, step + 1, cfg["steps"], float(loss), hits / seen,
                time.perf_counter() - start), file=log, flush=True)
            hits = seen = 0
    seconds = time.perf_counter() - start
    model.eval()
    return model, seconds
