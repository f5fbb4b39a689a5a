# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Week 16: a few-shot image classifier with SimCLR and Prototypical Networks
#
# This notebook is a worked version of the Week 16 checkpoint project: pre-train an image encoder with
# SimCLR on unlabelled images, build a Prototypical Network on top of it, and measure how well it
# recognizes classes it has never seen from one or five examples each, against a supervised encoder, a
# randomly initialized encoder and raw pixels, with confidence intervals. Try the project on your own first.
#
# | Project task | Where |
# |---|---|
# | Pre-train with SimCLR on a large data set | sections 2-4: augmentations in plain PyTorch, the NT-Xent loss checked against its formula, pre-training on 2,000 unlabelled images |
# | Fine-tune on a small labelled set | section 7: episodic fine-tuning on the labels of 20 classes (400 images), and on all 100 for comparison |
# | Implement Prototypical Networks | sections 5 and 7: prototypes on frozen features, and episodic training |
# | Create a meta-learning system | sections 5, 7 and 9: an episode sampler, an episodic trainer, and a `FewShotClassifier` that takes any new classes |
# | Evaluate on multiple data sets | section 8: held-out glyph classes and scikit-learn's handwritten digits, 5-way 1-shot and 5-shot, 1,000 episodes each |
#
# **The data.** Few-shot learning needs *many classes*: the encoder learns on some, and is tested on
# others it never saw. The standard benchmarks (Omniglot, miniImageNet) need a download, so section 1
# draws its own: each class is a random glyph made of two or three pen strokes, and each image of a class
# is the glyph redrawn with a wobbly hand, a little rotated, scaled and shifted, in the spirit of Omniglot's
# handwritten characters (Lake, Salakhutdinov & Tenenbaum, 2015). 100 classes are for pre-training, 40
# others for the test. A second test set is real and from another domain: scikit-learn's 8×8 handwritten
# digits, which no encoder sees during training. The cell **On your machine** at the end runs the same
# code on Omniglot.
#
# **What you need.** PyTorch (CPU is enough), scikit-learn, pandas and matplotlib; about 30 s of CPU time.
# Background: [contrastive learning](../../guides/self-supervised-learning/#contrastive-learning) and
# [evaluating representations](../../guides/self-supervised-learning/#evaluation) in Self-Supervised
# Learning; [episodes](../../guides/few-shot-meta-learning/#problem-setup),
# [Prototypical Networks](../../guides/few-shot-meta-learning/#prototypical-networks) and
# [transfer-learning baselines](../../guides/few-shot-meta-learning/#transfer-baselines) in Few-Shot and
# Meta-Learning.

# %%
import copy
import math
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch import nn

torch.set_num_threads(1)  # small tensors: one thread is as fast, and the runs are repeatable
SEED = 0
torch.manual_seed(SEED)
notebook_start = time.process_time()
print(f"PyTorch {torch.__version__}, CPU capability {torch.backends.cpu.get_cpu_capability()}")

# %% [markdown]
# ## 1. Many classes: procedurally drawn glyphs
#
# A class is a set of two or three strokes, each a quadratic Bézier curve
# $B(t) = (1-t)^2 P_0 + 2t(1-t) P_1 + t^2 P_2$ through three random control points in the unit square. An
# image of the class is drawn in three steps:
#
# 1. **A wobbly hand**: every control point moves by Gaussian noise ($\sigma = 0.05$, in units of the
#    image width), so no two drawings of a glyph are the same.
# 2. **A small random pose**: rotation ($\sigma = 10°$), scale (0.9 to 1.1) and shift ($\sigma = 0.04$).
# 3. **A pen of random width**: each pixel's intensity falls off linearly with its distance to the nearest
#    stroke segment, so strokes are 1.5 to 2 pixels wide with soft edges.
#
# Images are 16×16 with values in $[0, 1]$ (ink is 1). The 140 classes are split once: classes 0-99 form
# the **pre-training** pool (2,000 images), classes 100-139 the **meta-test** set (800 images). Of the
# pre-training pool, only the labels of classes 0-19 are used as the "small labelled set" in
# sections 6-7, and all 100 as the "what if everything were labelled" reference.
#
# The digits are 8×8 with values 0 to 16; the cell scales them to $[0, 1]$ and resizes them to 16×16 with
# bilinear interpolation, so that the same encoders apply. They are a harder test in two ways: a new
# domain (thick blurry digits instead of thin strokes), and only 10 classes, so 5-way episodes reuse them.

# %%
SIZE = 16
N_PRETRAIN, N_TEST, PER_CLASS, N_LABELLED = 100, 40, 20, 20
T = np.linspace(0, 1, 9)
BERNSTEIN = np.stack([(1 - T) ** 2, 2 * T * (1 - T), T**2], axis=1)  # (9 points on a curve, 3 control points)
_rows, _cols = np.mgrid[0:SIZE, 0:SIZE]
PIXELS = (np.stack([_cols.ravel(), _rows.ravel()], axis=1) + 0.5) / SIZE  # pixel centres in the unit square


def draw_class(rng):
    """A glyph class: 2 or 3 strokes, each given by 3 control points, shape (strokes, 3, 2)."""
    return rng.uniform(0.15, 0.85, size=(rng.integers(2, 4), 3, 2))


def render(glyph, n, rng):
    """n drawings of one glyph class: jittered control points, a random pose, a random pen width."""
    k = glyph.shape[0]
    ctrl = glyph[None] + rng.normal(0, 0.05, size=(n, k, 3, 2))
    angle, scale = rng.normal(0, math.radians(10), n), rng.uniform(0.9, 1.1, n)
    rot = np.stack([np.cos(angle), -np.sin(angle), np.sin(angle), np.cos(angle)], 1).reshape(n, 2, 2)
    ctrl = np.einsum("nij,nkpj->nkpi", rot * scale[:, None, None], ctrl - 0.5) + 0.5
    ctrl = ctrl + rng.normal(0, 0.04, size=(n, 1, 1, 2))
    points = np.einsum("tp,nkpd->nktd", BERNSTEIN, ctrl)  # (n, strokes, 9, 2)
    a, b = points[:, :, :-1].reshape(n, -1, 2), points[:, :, 1:].reshape(n, -1, 2)  # line segments
    ab, ap = b - a, PIXELS[None, None] - a[:, :, None]  # (n, segments, 2), (n, segments, pixels, 2)
    t = np.clip((ap * ab[:, :, None]).sum(-1) / ((ab**2).sum(-1)[:, :, None] + 1e-12), 0, 1)
    dist = np.linalg.norm(ap - t[..., None] * ab[:, :, None], axis=-1).min(axis=1)  # to the nearest segment
    width = rng.uniform(0.045, 0.07, size=(n, 1))
    return np.clip(1.5 - dist / width, 0, 1).reshape(n, SIZE, SIZE).astype(np.float32)


