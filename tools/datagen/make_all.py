#!/usr/bin/python3
# This file is part of the cv::xai module (development-time data generator).
# License: Apache 2.0, same as OpenCV.
"""Regenerate every model, scene and ground-truth file the tests and samples use.

    /usr/bin/python3 tools/datagen/make_all.py               # everything, into this repository
    /usr/bin/python3 tools/datagen/make_all.py --scenes-only # test scenes and ground truth only
    /usr/bin/python3 tools/datagen/make_all.py --root /tmp/regen   # into another tree, to diff

Needs Debian's python3-torch, python3-onnx, python3-numpy and python3-opencv
(cv2.dnn must be the OpenCV the C++ code uses). Runs on one thread, about 30 min.
"""
import os

# Before numpy/torch load: their thread pools are sized at import time, and one
# thread is both what the determinism promise and the shared build machine need.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import argparse  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

import export  # noqa: E402
import model_card  # noqa: E402
import scenes  # noqa: E402
import train  # noqa: E402

NUM_SINGLE = 250   # 25 per class
NUM_PAIR = 60
MIN_ACCURACY = 0.95
DEFAULT_ARCH = "resnet"
MODEL_FILES = {  # relative to the repository root; the default model ships with the samples
    "resnet": "samples/data/shapes_resnet.onnx",
    "vgg": "tests/data/shapes_vgg.onnx",
    "mobilenet": "tests/data/shapes_mobilenet.onnx",
}
LABELS_FILE = "samples/data/shapes_labels.txt"
SCENES_DIR = "tests/data/scenes"
MODELS_YML = "tests/data/models.yml"
DEMO_YML = "samples/data/demo.yml"
DOCS_FILE = "docs/models.md"
PNG_PARAMS = [cv2.IMWRITE_PNG_COMPRESSION, 9]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# cv::FileStorage output (written through cv2 itself, so the C++ side can read it)
# ---------------------------------------------------------------------------
class YamlWriter:
    def __init__(self, path):
        self.fs = cv2.FileStorage(path, cv2.FILE_STORAGE_WRITE)

    def value(self, key, v):
        if isinstance(v, (list, tuple)):
            flow = all(not isinstance(x, dict) for x in v)
            self.fs.startWriteStruct(key, cv2.FILE_NODE_SEQ | (cv2.FILE_NODE_FLOW if flow else 0))
            for x in v:
                self.value("", x)
            self.fs.endWriteStruct()
        elif isinstance(v, dict):
            self.fs.startWriteStruct(key, cv2.FILE_NODE_MAP)
            for k, x in v.items():
                self.value(k, x)
            self.fs.endWriteStruct()
        elif isinstance(v, (bool, np.bool_)):
            self.fs.write(key, int(v))  # FileStorage has no boolean; 0/1 is what C++ reads back
        else:
            self.fs.write(key, v)

    def close(self):
        self.fs.release()


def write_yaml(path, content):
    w = YamlWriter(path)
    for k, v in content.items():
        w.value(k, v)
    w.close()


# ---------------------------------------------------------------------------
# Scenes
# ---------------------------------------------------------------------------
def write_scene_set(root, name, count, make):
    """Write <name>/NNNN.png, masks/<name>_NNNN_K.png and the ground truth <name>.yml."""
    base = os.path.join(root, SCENES_DIR)
    os.makedirs(os.path.join(base, name), exist_ok=True)
    os.makedirs(os.path.join(base, "masks"), exist_ok=True)
    entries = []
    for i in range(count):
        img, objects = make(i)
        rel = "%s/%04d.png" % (name, i)
        cv2.imwrite(os.path.join(base, rel), img, PNG_PARAMS)
        objs = []
        for k, obj in enumerate(objects):
            mask_rel = "masks/%s_%04d_%d.png" % (name, i, k)
            cv2.imwrite(os.path.join(base, mask_rel), obj["mask"], PNG_PARAMS)
            objs.append({"class": obj["class"], "box": obj["box"], "mask": mask_rel})
        entries.append({"image": rel, "objects": objs})
    write_yaml(os.path.join(base, name + ".yml"), {"classes": list(scenes.CLASSES), "images": entries})


