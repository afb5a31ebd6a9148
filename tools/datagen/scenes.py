# This file is part of the cv::xai module (development-time data generator).
# License: Apache 2.0, same as OpenCV.
"""Synthetic cluttered scenes with one or two solid shapes on a textured background.

Every scene is a pure function of one integer seed: the same seed gives the same
pixels, boxes and masks on every run, in any order, so the training stream, the
committed test scenes and the demo pictures never share seeds (see ``SEED_BASE``).
"""
import math

import cv2
import numpy as np

IMAGE_SIZE = 128

# No hexagon: at 14-20 px it is a circle with a few grey pixels, and a first model
# spent a third of its errors on that pair; the bow tie's pinch is visible at any size.
CLASSES = ("circle", "square", "triangle", "star", "cross",
           "ring", "bowtie", "heart", "arrow", "crescent")

# Disjoint seed ranges per split, wide enough that no stream reaches the next one.
SEED_BASE = {"train": 0, "single": 10_000_000, "pair": 20_000_000, "demo": 30_000_000}

# Target size = side of the square that the unrotated shape fits in, in pixels.
SIZE_RANGE = (14.0, 40.0)
PAIR_SIZE_RANGE = (14.0, 34.0)

# A target must differ from the background under it by at least this much (BGR L2):
# below it the label is unrecoverable noise, which would cap every model's accuracy.
MIN_CONTRAST = 120.0

# fillPoly works in fixed point with this many fractional bits, which keeps
# the anti-aliased edges of small shapes smooth instead of snapped to the grid.
_SHIFT = 4


# ---------------------------------------------------------------------------
# Shape outlines, in a unit frame where the unrotated shape fits in [-1, 1]^2.
# Each shape is a list of (polygon, paint) pairs drawn in order; paint 0 cuts a
# hole (ring, crescent), so one drawing routine serves every class.
# ---------------------------------------------------------------------------
def _regular(n, radius=1.0, phase=-math.pi / 2):
    t = phase + 2 * math.pi * np.arange(n) / n
    return np.stack([radius * np.cos(t), radius * np.sin(t)], axis=1)


def _circle(radius=1.0, cx=0.0):
    pts = _regular(96, radius)
    pts[:, 0] += cx
    return pts


def _star():
    outer = _regular(5, 1.0)
    inner = _regular(5, 0.42, phase=-math.pi / 2 + math.pi / 5)
    return np.stack([outer, inner], axis=1).reshape(-1, 2)


def _cross(half_width=0.32):
    a, w = 1.0, half_width
    return np.array([(-w, -a), (w, -a), (w, -w), (a, -w), (a, w), (w, w),
                     (w, a), (-w, a), (-w, w), (-a, w), (-a, -w), (-w, -w)])


def _heart():
    t = np.linspace(0, 2 * math.pi, 120, endpoint=False)
    x = 16 * np.sin(t) ** 3
    y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
    pts = np.stack([x, y], axis=1)
    pts -= (pts.max(0) + pts.min(0)) / 2
    return pts / np.abs(pts).max()


def _arrow():
    shaft, head, neck = 0.22, 0.62, 0.05
    return np.array([(-1, -shaft), (neck, -shaft), (neck, -head), (1, 0),
                     (neck, head), (neck, shaft), (-1, shaft)])


SHAPES = {
    "circle": [(_circle(), 255)],
    "square": [(np.array([(-1, -1), (1, -1), (1, 1), (-1, 1)], float), 255)],
    # Centred on its bounding box rather than its centroid so it fills [-1, 1] like the others.
    "triangle": [(np.array([(0, -1), (1, 0.73), (-1, 0.73)]) + (0, 0.135), 255)],
    "star": [(_star(), 255)],
    "cross": [(_cross(), 255)],
    "ring": [(_circle(), 255), (_circle(0.55), 0)],
    "bowtie": [(np.array([(-1, -0.85), (0, -0.14), (1, -0.85), (1, 0.85), (0, 0.14), (-1, 0.85)]), 255)],
    "heart": [(_heart(), 255)],
    "arrow": [(_arrow(), 255)],
    "crescent": [(_circle(), 255), (_circle(0.86, cx=0.42), 0)],
}
assert tuple(SHAPES) == CLASSES


