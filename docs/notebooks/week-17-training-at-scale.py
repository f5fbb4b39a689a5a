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
# # Week 17: training at scale with DistributedDataParallel
#
# This notebook is a worked version of the Week 17 checkpoint project: train one model with data
# parallelism on 1, 2 and 4 processes, check that the distributed runs compute what the single-process
# run computes, measure throughput and scaling efficiency, and write down what the measurements mean.
# Try the project on your own first.
#
# | Project task | Where |
# |---|---|
# | Choose a large model (e.g. ViT-Large) | section 8: ViT-Large's parameters, memory and compute worked out; the runs use a small MLP |
# | Implement distributed training | sections 2-5: a `torchrun` script with DDP, `DistributedSampler`, `no_sync`, rank-0 checkpoints |
# | Optimize for throughput | section 6: compute and all-reduce timed apart, weak and strong scaling |
# | Track with experiment management | section 6: every run appended to a JSON-lines log; MLflow at the end |
# | Document scaling behavior | sections 6-7: the table, the plot and what they do and do not tell about GPUs |
#
# Everything runs on this machine's CPU: `torch.distributed` with the **Gloo** backend starts real
# processes that talk over local TCP sockets, so the code is the code you would run on a GPU cluster
# with a few lines changed (the backend and the device). What a CPU cannot give you is GPU *speed*:
# section 7 separates the conclusions that carry over (the algorithm is right, the data order, the
# arithmetic of communication) from those that do not (how fast, how well it scales).
#
# It builds on the [data-parallelism section of Distributed Training](../../guides/distributed-training/#data-parallelism)
# and on [measuring scaling](../../guides/distributed-training/#scaling); gradient accumulation and
# FLOP counting are in [Model Optimization](../../guides/model-optimization/#training-efficiency).

# %%
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.distributed as dist
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DistributedSampler, TensorDataset

# Every rank below runs one thread, and so does the reference run here, so that they do the same arithmetic.
torch.set_num_threads(1)
torch.manual_seed(0)
notebook_start = time.process_time()
WORK = Path(tempfile.mkdtemp(prefix="week17-"))  # the script, its data, configs and results
print("Gloo available:", dist.is_gloo_available(), "| PyTorch", torch.__version__)
print(
    f"cores this process may use: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()}"
)
assert dist.is_gloo_available()

# %% [markdown]
# ## 1. The data and the model
#
# The model is a multi-layer perceptron on scikit-learn's 8×8 handwritten digits: small enough that
# every run takes a second, big enough to learn (about 90% test accuracy after 80 steps of SGD; longer
# training does better, but the point here is equality, not accuracy). The first 1,280 images are the
# training set, exactly 10 global batches of 128, so that every rank gets the same number of
# samples and no sampler has to pad; the remaining 517 are the test set.
#
# Every rank reads the whole training set from one file and picks its own share with a sampler, the
# way a cluster job reads from shared storage.

# %%
X, y = load_digits(return_X_y=True)
X = torch.tensor(X / 16.0, dtype=torch.float32)
y = torch.tensor(y)
N_TRAIN = 1280
X_train, y_train, X_test, y_test = X[:N_TRAIN], y[:N_TRAIN], X[N_TRAIN:], y[N_TRAIN:]
torch.save((X_train, y_train), WORK / "digits_train.pt")
print(f"train {tuple(X_train.shape)}, test {tuple(X_test.shape)}, classes {y.unique().numel()}")
assert X_train.shape == (1280, 64) and X_test.shape == (517, 64)
assert 0.0 <= X.min() and X.max() <= 1.0

# %% [markdown]
# ## 2. One script, run by every rank
#
# Data parallelism keeps a full copy of the model in every process (a **rank**); each rank computes the
# gradient on its own slice of the global batch, the ranks **all-reduce** (average) their gradients,
# and every rank takes the same optimizer step. The pieces of the script below, in the order they run:
#
# - **`torchrun` starts the ranks** and gives each one its identity in environment variables: `RANK`
#   (0 to `WORLD_SIZE`-1 over the whole job), `LOCAL_RANK` (its index on this machine, which picks its
#   GPU on a GPU node), `WORLD_SIZE`, and `MASTER_ADDR`/`MASTER_PORT`, the address of a small
#   key-value store (hosted by the launcher on the first machine) through which the ranks find each
#   other. `dist.init_process_group("gloo")` reads them.
# - **`DistributedDataParallel(model)` broadcasts rank 0's parameters** to every rank when it wraps
#   the model. The script seeds each rank *differently* on purpose, then checks that all ranks start
#   from identical weights anyway.
# - **`DistributedSampler` gives rank $r$ of $N$ every $N$-th index** of one permutation that every
#   rank draws from the same seed. `set_epoch(e)` reseeds it with `seed + e`: forget it and every epoch
#   repeats the first epoch's order.
# - **`loss.backward()` all-reduces the gradients.** DDP groups the gradients into buckets (25 MB by
#   default) and starts each bucket's all-reduce as soon as the backward pass has filled it, so
#   communication overlaps the rest of the backward pass. After `backward()`, `p.grad` holds the
#   average over ranks.
# - **`no_sync()` skips the all-reduce** for micro-batches of gradient accumulation; only the last
#   micro-batch of a step synchronizes, so accumulating $k$ micro-batches costs one all-reduce, not $k$.
# - **Rank 0 alone writes the checkpoint and the results** (`model.module` is the wrapped model, so the
#   saved keys have no `module.` prefix and load into a plain model).
#
# The script also times the two halves of a step, computing and communicating, on a wider MLP
# (section 6). The notebook writes it to a file, launches it with `torchrun`, and imports the same file
# for its own single-process reference, so both use one definition of the model.