def write_scenes(root):
    base = os.path.join(root, SCENES_DIR)
    shutil.rmtree(base, ignore_errors=True)  # no stale scenes from a larger earlier run
    write_scene_set(root, "single", NUM_SINGLE, lambda i: scenes.single_scene("single", i))
    write_scene_set(root, "pair", NUM_PAIR, lambda i: scenes.pair_scene("pair", i))
    log("wrote %d single and %d pair scenes under %s" % (NUM_SINGLE, NUM_PAIR, base))


def read_scene_set(root, name):
    """Reload what was written, so accuracies are measured on exactly the committed pixels."""
    base = os.path.join(root, SCENES_DIR)
    fs = cv2.FileStorage(os.path.join(base, name + ".yml"), cv2.FILE_STORAGE_READ)
    images, labels = [], []
    node = fs.getNode("images")
    for i in range(node.size()):
        item = node.at(i)
        images.append(cv2.imread(os.path.join(base, item.getNode("image").string()), cv2.IMREAD_COLOR))
        objs = item.getNode("objects")
        labels.append([int(objs.at(k).getNode("class").real()) for k in range(objs.size())])
    fs.release()
    return images, labels


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------
def build_model(root, arch, single_images, single_labels, pair_images, pair_labels):
    log("training %s ..." % arch)
    model, seconds = train.train(arch)
    path = os.path.join(root, MODEL_FILES[arch])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    export.export(model, path)
    diff = export.verify_against_torch(model, path, single_images[:4])
    layer, channels = export.find_target_layer(path, single_images[0])
    pred, _ = export.dnn_predict(path, single_images)
    accuracy = float(np.mean(pred == np.array([l[0] for l in single_labels])))
    _, pair_probs = export.dnn_predict(path, pair_images)
    top2 = np.argsort(-pair_probs, axis=1)[:, :2]
    pair_top2 = float(np.mean([set(t) == set(l) for t, l in zip(top2.tolist(), pair_labels)]))
    info = {
        "arch": arch, "file": MODEL_FILES[arch], "target_layer": layer, "channels": channels,
        "accuracy": accuracy, "pair_top2": pair_top2, "train_seconds": seconds, "max_diff": diff,
        "params": sum(p.numel() for p in model.parameters()), "onnx_bytes": os.path.getsize(path),
        "description": type(model).DESCRIPTION, "schedule": train.SCHEDULES[arch],
    }
    log("  %s: top-1 %.3f (cv::dnn, %d scenes), pair top-2 %.3f, %.0f s, %d bytes, target %s (%d ch), "
        "|dnn - torch| <= %.2g" % (arch, accuracy, len(single_images), pair_top2, seconds,
                                  info["onnx_bytes"], layer, channels, diff))
    return info


def models_yaml_entry(info):
    return {
        "name": info["arch"],
        "file": info["file"],
        "default": info["arch"] == DEFAULT_ARCH,
        "input_width": 128, "input_height": 128,
        "scale": train.INPUT_SCALE,
        "mean": [train.INPUT_MEAN] * 3,
        "swapRB": False, "crop": False,
        "output_layer": export.OUTPUT_NAME,
        "target_layer": info["target_layer"],
        "target_channels": info["channels"],
        "num_classes": len(scenes.CLASSES),
        "top1_accuracy": round(info["accuracy"], 4),
    }


# ---------------------------------------------------------------------------
# Demo pictures for the samples
# ---------------------------------------------------------------------------
DEMOS = [  # (file, objects per scene, what makes a scene a good demo of it, the same in words)
    ("demo.png", 1, lambda objs, p: 26 <= max(objs[0]["box"][2:]) and p[objs[0]["class"]] >= 0.95,
     "one target, box side >= 26 px, softmax probability of its class >= 0.95"),
    ("demo_small.png", 1, lambda objs, p: max(objs[0]["box"][2:]) <= 16 and p[objs[0]["class"]] >= 0.8,
     "one small target, box side <= 16 px, probability >= 0.8"),
    ("demo_pair.png", 2, lambda objs, p: set(np.argsort(-p)[:2]) == {o["class"] for o in objs}
     and min(max(o["box"][2:]) for o in objs) >= 20,
     "two targets, box sides >= 20 px, whose classes get the two highest logits"),
]