def _render_alpha(cls, centre, size, angle):
    """Anti-aliased coverage (uint8, 0..255) of one shape on an empty canvas."""
    c, s = math.cos(angle), math.sin(angle)
    rot = np.array([[c, -s], [s, c]]) * (size / 2.0)
    alpha = np.zeros((IMAGE_SIZE, IMAGE_SIZE), np.uint8)
    for poly, paint in SHAPES[cls]:
        pts = poly @ rot.T + centre
        fixed = np.round(pts * (1 << _SHIFT)).astype(np.int32)
        cv2.fillPoly(alpha, [fixed], paint, cv2.LINE_AA, _SHIFT)
    return alpha


# ---------------------------------------------------------------------------
# Background: smooth colour field + stripes + soft blobs + thin lines. Each
# ingredient is either smooth or thin, so nothing in the clutter has the solid
# fill and crisp closed outline that defines a target, and PNGs stay small.
# ---------------------------------------------------------------------------
_YY, _XX = np.mgrid[0:IMAGE_SIZE, 0:IMAGE_SIZE].astype(np.float32)


def _blend(img, weight, colour):
    """In place: img = img * (1 - weight) + colour * weight, weight H x W in [0, 1]."""
    img += weight[..., None] * (colour - img)
    return img


def _colour_field(rng):
    g = rng.randint(2, 6)
    grid = rng.uniform(20, 235, (g, g, 3)).astype(np.float32)
    return cv2.resize(grid, (IMAGE_SIZE, IMAGE_SIZE), interpolation=cv2.INTER_CUBIC)


def _add_stripes(rng, img):
    theta = rng.uniform(0, math.pi)
    period = rng.uniform(8, 24)
    phase = rng.uniform(0, 2 * math.pi)
    wave = np.sin((_XX * math.cos(theta) + _YY * math.sin(theta)) * (2 * math.pi / period) + phase)
    # A pure sine has no edges: clipped into hard bands, stripes cut through the targets'
    # outlines and dominated the errors of a first model.
    band = wave * 0.5 + 0.5
    colour = rng.uniform(0, 255, 3).astype(np.float32)
    weight = rng.uniform(0.15, 0.45)
    return _blend(img, band * weight, colour)


def _add_blob(rng, img):
    # Union of a few offset ellipses, then heavily blurred: an irregular, fuzzy cloud.
    mask = np.zeros((IMAGE_SIZE, IMAGE_SIZE), np.float32)
    cx, cy = rng.uniform(0, IMAGE_SIZE, 2)
    for _ in range(rng.randint(3, 7)):
        ox, oy = rng.normal(0, 9, 2)
        axes = (int(rng.uniform(5, 16)), int(rng.uniform(5, 16)))
        cv2.ellipse(mask, (int(cx + ox), int(cy + oy)), axes, rng.uniform(0, 180), 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), rng.uniform(3.0, 5.0))
    colour = rng.uniform(0, 255, 3).astype(np.float32)
    return _blend(img, mask * rng.uniform(0.3, 0.7), colour)


def _add_line(rng, img):
    # Long, thin strokes (straight or gently bent) cannot pass for a filled shape or a cross arm.
    colour = tuple(float(v) for v in rng.uniform(0, 255, 3))
    thickness = int(rng.randint(1, 3))
    start = rng.uniform(-20, IMAGE_SIZE + 20, 2)
    heading = rng.uniform(0, 2 * math.pi)
    pts = [start]
    for _ in range(rng.randint(1, 4)):
        heading += rng.uniform(-0.6, 0.6)
        step = rng.uniform(30, 70)
        pts.append(pts[-1] + step * np.array([math.cos(heading), math.sin(heading)]))
    fixed = np.round(np.array(pts) * (1 << _SHIFT)).astype(np.int32)
    cv2.polylines(img, [fixed], False, colour, thickness, cv2.LINE_AA, _SHIFT)
    return img


def _background(rng):
    img = _colour_field(rng)
    if rng.rand() < 0.75:
        img = _add_stripes(rng, img)
    for _ in range(rng.randint(1, 5)):
        img = _add_blob(rng, img)
    img = np.ascontiguousarray(img)
    for _ in range(rng.randint(1, 6)):
        img = _add_line(rng, img)
    return img