rng = np.random.default_rng(SEED)
glyphs = [draw_class(rng) for _ in range(N_PRETRAIN + N_TEST)]
images = np.stack([render(g, PER_CLASS, rng) for g in glyphs])  # (140 classes, 20, 16, 16)
labels = np.repeat(np.arange(N_PRETRAIN + N_TEST), PER_CLASS)
images = torch.from_numpy(images.reshape(-1, 1, SIZE, SIZE))
is_pretrain = labels < N_PRETRAIN
pretrain_x, pretrain_y = images[is_pretrain], labels[is_pretrain]
test_x, test_y = images[~is_pretrain], labels[~is_pretrain] - N_PRETRAIN

digits = load_digits()
digits_x = F.interpolate(
    torch.tensor(digits.images / 16.0, dtype=torch.float32)[:, None], size=(SIZE, SIZE), mode="bilinear"
)
digits_y = digits.target

print(f"pre-training pool: {len(pretrain_x)} images of {N_PRETRAIN} classes (labels of {N_LABELLED} used)")
print(f"meta-test glyphs: {len(test_x)} images of {N_TEST} new classes; digits: {len(digits_x)} images of 10")
# Claims: the splits are disjoint by class, and the images have the shape and range the encoders expect.
assert set(labels[is_pretrain]).isdisjoint(set(labels[~is_pretrain]))
assert pretrain_x.shape == (2000, 1, SIZE, SIZE) and digits_x.shape == (1797, 1, SIZE, SIZE)
assert 0 <= float(images.min()) and float(images.max()) <= 1 and float(digits_x.max()) <= 1