# %%
SCRIPT = r'''
"""Data-parallel training of an MLP with DDP over Gloo. Every rank runs this file:
    python -m torch.distributed.run --nproc-per-node N --master-port PORT train_ddp.py config.json
"""
import contextlib
import json
import os
import sys
import time

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset


def make_mlp(widths, dtype=torch.float32):
    layers = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        layers += [nn.Linear(fan_in, fan_out, dtype=dtype), nn.ReLU()]
    return nn.Sequential(*layers[:-1])  # no ReLU after the output layer


def flat(tensors):
    return torch.cat([t.detach().reshape(-1) for t in tensors])


def same_on_all_ranks(tensor):
    """True if every rank holds exactly this tensor (compared bit for bit)."""
    copies = [torch.empty_like(tensor) for _ in range(dist.get_world_size())]
    dist.all_gather(copies, tensor)
    return all(torch.equal(c, copies[0]) for c in copies)


def train(cfg, X, y, epochs, dtype=torch.float32, accumulate=1):
    """SGD with momentum; each step sees cfg["global_batch"] samples in total, split over the ranks."""
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(rank)  # different on every rank, on purpose: DDP broadcasts rank 0's weights
    model = DDP(make_mlp(cfg["widths"], dtype))
    start_identical = same_on_all_ranks(flat(model.parameters()))
    data = TensorDataset(X.to(dtype), y)
    sampler = DistributedSampler(data, num_replicas=world, rank=rank, shuffle=True, seed=cfg["seed"], drop_last=True)
    loader = DataLoader(data, batch_size=cfg["global_batch"] // world, sampler=sampler)
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"], momentum=0.9)
    losses, first_grad = [], None
    for epoch in range(epochs):
        sampler.set_epoch(epoch)  # a new permutation each epoch, the same one on every rank
        for xb, yb in loader:
            opt.zero_grad()
            step_loss = torch.zeros((), dtype=torch.float64)
            chunks = list(zip(xb.chunk(accumulate), yb.chunk(accumulate)))
            for k, (xm, ym) in enumerate(chunks):
                last = k == len(chunks) - 1
                with contextlib.nullcontext() if last else model.no_sync():  # all-reduce once per step
                    loss = nn.functional.cross_entropy(model(xm), ym) / accumulate
                    loss.backward()
                step_loss += loss.detach().double()
            if first_grad is None:
                first_grad = flat(p.grad for p in model.parameters())
            opt.step()
            dist.all_reduce(step_loss)  # the mean over the global batch = the mean of the ranks' means
            losses.append(step_loss.item() / world)
    identical = same_on_all_ranks(flat(model.parameters()))
    return model, dict(losses=losses, start_identical=start_identical, end_identical=identical), first_grad


def benchmark(cfg, per_rank_batch, steps=10, warmup=2):
    """Median wall time of a DDP step, of its computation alone and of an all-reduce of the gradients alone."""
    torch.manual_seed(0)
    widths = cfg["bench_widths"]
    model = DDP(make_mlp(widths))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x, y = torch.randn(per_rank_batch, widths[0]), torch.randint(0, widths[-1], (per_rank_batch,))

    def timed(fn, n):
        """Per-call wall times (the median resists a busy machine's pauses) and the total CPU time."""
        dist.barrier()
        walls, cpu = [], time.process_time()
        for _ in range(n):
            start = time.perf_counter()
            fn()
            walls.append(time.perf_counter() - start)
        return torch.tensor(walls, dtype=torch.float64), time.process_time() - cpu

    def step():
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    def compute_only():
        with model.no_sync():
            opt.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()

    grads = torch.zeros(sum(p.numel() for p in model.parameters()))
    timed(step, warmup)
    step_walls, step_cpu = timed(step, steps)
    compute_walls, _ = timed(compute_only, steps)
    allreduce_walls, _ = timed(lambda: dist.all_reduce(grads), steps)
    mine = torch.tensor([step_walls.median(), step_cpu / step_walls.sum(), compute_walls.median(),
                         allreduce_walls.median()], dtype=torch.float64)
    every = [torch.empty_like(mine) for _ in range(dist.get_world_size())]
    dist.all_gather(every, mine)
    every = torch.stack(every)
    buckets = model._get_ddp_logging_data().get("rebuilt_bucket_sizes", "")  # private: for inspection only
    return dict(
        buckets=[int(b) for b in buckets.split(",") if b.strip()],
        per_rank_batch=per_rank_batch,
        global_batch=per_rank_batch * dist.get_world_size(),
        steps=steps,
        step_s=every[:, 0].max().item(),  # the ranks wait for each other: the slowest one counts
        cpu_per_wall=every[:, 1].mean().item(),
        compute_s=every[:, 2].max().item(),
        allreduce_s=every[:, 3].max().item(),
        params=grads.numel(),
    )


def main():
    cfg = json.loads(open(sys.argv[1]).read())
    torch.set_num_threads(1)
    dist.init_process_group("gloo")  # reads RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set by torchrun
    rank, world = dist.get_rank(), dist.get_world_size()
    env = {k: os.environ[k] for k in ("RANK", "LOCAL_RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")}
    envs = [None] * world
    dist.all_gather_object(envs, env)
    X, y = torch.load(cfg["data"])
    model, fp32, first_grad = train(cfg, X, y, cfg["epochs"])
    _, accumulated, _ = train(cfg, X, y, cfg["short_epochs"], accumulate=2)
    _, fp64, _ = train(cfg, X, y, cfg["short_epochs"], dtype=torch.float64)
    weak = benchmark(cfg, cfg["bench_batch"])  # the same batch per rank: the global batch grows with N
    strong = benchmark(cfg, cfg["bench_batch"] // world)  # the same global batch, split N ways
    if rank == 0:
        torch.save({"state": model.module.state_dict(), "first_grad": first_grad}, cfg["out"] + ".pt")
        results = dict(world=world, envs=envs, fp32=fp32, accumulated=accumulated, fp64=fp64,
                       weak=weak, strong=strong)
        with open(cfg["out"] + ".json", "w") as f:
            json.dump(results, f)
    dist.barrier()  # every rank leaves together, after rank 0 has written its files
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
'''
script_path = WORK / "train_ddp.py"
script_path.write_text(SCRIPT.lstrip(), encoding="utf-8")
compile(SCRIPT, str(script_path), "exec")  # a syntax error shows here, not in four processes at once
print(f"wrote {script_path.name}: {len(SCRIPT.splitlines())} lines")

