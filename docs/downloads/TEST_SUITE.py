#!/usr/bin/env python3
"""Check that your computer is ready for the ML/AI Learning Roadmap.

    python TEST_SUITE.py              # what Phase 1 (Weeks 1-4) needs, and what Phase 2 will
    python TEST_SUITE.py --phase 3    # what Phases 1-3 need, and what Phase 4 will

It checks your Python version, the libraries the roadmap uses and their versions, that NumPy's linear
algebra gives correct answers, whether PyTorch is installed and which device it would use, and it runs
quick correctness checks of techniques the guides teach you to write from scratch (a gradient check,
linear regression by gradient descent against the closed form, a numerically stable softmax and
cross-entropy). It prints a table, says how to fix what failed, and ends with "All tests passed" only
when every required check passed. The exit status is 0 then, 1 otherwise.

It runs offline in a few seconds, and a missing library is reported, never a crash.
Only the standard library is needed to start it. License: MIT.
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
import tempfile
import time
import traceback

MIN_PYTHON = (3, 11)
TROUBLESHOOTING = (
    "the Troubleshooting guide, section 'Setup problems' (guides/troubleshooting-guide/#setup on the site)"
)

# What each phase of the roadmap installs, by the week that first needs it:
# (import name, pip name, minimum version, what it is for). The setup page's install commands are made
# from this table, and the project's tests check it against the site's own requirements (pyproject.toml).
PHASES = {
    1: [
        ("numpy", "numpy", "1.26", "arrays and linear algebra, every week"),
        ("scipy", "scipy", "1.11", "optimization and statistics"),
        ("pandas", "pandas", "2.1", "tables of data and results"),
        ("sklearn", "scikit-learn", "1.4", "classic ML and the bundled data sets"),
        ("matplotlib", "matplotlib", "3.8", "plots"),
        ("torch", "torch", "2.1", "deep learning, from Week 3"),
        ("tensorboard", "tensorboard", "2.14", "experiment tracking, Week 3"),
        ("keras", "keras", "3.3", "Keras 3 on the PyTorch backend, Week 3"),
    ],
    2: [
        ("xgboost", "xgboost", "2.0", "gradient boosting, Week 7"),
        ("lightgbm", "lightgbm", "4.3", "gradient boosting, Week 7"),
        ("optuna", "optuna", "3.6", "hyperparameter search, Week 7"),
        ("mlflow", "mlflow", "2.16", "experiment tracking and the model registry, Week 8"),
        ("skops", "skops", "0.10", "safe model files, Week 8"),
        ("fastapi", "fastapi", "0.110", "model serving, Week 8"),
        ("httpx", "httpx", "0.27", "testing the served model, Week 8"),
        ("onnx", "onnx", "1.16", "exporting models, Week 8"),
        ("onnxruntime", "onnxruntime", "1.18", "running exported models, Week 8"),
        ("onnxscript", "onnxscript", "0.1", "PyTorch's ONNX exporter, Week 8"),
    ],
    3: [
        ("diffusers", "diffusers", "0.30", "diffusion models, Week 10"),
        ("peft", "peft", "0.13", "LoRA adapters, Weeks 10 and 13"),
        ("gymnasium", "gymnasium[classic-control]", "1.0", "reinforcement learning environments, Week 11"),
        ("stable_baselines3", "stable-baselines3", "2.3", "reference RL agents, Week 11"),
        ("torch_geometric", "torch-geometric", "2.5", "graph neural networks, Week 12"),
        ("networkx", "networkx", "3.2", "graphs, Week 12"),
        ("rdkit", "rdkit", "2024.3", "molecules from SMILES, Week 12"),
    ],
    4: [
        ("transformers", "transformers", "5.24", "Transformer models, Week 13"),
        ("tokenizers", "tokenizers", "0.20", "training tokenizers, Week 13"),
        ("faiss", "faiss-cpu", "1.8", "vector search for retrieval, Week 13"),
        ("rank_bm25", "rank-bm25", "0.2.2", "keyword search for retrieval, Week 13"),
        ("torchao", "torchao", "0.18", "PyTorch quantization, Week 14"),
        ("executorch", "executorch", "1.5", "on-device export and runtime, Week 14"),
        ("ai_edge_litert", "ai-edge-litert", "2.3", "the LiteRT interpreter, Week 14"),
        ("coremltools", "coremltools", "9", "Core ML conversion, Week 14"),
        ("statsmodels", "statsmodels", "0.14", "ARIMA, exponential smoothing and bundled series, Week 15"),
        ("shap", "shap", "0.46", "Shapley explanations, Week 18"),
        ("lime", "lime", "0.2", "local explanations, Week 18"),
        ("captum", "captum", "0.7", "attributions for neural networks, Week 18"),
        ("fairlearn", "fairlearn", "0.11", "fairness metrics and mitigation, Week 18"),
    ],
    5: [],
}
PHASE_WEEKS = {1: "Weeks 1-4", 2: "Weeks 5-8", 3: "Weeks 9-12", 4: "Weeks 13-18", 5: "Weeks 19-21"}
# Useful, never required: a missing one is a note, not a failure.
OPTIONAL = [
    ("jupyterlab", "jupyterlab", "4.0", "running the notebooks locally"),
]
# Kept for scripts that imported these names: the packages of Phase 1.
REQUIRED = PHASES[1]


def requirements(phase: int) -> list[tuple[str, str, str, str]]:
    """Everything Phases 1..phase need."""
    return [pkg for n in sorted(PHASES) if n <= phase for pkg in PHASES[n]]


def pip_command(phase: int, only_new: bool = False) -> str:
    """The pip line that installs what a phase needs (with only_new, what it adds to the one before)."""
    pkgs = PHASES[phase] if only_new else requirements(phase)
    return "pip install " + " ".join(f'"{pip}>={low}"' for _, pip, low, _ in pkgs)


PASS, FAIL, WARN, SKIP = "PASS", "FAIL", "WARN", "SKIP"


class Result:
    def __init__(self, name: str, status: str, detail: str, fix: str = ""):
        self.name, self.status, self.detail, self.fix = name, status, detail, fix


def version_tuple(text: str) -> tuple[int, ...]:
    """'2.13.0+cpu' -> (2, 13, 0); stops at the first part that is not a number."""
    parts = []
    for piece in text.replace("+", ".").replace("-", ".").split("."):
        lead = ""
        for ch in piece:
            if not ch.isdigit():
                break
            lead += ch
        if not lead:
            break
        parts.append(int(lead))
        if lead != piece:  # "0rc1": a pre-release tag ends the version
            break
    return tuple(parts)


def try_import(module: str):
    """The module, or None if it is missing or broken (a broken install must not stop the checks)."""
    try:
        return importlib.import_module(module)
    except Exception:  # ImportError, but also a broken install raising anything at import
        return None


# ------------------------------------------------------------------------------------------ the checks


def check_python() -> Result:
    found = sys.version_info[:3]
    label = ".".join(map(str, found))
    if found[:2] >= MIN_PYTHON:
        return Result("Python version", PASS, f"{label} ({platform.python_implementation()})")
    want = ".".join(map(str, MIN_PYTHON))
    return Result(
        "Python version",
        FAIL,
        f"{label}, need {want} or newer",
        f"Install Python {want} or newer (python.org, or your package manager), then recreate your "
        "virtual environment with it.",
    )


def installed_version(module: str, pip_name: str) -> str | None:
    """The installed version from the package's metadata, without importing it (some take seconds to
    import); None if it is not installed."""
    from importlib import metadata

    try:
        # the pip name, or any distribution that provides the module (xgboost-cpu provides xgboost)
        names = [pip_name.split("[")[0], *metadata.packages_distributions().get(module, [])]
    except Exception:
        names = [pip_name.split("[")[0]]
    for dist in names:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
        except Exception:
            return None
    return None


def check_package(
    module: str, pip_name: str, minimum: str, purpose: str, required: bool, later: str = "", imported: bool = True
) -> Result:
    """A package: imported (the core ones, so that a broken install shows), or, for the packages of later
    weeks, looked up in the installed metadata only. `later` names the weeks that will need it."""
    name = f"package {pip_name}"
    if imported:
        if module == "keras":  # Keras 3 imports TensorFlow unless told otherwise; the guides run it on PyTorch
            os.environ.setdefault("KERAS_BACKEND", "torch")
        mod = try_import(module)
        version = None if mod is None else getattr(mod, "__version__", "unknown")
    else:
        version = installed_version(module, pip_name)
    if version is None:
        status = FAIL if required else WARN
        kind = (
            "missing" if required else f"not installed yet: needed in {later}" if later else "not installed (optional)"
        )
        return Result(name, status, f"{kind}: {purpose}", f'pip install "{pip_name}>={minimum}"')
    if version_tuple(version) < version_tuple(minimum):
        return Result(
            name,
            FAIL if required else WARN,
            f"{version}, need {minimum} or newer",
            f'pip install --upgrade "{pip_name}>={minimum}"',
        )
    return Result(name, PASS, version)


def check_linear_algebra() -> Result:
    np = try_import("numpy")
    if np is None:
        return Result("NumPy linear algebra", SKIP, "NumPy is missing")
    rng = np.random.default_rng(0)
    A = rng.normal(size=(50, 50)) + 50 * np.eye(50)  # well conditioned
    b = rng.normal(size=50)
    problems = []
    x = np.linalg.solve(A, b)
    if not np.allclose(A @ x, b, atol=1e-10):
        problems.append("solve")
    S = A @ A.T
    values, vectors = np.linalg.eigh(S)
    if not np.allclose(vectors @ np.diag(values) @ vectors.T, S, rtol=1e-9, atol=1e-8):
        problems.append("eigh")
    U, s, Vt = np.linalg.svd(A)
    if not np.allclose(U @ np.diag(s) @ Vt, A, atol=1e-9):
        problems.append("svd")
    if not np.allclose(np.linalg.inv(A) @ A, np.eye(50), atol=1e-10):
        problems.append("inv")
    small = rng.normal(size=(4, 3)), rng.normal(size=(3, 5))
    naive = [[sum(small[0][i, k] * small[1][k, j] for k in range(3)) for j in range(5)] for i in range(4)]
    if not np.allclose(small[0] @ small[1], naive):
        problems.append("matmul")
    if problems:
        return Result(
            "NumPy linear algebra",
            FAIL,
            "wrong results from: " + ", ".join(problems),
            "Reinstall NumPy in a fresh virtual environment (pip install --force-reinstall numpy); "
            "a broken BLAS library is the usual cause.",
        )
    return Result("NumPy linear algebra", PASS, "solve, eigh, svd, inv and matmul agree with their definitions")


def check_torch() -> Result:
    torch = try_import("torch")
    if torch is None:
        return Result("PyTorch device", SKIP, "PyTorch is missing")
    if torch.cuda.is_available():
        device, label = "cuda", f"cuda ({torch.cuda.get_device_name(0)})"
    elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        device, label = "mps", "mps (Apple GPU)"
    else:
        device, label = (
            "cpu",
            "cpu (no GPU: every code example runs; some projects need one, see Hardware on the setup page)",
        )
    x = torch.linspace(-2, 2, 5, device=device, requires_grad=True)
    (x**3).sum().backward()
    if not torch.allclose(x.grad.cpu(), 3 * x.detach().cpu() ** 2):
        return Result(
            "PyTorch device",
            FAIL,
            f"autograd gives wrong gradients on {device}",
            "Reinstall PyTorch with the command from pytorch.org for your system.",
        )
    return Result("PyTorch device", PASS, label)


def check_gradient() -> Result:
    """Backpropagation through a small network, against central differences."""
    np = try_import("numpy")
    if np is None:
        return Result("gradient check", SKIP, "NumPy is missing")
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(20, 4)), rng.integers(0, 3, size=20)
    params = {"W1": rng.normal(size=(4, 6)) * 0.5, "W2": rng.normal(size=(6, 3)) * 0.5}

    def loss_and_grads(p):
        h = np.tanh(X @ p["W1"])
        z = h @ p["W2"]
        z = z - z.max(axis=1, keepdims=True)
        probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        loss = -np.mean(np.log(probs[np.arange(len(y)), y]))
        dz = probs.copy()
        dz[np.arange(len(y)), y] -= 1
        dz /= len(y)
        dh = dz @ p["W2"].T * (1 - h**2)
        return loss, {"W1": X.T @ dh, "W2": h.T @ dz}

    _, grads = loss_and_grads(params)
    worst, eps = 0.0, 1e-6
    for name, W in params.items():
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old + eps
            plus = loss_and_grads(params)[0]
            W[idx] = old - eps
            minus = loss_and_grads(params)[0]
            W[idx] = old
            numeric = (plus - minus) / (2 * eps)
            worst = max(worst, abs(numeric - grads[name][idx]) / max(1e-8, abs(numeric) + abs(grads[name][idx])))
    if worst > 1e-6:
        return Result(
            "gradient check",
            FAIL,
            f"relative error {worst:.1e} (expected below 1e-6)",
            "Floating point looks wrong: reinstall NumPy in a fresh virtual environment.",
        )
    # the error itself is rounding noise that differs from CPU to CPU: report the bound it is under
    return Result("gradient check", PASS, "backprop matches numerical gradients (relative error below 1e-6)")


def check_linear_regression() -> Result:
    """Gradient descent reaches the closed-form least-squares solution."""
    np = try_import("numpy")
    if np is None:
        return Result("linear regression (GD vs closed form)", SKIP, "NumPy is missing")
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 3))
    y = X @ np.array([2.0, -1.0, 0.5]) + 3.0 + 0.1 * rng.normal(size=200)
    Xb = np.hstack([X, np.ones((200, 1))])
    exact, *_ = np.linalg.lstsq(Xb, y, rcond=None)
    theta = np.zeros(4)
    costs = []
    for _ in range(500):
        r = Xb @ theta - y
        costs.append(0.5 * np.mean(r**2))
        theta -= 0.1 * Xb.T @ r / len(y)
    gap = np.abs(theta - exact).max()
    if gap > 1e-6 or np.any(np.diff(costs) > 1e-12):  # the cost never rises (beyond rounding)
        return Result(
            "linear regression (GD vs closed form)",
            FAIL,
            f"gradient descent is {gap:.1e} away",
            "Floating point looks wrong: reinstall NumPy in a fresh virtual environment.",
        )
    return Result("linear regression (GD vs closed form)", PASS, f"same weights to {max(gap, 1e-16):.0e}")


def check_softmax() -> Result:
    """Softmax and cross-entropy stay finite for extreme scores (the max-subtraction and log-sum-exp trick)."""
    np = try_import("numpy")
    if np is None:
        return Result("softmax and cross-entropy stability", SKIP, "NumPy is missing")
    z = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -999.0], [1.0, 2.0, 3.0]])
    labels = np.array([0, 2, 1])
    shifted = z - z.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    probs = np.exp(log_probs)
    loss = -log_probs[np.arange(3), labels]
    ok = np.all(np.isfinite(probs)) and np.allclose(probs.sum(axis=1), 1) and np.all(np.isfinite(loss))
    # the ordinary case must agree with the textbook formula
    naive = np.exp(z[2]) / np.exp(z[2]).sum()
    ok = ok and np.allclose(probs[2], naive) and np.isclose(loss[2], -np.log(naive[1]))
    ok = ok and np.isclose(loss[0], 0.0) and np.isclose(loss[1], np.log(1 + 2 * np.exp(-1)))
    torch = try_import("torch")
    if ok and torch is not None:
        t = torch.tensor(z, dtype=torch.float64)
        ours = torch.tensor(loss.mean())
        ok = bool(torch.isclose(torch.nn.functional.cross_entropy(t, torch.tensor(labels)), ours))
    if not ok:
        return Result(
            "softmax and cross-entropy stability",
            FAIL,
            "overflow or wrong values for large scores",
            "Floating point looks wrong: reinstall NumPy (and PyTorch) in a fresh virtual environment.",
        )
    extra = ", agrees with torch.nn.functional.cross_entropy" if torch is not None else ""
    return Result("softmax and cross-entropy stability", PASS, f"finite for scores of ±1000{extra}")


def check_plotting() -> Result:
    mpl = try_import("matplotlib")
    if mpl is None:
        return Result("plotting (matplotlib)", SKIP, "matplotlib is missing")
    mpl.use("Agg")  # draws to a file; works without a display
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "check.png")
        fig.savefig(path)
        size = os.path.getsize(path)
    plt.close(fig)
    if size < 100:
        return Result(
            "plotting (matplotlib)",
            FAIL,
            "could not write a PNG file",
            "Reinstall matplotlib: pip install --force-reinstall matplotlib",
        )
    return Result("plotting (matplotlib)", PASS, "draws and saves a figure")


# ------------------------------------------------------------------------------------------ the report


def run_all(phase: int = 1) -> list[Result]:
    checks = [check_python]
    checks += [lambda m=m: check_package(*m, required=True) for m in PHASES[1]]
    # later phases' packages are looked up, not imported: importing them all would take many seconds
    checks += [
        lambda m=m: check_package(*m, required=True, imported=False) for m in requirements(phase)[len(PHASES[1]) :]
    ]
    if phase + 1 in PHASES:
        nxt = phase + 1
        checks += [
            lambda m=m: check_package(*m, required=False, later=f"Phase {nxt} ({PHASE_WEEKS[nxt]})", imported=False)
            for m in PHASES[nxt]
        ]
    checks += [lambda m=m: check_package(*m, required=False) for m in OPTIONAL]
    checks += [
        check_linear_algebra,
        check_torch,
        check_gradient,
        check_linear_regression,
        check_softmax,
        check_plotting,
    ]
    results = []
    for check in checks:
        try:
            results.append(check())
        except Exception as exc:  # a check that crashes is a failed check, and the others still run
            name = getattr(check, "__name__", "check").replace("check_", "").replace("_", " ")
            last = traceback.format_exception_only(type(exc), exc)[-1].strip()
            results.append(
                Result(
                    name,
                    FAIL,
                    f"crashed: {last}",
                    "Run the script again with the error above "
                    "in hand; reinstalling the library it names usually fixes it.",
                )
            )
    return results


def print_report(results: list[Result], seconds: float, phase: int = 1) -> None:
    width = max(len(r.name) for r in results)
    print(
        f"ML/AI Learning Roadmap: setup check for Phase {phase} ({PHASE_WEEKS[phase]}) "
        f"({platform.system()} {platform.machine()}, Python {platform.python_version()})\n"
    )
    print(f"  {'check':<{width}}  result  details")
    print(f"  {'-' * width}  ------  {'-' * 40}")
    for r in results:
        print(f"  {r.name:<{width}}  {r.status:<6}  {r.detail}")
    failed = [r for r in results if r.status == FAIL]
    notes = [r for r in results if r.status == WARN]
    if failed or notes:
        print("\nHow to fix:")
        for r in failed + notes:
            print(f"  - {r.name} ({r.status}): {r.fix}")
    print(
        f"\n{len(results)} checks in {seconds:.1f} s: {sum(r.status == PASS for r in results)} passed, "
        f"{len(failed)} failed, {len(notes)} warning{'' if len(notes) == 1 else 's'}, "
        f"{sum(r.status == SKIP for r in results)} skipped."
    )
    later = [r for r in notes if "not installed yet" in r.detail]
    if later and phase + 1 in PHASES:
        print(f"Before Phase {phase + 1}: {pip_command(phase + 1, only_new=True)}")
    if failed:
        print(f"Some tests FAILED ✗  Fix the items above; more help in {TROUBLESHOOTING}")
    else:
        print("All tests passed ✓")


def main() -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")  # a console that cannot show ✓ prints ? instead of crashing
    import argparse

    parser = argparse.ArgumentParser(description="Check that this computer is ready for a phase of the roadmap.")
    parser.add_argument(
        "--phase", type=int, choices=sorted(PHASES), default=1, help="the phase you are about to start (default 1)"
    )
    phase = parser.parse_args().phase
    start = time.perf_counter()
    results = run_all(phase)
    print_report(results, time.perf_counter() - start, phase)
    return 1 if any(r.status == FAIL for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