# %%
fig, axes = plt.subplots(5, 8, figsize=(8, 5.4))
shown = [(pretrain_x, pretrain_y, c, f"pre-train class {c}") for c in (0, 1, 2)]
shown += [(test_x, test_y, 0, "meta-test class 0"), (digits_x, digits_y, 3, "digit 3")]
for row, (x, y, c, name) in zip(axes, shown, strict=True):
    for ax, i in zip(row, np.flatnonzero(y == c)[:8], strict=True):
        ax.imshow(x[i, 0], cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
    row[0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=8)
fig.suptitle("Eight images each of three pre-training classes, a held-out class, and a digit")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 2. Augmentations in plain PyTorch
#
# SimCLR (Chen, Kornblith, Norouzi & Hinton, 2020) learns by recognizing two random views of the same
# image among the views of other images, so the augmentations *define* what the encoder learns to ignore.
# The paper's main finding about them is that their composition matters, and that random cropping plus
# colour distortion was the strongest pair on ImageNet. Here the images are grey glyphs, so the family is:
#
# | augmentation | implementation | what it teaches to ignore |
# |---|---|---|
# | random resized crop and shift | `affine_grid` + `grid_sample`, zoom 0.85-1.15, shift up to 15% | position and size |
# | small rotation | the same affine map, up to ±15° | slant |
# | random erasing | a 4×4 patch set to 0, half of the images | a missing piece of a stroke |
# | contrast and noise | intensity × 0.7-1.3, plus Gaussian noise ($\sigma = 0.1$) | pen pressure, sensor noise |
#
# One affine map per image does crop, shift, zoom and rotation in a single resampling: `affine_grid`
# turns a batch of 2×3 matrices $\theta$ into a sampling grid (for each output pixel, the input location
# $\theta\,(x, y, 1)^\top$ in coordinates from -1 to 1), and `grid_sample` interpolates the input there,
# with zeros outside. A scale factor below 1 in $\theta$ samples a smaller region: a zoom in, which is what
# a random crop resized to full size does. Everything runs on whole batches, so the augmentation costs
# little next to the encoder. (With torchvision installed, `torchvision.transforms.v2` offers the same
# operations on batched tensors; this notebook does not use it, and it is not a dependency of this site.)
#
# The glyph generator jitters the pose too, so the augmentations overlap with the natural variation of a
# class. That is why SimCLR can work here: a view pair differs in ways that also separate two drawings of
# the same class, and not in the ways that separate two classes. Augmentations that changed the class
# (a 90° rotation can turn one glyph into another) would teach the encoder to ignore what matters.


# %%
def augment(x):
    """A random view of every image in the batch x, shape (n, 1, H, W); each call draws new parameters."""
    n, _, h, w = x.shape
    angle = (torch.rand(n) * 2 - 1) * math.radians(15)
    zoom = 1 + (torch.rand(n) * 2 - 1) * 0.15
    shift = (torch.rand(n, 2) * 2 - 1) * 0.15
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack(
        [torch.stack([cos, -sin, shift[:, 0]], dim=1), torch.stack([sin, cos, shift[:, 1]], dim=1)], dim=1
    )
    x = F.grid_sample(x, F.affine_grid(theta, list(x.shape), align_corners=False), align_corners=False)
    top, left = torch.randint(0, h - 3, (n, 1, 1)), torch.randint(0, w - 3, (n, 1, 1))
    r, c = torch.arange(h).view(1, h, 1), torch.arange(w).view(1, 1, w)
    patch = (r >= top) & (r < top + 4) & (c >= left) & (c < left + 4) & (torch.rand(n, 1, 1) < 0.5)
    x = x.masked_fill(patch[:, None], 0.0)
    return x * (0.7 + 0.6 * torch.rand(n, 1, 1, 1)) + 0.1 * torch.randn_like(x)


torch.manual_seed(SEED)
example = pretrain_x[:1].repeat(8, 1, 1, 1)
views = augment(example)
fig, axes = plt.subplots(1, 9, figsize=(9, 1.3))
for ax, img, title in zip(axes, [example[0], *views], ["original"] + [f"view {i + 1}" for i in range(8)], strict=True):
    ax.imshow(img[0], cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(title, fontsize=8)
    ax.axis("off")
plt.show()
# Claims: views keep the shape, differ from each other, and keep most of the ink (they are not blank).
assert views.shape == example.shape and not torch.allclose(views[0], views[1])
assert float((views.clamp(0, 1) > 0.5).float().sum((1, 2, 3)).min()) > 0.3 * float((example[0] > 0.5).sum())

# %% [markdown]
# ## 3. The NT-Xent loss, and a check against its formula
#
# A batch of $N$ images gives $2N$ views; views $i$ and $j = i \pm N$ come from the same image (a
# *positive pair*), and each view has $2(N-1)$ *negatives*: the views of the other images. With the
# projections $z$ and the cosine similarity $\operatorname{sim}(u, v) = u^\top v / (\lVert u\rVert
# \lVert v\rVert)$, the loss of the pair $(i, j)$ is a softmax cross-entropy over the $2N - 1$ other views
# (Chen et al., 2020, eq. 1):
#
# $$
# \ell_{i,j} = -\log \frac{\exp(\operatorname{sim}(z_i, z_j)/\tau)}{\sum_{k=1}^{2N} \mathbb{1}_{[k \ne i]}
# \exp(\operatorname{sim}(z_i, z_k)/\tau)},
# \qquad
# \mathcal{L} = \frac{1}{2N} \sum_{i=1}^{2N} \ell_{i, j(i)} .
# $$
#
# The temperature $\tau$ sets how sharply the softmax concentrates on the hardest negatives. It is the
# InfoNCE loss of van den Oord, Li & Vinyals (2018) with the other views of the batch as negatives. It is
# positive, and equals $\log(2N - 1)$ when all similarities are equal, which is roughly where an untrained
# encoder starts (its projections of different images point in similar directions).
#
# The efficient version builds the $2N \times 2N$ similarity matrix at once, removes the diagonal (a view
# is not its own negative) by setting it to $-\infty$, and calls `cross_entropy` with each row's target
# at its positive. The cell checks it against the formula written out with loops, in float64, where the
# two can only differ by rounding.

# %%
TAU = 0.2  # tried 0.5 too while writing this notebook: 0.2 gave slightly better few-shot accuracy here


def nt_xent(z1, z2, tau=TAU):
    """NT-Xent loss of two batches of projections; row i of z1 and row i of z2 are a positive pair."""
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    n = len(z1)
    sim = z @ z.T / tau
    sim = sim.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    positive = torch.cat([torch.arange(n, 2 * n), torch.arange(n)])
    return F.cross_entropy(sim, positive)


def nt_xent_by_the_formula(z1, z2, tau=TAU):
    """The same loss, term by term from the equation above."""
    z = torch.cat([z1, z2])
    two_n = len(z)

    def sim(u, v):
        return float(u @ v) / (float(u.norm()) * float(v.norm()))

    total = 0.0
    for i in range(two_n):
        j = (i + two_n // 2) % two_n
        denominator = sum(math.exp(sim(z[i], z[k]) / tau) for k in range(two_n) if k != i)
        total += -math.log(math.exp(sim(z[i], z[j]) / tau) / denominator)
    return total / two_n


g = torch.Generator().manual_seed(SEED)
for n, d in [(2, 3), (5, 8), (16, 32)]:
    z1, z2 = torch.randn(n, d, dtype=torch.float64, generator=g), torch.randn(n, d, dtype=torch.float64, generator=g)
    assert abs(float(nt_xent(z1, z2)) - nt_xent_by_the_formula(z1, z2)) < 1e-10
    assert abs(float(nt_xent(z1, z1 * 3.0)) - nt_xent_by_the_formula(z1, z1 * 3.0)) < 1e-10  # scale-invariant
print("NT-Xent matches the formula on batches of 2, 5 and 16 pairs (max abs difference < 1e-10)")

# %% [markdown]
# ## 4. The encoder, and SimCLR pre-training on unlabelled images
#
# The encoder $f$ is a small convolutional network: three blocks of 3×3 convolution, batch normalization
# and ReLU, with max pooling between them (16×16 → 8×8 → 4×4), then global average pooling to a
# 64-dimensional representation $h$: 23,520 parameters. During pre-training a **projection head** $g$, a
# two-layer MLP to 32 dimensions, maps $h$ to the $z$ on which the loss is computed; afterwards the head
# is thrown away and $h$ is the representation. Chen et al. (2020) found the representation before the
# head to be markedly better for downstream tasks, and conjectured why: the loss makes $z$ invariant to
# the augmentations, so the head can discard information (position, orientation) that $h$ keeps.
#
# Pre-training: 160 steps of Adam (learning rate $2 \times 10^{-3}$) on batches of 128 images drawn from
# the 2,000 pre-training images *without their labels*, so 256 views and 254 negatives per view: about
# 10 epochs, 40,960 forward and backward passes of an image through the encoder. This is tiny next to the
# paper's ResNet-50, batches of 4,096 and hundreds of epochs on ImageNet: contrastive learning gains from
# large batches and long training, and the cell **On your machine** says how to scale up.


# %%
class Encoder(nn.Module):
    """Conv(1->16)-Conv(16->32)-Conv(32->64) with batch norm, ReLU and pooling, then a global average pool."""

    def __init__(self, width=16, dim=64):
        super().__init__()

        def conv_bn(c_in, c_out):
            return [nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out)]

        # ReLU is monotone, so it commutes with max pooling: pooling first gives the same function with
        # the ReLU and its gradient computed on 4 times fewer values.
        self.net = nn.Sequential(
            *conv_bn(1, width),
            nn.MaxPool2d(2),
            nn.ReLU(),
            *conv_bn(width, 2 * width),
            nn.MaxPool2d(2),
            nn.ReLU(),
            *conv_bn(2 * width, dim),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
        )

    def forward(self, x):
        return self.net(x)


def train_simclr(x, steps=160, batch=128, lr=2e-3, seed=SEED):
    torch.manual_seed(seed)
    encoder, head = Encoder(), nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 32))
    opt = torch.optim.Adam([*encoder.parameters(), *head.parameters()], lr=lr)
    encoder.train()
    losses = []
    for _ in range(steps):
        xb = x[torch.randperm(len(x))[:batch]]  # no labels anywhere in this function
        loss = nt_xent(head(encoder(augment(xb))), head(encoder(augment(xb))))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return encoder.eval(), np.array(losses)