# %% [markdown]
# ## 3. Launching with torchrun
#
# `python -m torch.distributed.run` is `torchrun` (the console script calls the same function). On one
# machine it needs the number of processes and a port for that store. Port 29500 is the default, and two
# jobs on one machine that both use it collide, so the launcher below asks the operating system for a
# free port (binding to port 0 does that). The port is released before `torchrun` binds it, so another
# program could take it in between; the launcher then retries once with a new port (and prints that it
# did). Each launch has a timeout: a rank that dies or waits forever in a collective otherwise hangs
# the others, which is the classic failure mode of distributed jobs, and on a timeout the launcher's
# whole process group is killed, so that no rank outlives it. For the same reason the script
# ends with a barrier before `destroy_process_group()`, so that no rank tears down its connections
# while rank 0 is still writing its results.
#
# (`torchrun --standalone` or, in recent PyTorch, a single-node run without `--master-port` also picks
# a free port itself. The explicit port here is what a multi-node launch has to set anyway. The
# process-group handling below is POSIX: on Windows, run the notebook in WSL.)

# %%
CONFIG = dict(
    widths=[64, 128, 128, 10],
    global_batch=128,
    lr=0.1,
    epochs=8,
    short_epochs=2,  # for the two variants (accumulated, float64): 20 steps each
    seed=0,
    bench_widths=[256, 1024, 1024, 10],
    bench_batch=128,
    data=str(WORK / "digits_train.pt"),
)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_with_timeout(cmd, timeout, **kwargs):
    """Run cmd in its own process group; on timeout, kill the whole group (the launcher and its ranks)."""
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, **kwargs
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # a hung rank would otherwise outlive the launcher
        proc.communicate()
        raise
    return proc.returncode, out, err


def launch(nproc, config, attempts=2, timeout=180):
    """Run the script on nproc ranks; return rank 0's results and checkpoint."""
    cfg = dict(config, out=str(WORK / f"run-{nproc}"))
    cfg_path = WORK / f"config-{nproc}.json"
    cfg_path.write_text(json.dumps(cfg), encoding="utf-8")
    env = dict(os.environ, OMP_NUM_THREADS="1")
    for attempt in range(1, attempts + 1):
        cmd = [
            sys.executable,
            "-m",
            "torch.distributed.run",
            f"--nproc-per-node={nproc}",
            "--master-addr=127.0.0.1",
            f"--master-port={free_port()}",
            str(script_path),
            str(cfg_path),
        ]
        returncode, _, err = run_with_timeout(cmd, timeout, env=env, cwd=WORK)
        if returncode == 0:
            return json.loads(Path(cfg["out"] + ".json").read_text()), torch.load(cfg["out"] + ".pt")
        # A taken port, or a rank killed by an overloaded machine: try once more, and say so.
        last_line = (err.strip().splitlines() or ["(no output)"])[-1]
        print(f"launch with {nproc} processes failed (attempt {attempt}): {last_line[:200]}")
    raise RuntimeError(f"torchrun with {nproc} processes failed:\n{err[-3000:]}")


print(
    " ".join(
        [
            "torchrun",
            "--nproc-per-node=2",
            "--master-addr=127.0.0.1",
            "--master-port=<free>",
            "train_ddp.py",
            "config-2.json",
        ]
    )
)
assert free_port() > 0

# %% [markdown]
# ## 4. The single-process reference
#
# What should $N$ ranks compute? With a global batch $B$ split into $N$ equal shards $S_r$ of $B/N$
# samples, rank $r$ computes the gradient of its shard's mean loss, and DDP averages:
#
# $$
# \frac{1}{N}\sum_{r=1}^{N} \frac{N}{B}\sum_{i \in S_r} \nabla \ell_i
# \;=\; \frac{1}{B}\sum_{i=1}^{B} \nabla \ell_i ,
# $$
#
# the gradient of the whole global batch's mean loss, which is what one process computes on the whole
# batch. The identity needs equal shard sizes (hence `drop_last` and a data set that divides evenly)
# and a loss that is a *mean* over each shard.
#
# Which samples form global batch $s$? Rank $r$ takes positions $r, r+N, r+2N, \dots$ of the epoch's
# permutation, and its $s$-th batch is the $s$-th run of $B/N$ of those. Together, the $N$ ranks'
# $s$-th batches are exactly positions $sB$ to $(s+1)B-1$ of the permutation: the same batch, whatever
# $N$ is. So the reference below needs no sampler. It draws the permutation the way
# `DistributedSampler` does (`torch.randperm` with a generator seeded with `seed + epoch`) and cuts it
# into consecutive chunks of $B$. The cell checks that claim on the sampler itself first.