# ---------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------
def _place(rng, cls, size_range, taken):
    """Draw size, angle and position until the shape is fully inside and clear of `taken` boxes."""
    while True:
        size = rng.uniform(*size_range)
        angle = rng.uniform(0, 2 * math.pi)
        reach = size / 2 * math.sqrt(2) + 2  # the rotated unit square never leaves this radius
        centre = rng.uniform(reach, IMAGE_SIZE - reach, 2)
        alpha = _render_alpha(cls, centre, size, angle)
        box = cv2.boundingRect((alpha >= 128).astype(np.uint8))
        if all(not _boxes_near(box, other, gap=4) for other in taken):
            return alpha, box


def _boxes_near(a, b, gap):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return (ax - gap < bx + bw and bx - gap < ax + aw and
            ay - gap < by + bh and by - gap < ay + ah)


def _contrasting_colour(rng, img, alpha):
    under = img[alpha >= 128].mean(axis=0)
    while True:
        colour = rng.uniform(0, 255, 3).astype(np.float32)
        if np.linalg.norm(colour - under) >= MIN_CONTRAST:
            return colour


def _ease(img, size_range, difficulty):
    """Flatten the clutter and grow the targets for difficulty < 1 (a training curriculum).

    From scratch, no net here gets past chance on full-clutter scenes with small
    targets (measured: 500 steps at chance); on calm scenes with big targets they
    learn at once, and then keep improving as the clutter comes back.
    """
    mean = img.mean(axis=(0, 1))
    img = mean + (img - mean) * difficulty
    low, high = size_range
    easy_low = high - 0.3 * (high - low)
    return img, (easy_low + (low - easy_low) * difficulty, high)


def make_scene(seed, classes, difficulty=1.0):
    """Render one scene holding one object per entry of `classes` (class ids).

    Returns (bgr uint8 HxWx3, list of dicts with 'class', 'box' [x, y, w, h] and
    'mask' uint8 0/255). Boxes and masks cover pixels with coverage >= 50 %.
    `difficulty` < 1 eases the scene for the start of training; every saved scene uses 1.
    """
    rng = np.random.RandomState(seed)
    img = _background(rng)
    size_range = SIZE_RANGE if len(classes) == 1 else PAIR_SIZE_RANGE
    if difficulty < 1.0:
        img, size_range = _ease(img, size_range, difficulty)
    objects = []
    for cls_id in classes:
        alpha, box = _place(rng, CLASSES[cls_id], size_range, [o["box"] for o in objects])
        colour = _contrasting_colour(rng, img, alpha)
        img = _blend(img, alpha.astype(np.float32) / 255.0, colour)
        objects.append({"class": int(cls_id), "box": [int(v) for v in box],
                        "mask": np.where(alpha >= 128, 255, 0).astype(np.uint8)})
    return np.clip(np.round(img), 0, 255).astype(np.uint8), objects


def single_scene(split, index):
    """Scene `index` of a one-object split; the class cycles so every split is balanced."""
    seed = SEED_BASE[split] + index
    return make_scene(seed, [index % len(CLASSES)])


def pair_scene(split, index):
    """Scene `index` of a two-object split: two different classes drawn from the seed."""
    seed = SEED_BASE[split] + index
    first, second = np.random.RandomState(seed + 5_000_000).choice(len(CLASSES), 2, replace=False)
    return make_scene(seed, [int(first), int(second)])


def training_batch(step, batch_size, difficulty=1.0):
    """Fresh scenes for one optimisation step: (uint8 N x H x W x 3 BGR, int64 labels).

    Each scene has its own seed, so the stream is identical for every model and
    independent of how many scenes an earlier model consumed.
    """
    images, labels = [], []
    for j in range(batch_size):
        seed = SEED_BASE["train"] + step * batch_size + j
        cls_id = np.random.RandomState(seed + 7_000_000).randint(len(CLASSES))
        img, _ = make_scene(seed, [cls_id], difficulty)
        images.append(img)
        labels.append(cls_id)
    return np.stack(images), np.array(labels, np.int64)