t0 = time.process_time()
simclr, simclr_losses = train_simclr(pretrain_x)
print(f"SimCLR: {sum(p.numel() for p in simclr.parameters())} encoder parameters, {time.process_time() - t0:.0f} s CPU")
print(
    f"NT-Xent loss: first 10 steps {simclr_losses[:10].mean():.2f} (log 255 = {math.log(255):.2f}), "
    f"last 10 steps {simclr_losses[-10:].mean():.2f}"
)
# Claims: the loss starts near log(2N - 1) and falls well below it.
assert abs(simclr_losses[:3].mean() - math.log(255)) < 1.5
assert simclr_losses[-10:].mean() < simclr_losses[:10].mean() - 1.0

# %% [markdown]
# ## 5. Few-shot evaluation: episodes, prototypes and confidence intervals
#
# An **$N$-way $K$-shot episode** samples $N$ classes from the test set, $K$ labelled *support* images of
# each, and $Q$ unlabelled *query* images of each (here $N = 5$, $K \in \{1, 5\}$, $Q = 15$); the model
# must label the $NQ = 75$ queries using only the support set. Chance is $1/N = 20\%$.
#
# A **Prototypical Network** (Snell, Swersky & Zemel, 2017) classifies with an embedding $f$: the
# prototype of class $c$ is the mean embedding of its support images, and a query goes to the class of
# the nearest prototype in squared Euclidean distance, with class probabilities
#
# $$
# \mathbf{c}_c = \frac{1}{K} \sum_{(x_i, y_i) \in S_c} f(x_i), \qquad
# p(y = c \mid x) = \frac{\exp(-\lVert f(x) - \mathbf{c}_c \rVert^2)}{\sum_{c'} \exp(-\lVert f(x) -
# \mathbf{c}_{c'} \rVert^2)} .
# $$
#
# Expanding the square, $-\lVert f(x) - \mathbf{c}_c\rVert^2 = 2\,\mathbf{c}_c^\top f(x) -
# \lVert\mathbf{c}_c\rVert^2 - \lVert f(x)\rVert^2$, and the last term is the same for every class: a
# Prototypical Network is a linear classifier whose weights are computed from the support set. That is
# also the fast way to score thousands of episodes at once, used below.
#
# **Evaluation protocol.** Every encoder is scored on the same 1,000 episodes per setting (the episodes
# are sampled once, with a fixed seed). The accuracy of an episode is the fraction of its 75 queries
# labelled correctly; the table reports the mean over episodes with a 95% confidence interval
# $\bar a \pm 1.96\, s / \sqrt{E}$, the usual few-shot convention. Because the episodes are shared, two
# encoders can also be compared **paired**: the interval of the mean per-episode *difference* is narrower
# than the two intervals side by side suggest, since both encoders meet the same easy and hard episodes.
#
# Those intervals measure one source of noise only, which episodes were drawn. They say nothing about
# how much the accuracies would move if the encoders were trained again with another seed (section 10
# returns to this).


# %%
def sample_episodes(y, n_episodes, way, shot, query, rng):
    """Indices of support (episodes, way, shot) and query (episodes, way, query) images, classes drawn per episode."""
    classes = np.unique(y)
    by_class = {c: np.flatnonzero(y == c) for c in classes}
    support, queries = [], []
    for _ in range(n_episodes):
        picked = np.stack(
            [rng.choice(by_class[c], shot + query, replace=False) for c in rng.choice(classes, way, replace=False)]
        )
        support.append(picked[:, :shot])
        queries.append(picked[:, shot:])
    return np.stack(support), np.stack(queries)


def prototype_accuracy(features, support, queries):
    """Per-episode accuracy of nearest-prototype classification, for all episodes at once."""
    e, way, _ = support.shape
    prototypes = features[support].mean(axis=2)  # (episodes, way, dim)
    q = features[queries].reshape(e, -1, features.shape[1])  # (episodes, way * query, dim)
    scores = 2 * q @ prototypes.transpose(0, 2, 1) - (prototypes**2).sum(-1)[:, None, :]
    truth = np.repeat(np.arange(way), queries.shape[2])
    return (scores.argmax(-1) == truth).mean(axis=1)


@torch.no_grad()
def embed(encoder, x):
    """Representations of x with the encoder in eval mode (batch-norm running statistics, no dropout)."""
    encoder.eval()
    return torch.cat([encoder(x[i : i + 500]) for i in range(0, len(x), 500)]).numpy()


def interval(a):
    return 1.96 * a.std(ddof=1) / math.sqrt(len(a))


episode_rng = np.random.default_rng(1234)
TEST_SETS = {"glyphs": (test_x, test_y), "digits": (digits_x, digits_y)}
EPISODES = {
    (name, shot): sample_episodes(y, 1000, way=5, shot=shot, query=15, rng=episode_rng)
    for name, (_, y) in TEST_SETS.items()
    for shot in (1, 5)
}
pixel_acc = prototype_accuracy(test_x.reshape(len(test_x), -1).numpy(), *EPISODES["glyphs", 1])
print(f"raw pixels, glyphs 5-way 1-shot: {pixel_acc.mean():.3f} ± {interval(pixel_acc):.3f} (chance 0.200)")
# Claims: 1,000 episodes of 5 x 16 distinct images each, and even raw pixels beat chance by a wide margin.
s, q = EPISODES["glyphs", 1]
assert s.shape == (1000, 5, 1) and q.shape == (1000, 5, 15)
assert all(len(set(np.concatenate([s[i].ravel(), q[i].ravel()]))) == 80 for i in range(20))
assert pixel_acc.mean() - interval(pixel_acc) > 0.4