def write_demos(root, model_path):
    """Pick, in seed order, the first demo scene of each kind that the default model gets right."""
    out_dir = os.path.join(root, "samples/data")
    # Masks in a subfolder, so that samples/data/demo*.png are exactly the demo pictures.
    os.makedirs(os.path.join(out_dir, "masks"), exist_ok=True)
    entries, seed = [], 0
    for fname, count, good, _ in DEMOS:
        for _ in range(2000):
            seed += 1
            img, objs = (scenes.single_scene if count == 1 else scenes.pair_scene)("demo", seed)
            _, probs = export.dnn_predict(model_path, [img])
            if good(objs, probs[0]):
                break
        else:
            raise SystemExit("no scene qualifies as %s in 2000 seeds" % fname)
        cv2.imwrite(os.path.join(out_dir, fname), img, PNG_PARAMS)
        objs_out = []
        for k, o in enumerate(objs):
            mask = "masks/" + fname.replace(".png", "_%d.png" % k)
            cv2.imwrite(os.path.join(out_dir, mask), o["mask"], PNG_PARAMS)
            objs_out.append({"class": o["class"], "box": o["box"], "mask": mask})
        entries.append({"image": fname, "objects": objs_out})
        log("  %s: seed %d, %s" % (fname, scenes.SEED_BASE["demo"] + seed,
                                   [scenes.CLASSES[o["class"]] for o in objs]))
    write_yaml(os.path.join(root, DEMO_YML), {"classes": list(scenes.CLASSES), "images": entries})
    return [dict(e, criterion=d[3]) for e, d in zip(entries, DEMOS)]


def cpu_name():
    # platform.processor() is empty on Linux; the model name is what makes times comparable.
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(here)),
                    help="tree to write into (default: this repository)")
    ap.add_argument("--scenes-only", action="store_true",
                    help="write the test scenes and their ground truth, train nothing")
    args = ap.parse_args()
    cv2.setNumThreads(1)
    torch.set_num_threads(1)

    write_scenes(args.root)
    if args.scenes_only:
        return
    single_images, single_labels = read_scene_set(args.root, "single")
    pair_images, pair_labels = read_scene_set(args.root, "pair")

    os.makedirs(os.path.join(args.root, "samples/data"), exist_ok=True)
    with open(os.path.join(args.root, LABELS_FILE), "w") as f:
        f.write("\n".join(scenes.CLASSES) + "\n")

    infos = [build_model(args.root, arch, single_images, single_labels, pair_images, pair_labels)
             for arch in (DEFAULT_ARCH, "vgg", "mobilenet")]
    write_yaml(os.path.join(args.root, MODELS_YML), {
        "labels": LABELS_FILE,
        "test_scenes": SCENES_DIR + "/single.yml",
        "models": [models_yaml_entry(i) for i in infos],
    })
    demos = write_demos(args.root, os.path.join(args.root, MODEL_FILES[DEFAULT_ARCH]))

    env = {"cpu": cpu_name(), "torch": torch.__version__,
           "opencv": cv2.__version__, "python": platform.python_version()}
    os.makedirs(os.path.join(args.root, "docs"), exist_ok=True)
    with open(os.path.join(args.root, DOCS_FILE), "w") as f:
        f.write(model_card.render(infos, demos, env, NUM_SINGLE, NUM_PAIR))
    # Checked last so that one weak model still leaves everything else to inspect.
    weak = ["%s %.1f %%" % (i["arch"], 100 * i["accuracy"]) for i in infos if i["accuracy"] < MIN_ACCURACY]
    if weak:
        raise SystemExit("below %.0f %% top-1: %s; improve data or training, not the threshold"
                         % (100 * MIN_ACCURACY, ", ".join(weak)))
    log("done")


if __name__ == "__main__":
    main()
