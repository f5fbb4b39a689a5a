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
# # Week 3: an image-classification pipeline in PyTorch
#
# This notebook is a worked version of the Week 3 checkpoint project: a complete, modular training
# pipeline in PyTorch, with a custom `Dataset`, data augmentation, a validation loop, checkpoints and
# experiment tracking in TensorBoard. Try the project on your own first.
#
# The roadmap's project uses CIFAR-10 (60,000 colour images of 32×32 pixels, a 170 MB download). So
# that this page runs offline in seconds, the pipeline runs here on scikit-learn's bundled 8×8 digits;
# the cell marked **On your machine** switches it to CIFAR-10, and nothing else needs to change.
#
# The pieces, each a small function or class you can reuse in Week 4 and beyond:
#
# | piece | job |
# |---|---|
# | `Config` | every setting of a run in one place, logged with the results |
# | `ImageDataset` | images and labels as tensors, with an optional transform |
# | `RandomShift`, `RandomNoise`, `Compose` | augmentation, written with tensor operations |
# | `SmallCNN` | the model, sized by the input's channels and the number of classes |
# | `train_one_epoch`, `evaluate`, `fit` | the loops, with logging and checkpoints |

# %%
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, Dataset
from torch.utils.tensorboard import SummaryWriter


@dataclass
class Config:
    batch_size: int = 64
    lr: float = 3e-3
    n_epochs: int = 12
    label_smoothing: float = 0.05
    seed: int = 0


cfg = Config()
torch.manual_seed(cfg.seed)
# Tensors this small gain nothing from several threads, and threads fighting over busy cores cost a lot.
# On CIFAR-10 or a bigger model, delete this line.
torch.set_num_threads(1)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(f"torch {torch.__version__} on {device}; {cfg}")

# %% [markdown]
# ## 1. Data: a custom Dataset
#
# A `Dataset` needs two methods: `__len__` and `__getitem__`, which returns one (image, label) pair.
# Keep the images as one tensor of shape `(N, channels, height, width)` and apply the transform per
# item, so that every epoch sees freshly augmented images. The `DataLoader` then batches and shuffles.
#
# Normalize with the training set's mean and standard deviation, computed once and reused for
# validation and test images.