# %%
sys.path.insert(0, str(WORK))
import train_ddp  # noqa: E402 (the file the ranks run, imported for its model and nothing else)


def global_batches(epoch, n, batch, seed):
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed + epoch))
    return [perm[s * batch : (s + 1) * batch] for s in range(n // batch)]


# The claim, checked on DistributedSampler itself for N = 2 and 4: the ranks' s-th batches form chunk s.
for world in (2, 4):
    per_rank = CONFIG["global_batch"] // world
    shards = []
    for rank in range(world):
        sampler = DistributedSampler(TensorDataset(X_train), num_replicas=world, rank=rank, seed=0, drop_last=True)
        sampler.set_epoch(3)
        shards.append(torch.tensor(list(sampler)).split(per_rank))
    for s, chunk in enumerate(global_batches(3, N_TRAIN, CONFIG["global_batch"], seed=0)):
        assert sorted(torch.cat([shard[s] for shard in shards]).tolist()) == sorted(chunk.tolist())
print("the ranks' s-th batches together are chunk s of the permutation, for 2 and 4 ranks")


def train_reference(cfg, epochs, dtype=torch.float32):
    torch.manual_seed(0)  # rank 0's seed: DDP gives every rank rank 0's initial weights
    model = train_ddp.make_mlp(cfg["widths"], dtype)
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"], momentum=0.9)
    Xd, losses, first_grad = X_train.to(dtype), [], None
    for epoch in range(epochs):
        for idx in global_batches(epoch, N_TRAIN, cfg["global_batch"], cfg["seed"]):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(Xd[idx]), y_train[idx])
            loss.backward()
            if first_grad is None:
                first_grad = train_ddp.flat(p.grad for p in model.parameters())
            opt.step()
            losses.append(loss.item())
    return model, np.array(losses), first_grad


def accuracy(model, dtype=torch.float32):
    with torch.no_grad():
        return (model(X_test.to(dtype)).argmax(1) == y_test).float().mean().item()


ref, ref_losses, ref_grad = train_reference(CONFIG, CONFIG["epochs"])
_, ref64_losses, _ = train_reference(CONFIG, CONFIG["short_epochs"], torch.float64)
ref_params = train_ddp.flat(ref.parameters())
steps = CONFIG["epochs"] * N_TRAIN // CONFIG["global_batch"]
print(f"reference: {steps} steps, loss {ref_losses[0]:.2f} -> {ref_losses[-1]:.3f}, test accuracy {accuracy(ref):.3f}")
assert len(ref_losses) == steps == 80
assert ref_losses[-1] < 0.1 * ref_losses[0] and accuracy(ref) > 0.88

# %% [markdown]
# ## 5. One, two and four processes: the same training
#
# Each launch runs the training three times: in float32 (8 epochs, 80 steps), and for 2 epochs each,
# in float32 with each rank's batch split into two accumulated micro-batches (`no_sync` on the first),
# and in float64. It then runs the throughput benchmark of section 6. This machine has two cores, so
# four ranks share them: that slows the four-rank run down but does not change what it computes,
# which is what this section checks.
#
# The checks, for every world size:
#
# 1. all ranks start from identical weights although each seeded its own (DDP's broadcast), and end
#    with identical weights (they applied identical averaged gradients);
# 2. the first step's averaged gradient equals the reference's full-batch gradient;
# 3. the loss at every step and the final weights equal the reference's, within a bound;
# 4. the checkpoint rank 0 wrote loads into a plain `nn.Sequential` and scores what the reference scores.

# %%
load_before = os.getloadavg()[0]
runs, checkpoints, launch_seconds = {}, {}, {}
for nproc in (1, 2, 4):
    wall = time.perf_counter()
    runs[nproc], checkpoints[nproc] = launch(nproc, CONFIG)
    launch_seconds[nproc] = time.perf_counter() - wall

for nproc, r in runs.items():
    model = train_ddp.make_mlp(CONFIG["widths"])
    model.load_state_dict(checkpoints[nproc]["state"])  # plain keys: saved from model.module
    dw = (train_ddp.flat(model.parameters()) - ref_params).abs().max().item()
    dg = (checkpoints[nproc]["first_grad"] - ref_grad).abs().max().item()
    dl = np.abs(np.array(r["fp32"]["losses"]) - ref_losses).max()
    short = len(r["accumulated"]["losses"])
    dl_acc = np.abs(np.array(r["accumulated"]["losses"]) - ref_losses[:short]).max()
    dl64 = np.abs(np.array(r["fp64"]["losses"]) - ref64_losses).max()
    print(
        f"{nproc} rank(s): final loss {r['fp32']['losses'][-1]:.3f}, test accuracy {accuracy(model):.3f}, "
        f"launch {launch_seconds[nproc]:.0f} s wall"
    )
    # Claim 1: the broadcast at construction and identical updates afterwards, bit for bit.
    for variant in ("fp32", "accumulated", "fp64"):
        assert r[variant]["start_identical"] and r[variant]["end_identical"], (nproc, variant)
    # Claims 2-3: the same arithmetic as one process, up to float rounding (float32: 1e-5, float64: 1e-12).
    assert dg < 1e-6 and dl < 1e-5 and dl_acc < 1e-5 and dw < 1e-5, (nproc, dg, dl, dl_acc, dw)
    assert dl64 < 1e-12, (nproc, dl64)
    # Claim 4: the checkpoint is a usable model.
    assert abs(accuracy(model) - accuracy(ref)) <= 1 / len(y_test) + 1e-9
    assert len(r["fp32"]["losses"]) == steps and r["world"] == nproc
    # Claim 5: with one process the run is the reference, bit for bit; with more, it is not (rounding).
    assert (dw == 0) == (nproc == 1), (nproc, dw)
print("every world size: ranks identical to each other (bit for bit); first gradient within 1e-6 of the")
print("full-batch gradient; losses and weights within 1e-5 of the reference (accumulated run too);")
print("float64 losses within 1e-12; 1 rank equals the reference bit for bit, 2 and 4 ranks do not")

print("\nwhat torchrun told each rank (2 processes):")
for e in runs[2]["envs"]:
    print("  ", ", ".join(f"{k}={v}" for k, v in e.items()))
assert [e["RANK"] for e in runs[2]["envs"]] == ["0", "1"] and {e["WORLD_SIZE"] for e in runs[2]["envs"]} == {"2"}

# %% [markdown]
# Equal, but not bit for bit beyond one process, and the float64 run says why. Floating-point addition
# is not associative: the mean of two half-batch means, summed in another order, differs from the
# full-batch mean in the last bits (float32 keeps about 7 significant digits). Those differences then
# propagate through 80 steps of training, and the weights still agree within $10^{-5}$. In float64
# the losses agree within $10^{-12}$: the gap shrinks with the precision, which is the signature of
# rounding. A bug (a missing `set_epoch`, a shard of the wrong size, a loss summed instead
# of averaged, a forgotten broadcast) produces differences of the size of the gradients themselves.
#
# With one process the DDP run matches the reference exactly (checked above): with a world of one, the
# all-reduce divides by 1 and the arithmetic is the same, operation for operation.
#
# What breaks this equality, and what to do about it:
#
# - **Batch normalization** computes its statistics on each rank's local batch, so $N$ ranks normalize
#   with $N$ different means. On GPUs, `nn.SyncBatchNorm.convert_sync_batchnorm(model)` all-reduces the
#   statistics (at a communication cost per layer; as of PyTorch 2.13 it refuses CPU tensors); or use
#   layer normalization, which has no batch statistics.
# - **Dropout and data augmentation** draw random numbers on each rank; seed each rank differently
#   (e.g. `seed + rank`) so that the ranks do not drop the same units, and accept that the run is then
#   reproducible for a given $N$ only.
# - **Data that does not divide evenly**: `DistributedSampler` then pads each epoch by repeating a few
#   samples (or, with `drop_last=True`, drops the tail), so the distributed epoch is not the single
#   process's epoch. Choose sizes that divide, as here, or accept a small difference.
# - **Changing $N$ at a fixed per-rank batch** changes the global batch, and the learning rate that
#   worked for one process is then wrong. Section 6 shows why people do it anyway.

# %% [markdown]
# ## 6. Throughput and scaling efficiency
#
# The benchmark uses a wider MLP (256 → 1024 → 1024 → 10, 1.3 million parameters, 5.3 MB of float32
# gradients), with synthetic inputs so that no data loading is timed. For every world size it measures
# the median over 10 steps, on the slowest rank, of: the full DDP step, the computation alone
# (`no_sync`, no communication), and an all-reduce of a gradient-sized buffer alone. The median rather
# than the mean, because a busy machine pauses a process now and then. It does so in two regimes:
#
# - **weak scaling**: 128 samples per rank, so the global batch grows with $N$ (128, 256, 512). Ideal
#   throughput grows as $N$. This is how data parallelism is used in practice, with the learning rate
#   scaled to the larger batch (linearly, with a warm-up; Goyal et al., 2017).
# - **strong scaling**: a global batch of 128 split $N$ ways (128, 64, 32 per rank). Each rank's
#   computation shrinks while the all-reduce stays the same size, so efficiency falls faster.
#
# Throughput is samples per second; the **scaling efficiency** at $N$ ranks is
# $E(N) = \text{throughput}(N) / (N \cdot \text{throughput}(1))$, 1 for perfect scaling.
#
# The ring all-reduce (Patarasuk & Yuan, 2009) sends and receives $2\frac{N-1}{N} S$ bytes per rank
# for a buffer of $S$ bytes, nearly independent of $N$; dividing that by the measured time gives the
# **bus bandwidth** the ranks achieved, the figure NCCL's benchmarks report and the one to compare with
# a link's rated bandwidth. (Gloo picks its own all-reduce algorithm; the ring formula is the
# bandwidth-optimal cost that any algorithm is measured against.)
#
# Every run is also appended to a JSON-lines log with its configuration and environment: the minimal
# form of experiment tracking, and the record a scaling study needs to be redone.
#
# **These timings are measurements of this machine at this moment**; the site's automated tests, for
# example, run this notebook on two cores shared with another job. No check below depends on a
# speed-up: the numbers are printed as measured, with the load on the machine at the time.

# %%
GRAD_BYTES = runs[1]["weak"]["params"] * 4
log_path = WORK / "scaling_runs.jsonl"  # in a project: a fixed path under version control, or MLflow (below)
rows = []
for regime in ("weak", "strong"):
    base = runs[1][regime]
    for nproc, r in runs.items():
        b = r[regime]
        throughput = b["global_batch"] / b["step_s"]
        efficiency = throughput / (nproc * base["global_batch"] / base["step_s"])
        bus_gbs = 2 * (nproc - 1) / nproc * GRAD_BYTES / b["allreduce_s"] / 1e9 if nproc > 1 else None
        rows.append(
            dict(regime=regime, ranks=nproc, **b, throughput=throughput, efficiency=efficiency, bus_GBps=bus_gbs)
        )
with log_path.open("a", encoding="utf-8") as log:
    for row in rows:
        log.write(
            json.dumps(
                dict(
                    row,
                    config=CONFIG,
                    torch=torch.__version__,
                    cores=os.cpu_count(),
                    load_average=load_before,
                    time=time.time(),
                )
            )
            + "\n"
        )

print(f"cores: {os.cpu_count()}, load average before the runs: {load_before:.1f}, gradients: {GRAD_BYTES / 1e6:.1f} MB")
print(
    f"{'regime':>6} {'ranks':>5} {'batch':>5} {'step ms':>7} {'compute ms':>10} {'allreduce ms':>12} "
    f"{'samples/s':>9} {'efficiency':>10} {'bus GB/s':>8} {'cpu/wall':>8}"
)
for r in rows:
    bus = "-" if r["bus_GBps"] is None else f"{r['bus_GBps']:.2f}"
    print(
        f"{r['regime']:>6} {r['ranks']:>5} {r['global_batch']:>5} {1e3 * r['step_s']:>7.1f} "
        f"{1e3 * r['compute_s']:>10.1f} {1e3 * r['allreduce_s']:>12.2f} {r['throughput']:>9.0f} "
        f"{r['efficiency']:>10.2f} {bus:>8} {r['cpu_per_wall']:>8.2f}"
    )

# What is checked: the bookkeeping, not the speed.
assert [r["global_batch"] for r in rows] == [128, 256, 512, 128, 128, 128]
assert all(r["step_s"] > 0 and math.isfinite(r["throughput"]) for r in rows)
assert all(abs(r["efficiency"] - 1) < 1e-12 for r in rows if r["ranks"] == 1)
assert GRAD_BYTES == 4 * (256 * 1024 + 1024 + 1024 * 1024 + 1024 + 1024 * 10 + 10)
assert len(log_path.read_text().splitlines()) >= len(rows)
buckets = runs[2]["weak"]["buckets"]
print(f"DDP's gradient buckets after the first step (2 ranks): {', '.join(f'{b / 1e6:.2f} MB' for b in buckets)}")
assert len(buckets) == 2 and sum(buckets) == GRAD_BYTES

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
ranks = np.array(list(runs))
for regime, marker in (("weak", "o"), ("strong", "s")):
    sel = [r for r in rows if r["regime"] == regime]
    thr = np.array([r["throughput"] for r in sel])
    axes[0].plot(ranks, thr, marker=marker, label=f"{regime} scaling")
    axes[0].plot(ranks, thr[0] * ranks, ls=":", color=axes[0].lines[-1].get_color(), label=f"ideal ({regime})")
    axes[1].plot(ranks, [r["efficiency"] for r in sel], marker=marker, label=f"{regime} scaling")
weak_rows = [r for r in rows if r["regime"] == "weak"]
compute = np.array([1e3 * r["compute_s"] for r in weak_rows])
comm = np.array([1e3 * r["allreduce_s"] if r["ranks"] > 1 else 0.0 for r in weak_rows])
axes[2].bar(ranks.astype(str), compute, label="compute (forward + backward)")
axes[2].bar(ranks.astype(str), comm, bottom=compute, label="all-reduce alone")
axes[2].plot(ranks.astype(str), [1e3 * r["step_s"] for r in weak_rows], "k_", ms=30, mew=2, label="DDP step")
axes[0].set(xlabel="ranks", ylabel="samples / s", title="throughput", xticks=ranks)
axes[1].set(xlabel="ranks", ylabel="efficiency", title="scaling efficiency", xticks=ranks, ylim=(0, 1.1))
axes[1].axhline(1, color="grey", ls=":")
axes[2].set(xlabel="ranks", ylabel="ms per step", title="weak scaling: where a step goes")
for ax in axes:
    ax.legend(fontsize=8)
fig.suptitle(
    f"DDP over Gloo on {os.cpu_count()} CPU cores (measured once; load average {load_before:.1f})", fontsize=10
)
fig.tight_layout()
plt.show()

# %% [markdown]
# How to read the table (your numbers will differ, and so will two runs on one machine; the reading
# should not):
#
# - **`cpu/wall`** is the fraction of the wall time a rank spent on the CPU. It is near 1 when a rank
#   has a core to itself and computes without waiting; it falls when the rank waits for the others or
#   for a core. With four ranks on two cores each rank gets at most half a core, so the four-rank
#   efficiency here measures *oversubscription*, not DDP. The load average printed above says how busy
#   the machine was: under the tests, another notebook runs on the same two cores.
# - **Compute vs. all-reduce.** In weak scaling the computation per rank is the same at every $N$, so
#   its time should stay flat; when it grows with $N$, the ranks are competing for cores or memory
#   bandwidth. The all-reduce time is what data parallelism adds; compare it with the computation to
#   see which one limits the step.
# - **The DDP step can be shorter than compute + all-reduce**: DDP starts reducing the last layers'
#   bucket while the backward pass still computes the first layer's gradients. After the first step it
#   rebuilds its buckets in the order the gradients became ready, with a small first bucket; for this
#   MLP that gives two (printed below the table). With one core per rank, Gloo's communication and the
#   backward pass compete for that core, so the overlap buys less than it does on a GPU, whose
#   computation does not need the CPU.
# - **Strong scaling should fall off faster than weak scaling**: splitting a fixed global batch shrinks
#   each rank's computation but not the all-reduce, whose size is fixed by the model. That is why data
#   parallelism needs enough samples per device, and why the batch per GPU is usually pushed to what
#   memory allows.
# - **GFLOP/s per rank** is the model's FLOPs ($6P$ per sample for $P$ parameters, section 8) times the
#   samples per second. Divided by the hardware's peak it gives the model FLOPs utilization (MFU); a CPU
#   core's peak depends on its vector units and clock, so look it up for yours.

# %%
flops_per_sample = 6 * runs[1]["weak"]["params"]
for r in rows:
    r["gflops_per_rank"] = flops_per_sample * r["per_rank_batch"] / r["step_s"] / 1e9
print(
    "achieved GFLOP/s per rank (weak scaling):",
    ", ".join(f"{r['ranks']} ranks {r['gflops_per_rank']:.1f}" for r in rows if r["regime"] == "weak"),
)
assert all(r["gflops_per_rank"] > 0 for r in rows)

# %% [markdown]
# ## 7. What CPU processes tell you about GPUs, and what they do not
#
# **What carries over, exactly.** The algorithm: rank identities and `torchrun`'s environment, the
# broadcast at construction, the sampler's sharding and `set_epoch`, gradient averaging and why it equals
# the large-batch gradient, `no_sync` accumulation, rank-0 checkpoints that load without DDP, and the
# equality test itself. On a GPU node the script changes in three places (shown at the end):
# `dist.init_process_group("nccl")`, `DDP(model.to(local_rank), device_ids=[local_rank])`, and the
# batches moved to that device. A script that passes section 5's checks on CPU processes has its data
# parallelism right. That is the cheapest place to find a wrong shard or a forgotten broadcast, and a
# test that can run in continuous integration, where GPUs are scarce.
#
# **What carries over as arithmetic, not as numbers.** The ring all-reduce moves $2\frac{N-1}{N}S$ bytes
# per rank whatever the hardware; divided by the link's bandwidth it predicts the communication time.
# The ratio of computation to communication decides the efficiency, and the argument for why strong
# scaling degrades before weak scaling holds on any hardware. How to measure (median step times, the
# slowest rank, compute and communication timed apart, the conditions recorded) carries over unchanged.
#
# **What does not carry over.**
#
# - **Speed, and the ratio of compute to communication.** A data-center GPU's peak is thousands of times
#   a CPU core's (an A100 is rated at 312 TFLOP/s in bf16, against the GFLOP/s printed above), and the
#   links between GPUs (NVLink within a node, InfiniBand between nodes) are far faster than loopback TCP
#   through Gloo, by another factor. Both sides of the ratio change, by different factors, so neither
#   the efficiency nor the point where communication starts to dominate can be read off this table.
# - **Resources.** Here the ranks share two cores, one memory bus and one cache; GPUs each bring their own
#   compute and memory. Oversubscription (four ranks on two cores) has no GPU counterpart.
# - **NCCL's behaviour**: its algorithms (ring, tree), its use of the topology (NVLink, PCIe, network
#   cards), and its overlap with computation on separate CUDA streams.
# - **Memory**, which is what forces the step from DDP to sharding (FSDP, ZeRO) on GPUs; CPU RAM is large
#   and shared, so a memory limit never shows here.
# - **Mixed precision**: bf16 halves the bytes to all-reduce on any hardware, but its compute speed-up
#   comes from the GPU's tensor cores; a CPU's bf16 speed, where it has one, says nothing about them.
# - **Stragglers and failures** across machines: one slow or failing node stalls every synchronous step.
#
# So the honest summary of this notebook's scaling numbers: they show how to *measure* scaling
# (throughput, efficiency, the split into compute and communication, the bus bandwidth) and they verify
# the implementation; the GPU numbers have to be measured on the GPUs.

# %% [markdown]
# ## 8. The large model: ViT-Large, worked out
#
# The project suggests ViT-Large (Dosovitskiy et al., 2021): 24 Transformer layers of width 1,024 with
# 16 heads and an MLP of width 4,096, on 16×16 patches of a 224×224 image (196 patches plus a class
# token). Its parameter count follows from its layers, and the cell checks the count against PyTorch's
# own modules, built on the `meta` device, which records shapes without allocating memory. (The paper
# lists 307M; the exact count depends on the classification head and the resolution.)
#
# Memory for training with Adam in mixed precision, per parameter (Rajbhandari et al., 2020): 2 bytes
# of bf16/fp16 weights, 2 of gradients, and 12 of optimizer state (a float32 master copy and Adam's two
# moments), 16 bytes in all, on every GPU under DDP. ZeRO stage 1 shards the 12 bytes of optimizer
# state over the $N$ ranks, stage 2 also the gradients, stage 3 (and FSDP) also the weights.
# Activations come on top and depend on the batch size (activation checkpointing trades them for
# recomputation).
#
# Compute: a training step costs about $6P$ FLOPs per token for $P$ parameters (2 forward, 4 backward;
# Kaplan et al., 2020), here per patch. The time estimate below assumes a model FLOPs utilization
# (MFU, achieved FLOP/s over the hardware's peak) of 40%, a typical good value for a large model on
# GPUs but an assumption, not a measurement; measure yours as section 6 measures throughput.

# %%
h, layers, mlp, patch, tokens, classes = 1024, 24, 4096, 16, 197, 1000
with torch.device("meta"):
    block = nn.TransformerEncoderLayer(d_model=h, nhead=16, dim_feedforward=mlp, batch_first=True, norm_first=True)
    stem = nn.Conv2d(3, h, kernel_size=patch, stride=patch)  # the patch embedding
    head = nn.Linear(h, classes)
per_block = sum(p.numel() for p in block.parameters())
assert per_block == 12 * h * h + 13 * h  # attention 4h^2+4h, MLP 8h^2+5h, two LayerNorms 4h
params = (
    layers * per_block
    + sum(p.numel() for p in stem.parameters())  # patch embedding
    + h  # class token
    + tokens * h  # position embeddings
    + 2 * h  # final LayerNorm
    + sum(p.numel() for p in head.parameters())  # classification head
)
print(f"ViT-L/16 at 224 px with a 1000-class head: {params / 1e6:.1f} M parameters")
assert 300e6 < params < 310e6

gb = 1e9
for n_gpus in (1, 8):
    rows_mem = {"DDP": 16, "ZeRO-1": 4 + 12 / n_gpus, "ZeRO-2": 2 + 14 / n_gpus, "ZeRO-3 / FSDP": 16 / n_gpus}
    print(
        f"{n_gpus} GPU(s): "
        + ", ".join(f"{k} {params * v / gb:.1f} GB" for k, v in rows_mem.items())
        + " per GPU, before activations"
    )
assert params * 16 / gb < 5.0  # under 5 GB: ViT-L fits one modern GPU, so DDP is enough; FSDP is not needed

flops_per_image = 6 * params * tokens  # ignores attention's own FLOPs (a few percent at 197 tokens)
peak, mfu, n_gpus, images = 312e12, 0.40, 8, 1_281_167  # A100 bf16 dense peak; assumed MFU; ImageNet-1k
epoch_s = flops_per_image * images / (n_gpus * peak * mfu)
print(
    f"training: {flops_per_image / 1e9:.0f} GFLOP per image; one ImageNet-1k epoch on 8 A100s at 40% MFU "
    f"~ {epoch_s / 60:.0f} min"
)
assert 1 < epoch_s / 60 < 30

# %% [markdown]
# The conclusion for the project: ViT-Large's 16 bytes per parameter come to under 5 GB, so it trains
# with plain DDP on any GPU with room for that plus the activations of its batch (with activation
# checkpointing, or a smaller batch per GPU, where memory is tight). FSDP or ZeRO-3 become necessary
# when $16P$ plus activations exceeds one GPU's memory: a
# 7-billion-parameter model needs 112 GB for weights, gradients and Adam states alone. The 40% MFU
# assumption is the soft spot of the estimate: measure achieved FLOP/s (the FLOPs per sample times the
# measured samples per second) and divide by your GPU's peak.

# %%
elapsed = time.process_time() - notebook_start
print(f"notebook CPU time after the imports (this process; the ranks' time is not included): {elapsed:.0f} s")

# %% [markdown]
# ## On your machine: GPUs, several nodes, and tracking
#
# On one GPU node, the script needs the NCCL backend and each rank on its own device:
#
# ```python
# local_rank = int(os.environ["LOCAL_RANK"])
# torch.cuda.set_device(local_rank)
# dist.init_process_group("nccl")
# model = DDP(make_mlp(widths).to(local_rank), device_ids=[local_rank])
# # ... and xb, yb = xb.to(local_rank), yb.to(local_rank) in the training loop
# ```
#
# and is launched the same way: `torchrun --nproc-per-node=8 train_ddp.py config.json`. On several nodes,
# every node runs `torchrun` with a rendezvous point that all of them can reach, for example in a SLURM
# batch script (one task per node; `torchrun` starts the per-GPU processes):
#
# ```bash
# #SBATCH --nodes=4
# #SBATCH --ntasks-per-node=1
# #SBATCH --gpus-per-node=8
# head=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
# srun torchrun --nnodes=4 --nproc-per-node=8 \
#     --rdzv-backend=c10d --rdzv-endpoint="$head:29500" --rdzv-id="$SLURM_JOB_ID" \
#     train_ddp.py config.json
# ```
#
# With `--nnodes=2:4` and `--max-restarts`, `torchrun` runs *elastically*: it restarts the workers when
# a node fails or joins, and the script must then resume from its last checkpoint.
#
# For experiment tracking beyond a JSON-lines file, log from rank 0 only, for example with MLflow:
#
# ```python
# import mlflow
#
# if rank == 0:
#     mlflow.set_experiment("week-17-scaling")
#     with mlflow.start_run(run_name=f"ddp-{world}"):
#         mlflow.log_params({**cfg, "world_size": world})
#         for step, loss in enumerate(losses):
#             mlflow.log_metric("loss", loss, step=step)
#         mlflow.log_metric("samples_per_s", throughput)
# ```
#
# ## What to try next
#
# - Add `nn.BatchNorm1d` to the MLP and watch section 5's checks fail for 2 and 4 ranks; then replace
#   it by `nn.LayerNorm` and check again (on a GPU machine, try `nn.SyncBatchNorm` too).
# - Vary `bucket_cap_mb` in `DDP(...)` and the benchmark's width, and find the size at which the
#   all-reduce stops being a large share of a step.
# - Wrap the model with `torch.distributed.fsdp.fully_shard` instead of DDP and check it against the
#   same reference (see the guide's [FSDP section](../../guides/distributed-training/#fsdp-zero)).
# - On a GPU machine, rerun section 6 with NCCL and compare the bus bandwidth with the link's rating.