# %% [markdown]
# ## 6. Baselines: a random encoder and supervised encoders
#
# A comparison needs references on both sides:
#
# - **Raw pixels**: prototypes on the 256 pixel values. Any encoder worth its training should beat them on
#   the glyphs.
# - **A random encoder**: the same architecture, untrained. Random convolutional features are not
#   useless (they are local, smoothed, rectified filters), so this measures what *training* adds on top
#   of the architecture. One initialization can be lucky or unlucky, so there are five, and each
#   episode's accuracy is averaged over them.
# - **Supervised encoders**: the same architecture, trained with a linear classifier head and
#   cross-entropy on the labels of the pre-training classes, with the same augmentations; the head is
#   then dropped and the 64-dimensional features are used with prototypes. One uses the small labelled
#   set (the 20 classes, 400 images, 100 steps: about 30 epochs); the other uses the labels of all 100
#   classes, a reference for what full labelling would give, with 320 steps of 128 images: the same
#   40,960 image passes as SimCLR's pre-training, so neither gets more compute. (With half as many steps
#   it scored clearly lower while this notebook was written: match the compute before you compare
#   methods.) Chen et al. (2019) and Tian et al. (2020) showed that such plain supervised pre-training
#   followed by a simple classifier is a strong few-shot baseline, on par with or better than many
#   meta-learning methods.


# %%
def train_supervised(x, y, n_classes, steps, batch=128, lr=2e-3, seed=SEED):
    torch.manual_seed(seed)
    encoder, head = Encoder(), nn.Linear(64, n_classes)
    opt = torch.optim.Adam([*encoder.parameters(), *head.parameters()], lr=lr)
    y = torch.as_tensor(y)
    encoder.train()
    losses = []
    for _ in range(steps):
        i = torch.randperm(len(x))[:batch]
        loss = F.cross_entropy(head(encoder(augment(x[i]))), y[i])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return encoder.eval(), np.array(losses)


labelled = pretrain_y < N_LABELLED  # the small labelled set: 20 classes, 400 images
t0 = time.process_time()
supervised_all, sup_all_losses = train_supervised(pretrain_x, pretrain_y, N_PRETRAIN, steps=320)
supervised_small, sup_small_losses = train_supervised(pretrain_x[labelled], pretrain_y[labelled], N_LABELLED, steps=100)
random_encoders = []  # five random initializations: one alone would make the baseline a matter of luck
for k in range(5):
    torch.manual_seed(SEED + 1 + k)
    random_encoders.append(Encoder().eval())
print(f"supervised encoders trained in {time.process_time() - t0:.0f} s CPU")
for name, losses, n_cls in [("100 classes", sup_all_losses, 100), ("20 classes", sup_small_losses, 20)]:
    print(
        f"  {name}: cross-entropy {losses[:10].mean():.2f} -> {losses[-10:].mean():.2f} (log {n_cls} = {math.log(n_cls):.2f})"
    )
    assert losses[-10:].mean() < 0.6 * math.log(n_cls)  # they learned their training task

# %% [markdown]
# ## 7. Prototypical Networks trained episodically, from scratch and from SimCLR
#
# A Prototypical Network can also *train* its encoder the way it will be used: sample an episode from
# the labelled classes, compute prototypes from the support images and the softmax above for the query
# images, and minimize the cross-entropy of the queries. This **episodic training** is the
# meta-learning part: the model is trained on many small classification tasks so as to do well on a new
# one (Vinyals et al., 2016; Snell et al., 2017). Snell et al. found that training with *more* classes
# per episode than at test time helped, so the episodes here are 10-way on the 20-class labelled set and
# 20-way on all 100 classes, each with 5 support and 5 query images per class, and the same augmentations.
#
# Three encoders, 100 episodes of Adam each (learning rate $10^{-3}$):
#
# - **ProtoNet from scratch** on the 20 labelled classes;
# - **SimCLR + ProtoNet fine-tuning** on the 20 labelled classes: the pre-trained encoder, fine-tuned on
#   the small labelled set;
# - **SimCLR + ProtoNet fine-tuning** on all 100 classes: the same with full labels.
#
# The frozen SimCLR encoder of section 4 with prototypes on top is the fourth variant: a Prototypical
# Network that never saw a label.


# %%
def protonet_loss(features, way, shot, query):
    """Episode loss: features are the support images (way x shot, class-major) followed by the queries."""
    prototypes = features[: way * shot].reshape(way, shot, -1).mean(dim=1)
    logits = -(torch.cdist(features[way * shot :], prototypes) ** 2)
    return F.cross_entropy(logits, torch.arange(way).repeat_interleave(query))


def train_protonet(encoder, x, y, steps=100, way=10, shot=5, query=5, lr=1e-3, seed=SEED):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    opt = torch.optim.Adam(encoder.parameters(), lr=lr)
    encoder.train()
    losses = []
    for _ in range(steps):
        support, queries = sample_episodes(y, 1, way, shot, query, rng)
        xb = x[np.concatenate([support.ravel(), queries.ravel()])]
        loss = protonet_loss(encoder(augment(xb)), way, shot, query)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return encoder.eval(), np.array(losses)


t0 = time.process_time()
x_small, y_small = pretrain_x[labelled], pretrain_y[labelled]
protonet_scratch, pn_losses = train_protonet(Encoder(), x_small, y_small, way=10)
protonet_ft_small, ft_small_losses = train_protonet(copy.deepcopy(simclr), x_small, y_small, way=10)
protonet_ft_all, ft_all_losses = train_protonet(copy.deepcopy(simclr), pretrain_x, pretrain_y, way=20)
print(f"three Prototypical Networks trained in {time.process_time() - t0:.0f} s CPU")
for name, losses in [
    ("scratch, 20 classes", pn_losses),
    ("SimCLR init, 20", ft_small_losses),
    ("SimCLR init, 100", ft_all_losses),
]:
    print(f"  {name}: episode loss {losses[:10].mean():.2f} -> {losses[-10:].mean():.2f}")
# Claims: a SimCLR start is already better on the training episodes than a random one, and all three learn.
assert ft_small_losses[:10].mean() < pn_losses[:10].mean()
assert all(lo[-10:].mean() < lo[:10].mean() for lo in (pn_losses, ft_small_losses, ft_all_losses))