# %%
class ImageDataset(Dataset):
    """Images (N, C, H, W) and integer labels, with an optional per-item transform."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, transform=None):
        assert images.ndim == 4 and len(images) == len(labels)
        self.images, self.labels, self.transform = images, labels, transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        x = self.images[i]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.labels[i]


digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0  # (1797, 1, 8, 8)
labels = torch.tensor(digits.target)
idx_train, idx_test = train_test_split(np.arange(len(labels)), test_size=0.25, stratify=labels, random_state=0)
idx_train, idx_val = train_test_split(idx_train, test_size=0.2, stratify=labels[idx_train], random_state=0)
mean, std = images[idx_train].mean(), images[idx_train].std()


def normalized(idx):
    return (images[idx] - mean) / std, labels[idx]


# %% [markdown]
# ## 2. Augmentation with tensor operations
#
# Augmentation shows the model plausible variations of each training image, so it learns what does not
# change the label. For handwritten digits a shift by a pixel and a little noise keep the label; a
# horizontal flip does not (a flipped 2 is not a 2), which is why the CIFAR-10 recipe below flips and
# this one does not. Whether an augmentation also *helps* is a measurement, which Week 4 makes. Augment
# the training set only: validation must measure the real images.


# %%
class RandomShift:
    """Pad by `pad` pixels (with the background value) and crop back at a random offset."""

    def __init__(self, pad=1, fill=None):
        self.pad, self.fill = pad, fill

    def __call__(self, x):
        c, h, w = x.shape
        fill = x.min().item() if self.fill is None else self.fill
        padded = F.pad(x, (self.pad,) * 4, value=fill)
        top, left = torch.randint(0, 2 * self.pad + 1, (2,)).tolist()
        return padded[:, top : top + h, left : left + w]


class RandomNoise:
    def __init__(self, std=0.1):
        self.std = std

    def __call__(self, x):
        return x + self.std * torch.randn_like(x)


class Compose:
    def __init__(self, *transforms):
        self.transforms = transforms

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x


augment = Compose(RandomShift(pad=1), RandomNoise(std=0.1))
train_set = ImageDataset(*normalized(idx_train), transform=augment)
val_set = ImageDataset(*normalized(idx_val))
test_set = ImageDataset(*normalized(idx_test))
in_channels, n_classes = 1, 10
print(f"train {len(train_set)}, validation {len(val_set)}, test {len(test_set)}")

x0, _ = val_set[0]
fig, axes = plt.subplots(1, 6, figsize=(7, 1.4))
axes[0].imshow(x0[0], cmap="gray_r")
axes[0].set_title("original", fontsize=8)
for ax in axes[1:]:
    ax.imshow(augment(x0)[0], cmap="gray_r")
    ax.set_title("augmented", fontsize=8)
for ax in axes:
    ax.axis("off")
plt.show()
assert augment(x0).shape == x0.shape

# %% [markdown]
# ### On your machine: CIFAR-10
#
# Set `USE_CIFAR10 = True` to train on CIFAR-10 instead. It needs `pip install torchvision` and
# downloads the data (170 MB) on first use, so it is off here. torchvision's transforms replace the
# hand-written ones: a random crop with 4 pixels of padding and a horizontal flip are the standard
# recipe. Expect a few minutes per epoch on a laptop CPU, seconds on a GPU; raise `cfg.n_epochs` to 30.

# %%
USE_CIFAR10 = False  # not run here: needs torchvision and a download

if USE_CIFAR10:
    import torchvision
    from torchvision import transforms as T

    stats = ((0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616))  # CIFAR-10 channel means and stds
    train_tf = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize(*stats)])
    eval_tf = T.Compose([T.ToTensor(), T.Normalize(*stats)])
    full_train = torchvision.datasets.CIFAR10("data", train=True, download=True, transform=train_tf)
    full_val = torchvision.datasets.CIFAR10("data", train=True, download=True, transform=eval_tf)
    split = torch.randperm(len(full_train), generator=torch.Generator().manual_seed(cfg.seed))
    train_set = torch.utils.data.Subset(full_train, split[:45000].tolist())
    val_set = torch.utils.data.Subset(full_val, split[45000:].tolist())
    test_set = torchvision.datasets.CIFAR10("data", train=False, download=True, transform=eval_tf)
    in_channels, n_classes = 3, 10


# %%
def loaders(cfg: Config):
    generator = torch.Generator().manual_seed(cfg.seed)  # the shuffling order is part of the experiment
    return (
        DataLoader(train_set, batch_size=cfg.batch_size, shuffle=True, generator=generator),
        DataLoader(val_set, batch_size=256),
        DataLoader(test_set, batch_size=256),
    )


# %% [markdown]
# ## 3. The model
#
# Three convolutions and a global average pool. The pool makes the classifier independent of the image
# size, so the same class takes 8×8 digits and 32×32 CIFAR images; only `in_channels` changes.


# %%
class SmallCNN(nn.Module):
    def __init__(self, in_channels=1, n_classes=10, width=16):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, width, 3, padding=1),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.Conv2d(width, width, 3, padding=1),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(width, 2 * width, 3, padding=1),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.classifier = nn.Linear(2 * width, n_classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


model = SmallCNN(in_channels, n_classes).to(device)
n_params = sum(p.numel() for p in model.parameters())
print(f"{n_params:,} parameters; output shape {tuple(model(torch.zeros(2, in_channels, 8, 8)).shape)}")

# %% [markdown]
# ## 4. A custom loss: label smoothing
#
# Label smoothing (Szegedy et al., 2016) trains against a target that puts $1 - \varepsilon$ on the true
# class and spreads $\varepsilon$ evenly over all classes, which discourages over-confident scores.
# Writing it yourself is a good exercise in tensor code; checking it against PyTorch's built-in
# version tells you it is right.


# %%
class LabelSmoothingCrossEntropy(nn.Module):
    def __init__(self, smoothing=0.1):
        super().__init__()
        self.smoothing = smoothing

    def forward(self, logits, target):
        log_p = F.log_softmax(logits, dim=-1)  # log-softmax, not log(softmax): stable for large logits
        true_class = -log_p.gather(1, target.unsqueeze(1)).squeeze(1)
        uniform = -log_p.mean(dim=-1)
        return ((1 - self.smoothing) * true_class + self.smoothing * uniform).mean()


criterion = LabelSmoothingCrossEntropy(cfg.label_smoothing)
logits, target = torch.randn(16, 10) * 5, torch.randint(0, 10, (16,))
builtin = F.cross_entropy(logits, target, label_smoothing=cfg.label_smoothing)
print(f"ours {criterion(logits, target).item():.6f}, PyTorch {builtin.item():.6f}")
assert torch.allclose(criterion(logits, target), builtin, atol=1e-6)

# %% [markdown]
# ## 5. Training and validation loops
#
# Two habits matter here: switch the model to training mode (`model.train()`: dropout on, batch norm
# updating its statistics) for training and to evaluation mode (`model.eval()`, under
# `torch.no_grad()`) for validation, and log everything you may want to compare later, with the run's
# configuration next to it.


# %%
def train_one_epoch(model, loader, criterion, optimizer, scheduler=None):
    model.train()
    total, correct, loss_sum = 0, 0, 0.0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        optimizer.zero_grad()
        logits = model(x)
        loss = criterion(logits, y)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()  # schedulers such as OneCycleLR step per batch
        loss_sum += loss.item() * len(y)
        correct += (logits.argmax(1) == y).sum().item()
        total += len(y)
    return loss_sum / total, correct / total


@torch.no_grad()
def evaluate(model, loader, criterion):
    model.eval()
    total, correct, loss_sum = 0, 0, 0.0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        logits = model(x)
        loss_sum += criterion(logits, y).item() * len(y)
        correct += (logits.argmax(1) == y).sum().item()
        total += len(y)
    return loss_sum / total, correct / total


def fit(model, cfg: Config, log_dir: Path, checkpoint: Path):
    """Train for cfg.n_epochs, log to TensorBoard, keep the checkpoint with the best validation accuracy."""
    train_loader, val_loader, _ = loaders(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    history, best_acc = [], -1.0
    with SummaryWriter(log_dir) as writer:
        writer.add_text("config", str(asdict(cfg)))
        for epoch in range(cfg.n_epochs):
            train_loss, train_acc = train_one_epoch(model, train_loader, criterion, optimizer)
            val_loss, val_acc = evaluate(model, val_loader, criterion)
            writer.add_scalars("loss", {"train": train_loss, "val": val_loss}, epoch)
            writer.add_scalars("accuracy", {"train": train_acc, "val": val_acc}, epoch)
            history.append(dict(epoch=epoch, train_loss=train_loss, val_loss=val_loss, val_acc=val_acc))
            if val_acc > best_acc:
                best_acc = val_acc
                torch.save({"model": model.state_dict(), "config": asdict(cfg), "epoch": epoch}, checkpoint)
            print(f"epoch {epoch:2d}  train loss {train_loss:.3f}  val loss {val_loss:.3f}  val acc {val_acc:.3f}")
    return history


# %% [markdown]
# ## 6. Run the experiment
#
# Each run gets its own log folder. Here it is a temporary one; on your machine use something like
# `runs/week03-baseline` so that runs accumulate and TensorBoard can compare them.

# %%
run_dir = Path(tempfile.mkdtemp(prefix="week03-"))
torch.manual_seed(cfg.seed)
model = SmallCNN(in_channels, n_classes).to(device)
history = fit(model, cfg, run_dir / "baseline", run_dir / "best.pt")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.2))
ax1.plot([h["train_loss"] for h in history], label="train")
ax1.plot([h["val_loss"] for h in history], label="validation")
ax1.set(xlabel="epoch", ylabel="loss", title="Loss")
ax1.legend()
ax2.plot([h["val_acc"] for h in history])
ax2.set(xlabel="epoch", ylabel="accuracy", title="Validation accuracy")
plt.show()

# Claims: the training loss goes down, and the model generalizes to the validation images.
assert history[-1]["train_loss"] < 0.5 * history[0]["train_loss"]
assert max(h["val_acc"] for h in history) > 0.95

# %% [markdown]
# ## 7. Restore the best checkpoint, test once
#
# The checkpoint holds the weights from the epoch with the best validation accuracy, plus the
# configuration that produced them. Load it into a fresh model, as you would in another session, and
# only now measure the test set.

# %%
saved = torch.load(run_dir / "best.pt", map_location=device)
restored = SmallCNN(in_channels, n_classes).to(device)
restored.load_state_dict(saved["model"])
_, _, test_loader = loaders(cfg)
test_loss, test_acc = evaluate(restored, test_loader, criterion)
print(f"best epoch {saved['epoch']}, test accuracy {test_acc:.3f}")
assert test_acc > 0.95

# %% [markdown]
# ## 8. Reading the logs
#
# On your machine, point TensorBoard at the log folder and open the address it prints:
#
# ```bash
# tensorboard --logdir runs
# ```
#
# (In Jupyter or Colab, `%load_ext tensorboard` and then `%tensorboard --logdir runs` show it inline.)
# The same event files can be read from Python, which is handy to compare runs in a table; this is
# also how the notebook checks that the logging really happened.

# %%
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

logged = {}
for events in sorted((run_dir / "baseline").rglob("events.out.tfevents.*")):
    acc = EventAccumulator(str(events.parent)).Reload()
    for tag in acc.Tags()["scalars"]:
        logged[f"{events.parent.name}/{tag}"] = [e.value for e in acc.Scalars(tag)]
for tag, values in sorted(logged.items()):
    print(f"{tag:<24} {len(values)} points, last {values[-1]:.3f}")
assert any(len(v) == cfg.n_epochs for v in logged.values()), "every epoch should be in the logs"

# %% [markdown]
# ## What to try next
#
# - Recreate the Week 2 MLP as an `nn.Module` and train it with these loops: how does it compare with
#   the CNN?
# - Add a learning-rate scheduler to `fit` (the loop already accepts one) and log the learning rate.
# - Week 4 starts from this baseline and measures what regularization and schedules add.
