#!/usr/bin/python3
# This file is part of the cv::xai module (development-time tool).
# License: Apache 2.0, same as OpenCV.
"""Times Score-CAM written directly in PyTorch on a torchvision ResNet-18 (random weights) at
224x224, the way the common PyTorch implementations do it: activations of layer4, each channel
upsampled and min-max normalised, the input multiplied by every mask, the masked inputs forwarded
in batches. It is the same-machine reference for docs/benchmark.md, written for Debian's python3
with python3-torch and python3-torchvision (pytorch-grad-cam itself is not packaged by Debian).

    /usr/bin/python3 tools/torch_scorecam_reference.py [--batch 32] [--threads N]
"""
import argparse
import time

import torch
import torch.nn.functional as F
import torchvision


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = torchvision.models.resnet18().eval()
    image = torch.rand(1, 3, 224, 224)

    activations = {}
    model.layer4.register_forward_hook(lambda m, i, o: activations.__setitem__("a", o))

    with torch.no_grad():
        model(image)  # warm-up
        start = time.perf_counter()
        logits = model(image)
        target = int(logits.argmax())
        a = activations["a"]                                  # 1 x 512 x 7 x 7
        up = F.interpolate(a, size=(224, 224), mode="bilinear", align_corners=False)[0]
        lo = up.amin(dim=(1, 2), keepdim=True)
        hi = up.amax(dim=(1, 2), keepdim=True)
        masks = torch.where(hi > lo, (up - lo) / (hi - lo).clamp_min(1e-12), torch.zeros_like(up))
        scores = []
        forwards = 1
        for first in range(0, masks.shape[0], args.batch):
            batch = image * masks[first:first + args.batch, None]
            scores.append(F.softmax(model(batch), dim=1)[:, target])
            forwards += 1
        weights = torch.cat(scores)
        cam = F.relu((weights[:, None, None] * up).sum(0))
        elapsed = time.perf_counter() - start
    print("torch %s, %d threads: Score-CAM of resnet18 at 224x224, %d channels, batch %d: %d forwards, %.2f s"
          % (torch.__version__, torch.get_num_threads(), masks.shape[0], args.batch, forwards, elapsed))
    assert torch.isfinite(cam).all()


if __name__ == "__main__":
    main()