# %% [markdown]
# ## 8. Results: held-out glyphs and digits, 5-way 1-shot and 5-shot
#
# Every method is scored on the same 4,000 episodes (1,000 per data set and shot). The cell prints the
# table with 95% intervals, writes it to `week16_results.csv` in the current folder, and prints the
# paired differences that answer the project's questions, each with its interval and whether that
# interval excludes zero.

# %%
METHODS = {  # name: (encoder or None for raw pixels, labels used in training)
    "raw pixels": (None, "none"),
    "random encoder": (random_encoders, "none"),
    "SimCLR, frozen": (simclr, "none"),
    "supervised": (supervised_small, "20 classes"),
    "ProtoNet from scratch": (protonet_scratch, "20 classes"),
    "SimCLR + ProtoNet": (protonet_ft_small, "20 classes"),
    "supervised (all labels)": (supervised_all, "100 classes"),
    "SimCLR + ProtoNet (all labels)": (protonet_ft_all, "100 classes"),
}
t0 = time.process_time()
acc = {}  # (method, data set, shot) -> per-episode accuracies
for method, (encoders, _) in METHODS.items():
    encoders = encoders if isinstance(encoders, list) else [encoders]
    for data, (x, _) in TEST_SETS.items():
        feats = [x.reshape(len(x), -1).numpy() if e is None else embed(e, x) for e in encoders]
        for shot in (1, 5):
            # for the random encoders: each episode's accuracy averaged over the five initializations
            acc[method, data, shot] = np.mean([prototype_accuracy(f, *EPISODES[data, shot]) for f in feats], axis=0)
SETTINGS = [(d, s) for d in TEST_SETS for s in (1, 5)]
table = pd.DataFrame(
    {
        "labels": [labels_used for _, labels_used in METHODS.values()],
        **{
            f"{d} {s}-shot": [f"{acc[m, d, s].mean():.3f} ± {interval(acc[m, d, s]):.3f}" for m in METHODS]
            for d, s in SETTINGS
        },
    },
    index=list(METHODS),
)
print("5-way accuracy on classes never seen in training, mean ± 95% interval over 1,000 episodes:\n")
print(table.to_string())
pd.DataFrame(
    {
        f"{d}_{s}shot_{k}": [f(acc[m, d, s]) for m in METHODS]
        for d, s in SETTINGS
        for k, f in [("mean", np.mean), ("ci95", interval)]
    },
    index=pd.Index(list(METHODS), name="method"),
).round(4).to_csv("week16_results.csv")
print(f"\nevaluated in {time.process_time() - t0:.1f} s CPU; written to week16_results.csv")


def paired(a, b, data, shot):
    diff = acc[a, data, shot] - acc[b, data, shot]
    return diff.mean(), interval(diff)


COMPARISONS = [
    ("SimCLR, frozen", "random encoder"),
    ("SimCLR, frozen", "raw pixels"),
    ("SimCLR, frozen", "supervised"),
    ("SimCLR, frozen", "ProtoNet from scratch"),
    ("SimCLR + ProtoNet", "ProtoNet from scratch"),
    ("SimCLR + ProtoNet", "SimCLR, frozen"),
    ("SimCLR, frozen", "supervised (all labels)"),
    ("SimCLR + ProtoNet (all labels)", "SimCLR, frozen"),
    ("SimCLR + ProtoNet (all labels)", "supervised (all labels)"),
]
print("\npaired differences (same episodes), mean ± 95% interval; * = the interval excludes 0:\n")
rows = {}
for a, b in COMPARISONS:
    cells = []
    for d, s in SETTINGS:
        m, h = paired(a, b, d, s)
        cells.append(f"{m:+.3f} ± {h:.3f}{'*' if abs(m) > h else ' '}")
    rows[f"{a}  -  {b}"] = cells
print(pd.DataFrame(rows, index=[f"{d} {s}-shot" for d, s in SETTINGS]).T.to_string())

# %% [markdown]
# The assertions below check only what held, with a margin, in every run tried while writing this
# notebook: training seeds 0 to 3 (new glyph classes and new initializations each), each with the native
# and the portable CPU kernels.
#
# - Every trained encoder beats the random encoder, on both data sets and both shots (by more than 0.03
#   on the glyphs and 0.02 on the digits; the smallest gaps seen were 0.058 and 0.034).
# - 5-shot beats 1-shot for every method by more than 0.04, and every method is far above chance (0.2).
# - On the glyphs, 1-shot, the SimCLR encoder, which used no labels, beats the supervised encoder trained
#   on the small labelled set by more than 0.03 (the smallest gap seen was about 0.07).
#
# Comparisons that were small, or changed sign from one seed to another, are printed above and not
# asserted: in particular SimCLR against the supervised encoder trained on all labels.

# %%
trained = [m for m, (enc, _) in METHODS.items() if enc is not None and m != "random encoder"]
for d, s in SETTINGS:
    for m in trained:
        margin = 0.03 if d == "glyphs" else 0.02
        assert acc[m, d, s].mean() > acc["random encoder", d, s].mean() + margin, (m, d, s)
for m in METHODS:
    for d in TEST_SETS:
        assert acc[m, d, 5].mean() > acc[m, d, 1].mean() + 0.04, (m, d)
        assert acc[m, d, 1].mean() > 0.2 + 0.2, (m, d)
assert paired("SimCLR, frozen", "supervised", "glyphs", 1)[0] > 0.03
print("checked: every trained encoder > random (by 0.03 on glyphs, 0.02 on digits); 5-shot > 1-shot + 0.04;")
print("         all 1-shot accuracies > 0.4; glyphs 1-shot: SimCLR (no labels) > supervised on 20 classes + 0.03")

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
colors = plt.cm.tab10(np.arange(len(METHODS)))
for ax, d in zip(axes, TEST_SETS, strict=True):
    for k, m in enumerate(METHODS):
        for j, s in enumerate((1, 5)):
            a = acc[m, d, s]
            ax.bar(j * (len(METHODS) + 1) + k, a.mean(), yerr=interval(a), color=colors[k], label=m if j == 0 else None)
    ax.set_xticks([(len(METHODS) - 1) / 2, len(METHODS) + 1 + (len(METHODS) - 1) / 2], ["1-shot", "5-shot"])
    ax.axhline(0.2, color="grey", linestyle=":", linewidth=1)
    ax.set_title(f"{d}: 5-way accuracy on unseen classes")
    ax.set_ylim(0, 1)
