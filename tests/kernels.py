"""CPU kernel settings: environment variables that make this machine compute like another processor.

NumPy, OpenBLAS and PyTorch each pick their vector kernels at run time from what the CPU offers, and each
choice rounds differently in the last bits. Each library can be told to use an older kernel:

- ``NPY_DISABLE_CPU_FEATURES`` names NumPy's dispatch targets to skip (``X86_V4 AVX512_SPR`` ...);
  names the machine does not have are ignored, so a setting is safe on any CPU.
- ``ATEN_CPU_CAPABILITY`` caps PyTorch's kernels (``default``, ``avx2``, ``avx512`` on x86).
- ``OPENBLAS_CORETYPE`` picks OpenBLAS's kernels for a named core (``Haswell``, ``SkylakeX``, ``Zen``).

The tests run every page and notebook natively and under ``PORTABLE`` (NumPy's baseline kernels and
PyTorch's default ones, the furthest from a current CPU that every machine can run), so an example whose
output depends on the processor fails on any machine. ``scripts/cpu_matrix.py`` goes through every
setting of ``settings()`` one at a time. OpenBLAS is left alone in the tests: on some processors the
environment sets ``OPENBLAS_CORETYPE`` itself, to avoid kernels that are wrong there.

Run as a script it prints the settings for this machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

PORTABLE_NAME = "portable"  # the setting the tests use besides the native one

# OpenBLAS core types, each with the CPU flags (from /proc/cpuinfo) its kernels need.
_OPENBLAS_X86 = {"Haswell": {"avx2", "fma"}, "Zen": {"avx2", "fma"}, "SkylakeX": {"avx512f", "avx512bw"}}
_OPENBLAS_ARM = {"ARMV8": set(), "NEOVERSEN1": {"asimd"}}


def _probe(python: str = sys.executable) -> dict:
    """NumPy's dispatch targets that this CPU runs, and PyTorch's native capability, read in a fresh
    interpreter (an imported NumPy keeps the kernels it started with)."""
    code = (
        "import json, numpy\n"
        "from numpy._core._multiarray_umath import __cpu_dispatch__ as d, __cpu_features__ as f\n"
        "try:\n    import torch; cap = torch.backends.cpu.get_cpu_capability()\n"
        "except ImportError:\n    cap = None\n"
        "print(json.dumps({'numpy': [t for t in d if f.get(t)], 'torch': cap}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("NPY_DISABLE_CPU_FEATURES", "ATEN_CPU_CAPABILITY")}
    out = subprocess.run([python, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith(("flags", "features")):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def portable(probe: dict | None = None) -> dict[str, str]:
    """NumPy at its baseline kernels and PyTorch at its default ones."""
    probe = probe or _probe()
    return {"NPY_DISABLE_CPU_FEATURES": " ".join(probe["numpy"]), "ATEN_CPU_CAPABILITY": "default"}


def settings(probe: dict | None = None) -> dict[str, dict[str, str]]:
    """Every setting worth trying on this machine, one library changed at a time, by name."""
    probe = probe or _probe()
    out: dict[str, dict[str, str]] = {"native": {}, PORTABLE_NAME: portable(probe)}
    targets = probe["numpy"]  # ascending: each target extends the ones before it
    for i in range(len(targets)):
        name = f"numpy<={targets[i - 1]}" if i else "numpy-baseline"
        out[name] = {"NPY_DISABLE_CPU_FEATURES": " ".join(targets[i:])}
    cap = (probe["torch"] or "default").lower()
    for level in {"avx512": ["default", "avx2"]}.get(cap, [] if cap == "default" else ["default"]):
        out[f"torch-{level}"] = {"ATEN_CPU_CAPABILITY": level}
    flags = _cpu_flags()
    cores = _OPENBLAS_X86 if "avx" in flags or "sse2" in flags else _OPENBLAS_ARM
    for core, needs in cores.items():
        if needs <= flags:
            out[f"openblas-{core}"] = {"OPENBLAS_CORETYPE": core}
    return out


if __name__ == "__main__":
    p = _probe()
    print(json.dumps({"probe": p, "portable": portable(p), "settings": settings(p)}, indent=2))