axes[0].set_ylabel("accuracy (mean, 95% interval)")
axes[1].legend(fontsize=7, loc="lower right")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 9. The few-shot classifier as a reusable system
#
# What the project builds is a model that learns a *new* task from a handful of labelled examples,
# without any gradient step. The class below packages it with a scikit-learn-like interface: `fit` takes
# a support set of any classes (any number of them, any number of shots) and computes prototypes; `predict`
# labels new images. The cell saves the fine-tuned encoder's weights to `week16_encoder.pt` in the current
# folder, loads them into a fresh encoder, as a deployed service would, and checks that the class gives
# the same accuracy as the vectorized evaluation of section 8 on one digits episode.


# %%
class FewShotClassifier:
    """Nearest-prototype classification with a trained encoder: fit on a support set, predict queries."""

    def __init__(self, encoder):
        self.encoder = encoder.eval()

    @torch.no_grad()
    def fit(self, x_support, y_support):
        y_support = torch.as_tensor(y_support)
        features = self.encoder(x_support)
        self.classes_ = torch.unique(y_support)
        self.prototypes_ = torch.stack([features[y_support == c].mean(dim=0) for c in self.classes_])
        return self

    @torch.no_grad()
    def predict(self, x):
        return self.classes_[torch.cdist(self.encoder(x), self.prototypes_).argmin(dim=1)]


torch.save(protonet_ft_all.state_dict(), "week16_encoder.pt")
deployed = Encoder()
deployed.load_state_dict(torch.load("week16_encoder.pt", weights_only=True))

support, queries = (a[0] for a in EPISODES["digits", 5])  # the first 5-way 5-shot digits episode
clf = FewShotClassifier(deployed).fit(digits_x[support.ravel()], digits_y[support.ravel()])
predicted = clf.predict(digits_x[queries.ravel()]).numpy()
episode_acc = (predicted == digits_y[queries.ravel()]).mean()
print(f"digits {sorted(clf.classes_.tolist())}, 5 examples each: {round(episode_acc * 75)} of 75 queries right")
# Claims: the reloaded model reproduces the evaluation (up to one query that may flip on a rounding tie).
assert abs(episode_acc - acc["SimCLR + ProtoNet (all labels)", "digits", 5][0]) <= 1 / 75 + 1e-12
assert Path("week16_encoder.pt").stat().st_size < 500_000

# %% [markdown]
# ## 10. What the results say, and what they do not
#
# Read the table and the paired differences together; a starred difference is one whose 95% interval
# excludes zero *for the episodes*. Where a statement below says "in every run", it refers to the eight
# runs (seeds 0 to 3, native and portable kernels) tried while writing, of which this notebook's default
# seed is one.
#
# - **Training matters, on both data sets.** Every trained encoder is well above the random encoder
#   (asserted). On the glyphs the random encoder is no better than raw pixels: the architecture alone
#   brings little, the learned filters bring the gain.
# - **Five shots beat one** for every method, by a wide margin (asserted): a prototype averaged over five
#   drawings is a far better estimate of the class centre than a single drawing.
# - **Unlabelled data beat a small labelled set.** On the held-out glyphs, the SimCLR encoder, which never
#   saw a label, beats both the supervised encoder and the ProtoNet trained from scratch on the 20
#   labelled classes (asserted against the supervised one in 1-shot; starred against both in every run).
#   Twenty classes are too few to learn features that carry over to new classes, whatever the loss; the
#   100 unlabelled classes offer more variety.
# - **Fine-tuning needs enough classes.** Episodic fine-tuning of SimCLR on the 20 labelled classes gives
#   nothing over the frozen SimCLR encoder: the difference was at most 0.03 and changed sign between
#   seeds. Fine-tuning on all 100 classes improved the glyph accuracy over the frozen encoder in every
#   run, by 0.007 to 0.046 in 1-shot. What the labels add is class diversity.
# - **SimCLR and full supervision are close.** With the same compute, the supervised encoder trained on
#   all 100 labelled classes was ahead of SimCLR in three seeds of four (by 0.01 to 0.035 in 1-shot) and
#   behind it in one (by about 0.02). No claim either way is made: on this data and budget, neither beats
#   the other reliably. SimCLR pre-training followed by episodic fine-tuning on all labels was the best
#   glyph method in every run, but its lead over plain supervised training was small (0.005 to 0.03 in
#   1-shot).
# - **Transfer to another domain is weak.** On the digits every encoder is far below its glyph accuracy,
#   and raw pixels, which need no training at all, beat every trained encoder in every run (look at the
#   starred negative difference of SimCLR against raw pixels). Features learned on thin strokes do not
#   carry over to thick, blurry digits; fine-tuning on glyph labels, which specializes the encoder
#   further, lowered the digits accuracy of SimCLR in most runs. (The batch-norm statistics, estimated on
#   glyphs, may be part of the problem: one thing to try below.) This is the lesson of cross-domain
#   benchmarks such as Meta-Dataset (Triantafillou et al., 2020) and BSCD-FSL (Guo et al., 2020):
#   few-shot accuracy measured on held-out classes *of the same domain* overstates what you get on a new
#   domain, so evaluate on more than one data set.
#
# **How sure is this?** The intervals cover the choice of test episodes, not the training run. Rerunning
# with `SEED = 1`, `2` or `3` (new glyph classes, new initializations) moves the accuracies by about as much as
# the gaps between the close methods, which is why only the wide, consistent differences are asserted. A
# careful comparison repeats the training over several seeds and reports the spread across seeds as well.
#
# **Pitfalls this notebook avoids**, and that you should check in your own project:
#
# - *Class leakage.* Test classes must not appear in pre-training, not even unlabelled: the split is by
#   class, asserted in section 1.
# - *Transductive batch norm.* Evaluating with the encoder in training mode normalizes each batch of
#   queries with its own statistics, which shares information between test queries and can inflate
#   accuracy. `embed` uses eval mode.
# - *Unpaired comparisons.* Two overlapping intervals do not mean "no difference" when the episodes are
#   shared; the paired difference is the right test.
# - *Tuning on the test classes.* The few settings chosen here (temperature, steps, learning rates) were
#   tried on the test classes while writing; in a real project, keep a third, validation set of classes
#   for that, as the standard benchmarks do.

# %%
elapsed = time.process_time() - notebook_start
print(f"notebook CPU time after the imports: {elapsed:.0f} s")

# %% [markdown]
# ## On your machine: Omniglot and a bigger SimCLR
#
# The same functions run on Omniglot (1,623 handwritten characters from 50 alphabets, 20 drawings each;
# the "background" set of 30 alphabets is the usual training split and the "evaluation" set of 20 the test
# split). torchvision downloads it on first use:
#
# ```python
# import torchvision
# from torchvision.transforms import v2
#
# to_tensor = v2.Compose([v2.Grayscale(), v2.Resize(28), v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])
#
#
# def load(background):
#     ds = torchvision.datasets.Omniglot("data", background=background, download=True, transform=to_tensor)
#     pairs = list(ds)  # (image, character index), 20 drawings per character
#     x = torch.stack([1 - img.as_subclass(torch.Tensor) for img, _ in pairs])  # ink becomes 1, as here
#     return x, np.array([label for _, label in pairs])
#
#
# pretrain_x, pretrain_y = load(background=True)  # 964 characters, 19,280 images
# test_x, test_y = load(background=False)  # 659 new characters
# # Encoder(width=64) for 28x28 inputs; train_simclr(pretrain_x, steps=20_000, batch=512), then sections 5-10.
# ```
#
# To scale the experiment itself: more SimCLR steps and a larger batch help most (more negatives per
# step); a wider encoder (`width=64`) and 28×28 images next; on a GPU, move the tensors and the encoder
# to `"cuda"` and raise the batch to 512 or more. Report accuracies over 600 to 10,000 test episodes with
# their intervals, and repeat the training over at least three seeds.
#
# ## What to try next
#
# - **MAML** (Finn, Abbeel & Levine, 2017): instead of a fixed embedding, learn an initialization from
#   which a few gradient steps on the support set adapt a classifier. Implement it with `torch.func`
#   (`functional_call` and `grad`) on the same episodes and compare it with the Prototypical Network in
#   the table.
# - **MoCo** (He et al., 2020): replace the in-batch negatives by a queue of past batches encoded by a
#   momentum encoder, and check whether small batches then do as well as large ones.
# - **Masked image modeling** (MAE, He et al., 2022): pre-train by reconstructing masked patches instead
#   of contrasting views, and compare the few-shot accuracy of its features.
# - **Test-time fine-tuning**: fit a logistic regression on the support embeddings of each episode, or
#   fine-tune the encoder on each support set for a few steps, as Dhillon et al. (2020) do (they also use
#   the unlabelled queries, transductively), and see when it beats plain prototypes.
# - **Batch norm on a new domain**: re-estimate the encoder's batch-norm statistics on the digits' support
#   images before embedding, or normalize per task (Bronskill et al., 2020), and see whether the gap to raw
#   pixels on the digits closes.
# - **ProtoNet from scratch on all 100 classes**: the missing cell of the table, to separate what SimCLR's
#   initialization adds from what the labels add when labels are plentiful.
# - **Augmentation ablation**: drop one augmentation at a time from SimCLR and watch which one the
#   few-shot accuracy depends on; Chen et al. (2020) found crops and colour distortion essential on
#   ImageNet.
#
# ## References
#
# - Bronskill, J., Gordon, J., Requeima, J., Nowozin, S., & Turner, R. E. (2020). TaskNorm: rethinking
#   batch normalization for meta-learning. *ICML*.
# - Chen, T., Kornblith, S., Norouzi, M., & Hinton, G. (2020). A simple framework for contrastive
#   learning of visual representations. *ICML*.
# - Chen, W.-Y., Liu, Y.-C., Kira, Z., Wang, Y.-C. F., & Huang, J.-B. (2019). A closer look at few-shot
#   classification. *ICLR*.
# - Dhillon, G. S., Chaudhari, P., Ravichandran, A., & Soatto, S. (2020). A baseline for few-shot image
#   classification. *ICLR*.
# - Finn, C., Abbeel, P., & Levine, S. (2017). Model-agnostic meta-learning for fast adaptation of deep
#   networks. *ICML*.
# - Guo, Y., Codella, N. C., Karlinsky, L., Codella, J. V., Smith, J. R., Saenko, K., Rosing, T., &
#   Feris, R. (2020). A broader study of cross-domain few-shot learning. *ECCV*.
# - He, K., Fan, H., Wu, Y., Xie, S., & Girshick, R. (2020). Momentum contrast for unsupervised visual
#   representation learning. *CVPR*.
# - He, K., Chen, X., Xie, S., Li, Y., Dollár, P., & Girshick, R. (2022). Masked autoencoders are
#   scalable vision learners. *CVPR*.
# - Lake, B. M., Salakhutdinov, R., & Tenenbaum, J. B. (2015). Human-level concept learning through
#   probabilistic program induction. *Science*, 350(6266).
# - Snell, J., Swersky, K., & Zemel, R. (2017). Prototypical networks for few-shot learning. *NeurIPS*.
# - Tian, Y., Wang, Y., Krishnan, D., Tenenbaum, J. B., & Isola, P. (2020). Rethinking few-shot image
#   classification: a good embedding is all you need? *ECCV*.
# - Triantafillou, E., Zhu, T., Dumoulin, V., Lamblin, P., Evci, U., Xu, K., Goroshin, R., Gelada, C.,
#   Swersky, K., Manzagol, P.-A., & Larochelle, H. (2020). Meta-Dataset: a dataset of datasets for
#   learning to learn from few examples. *ICLR*.
# - van den Oord, A., Li, Y., & Vinyals, O. (2018). Representation learning with contrastive predictive
#   coding. *arXiv:1807.03748*.
# - Vinyals, O., Blundell, C., Lillicrap, T., Kavukcuoglu, K., & Wierstra, D. (2016). Matching networks
#   for one shot learning. *NeurIPS*.
