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
# # Week 13: a custom LLM application, "ask the roadmap"
#
# This notebook is a worked version of the Week 13 checkpoint project, "Custom LLM Application": choose
# a use case, fine-tune a language model with LoRA, add retrieval over a knowledge base, serve it
# through an API and put a web page in front of it. Try the project on your own first.
#
# The use case is **an assistant that answers questions about this roadmap from the site's own pages,
# and says where each answer comes from**. The knowledge base is the Markdown source of this site (the
# `docs/` folder of its repository, plus the week plans in `data/roadmap.yml`), read from disk, so
# nothing is downloaded.
#
# | Project task | Where |
# |---|---|
# | Choose a use case | this introduction; the knowledge base in section 1 |
# | Fine-tune an LLM with LoRA | sections 2-4: a tokenizer and a small decoder-only model trained here, LoRA from scratch and with `peft`, checked against each other |
# | Implement RAG for knowledge | sections 5-7: BM25, dense vectors in FAISS, hybrid search, hit rate@k on hand-written questions, answers with numbered sources, a refusal rule |
# | Create a production API | section 8: FastAPI with a streaming endpoint (server-sent events), tested with `TestClient` |
# | Build a web interface | section 8: a one-file HTML page served by the same app |
#
# **Be clear about the scale.** No weights can be downloaded here, so the language model is trained
# from nothing, in about ten seconds of CPU: 430,000 parameters that see a quarter of a million tokens.
# The assistants you use start from models at least a thousand times larger, trained on trillions of
# tokens. This one ends up about as good at predicting the next token as a table that counts which
# token follows which, and its answers are not useful text: fine-tuning teaches it the *form* of an
# answer (Section 4), not its content. The value of the notebook is the pipeline around the model:
# every other stage has the shape of the one you would ship, the useful answers come from retrieval
# (the best-matching sentence of the retrieved pages, with its source), and Section 9 shows the code
# that plugs a real model into the same app.
#
# The notebook reads the pages from a clone of the site's repository when it runs (Section 1), so its
# numbers move a little as the site grows; its checks allow for that. Besides the libraries of the
# [setup page](../../learn/setup/#requirements) it needs
# `pip install tokenizers peft rank-bm25 faiss-cpu fastapi httpx pyyaml`, and `uvicorn` to serve the
# app.
#
# Background: the [tokenization](../../guides/llm-fundamentals/#tokenization),
# [Transformer](../../guides/llm-fundamentals/#language-modelling) and
# [pretraining](../../guides/llm-fundamentals/#pretraining) sections of LLM Fundamentals, and the
# [LoRA](../../guides/prompt-engineering-llm-finetuning/#lora-qlora),
# [RAG](../../guides/prompt-engineering-llm-finetuning/#rag) and
# [production](../../guides/prompt-engineering-llm-finetuning/#production) sections of Prompt
# Engineering and LLM Fine-tuning.

# %%
import copy
import json
import math
import os
import re
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import faiss
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch
import torch.nn.functional as F
import yaml
from rank_bm25 import BM25Okapi
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from torch import nn

# A model this small gains nothing from several threads. For a real model, delete this line.
torch.set_num_threads(1)
torch.manual_seed(0)
notebook_start = time.process_time()

# %% [markdown]
# ## 1. The knowledge base: this site's pages
#
# A retrieval system answers from **passages** (chunks) of its documents, and every passage needs an
# address to cite. Here the address is the page and the section anchor, the same one the site links to
# (`guides/reinforcement-learning.md#mdp`): an explicit `{#id}` where the heading has one, else the
# slug MkDocs derives from the heading.
#
# Reading the pages:
#
# - the **front matter** gives the page's title and description; a guide that is still planned has only
#   an outline there, which becomes one short passage per planned section;
# - **code blocks** are dropped (for retrieval they add identifiers rather than explanations, and they
#   would make up much of what the tiny model reads), and so are MkDocs macros, HTML tags and link
#   targets (the link text stays);
# - the **week and phase pages** are a single macro each (`{{ week_page() }}`): their content lives in
#   `data/roadmap.yml`, so the notebook writes it out as sentences, one per part of the week (materials,
#   objectives, practice, project), each naming its week, so that one passage can answer "which week
#   ...?".
#
# The notebook finds the `docs/` folder from its own location: the tests run it as a script from a
# temporary directory, and Jupyter runs it from `docs/notebooks/`. Anywhere else, set `ROADMAP_DOCS`.


# %%
def find_docs() -> Path:
    """The site's docs/ folder: $ROADMAP_DOCS, else the nearest one above this file or the working directory."""
    starts = [Path(os.environ["ROADMAP_DOCS"])] if os.environ.get("ROADMAP_DOCS") else []
    if "__file__" in globals():  # run as a script, as the tests do; Jupyter has no __file__
        starts.append(Path(__file__).resolve().parent)
    starts.append(Path.cwd().resolve())
    for start in starts:
        for folder in (start, *start.parents):
            for docs in (folder, folder / "docs"):
                if (docs / "notebooks" / "index.md").is_file() and (docs / "guides").is_dir():
                    return docs
    raise FileNotFoundError(
        "This notebook reads the site's own pages. Run it from inside a clone of the roadmap's repository, "
        "or set the environment variable ROADMAP_DOCS to the clone's docs/ folder."
    )


DOCS = find_docs()
ROADMAP_YML = DOCS.parent / "data" / "roadmap.yml"
assert ROADMAP_YML.is_file(), f"{ROADMAP_YML} is missing: the week pages are generated from it"

FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
FENCED_CODE = re.compile(r"^([ \t]*)(```|~~~).*?^\1\2[ \t]*$", re.S | re.M)
HEADING = re.compile(r"^(#{1,4})\s+(.*?)\s*(?:\{#([\w-]+)[^}]*\})?\s*$")
HTML_TAG = re.compile(r"</?(?:a|abbr|br|button|details|div|img|input|kbd|label|p|section|span|summary|sup|sub)\b[^>]*>")


def clean(line: str) -> str:
    """One Markdown line as plain text: no macros, HTML tags, link targets or admonition markers."""
    line = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", line)  # MkDocs macros
    line = HTML_TAG.sub("", line)
    line = re.sub(r"!?\[([^\]]*)\]\([^)]*\)(\{[^}]*\})?", r"\1", line)  # [text](url) -> text
    line = re.sub(r'^\s*(?:!!!|\?\?\?\+?)\s*[\w-]+\s*(?:"([^"]*)")?', r"\1", line)  # !!! note "Title" -> Title
    line = re.sub(r"^\s*\|?[\s:|-]+\|[\s:|-]*$", "", line)  # a table's rule line |---|---|
    return line.replace("|", " ").strip()


def slugify(heading: str) -> str:
    """The anchor MkDocs gives a heading that has no explicit {#id}."""
    return re.sub(r"\s+", "-", re.sub(r"[^\w\s-]", "", heading.lower()).strip())


def markdown_sections(rel: str, text: str):
    """(source, page title, heading, text) for each section of a Markdown page, and its front matter."""
    meta = {}
    if match := FRONT_MATTER.match(text):
        meta = yaml.safe_load(match.group(1)) or {}
        text = text[match.end() :]
    text = FENCED_CODE.sub("", text)
    title = meta.get("title", rel)
    heading, anchor, lines, out = title, "", [meta.get("description", "")], []
    for item in meta.get("outline") or []:  # a planned guide: only its outline is written yet
        out.append((f"{rel}#{item['id']}", title, item["title"], f"{title} will cover {item['title']}."))

    def flush():
        body = "\n".join(lines).strip()
        if body:
            out.append((f"{rel}#{anchor}" if anchor else rel, title, heading, body))

    for line in text.splitlines():
        if match := HEADING.match(line):
            flush()
            heading = clean(match.group(2))
            anchor, lines = match.group(3) or slugify(heading), []
        else:
            lines.append(clean(line))
    flush()
    return out, meta


sections, guide_titles = [], {}
for path in sorted(DOCS.rglob("*.md")):
    rel = path.relative_to(DOCS).as_posix()
    found, meta = markdown_sections(rel, path.read_text(encoding="utf-8"))
    sections += found
    if "guide" in meta:
        guide_titles[meta["guide"]] = meta["title"]

roadmap = yaml.safe_load(ROADMAP_YML.read_text(encoding="utf-8"))
phase_titles = {p["number"]: p["title"] for p in roadmap["phases"]}
for week in roadmap["weeks"]:
    span = f"Week {week['start']}" if week["start"] == week["end"] else f"Weeks {week['start']}-{week['end']}"
    name = f"{span}: {week['title']}"
    hours = week.get("hours") or {}
    materials = [
        guide_titles.get(m.get("guide"), m.get("text", "")) + (" (optional)" if m.get("optional") else "")
        for m in week.get("materials", [])
    ]
    topics = [t["text"] for m in week.get("materials", []) for t in m.get("topics", [])]
    parts = [
        (
            "study-materials",
            "Study materials",
            f"{name}, study materials: {'; '.join(materials)}; topics: {'; '.join(topics)}.",
        ),
        (
            "objectives",
            "Learning objectives",
            f"{name} (phase {week['phase']}, {phase_titles[week['phase']]}, {hours.get('min')}-{hours.get('max')} "
            "hours), learning objectives: " + "; ".join(o["text"] for o in week.get("objectives", [])) + ".",
        ),
    ]
    if practice := week.get("practice", {}).get("items"):
        parts.append(
            ("practice", "Hands-on practice", f"{name}, practice: " + "; ".join(i["text"] for i in practice) + ".")
        )
    if project := week.get("project"):
        tasks = "; ".join(t["text"] for t in project.get("tasks", []))
        parts.append(
            ("project", "Checkpoint project", f"{name}, checkpoint project {project['title']!r}, tasks: {tasks}.")
        )
    sections += [(f"roadmap/{week['id']}.md#{anchor}", name, heading, body) for anchor, heading, body in parts]
for phase in roadmap["phases"]:
    weeks = [w["title"] for w in roadmap["weeks"] if w["phase"] == phase["number"]]
    name = f"Phase {phase['number']}: {phase['title']}"
    body = f"{name} ({phase['length']}). {phase['summary']} Weeks: {'; '.join(weeks)}."
    sections.append((f"roadmap/phase-{phase['number']}.md", name, name, body))

print(f"{len({s[0].split('#')[0] for s in sections})} pages, {len(sections)} sections")
print("a week section:", [s for s in sections if s[0] == "roadmap/week-13.md#project"][0][3])

# %% [markdown]
# **Chunking.** A passage must be long enough to answer a question on its own and short enough that
# the words of the question are not drowned in others, and that a few passages fit a model's prompt.
# Here a section is cut into chunks of at most 120 words, on paragraph boundaries where the paragraphs
# fit and on sentence boundaries where they do not. Common practice with real models is a few hundred
# tokens per chunk, sometimes with an overlap between neighbours; the right size is something to
# measure with the evaluation of Section 6, not to guess.
#
# About one section in ten is **held out** from every training step below, so that the models can be
# judged on text they have not seen. The split hashes each section's address, so a new page never moves
# an old section from one side to the other.

# %%
MAX_WORDS = 120
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(`*\"'])")


def chunk_section(source, title, heading, body):
    """Chunks of at most MAX_WORDS words: whole paragraphs where they fit, else whole sentences."""
    units = []
    for paragraph in re.split(r"\n\s*\n", body):
        words = paragraph.split()
        if len(words) <= MAX_WORDS:
            units.append(words)
        else:  # a long paragraph: its sentences, and a very long sentence in pieces
            for sentence in SENTENCE_END.split(" ".join(words)):
                w = sentence.split()
                units += [w[i : i + MAX_WORDS] for i in range(0, len(w), MAX_WORDS)]
    pieces, current = [], []
    for words in filter(None, units):
        if current and len(current) + len(words) > MAX_WORDS:
            pieces.append(current)
            current = []
        current = current + words
    if current:
        pieces.append(current)
    return [
        {"source": source, "page": source.split("#")[0], "title": title, "heading": heading, "text": " ".join(p)}
        for p in pieces
    ]


chunks = [c for s in sections for c in chunk_section(*s)]
pages = sorted({c["page"] for c in chunks})
held_out = {c["source"] for c in chunks if zlib.crc32(c["source"].encode()) % 10 == 0}
n_words = sum(len(c["text"].split()) for c in chunks)
share_held_out = sum(c["source"] in held_out for c in chunks) / len(chunks)
print(f"{len(chunks)} chunks of at most {MAX_WORDS} words ({n_words:,} words) from {len(pages)} pages")
print(f"held out: {len(held_out)} sections, {share_held_out:.0%} of the chunks")
print(chunks[0])

assert all(0 < len(c["text"].split()) <= MAX_WORDS for c in chunks)
assert {f"roadmap/{w['id']}.md" for w in roadmap["weeks"]} <= set(pages)
assert all((DOCS / p).is_file() for p in pages), "every source is a real page of the site"
assert 0.05 < share_held_out < 0.2

# %% [markdown]
# ## 2. A tokenizer trained here
#
# The tokenizer is **byte-level BPE**, the scheme of GPT-2 (Radford et al., 2019): text is read as UTF-8
# bytes, and byte-pair encoding (Sennrich et al., 2016) repeatedly merges the most frequent adjacent
# pair into a new token until the vocabulary is full. Starting from the 256 bytes means every string
# can be encoded, including ones never seen in training, and decoding gives back exactly the input.
# Hugging Face `tokenizers` trains it in well under a second.
#
# The vocabulary is tiny, 1,024 tokens, against about 50,000 for GPT-2 and 128,000 for Llama 3. A
# small vocabulary makes more tokens per word (the count is printed below; with a large vocabulary,
# English averages about 4 characters per token), but the embedding and output layers stay small, and
# each token is seen often enough in a quarter of a million tokens to be learned.
#
# Five **special tokens** frame the use case, in the manner of a chat template:
# `<|context|>` passage `<|user|>` question `<|assistant|>` answer `<|end|>`. Each is one id that no
# ordinary text can produce, with one catch: a page that writes the string `<|end|>` literally (a guide
# about chat templates might) would produce it, so page text has such strings defused before
# tokenization. Letting data create control tokens is a small instance of prompt injection.

# %%
SPECIALS = ["<|endoftext|>", "<|context|>", "<|user|>", "<|assistant|>", "<|end|>"]
VOCAB = 1024


def lm_text(text: str) -> str:
    """Page text for the language model: '<|end|>' written in a page must not become the special token."""
    return re.sub(r"<\|(\w+)\|>", r"<\1>", text)


def documents(keep):
    """Each page's kept chunks as one training text, headings on their own line."""
    by_page = {}
    for c in chunks:
        if keep(c):
            by_page.setdefault(c["page"], []).append(lm_text(f"{c['heading']}\n{c['text']}"))
    return ["\n\n".join(parts) for parts in by_page.values()]


train_docs = documents(lambda c: c["source"] not in held_out)
held_out_docs = documents(lambda c: c["source"] in held_out)

tokenizer = Tokenizer(models.BPE())
tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
tokenizer.decoder = decoders.ByteLevel()
trainer = trainers.BpeTrainer(
    vocab_size=VOCAB,
    special_tokens=SPECIALS,
    initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    show_progress=False,
)
tokenizer.train_from_iterator(train_docs, trainer)
ID = {s: tokenizer.token_to_id(s) for s in SPECIALS}

sample_text = "LoRA freezes W and trains B·A: ΔW has rank r ≤ 8."
ids = tokenizer.encode(sample_text).ids
print(f"vocabulary {tokenizer.get_vocab_size()}, special tokens {ID}")
print(f"{len(sample_text)} characters -> {len(ids)} tokens:", [tokenizer.id_to_token(i) for i in ids][:12], "...")
assert tokenizer.get_vocab_size() == VOCAB and list(ID.values()) == list(range(len(SPECIALS)))
assert tokenizer.decode(ids) == sample_text  # byte-level BPE round-trips any text, Greek letters included
assert tokenizer.encode("<|user|>hi<|end|>").ids[0] == ID["<|user|>"]  # a special token is one id
assert ID["<|end|>"] not in tokenizer.encode(lm_text("a page that writes <|end|>")).ids

# %%
train_tokens = torch.tensor([t for doc in train_docs for t in tokenizer.encode(doc).ids + [ID["<|endoftext|>"]]])
held_tokens = torch.tensor([t for doc in held_out_docs for t in tokenizer.encode(doc).ids + [ID["<|endoftext|>"]]])
chars_per_token = sum(map(len, train_docs)) / len(train_tokens)
print(
    f"{len(train_tokens):,} training tokens, {len(held_tokens):,} held out; {chars_per_token:.1f} characters per token"
)
assert 2 < chars_per_token < 6

# %% [markdown]
# ## 3. A small decoder-only model, pretrained on the site
#
# The model is a decoder-only Transformer of the kind GPT-2 made standard, at toy size: token and
# position embeddings, two **pre-norm** blocks (normalize, then attend or transform, then add back to
# the residual stream; Xiong et al., 2020), **RMSNorm** (Zhang & Sennrich, 2019), four heads of
# **causal** self-attention through PyTorch's `scaled_dot_product_attention`, and a GELU MLP. Current
# models replace the learned positions by rotary embeddings and the MLP by SwiGLU, and share keys and
# values between heads; the [Transformer section](../../guides/llm-fundamentals/#language-modelling) of
# LLM Fundamentals builds those. None of that would show at this size.
#
# The check below is the definition of "causal": the predictions at positions 0-9 must not change when
# tokens 10-15 do.


# %%
class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.weight, self.eps = nn.Parameter(torch.ones(dim)), eps

    def forward(self, x):
        return self.weight * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)


class Block(nn.Module):
    """Pre-norm Transformer block: x + attention(norm(x)), then x + MLP(norm(x))."""

    def __init__(self, dim, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.norm1, self.norm2 = RMSNorm(dim), RMSNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.proj = nn.Linear(dim, dim, bias=False)
        self.up = nn.Linear(dim, 4 * dim, bias=False)
        self.down = nn.Linear(4 * dim, dim, bias=False)

    def forward(self, x):
        B, T, D = x.shape
        q, k, v = self.qkv(self.norm1(x)).view(B, T, 3, self.n_heads, D // self.n_heads).permute(2, 0, 3, 1, 4)
        attn = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, heads, T, D / heads)
        x = x + self.proj(attn.transpose(1, 2).reshape(B, T, D))
        return x + self.down(F.gelu(self.up(self.norm2(x))))


class TinyLM(nn.Module):
    def __init__(self, vocab=VOCAB, dim=96, n_heads=4, n_layers=2, context=128):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(context, dim)
        self.blocks = nn.ModuleList(Block(dim, n_heads) for _ in range(n_layers))
        self.norm = RMSNorm(dim)
        self.head = nn.Linear(dim, vocab, bias=False)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, idx):  # (B, T) token ids -> (B, T, vocab) logits
        x = self.tok(idx) + self.pos(torch.arange(idx.shape[1]))
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))


torch.manual_seed(0)
model = TinyLM()
n_params = sum(p.numel() for p in model.parameters())
x = torch.randint(0, VOCAB, (1, 16))
y = x.clone()
y[0, 10:] = torch.randint(0, VOCAB, (6,))
with torch.no_grad():
    causal = torch.allclose(model(x)[0, :10], model(y)[0, :10])
print(f"{n_params:,} parameters")
assert causal, "changing tokens 10-15 must not change the predictions at positions 0-9"

# %% [markdown]
# **Pretraining** is next-token prediction on windows of 128 tokens cut at random from the training
# pages, with the cross-entropy loss in nats per token (its exponential is the perplexity). Two choices
# are not the textbook defaults, and both came from watching this model train:
#
# - **Two learning rates.** An embedding row, or a row of the output layer, gets a gradient only when
#   its token occurs, so with one rate for everything the model sat for dozens of steps on the plateau
#   of the unigram model (predicting frequent tokens everywhere) before it used its input at all. The
#   embedding and output rows get $2 \times 10^{-2}$, the blocks $3 \times 10^{-3}$.
# - **An untied output layer.** Tying it to the embedding (as GPT-2 does) saves parameters, but at this
#   width and initialization the tied logits start so small that learning was slower.
#
# The schedule is one cycle (a short warm-up, then a cosine decay), with AdamW and gradient clipping.
# The compute is about $6ND$ floating-point operations (Kaplan et al., 2020): 6 per parameter per
# training token, for the forward and backward passes (Kaplan et al. leave the embeddings out of $N$;
# the estimate printed below counts them, and prints their share, large at this size).

# %%
CONTEXT, BATCH, STEPS = 128, 16, 120


def batch_from(tokens, generator, size=BATCH):
    starts = torch.randint(0, len(tokens) - CONTEXT - 1, (size,), generator=generator)
    rows = torch.stack([tokens[s : s + CONTEXT + 1] for s in starts])
    return rows[:, :-1], rows[:, 1:]


def lm_loss(net, inputs, targets, mask=None):
    """Mean next-token cross-entropy, over the positions where mask is True (all of them by default)."""
    logits = net(inputs)
    losses = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="none")
    if mask is None:
        return losses.mean()
    mask = mask.reshape(-1).float()
    return (losses * mask).sum() / mask.sum()


held_batches = [batch_from(held_tokens, torch.Generator().manual_seed(i), 16) for i in range(4)]


def held_out_loss(net):
    mode = net.training
    net.eval()
    with torch.no_grad():
        loss = float(np.mean([lm_loss(net, xb, yb).item() for xb, yb in held_batches]))
    net.train(mode)
    return loss


fast = [model.tok.weight, model.head.weight]
slow = [p for p in model.parameters() if all(p is not f for f in fast)]
LR = [2e-2, 3e-3]
optimizer = torch.optim.AdamW(
    [{"params": fast, "lr": LR[0]}, {"params": slow, "lr": LR[1]}], weight_decay=0.01, betas=(0.9, 0.95)
)
schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=LR, total_steps=STEPS, pct_start=0.1)
gen = torch.Generator().manual_seed(0)
initial_loss = held_out_loss(model)
curve = []
start = time.process_time()
for _step in range(STEPS):
    xb, yb = batch_from(train_tokens, gen)
    loss = lm_loss(model, xb, yb)
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    schedule.step()
    curve.append(loss.item())
model.eval()
pretrain_cpu = time.process_time() - start
pretrained_loss = held_out_loss(model)
n_tokens = STEPS * BATCH * CONTEXT
embedding_share = (model.tok.weight.numel() + model.pos.weight.numel()) / n_params
print(f"{STEPS} steps, {n_tokens:,} tokens, {pretrain_cpu:.0f} s of CPU")
print(f"6ND = {6 * n_params * n_tokens:.1e} FLOPs, with the embeddings ({embedding_share:.0%} of N) counted")
print(f"held-out loss {initial_loss:.2f} -> {pretrained_loss:.2f} nats/token")

# %% [markdown]
# A loss means little without baselines. The **uniform** guess costs $\ln 1024 = 6.93$ nats per token;
# a **unigram** model (token frequencies) and a **bigram** model (counts of which token follows which,
# smoothed by adding 0.1 to every count) are fitted on the training tokens and scored on the same
# held-out windows as the Transformer.

# %%
counts = np.bincount(train_tokens.numpy(), minlength=VOCAB) + 1.0
unigram = np.log(counts / counts.sum())
pairs = np.zeros((VOCAB, VOCAB))
np.add.at(pairs, (train_tokens[:-1].numpy(), train_tokens[1:].numpy()), 1.0)
bigram = np.log((pairs + 0.1) / (pairs + 0.1).sum(1, keepdims=True))
targets = torch.cat([yb.reshape(-1) for _, yb in held_batches]).numpy()
previous = torch.cat([xb.reshape(-1) for xb, _ in held_batches]).numpy()
unigram_loss, bigram_loss = -unigram[targets].mean(), -bigram[previous, targets].mean()
print(
    f"held-out loss (nats/token): uniform {math.log(VOCAB):.2f}, unigram {unigram_loss:.2f}, "
    f"bigram {bigram_loss:.2f}, Transformer {pretrained_loss:.2f}"
)
assert pretrained_loss < initial_loss - 2
assert pretrained_loss < unigram_loss - 1.0
if STEPS == 120:  # the tests' budget (with many more steps, the Transformer goes below the bigram)
    assert bigram_loss - 0.1 < pretrained_loss < bigram_loss + 0.5  # close to the bigram table, not better

# %% [markdown]
# The Transformer learns a lot in 120 steps (from 6.9 to about 4.3 nats per token) and ends close to
# the bigram table, not below it: so far it has learned mostly which token tends to follow which, which
# counting gets in a fraction of a second. Using the longer context, which is what attention is for,
# needs more training than this budget allows: with ten times the steps (1,200, under two minutes of
# CPU) the held-out loss went to about 3.75 nats per token when this notebook was written, below the
# bigram's.

# %% [markdown]
# ## 4. LoRA for one use case: answer in the assistant's format
#
# The base model continues text. The use case needs something else: given a passage and a question,
# reply with **one short sentence taken from the passage, then end the turn**. That is supervised
# fine-tuning (SFT) on examples in the chat format of Section 2, and the site provides the examples
# itself: for each chunk of a written page, a question made from its section's heading ("Tell me about
# pooling and batch normalization.") and, as the answer, the chunk's first sentence, when that
# sentence is short enough (at most 31 tokens plus `<|end|>`). The passage in the prompt is the chunk,
# cut to fit a 64-token prompt. The loss counts only the answer tokens: the model is not trained to predict the
# prompt, which it is given.

# %%
QUESTION_TEMPLATES = ["What does the roadmap say about {}?", "Tell me about {}.", "{}?"]
ANSWER_TOKENS, PROMPT_BUDGET = 32, 64


def first_sentence(text):
    return SENTENCE_END.split(text, maxsplit=1)[0]


def prompt_ids(context: str, question: str) -> list[int]:
    """<|context|> passage <|user|> question <|assistant|>, the passage cut to fit PROMPT_BUDGET tokens."""
    q = tokenizer.encode(lm_text(question)).ids
    c = tokenizer.encode(" " + lm_text(context)).ids[: PROMPT_BUDGET - len(q) - 3]
    return [ID["<|context|>"], *c, ID["<|user|>"], *q, ID["<|assistant|>"]]


examples = []
for i, c in enumerate(chunks):
    answer = first_sentence(c["text"])
    answer_ids = tokenizer.encode(" " + lm_text(answer)).ids + [ID["<|end|>"]]
    if len(answer.split()) < 4 or len(answer_ids) > ANSWER_TOKENS or c["source"].startswith("roadmap/"):
        continue  # too short or too long, or a week page (lists, not prose)
    heading = c["heading"].lower() if i % 3 < 2 else c["heading"]
    prompt = prompt_ids(c["text"], QUESTION_TEMPLATES[i % 3].format(heading))
    examples.append({"prompt": prompt, "answer": answer_ids, "text": answer, "held_out": c["source"] in held_out})
ft_train = [e for e in examples if not e["held_out"]]
ft_test = [e for e in examples if e["held_out"]]
print(f"{len(ft_train)} training and {len(ft_test)} held-out examples; one of them:")
print(repr(tokenizer.decode(ft_test[0]["prompt"] + ft_test[0]["answer"], skip_special_tokens=False)))
assert all(len(e["prompt"]) + len(e["answer"]) <= CONTEXT + 1 for e in examples) and len(ft_test) >= 24


def pack(batch):
    """Inputs, targets and a mask that keeps only the answer tokens in the loss, padded to the longest."""
    n = max(len(e["prompt"]) + len(e["answer"]) for e in batch) - 1
    X = torch.full((len(batch), n), ID["<|endoftext|>"])
    Y, M = X.clone(), torch.zeros(len(batch), n, dtype=torch.bool)
    for row, e in enumerate(batch):
        ids = torch.tensor(e["prompt"] + e["answer"])
        X[row, : len(ids) - 1], Y[row, : len(ids) - 1] = ids[:-1], ids[1:]
        M[row, len(e["prompt"]) - 1 : len(ids) - 1] = True  # the positions that predict an answer token
    return X, Y, M


def answer_loss(net, batch):
    net.eval()
    with torch.no_grad():
        return lm_loss(net, *pack(batch)).item()


# %% [markdown]
# **LoRA** (Hu et al., 2021) leaves each pretrained weight matrix
# $W \in \mathbb{R}^{d_\text{out} \times d_\text{in}}$ frozen and learns a low-rank correction:
#
# $$
# h = W x + \frac{\alpha}{r} B A x, \qquad A \in \mathbb{R}^{r \times d_\text{in}},\;
# B \in \mathbb{R}^{d_\text{out} \times r},\; r \ll \min(d_\text{in}, d_\text{out}).
# $$
#
# $B$ starts at zero, so training starts from exactly the base model; $A$ starts random (as for a
# linear layer), so that the gradient of $B$ is not zero. Each wrapped layer trains
# $r(d_\text{in} + d_\text{out})$ numbers instead of $d_\text{in} d_\text{out}$. Here $r = 8$ and
# $\alpha = 16$, on every linear layer, the output layer included: the adapter must learn to emit
# `<|end|>`, a token that the base model never had to predict, and in trial runs it learned to end its
# turn more reliably with the output layer adapted than without. The share of trainable parameters is
# large here (the model is narrow); for a model with thousands of dimensions per layer the same recipe
# trains well under 1%.
#
# The cell builds LoRA from scratch, then the same adapters with `peft`, copies the same $A$ and $B$
# into both (with $B$ random, so that the update is not zero) and checks that they compute the same loss
# and the same gradients.

# %%
TARGETS = ["qkv", "proj", "up", "down", "head"]  # every linear layer, the output layer included
RANK, ALPHA = 8, 16


class LoRALinear(nn.Module):
    """h = W x + (alpha / r) B A x, with W frozen and only A (r x in) and B (out x r) trained."""

    def __init__(self, base: nn.Linear, r=RANK, alpha=ALPHA):
        super().__init__()
        self.base, self.scale = base, alpha / r
        self.A = nn.Parameter(torch.empty(r, base.in_features))
        self.B = nn.Parameter(torch.zeros(base.out_features, r))  # B = 0: the update starts at zero
        nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))  # as nn.Linear initializes its weight

    def forward(self, x):
        return self.base(x) + (x @ self.A.T @ self.B.T) * self.scale


def with_lora(net):
    """A copy of net with every target layer wrapped; only the A and B matrices are trainable."""
    net = copy.deepcopy(net).requires_grad_(False)
    for parent in [net, *net.blocks]:
        for name in TARGETS:
            if isinstance(getattr(parent, name, None), nn.Linear):
                setattr(parent, name, LoRALinear(getattr(parent, name)))
    return net


def lora_layers(net):
    """The wrapped layers by name (blocks.0.qkv, ..., head), for a from-scratch model or a peft one."""
    return {n.removeprefix("base_model.model."): m for n, m in net.named_modules() if n.split(".")[-1] in TARGETS}


base_model = copy.deepcopy(model).eval().requires_grad_(False)
scratch = with_lora(base_model)
n_lora = sum(p.numel() for p in scratch.parameters() if p.requires_grad)
expected = sum(RANK * (m.base.in_features + m.base.out_features) for m in lora_layers(scratch).values())
print(f"LoRA trains {n_lora:,} parameters, {n_lora / n_params:.1%} of the model's {n_params:,}")
assert n_lora == expected and len(lora_layers(scratch)) == 4 * 2 + 1

# %%
from peft import LoraConfig, get_peft_model

config = LoraConfig(r=RANK, lora_alpha=ALPHA, target_modules=TARGETS, lora_dropout=0.0)
peft_model = get_peft_model(copy.deepcopy(base_model), config)
ours = lora_layers(scratch)
assert ours.keys() == lora_layers(peft_model).keys()
assert sum(p.numel() for p in peft_model.parameters() if p.requires_grad) == n_lora
with torch.no_grad():
    for name, layer in lora_layers(peft_model).items():
        layer.lora_B["default"].weight.normal_(std=0.02)
        ours[name].A.copy_(layer.lora_A["default"].weight)
        ours[name].B.copy_(layer.lora_B["default"].weight)
X, Y, M = pack(ft_train[:8])
loss_peft, loss_scratch = lm_loss(peft_model, X, Y, M), lm_loss(scratch, X, Y, M)
loss_peft.backward()
loss_scratch.backward()
assert abs(loss_peft.item() - loss_scratch.item()) < 1e-5
for name, layer in lora_layers(peft_model).items():
    assert torch.allclose(layer.lora_A["default"].weight.grad, ours[name].A.grad, atol=1e-6)
    assert torch.allclose(layer.lora_B["default"].weight.grad, ours[name].B.grad, atol=1e-6)
print("from-scratch LoRA and peft: the same loss (within 1e-5) and the same gradients (within 1e-6)")

# %% [markdown]
# The fine-tuning itself uses `peft`, with fresh adapters ($B = 0$): 60 steps of 16 examples, about
# two passes over the training examples. After it, three checks on held-out examples and pages:
#
# - the **answer loss** (the loss on the answer tokens of held-out examples) must drop;
# - with the adapters **switched off** (`disable_adapter()`), the model must be exactly the base model,
#   whose weights were never touched;
# - the loss on held-out **page text**, with the adapters on, shows what the specialization cost.

# %%
FT_STEPS, FT_LR = 60, 3e-3
torch.manual_seed(0)
lora_model = get_peft_model(copy.deepcopy(base_model), config)
optimizer = torch.optim.AdamW([p for p in lora_model.parameters() if p.requires_grad], lr=FT_LR, weight_decay=0.0)
gen = torch.Generator().manual_seed(0)
ft_curve = []
lora_model.train()
start = time.process_time()
for _step in range(FT_STEPS):
    batch = [ft_train[i] for i in torch.randint(0, len(ft_train), (BATCH,), generator=gen)]
    loss = lm_loss(lora_model, *pack(batch))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    ft_curve.append(loss.item())
ft_cpu = time.process_time() - start
lora_model.eval()
print(f"{FT_STEPS} LoRA steps in {ft_cpu:.0f} s of CPU")

base_answer_loss, lora_answer_loss = answer_loss(base_model, ft_test), answer_loss(lora_model, ft_test)
with lora_model.disable_adapter():
    adapters_off_loss = held_out_loss(lora_model)
lora_text_loss = held_out_loss(lora_model)
print(f"held-out answers:   base {base_answer_loss:.2f}, with LoRA {lora_answer_loss:.2f} nats/token")
print(f"held-out page text: base {pretrained_loss:.2f}, with LoRA {lora_text_loss:.2f} nats/token")
assert lora_answer_loss < base_answer_loss - 0.4
assert adapters_off_loss == pretrained_loss  # adapters off: exactly the base model
assert all(
    torch.equal(a, b) for a, b in zip(base_model.state_dict().values(), model.state_dict().values(), strict=True)
)
assert lora_text_loss > pretrained_loss  # the adapter made the model worse at plain page text

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
axes[0].plot(curve, lw=1, label="training batches")
axes[0].axhline(unigram_loss, ls=":", c="gray", label="unigram, held out")
axes[0].axhline(bigram_loss, ls="--", c="gray", label="bigram, held out")
axes[0].plot([STEPS - 1], [pretrained_loss], "o", c="C3", label="Transformer, held out")
axes[0].set(title="Pretraining on the site's pages", xlabel="step", ylabel="loss (nats/token)")
axes[1].plot(ft_curve, lw=1, c="C1", label="training batches")
axes[1].axhline(base_answer_loss, ls=":", c="gray", label="base model, held out")
axes[1].axhline(lora_answer_loss, ls="--", c="C3", label="with LoRA, held out")
axes[1].set(title="LoRA: loss on the answer tokens", xlabel="step")
for ax in axes:
    ax.legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# The answer loss drops, the base model is intact, and the price is visible: with the adapters on, the
# model is worse at plain page text than the base model. That is forgetting in miniature, and the
# reason to keep an adapter separate (or to mix general text into the fine-tuning data): switch it off
# and the base model is back.
#
# `merge_and_unload()` folds the update into the weights, $W \leftarrow W + \frac{\alpha}{r} B A$, and
# returns a plain `TinyLM` with the adapter's outputs and no extra cost per token. The served model
# below is the merged one.

# %%
merged = copy.deepcopy(lora_model).merge_and_unload()
X, _, _ = pack(ft_test[:4])
with torch.no_grad():
    difference = (merged(X) - lora_model(X)).abs().max().item()
print(
    f"merged: a {type(merged).__name__}; largest difference from the adapter's logits below 1e-4: {difference < 1e-4}"
)
assert isinstance(merged, TinyLM) and difference < 1e-4

# %% [markdown]
# Now the test that matters for the use case: generate answers to held-out questions, greedily (always
# the most probable next token), and score them two ways. **Ending the turn** is the format: does the
# model emit `<|end|>` within 32 tokens? **Word F1** against the reference sentence is the content: the
# harmonic mean of the share of generated words that are in the reference and the share of reference
# words that were generated.


# %%
def generate(net, ids, max_new_tokens=ANSWER_TOKENS):
    """Greedy decoding: yields token ids one at a time, stops at <|end|> or after max_new_tokens."""
    ids = list(ids)
    with torch.no_grad():
        for _ in range(max_new_tokens):
            token = int(net(torch.tensor([ids[-CONTEXT:]]))[0, -1].argmax())
            if token == ID["<|end|>"]:
                return
            ids.append(token)
            yield token


def judge(net, batch):
    """Share of answers that end the turn, and mean word F1 with the reference sentences."""
    ended, f1 = 0, []
    for e in batch:
        out = list(generate(net, e["prompt"]))
        ended += len(out) < ANSWER_TOKENS
        got, want = set(tokenizer.decode(out).split()), set(e["text"].split())
        common = len(got & want)
        f1.append(0.0 if common == 0 else 2 * common / (len(got) + len(want)))
    return ended / len(batch), float(np.mean(f1))


probe = ft_test[:24]
base_ended, base_f1 = judge(base_model, probe)
lora_ended, lora_f1 = judge(merged, probe)
print(f"ends its turn: base model {base_ended:.0%}, with LoRA {lora_ended:.0%} of {len(probe)} held-out questions")
print(f"word F1 with the reference: base model {base_f1:.2f}, with LoRA {lora_f1:.2f}")
for e in probe[:3]:
    print(f"  reference: {e['text'][:70]!r}\n  LoRA:      {tokenizer.decode(list(generate(merged, e['prompt'])))!r}")
assert base_ended == 0 and lora_ended >= 0.5  # the format is learned ...
assert lora_f1 < 0.3 and lora_f1 < base_f1 + 0.1  # ... the content is not: no better than the base model

# %% [markdown]
# That is the honest result. The adapter learned the **format**: the base model never ends its turn,
# the tuned one usually does, after a few words. It did not learn the **content**: the answers are a
# few generic words, not the sentence in the passage, and their word F1 is no better than the base
# model's, whose output never even stops. Copying a span from the context needs attention heads that
# find the earlier occurrence of the current token and copy what followed it (induction heads, Olsson
# et al., 2022), and in the models that paper studied they formed only after far more training than
# this model gets. A pretrained model of a few hundred million parameters copies like this out of the
# box, and LoRA on the same examples would then teach it the house style. So the application below
# does not rely on the model: it shows the best-matching sentence of the retrieved passages as the
# answer, and the model's draft beside it, labelled.

# %% [markdown]
# ## 5. Retrieval: BM25, dense vectors in FAISS, and both
#
# **BM25** (Robertson & Zaragoza, 2009) scores a chunk $d$ for a query $q$ by the query words it
# contains, weighting rare words up and discounting repeats and long chunks:
#
# $$
# \text{score}(q, d) = \sum_{w \in q} \text{idf}(w)\,
# \frac{f(w, d)\,(k_1 + 1)}{f(w, d) + k_1 \left(1 - b + b\,\frac{|d|}{\text{avgdl}}\right)},
# \qquad \text{idf}(w) = \ln \frac{N - n_w + 0.5}{n_w + 0.5},
# $$
#
# with $f(w, d)$ the count of $w$ in $d$, $|d|$ its length in words, $N$ chunks of which $n_w$ contain
# $w$, and the usual $k_1 = 1.5$, $b = 0.75$. This idf is negative for a word in more than half the
# chunks; `rank_bm25` replaces such values by $0.25$ times the mean idf. The cell implements the formula
# with a sparse count matrix and checks it against `rank_bm25` (which loops in Python over the chunks
# for each query word: fine for thousands of chunks, too slow for millions, where a search engine
# such as Lucene does this job).
#
# Words are lowercase, English stop words are dropped, and a plural "-s" is cut (GANs and GAN match),
# a crude stand-in for stemming.


# %%
def words(text: str) -> list[str]:
    """Lowercase word tokens for retrieval: English stop words dropped, a plural -s cut (gans -> gan)."""
    out = []
    for w in re.findall(r"[a-z0-9]+", text.lower()):
        if w not in ENGLISH_STOP_WORDS and len(w) > 1:
            out.append(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w)
    return out


docs_text = [f"{c['title']} {c['heading']} {c['text']}" for c in chunks]
corpus = [words(t) for t in docs_text]
counter = CountVectorizer(analyzer=words)
tf = sp.csc_matrix(counter.fit_transform(docs_text), dtype=np.float64)
vocab = counter.vocabulary_
K1, B_ = 1.5, 0.75
n_docs = tf.shape[0]
df = np.asarray((tf > 0).sum(0)).ravel()
idf = np.log(n_docs - df + 0.5) - np.log(df + 0.5)
idf[idf < 0] = 0.25 * idf.mean()  # rank_bm25's floor for words in more than half the chunks
doc_len = np.asarray(tf.sum(1)).ravel()
length_norm = K1 * (1 - B_ + B_ * doc_len / doc_len.mean())


def bm25_scores(query: str) -> np.ndarray:
    scores = np.zeros(n_docs)
    for w in words(query):
        if w in vocab:
            f = tf[:, vocab[w]].toarray().ravel()
            scores += idf[vocab[w]] * f * (K1 + 1) / (f + length_norm)
    return scores


bm25 = BM25Okapi(corpus, k1=K1, b=B_)
for q in ["How does LoRA fine-tuning work?", "Which week covers object detection?"]:
    assert np.allclose(bm25_scores(q), bm25.get_scores(words(q)), atol=1e-9)
print(f"BM25 over {n_docs} chunks and {len(vocab)} distinct words: from scratch = rank_bm25 (within 1e-9)")

# %% [markdown]
# **Dense retrieval** compares vectors instead of words. The usual vectors come from a neural text
# encoder (Karpukhin et al., 2020; Section 9 shows one), which cannot be downloaded here, so the vectors
# are **LSA** (Deerwester et al., 1990): the TF-IDF matrix of the chunks reduced to 128 dimensions by a
# truncated SVD, then scaled to unit length. LSA places words that occur in the same chunks near each
# other, so a query can match a chunk that shares none of its words; it learns only from these pages,
# though, where a neural encoder brings what it learned from billions of sentences.
#
# The vectors go into a **FAISS** index (Johnson et al., 2019). `IndexFlatIP` is exact: it computes the
# inner product (the cosine, on unit vectors) with every chunk, which the cell checks against NumPy.
# For millions of vectors, approximate indexes (`IndexIVFFlat`, `IndexHNSWFlat`) trade a little recall
# for much speed.

# %%
DIM = 128
tfidf = TfidfVectorizer(analyzer=words, sublinear_tf=True, min_df=2)
lsa = TruncatedSVD(n_components=DIM, random_state=0)
embeddings = normalize(lsa.fit_transform(tfidf.fit_transform(docs_text))).astype(np.float32)
index = faiss.IndexFlatIP(DIM)
index.add(embeddings)


def embed(texts):
    return normalize(lsa.transform(tfidf.transform(texts))).astype(np.float32)


query = embed(["How does LoRA fine-tuning work?"])
scores, found = index.search(query, 10)
brute = embeddings @ query[0]
assert np.allclose(scores[0], np.sort(brute)[::-1][:10], atol=1e-5)
assert set(found[0]) == set(np.argsort(-brute)[:10])
print(
    f"LSA: {len(tfidf.vocabulary_)} TF-IDF features -> {DIM} dimensions "
    f"({lsa.explained_variance_ratio_.sum():.0%} of the variance); FAISS top 10 = brute force"
)

# %% [markdown]
# **Hybrid search** runs both and fuses the two rankings with **reciprocal rank fusion** (Cormack et
# al., 2009): each chunk scores $\sum_m 1 / (60 + \text{rank}_m)$ over the methods $m$ that rank it in
# their top 50. RRF needs no calibration between BM25 scores and cosines, which live on different
# scales; a chunk that both methods rank high wins.


# %%
def search(question: str, method: str = "hybrid", k: int = 5, pool: int = 50) -> list[int]:
    """Indices of the k best chunks for a question: BM25, dense (LSA + FAISS), or both fused (RRF)."""
    sparse_rank = list(np.argsort(-bm25_scores(question), kind="stable")[:pool])
    dense_rank = list(index.search(embed([question]), pool)[1][0])
    if method == "bm25":
        return sparse_rank[:k]
    if method == "dense":
        return dense_rank[:k]
    fused = {}
    for ranking in (sparse_rank, dense_rank):
        for rank, i in enumerate(ranking, start=1):
            fused[i] = fused.get(i, 0.0) + 1.0 / (60 + rank)
    return sorted(fused, key=lambda i: (-fused[i], i))[:k]


for i in search("Which week covers object detection with YOLO?", k=3):
    print(chunks[i]["source"], "|", chunks[i]["text"][:80])
assert chunks[search("Which week covers object detection with YOLO?")[0]]["page"] == "roadmap/week-14.md"

# %% [markdown]
# ## 6. Does retrieval find the right page?
#
# A retrieval system is judged on questions with known answers. The 36 questions below were written by
# hand, each with the page (or pages) that answers it; a question counts as found at $k$ if any of the
# top $k$ chunks comes from one of those pages.
#
# - **hit rate@k** is the share of questions found at $k$; at $k = 3$ it says whether the three passages
#   given to the model contain the answer at all, which bounds everything downstream. (Much RAG writing
#   calls this recall@k; strictly, recall@k is the share of a question's relevant items in the top $k$,
#   which equals the hit rate only when each question has one relevant item: the Prompt Engineering
#   guide's Section 7.4 computes both.)
# - **MRR@10**, the mean reciprocal rank, averages $1/\text{rank}$ of the first right chunk (0 when it
#   is not in the top 10), and so rewards putting it first.
#
# Relevance is judged per page, not per passage: coarse, but it stays valid as pages are edited. Two
# cautions. The questions were written by someone who knows the pages, so they share more words with
# them than real users' questions would, which flatters BM25 most; a real evaluation samples questions
# from users and has people judge the passages. And with 36 questions, one question is about 3 points
# of hit rate: differences of a question or two between methods are noise.

# %%
QUESTIONS = [  # (question, the pages that answer it)
    ("How do I check that my Python setup works before I start?", {"learn/setup.md"}),
    ("Which week builds a game-playing agent with reinforcement learning?", {"roadmap/week-11.md"}),
    ("What is the checkpoint project of week 13?", {"roadmap/week-13.md"}),
    ("How many hours does the natural language processing week take?", {"roadmap/week-13.md"}),
    ("Which week covers object detection with YOLO?", {"roadmap/week-14.md"}),
    ("Which week is about retrieval-augmented generation?", {"roadmap/week-13.md"}),
    ("Which week teaches me to make pictures with GANs?", {"roadmap/week-09.md"}),
    ("What does the Bellman optimality equation say?", {"guides/reinforcement-learning.md"}),
    ("Why does PPO clip the probability ratio?", {"guides/reinforcement-learning.md"}),
    ("How does the VAE loss combine reconstruction and KL divergence?", {"guides/generative-ai-deep-dive.md"}),
    ("What is the difference between bagging and boosting?", {"guides/ensemble-methods.md"}),
    ("How do I search hyperparameters with Optuna?", {"guides/hyperparameter-tuning.md"}),
    (
        "How do I quantize a model to int8 for faster inference?",
        {"guides/model-optimization.md", "guides/edge-ai-and-mobile-ml.md"},
    ),
    ("How do I make my model run on a phone?", {"guides/edge-ai-and-mobile-ml.md", "roadmap/week-14.md"}),
    ("How do I serve a model behind a REST API with FastAPI?", {"guides/deployment-patterns.md"}),
    ("How should I track experiments and version my data?", {"guides/mlops-best-practices.md"}),
    ("How do I train one network on several GPUs?", {"guides/distributed-training.md"}),
    ("What are eigenvalues and eigenvectors of a matrix?", {"guides/mathematics-for-ml.md"}),
    ("How does backpropagation compute the gradients of a network?", {"guides/neural-networks-fundamentals.md"}),
    ("My training loss became NaN, what should I check?", {"guides/troubleshooting-guide.md"}),
    ("How does neural architecture search work?", {"guides/automl-and-nas.md"}),
    ("How can I explain a single prediction of a black-box model?", {"guides/explainable-ai.md"}),
    ("Is my model unfair to some group of people?", {"guides/ai-ethics-and-fairness.md"}),
    ("How do I predict next month's sales from past sales?", {"guides/time-series-forecasting.md"}),
    ("Can a model learn a new class from five examples?", {"guides/few-shot-meta-learning.md"}),
    ("How do I learn image features without labels?", {"guides/self-supervised-learning.md"}),
    ("How do I read a research paper efficiently?", {"guides/research-papers-guide.md"}),
    ("How do graph attention networks weight their neighbours?", {"guides/advanced-architectures.md"}),
    ("What tokenizer do large language models use?", {"guides/llm-fundamentals.md"}),
    ("Where is my checklist progress stored?", {"progress/index.md"}),
    ("What do I need to earn the ML/AI Foundations certificate?", {"progress/certificates.md"}),
    ("Where can I ask for help when I am stuck?", {"learn/getting-help.md"}),
    ("How do I add a notebook to the site?", {"about/contributing.md"}),
    ("How should I plan my study time each week?", {"learn/study-tips.md"}),
    ("What should I do after finishing the roadmap?", {"learn/next-steps.md"}),
    ("What are the five phases of the roadmap?", {"roadmap/index.md"} | {f"roadmap/phase-{n}.md" for n in range(1, 6)}),
]
assert len(QUESTIONS) == 36 and all(gold <= set(pages) for _, gold in QUESTIONS), "every expected page exists"
METHODS, KS = ("bm25", "dense", "hybrid"), (1, 3, 5, 10)


def first_hit(question, gold, method):
    """Rank (1-10) of the first chunk from an expected page, or None."""
    hits = [chunks[i]["page"] for i in search(question, method, k=10)]
    return next((r for r, p in enumerate(hits, start=1) if p in gold), None)


ranks = {m: [first_hit(q, gold, m) for q, gold in QUESTIONS] for m in METHODS}
table = pd.DataFrame(
    {
        m: {
            **{f"hit@{k}": np.mean([r is not None and r <= k for r in rs]) for k in KS},
            "MRR@10": np.mean([1 / r if r else 0.0 for r in rs]),
        }
        for m, rs in ranks.items()
    }
).T
n_q = len(QUESTIONS)
# Five chunks drawn at random find an expected page with probability 1 - C(N - n_gold, 5) / C(N, 5).
chunk_pages = np.array([c["page"] for c in chunks])
random_at_5 = np.mean(
    [1 - math.comb(int((~np.isin(chunk_pages, list(g))).sum()), 5) / math.comb(len(chunks), 5) for _, g in QUESTIONS]
)
print(f"{n_q} questions; five chunks drawn at random would find the page for {random_at_5:.0%} of them")
table.round(2)

# %%
better = sum((h or 99) < (b or 99) for h, b in zip(ranks["hybrid"], ranks["bm25"], strict=True))
worse = sum((h or 99) > (b or 99) for h, b in zip(ranks["hybrid"], ranks["bm25"], strict=True))
hit5 = table.loc["hybrid", "hit@5"]
print(f"hybrid against BM25, question by question: better rank {better}, worse {worse}, same {n_q - better - worse}")
print(f"standard error of a hit rate of {hit5:.2f} over {n_q} questions: {math.sqrt(hit5 * (1 - hit5) / n_q):.2f}")
print("missed by the hybrid search in its top 5:")
for (q, gold), r in zip(QUESTIONS, ranks["hybrid"], strict=True):
    if r is None or r > 5:
        print(f"  {q!r}: expected {sorted(gold)[0]}, rank {r}; first result {chunks[search(q)[0]]['source']}")
assert hit5 >= 0.7 and (table["hit@10"] >= 0.6).all()
assert table["hit@5"].max() - table["hit@5"].min() <= 0.15  # the methods are close on these questions
assert hit5 > 5 * random_at_5

# %% [markdown]
# Read the table and the misses together:
#
# - All three methods find the page for most questions, far above chance, and on these 36 questions
#   they are within a few questions of each other: too close to rank them. To compare two methods,
#   look at the questions on which they disagree (the counts printed above), not at two averages; the
#   printed standard error is for one method's hit rate alone. Other questions may order them
#   differently.
# - When this notebook was written (December 2026), the misses fell into three kinds, each with its
#   usual remedy. **The page is not written yet**: a planned guide has only its outline, and no search
#   finds what is not there. **Different words**: "run on a phone" against a guide that says "mobile"
#   and "edge"; neural embeddings and query rewriting (asking a model to restate the question in the
#   documents' terms) address this. **A short page outranked by long ones**: "which week is about
#   RAG?" competes with every passage that discusses retrieval, and the answer is one line of a week's
#   page; a filter on the page type (a "which week" question searches the week pages only), or a
#   reranker that reads the question and each passage together, addresses this.

# %% [markdown]
# ## 7. Answers with their sources
#
# An answer is built in three steps:
#
# 1. **Retrieve** the top 3 chunks with the hybrid search and number them: their addresses are the
#    sources, taken from the index, so a source can never be invented.
# 2. **Refuse** when the passages do not cover the question. The rule is lexical: the share of the
#    question's words, weighted by idf (a word the site never uses counts most), that appear in the
#    best passage must reach a threshold. A search always returns something; without such a rule an
#    off-topic question gets an answer from the nearest, unrelated passage.
# 3. **Answer** with the sentence of the passages that shares the most idf-weighted words with the
#    question, followed by the number of its source, `[n]`. This extractive answer is what the
#    application can stand behind; the tiny model's draft is shown beside it.
#
# The threshold trades answered questions against refused ones. The table measures it on the 36
# questions and on questions that the site cannot answer; the lowest threshold that refuses them all
# depends on the site's vocabulary, which grows with every page, which is why a real system calibrates
# this on labelled questions and checks it again as its documents change.

# %%
MIN_COVERAGE = 0.3
REFUSAL = "The roadmap's pages do not seem to cover this."
OFF_TOPIC = [
    "How long should I bake sourdough bread?",
    "How do I fix a flat bicycle tyre?",
    "How do I cook pasta?",
    "Who painted the Mona Lisa?",
    "How tall is Mount Everest?",
    "What is the capital of Australia?",
    "What is the best hiking trail in the Alps?",
    "Recommend a good movie for tonight.",
]


def coverage(question, i):
    """Idf-weighted share of the question's words found in chunk i (a word the site never uses weighs most)."""
    weight = {w: idf[vocab[w]] if w in vocab else math.log(n_docs) for w in set(words(question))}
    return sum(v for w, v in weight.items() if w in set(corpus[i])) / max(1e-9, sum(weight.values()))


def retrieve(question, k=3):
    """The k passages for a question, their numbered sources, and whether they cover the question."""
    hits = search(question, "hybrid", k)
    sources = [
        {"n": n, **{key: chunks[i][key] for key in ("source", "title", "heading")}} for n, i in enumerate(hits, 1)
    ]
    grounded = bool(max(coverage(question, i) for i in hits) >= MIN_COVERAGE)
    return [chunks[i] for i in hits], sources, grounded


def extractive_answer(question, passages):
    """The sentence of the passages that shares the most idf-weighted words with the question, with its [n]."""
    q = set(words(question))
    best_score, best = -1.0, ""
    for n, passage in enumerate(passages, start=1):
        for sentence in SENTENCE_END.split(passage["text"]):
            score = sum(idf[vocab[w]] for w in q & set(words(sentence)) if w in vocab)
            if score > best_score:
                best_score, best = score, f"{sentence} [{n}]"
    return best


best_coverage = {q: max(coverage(q, i) for i in search(q, "hybrid", 3)) for q in [q for q, _ in QUESTIONS] + OFF_TOPIC}
on_topic = np.array([best_coverage[q] for q, _ in QUESTIONS])
off_topic = np.array([best_coverage[q] for q in OFF_TOPIC])
thresholds = [0.2, 0.3, 0.4, 0.5]
guard = pd.DataFrame(
    {
        "roadmap questions answered": [(on_topic >= t).mean() for t in thresholds],
        "off-topic questions refused": [(off_topic < t).mean() for t in thresholds],
    },
    index=pd.Index(thresholds, name="threshold"),
)
print(f"at {MIN_COVERAGE}, off-topic questions answered:", [q for q in OFF_TOPIC if best_coverage[q] >= MIN_COVERAGE])
print(f"at {MIN_COVERAGE}, roadmap questions refused:", [q for q, _ in QUESTIONS if best_coverage[q] < MIN_COVERAGE])
assert guard.loc[MIN_COVERAGE].iloc[0] >= 0.85 and guard.loc[MIN_COVERAGE].iloc[1] >= 0.6
guard.round(2)

# %%
for q in ["Which week covers object detection with YOLO?", "How long should I bake sourdough bread?"]:
    passages, sources, grounded = retrieve(q)
    print(q, "->", extractive_answer(q, passages) if grounded else REFUSAL)
    if grounded:
        print("   sources:", [f"[{s['n']}] {s['source']}" for s in sources])
passages, sources, grounded = retrieve("Which week covers object detection with YOLO?")
assert grounded and "Week 14" in extractive_answer("Which week covers object detection with YOLO?", passages)
assert not retrieve("How long should I bake sourdough bread?")[2]

# %% [markdown]
# **The model behind an interface.** The app talks to a *backend* with one method,
# `stream(question, passages)`, that yields the answer text piece by piece. `TinyBackend` wraps the
# LoRA-tuned model: it builds the prompt of Section 4 from the best passage and the question, decodes
# greedily, and yields the new text after each token. One detail matters for any streaming tokenizer:
# a byte-level token can end in the middle of a multi-byte UTF-8 character (é, ≤, an emoji), which
# decodes as the replacement character U+FFFD until later tokens complete it, so a piece is held
# back while it ends in one. Section 9 puts a real model behind the same method.


# %%
def text_pieces(token_ids):
    """The new text after each token, held back while it ends in a split character (U+FFFD)."""
    out, shown = [], ""
    for token in token_ids:
        out.append(token)
        text = tokenizer.decode(out)
        if text != shown and not text.endswith("\ufffd"):
            yield text[len(shown) :]
            shown = text
    if (text := tokenizer.decode(out)) != shown:
        yield text[len(shown) :]


class TinyBackend:
    """Streams the LoRA-tuned tiny model's draft for the best passage."""

    name = "tiny LoRA-tuned model trained in this notebook (poor text: see Section 4)"

    def __init__(self, net):
        self.net = net

    def stream(self, question, passages):
        yield from text_pieces(generate(self.net, prompt_ids(passages[0]["text"], question)))


def ask(question, k=3, backend=None):
    """The whole answer as one JSON-ready dict: extractive answer, the backend's draft, numbered sources."""
    passages, sources, grounded = retrieve(question, k)
    if not grounded:
        return {"question": question, "answer": REFUSAL, "draft": "", "sources": [], "grounded": False}
    return {
        "question": question,
        "answer": extractive_answer(question, passages),
        "draft": "".join(backend.stream(question, passages)) if backend else "",
        "sources": sources,
        "grounded": True,
    }


tiny = TinyBackend(merged)
result = ask("What is the checkpoint project of week 13?", backend=tiny)
print(json.dumps(result, indent=1)[:700], "...")
pieces = list(tiny.stream(result["question"], retrieve(result["question"])[0]))
assert result["sources"][0]["source"] == "roadmap/week-13.md#project" and result["answer"].endswith("[1]")
assert "".join(pieces) == result["draft"]
assert all(s["source"].split("#")[0] in pages for s in result["sources"])

sample = "Größe ≤ 8 ✓ 🙂"
sample_ids = tokenizer.encode(sample).ids
streamed = list(text_pieces(sample_ids))
assert any(tokenizer.decode(sample_ids[:i]).endswith("\ufffd") for i in range(1, len(sample_ids)))
assert "".join(streamed) == sample and not any("\ufffd" in piece for piece in streamed)
print(f"{sample!r}: {len(sample_ids)} tokens, streamed as {streamed}")

# %% [markdown]
# ## 8. A streaming API and a web page
#
# The API has three routes:
#
# | route | returns |
# |---|---|
# | `GET /` | the web page |
# | `GET /ask?q=...&k=3` | the whole answer as JSON, once it is complete |
# | `GET /ask/stream?q=...&k=3` | the same answer as **server-sent events**: `sources`, `answer`, then one `token` event per piece of the draft, then `done` |
#
# **Streaming** matters because a language model writes one token at a time: a real model takes
# seconds for a paragraph, and showing the text as it comes makes the wait bearable. Server-sent events
# (SSE) are the simplest way to do it in a browser: one long HTTP response of `text/event-stream`,
# made of blocks `event: ...` / `data: ...` separated by blank lines, read by the browser's built-in
# `EventSource`. Recent FastAPI versions (0.165 here) have them built in: an endpoint declared with
# `response_class=EventSourceResponse` that yields `ServerSentEvent` objects sends each one as it is
# produced (a plain generator runs in a worker thread), and inserts a keep-alive comment after 15
# seconds of silence so that proxies do not close the connection. Check the streaming page of the
# FastAPI documentation for your version; on older ones, a `StreamingResponse` with
# `media_type="text/event-stream"` and the event text written by hand does the same.
#
# The **page** is one HTML file with its script inline, and loads nothing from another host. It writes
# the answer, the draft and the sources with `textContent`, never `innerHTML`: retrieved text and model
# output are data, and inserting them as HTML would let a crafted page or a manipulated model run
# script in the user's browser (cross-site scripting). It closes the `EventSource` on `done`, since
# otherwise the browser reconnects and asks again.
#
# **Validation** happens before any work: FastAPI answers 422 to a question shorter than 3 or longer
# than 300 characters, and to a `k` outside 1-8. The tests use `TestClient`, which calls the app in
# the same process, without a server or a network.

# %%
from fastapi import FastAPI, Query
from fastapi.responses import HTMLResponse
from fastapi.sse import EventSourceResponse, ServerSentEvent
from fastapi.testclient import TestClient

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ask the roadmap</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; }
  input { width: 70%; padding: .4rem; } button { padding: .4rem .8rem; }
  #draft { color: #666; font-style: italic; white-space: pre-wrap; }
</style>
</head>
<body>
<h1>Ask the roadmap</h1>
<form id="form"><input id="q" required minlength="3" maxlength="300"
  placeholder="Which week covers object detection?"> <button>Ask</button></form>
<p id="answer"></p>
<p>Draft from the model: <span id="draft"></span></p>
<ol id="sources"></ol>
<script>
const $ = (id) => document.getElementById(id);
let events = null;
$("form").addEventListener("submit", (e) => {
  e.preventDefault();
  if (events) events.close();
  $("answer").textContent = ""; $("draft").textContent = ""; $("sources").replaceChildren();
  events = new EventSource("ask/stream?q=" + encodeURIComponent($("q").value));
  events.addEventListener("sources", (m) => {
    for (const s of JSON.parse(m.data)) {
      const li = document.createElement("li");
      li.textContent = s.title + " > " + s.heading + " (" + s.source + ")";
      $("sources").append(li);
    }
  });
  events.addEventListener("answer", (m) => { $("answer").textContent = JSON.parse(m.data).answer; });
  events.addEventListener("token", (m) => { $("draft").textContent += JSON.parse(m.data); });
  events.addEventListener("done", () => events.close());
});
</script>
</body>
</html>
"""
Question = Query(min_length=3, max_length=300)
TopK = Query(3, ge=1, le=8)


def make_app(backend) -> FastAPI:
    app = FastAPI(title="Ask the roadmap")

    @app.get("/", response_class=HTMLResponse)
    def page():
        return PAGE

    @app.get("/ask")
    def ask_json(q: str = Question, k: int = TopK) -> dict:
        return ask(q, k, backend)

    @app.get("/ask/stream", response_class=EventSourceResponse)
    def ask_stream(q: str = Question, k: int = TopK) -> Iterator[ServerSentEvent]:
        passages, sources, grounded = retrieve(q, k)
        yield ServerSentEvent(event="sources", data=sources if grounded else [])
        answer = extractive_answer(q, passages) if grounded else REFUSAL
        yield ServerSentEvent(event="answer", data={"answer": answer, "grounded": grounded})
        if grounded:
            for piece in backend.stream(q, passages):
                yield ServerSentEvent(event="token", data=piece)
        yield ServerSentEvent(event="done", data={})

    return app


def read_events(lines):
    """(event, data) pairs from the lines of a text/event-stream; ':' comment lines (keep-alive pings) are skipped."""
    event, data = None, []
    for line in lines:
        if line == "":
            if data:
                yield event, json.loads("\n".join(data))
            event, data = None, []
        elif line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: "):
            data.append(line.removeprefix("data: "))


client = TestClient(make_app(tiny))
question = "What is the checkpoint project of week 13?"
reply = client.get("/ask", params={"q": question})
assert reply.status_code == 200 and reply.json() == ask(question, backend=tiny)
with client.stream("GET", "/ask/stream", params={"q": question}) as response:
    assert response.headers["content-type"].startswith("text/event-stream")
    events = list(read_events(response.iter_lines()))
kinds = [kind for kind, _ in events]
print(f"events: {kinds[:3]} ... {kinds[-2:]}, {kinds.count('token')} token events")
assert kinds[:2] == ["sources", "answer"] and kinds[-1] == "done" and set(kinds[2:-1]) <= {"token"}
assert events[0][1] == reply.json()["sources"] and events[1][1]["answer"] == reply.json()["answer"]
assert "".join(data for kind, data in events if kind == "token") == reply.json()["draft"]
assert client.get("/ask", params={"q": "hi"}).status_code == 422  # too short: rejected before any work
assert client.get("/ask", params={"q": question, "k": 50}).status_code == 422
off = client.get("/ask", params={"q": OFF_TOPIC[0]}).json()
assert off["answer"] == REFUSAL and off["sources"] == []
print("GET /ask and GET /ask/stream agree; invalid requests get 422; an off-topic question is refused")

# %% [markdown]
# The events arrived in order, but the test above would pass even if the server produced the whole
# response before sending any of it. The next test proves the streaming: a backend that sends one
# piece, then **waits until the client has received it** before sending the second. A server that
# buffered the response would never deliver the first piece while the backend waits, and the wait
# would time out.


# %%
class GatedBackend:
    """Sends one piece, then waits (up to 10 s) until the client has it: only a streaming server gets past."""

    name = "test backend"

    def __init__(self):
        self.gate, self.client_had_first = threading.Event(), None

    def stream(self, question, passages):
        yield "first piece"
        self.client_had_first = self.gate.wait(timeout=10)
        yield " second piece"


gated = GatedBackend()
with TestClient(make_app(gated)) as gated_client:
    with gated_client.stream("GET", "/ask/stream", params={"q": question}) as response:
        received = []
        for kind, data in read_events(response.iter_lines()):
            if kind == "token":
                received.append(data)
                gated.gate.set()  # the client has the first piece; the backend may go on
assert gated.client_had_first is True and received == ["first piece", " second piece"]
print("the first piece reached the client while the backend was still waiting to produce the second")

# %%
home = client.get("/")
assert home.status_code == 200 and home.headers["content-type"].startswith("text/html")
assert 'new EventSource("ask/stream?q="' in home.text and "innerHTML" not in home.text
assert not re.search(r'(?:src|href)="(?:https?:)?//', home.text), "the page loads nothing from another host"
print(f"GET / returns the {len(home.text):,}-character page")

# %% [markdown]
# **Serving it for real.** Set `SERVE = True` and run the cell: the app runs in a background thread of
# this kernel at `http://127.0.0.1:8000`, until you set `server.should_exit = True` or restart the
# kernel. (Outside a notebook, put the code in a module and run `uvicorn module:app`.) Before it leaves
# your machine, add what this demo does not have: authentication, a limit on concurrent generations
# (each holds a CPU core or a GPU for seconds), timeouts, rate limits, logging that respects the
# users' privacy, and a cache for repeated questions (the retrieval and the extractive answer are
# deterministic; a sampled draft is not).

# %%
SERVE = False  # True: serve the app from this kernel (not run in the tests)
if SERVE:
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(make_app(tiny), host="127.0.0.1", port=8000))
    threading.Thread(target=server.run, daemon=True).start()
    print("open http://127.0.0.1:8000")

# %% [markdown]
# ## 9. Where a real model plugs in (not run here)
#
# The code in this section needs a model download (about 1 GB for the model below) and, for
# fine-tuning, a GPU, so it is not run here (`pip install transformers accelerate
# sentence-transformers` first). Everything above stays; three pieces change.
#
# First, the **backend**: a small instruction-tuned model from the Hugging Face Hub (here
# Qwen2.5-0.5B-Instruct; check its licence, and pick a larger one if your hardware allows), prompted
# with all the numbered passages and told to cite them. `transformers`' `TextIteratorStreamer` yields
# text as `generate` produces it in another thread.
#
# ```python
# from threading import Thread
#
# from transformers import AutoModelForCausalLM, AutoTokenizer, TextIteratorStreamer
#
#
# class TransformersBackend:
#     name = "Qwen/Qwen2.5-0.5B-Instruct"
#
#     def __init__(self, model_id=name):
#         self.tok = AutoTokenizer.from_pretrained(model_id)
#         self.model = AutoModelForCausalLM.from_pretrained(model_id, dtype="auto", device_map="auto")
#
#     def stream(self, question, passages):
#         context = "\n\n".join(f"[{n}] {p['title']} > {p['heading']}: {p['text']}"
#                               for n, p in enumerate(passages, 1))
#         messages = [
#             {"role": "system", "content": "Answer only from the numbered passages. Cite them as [n]. "
#                                           "If they do not contain the answer, say so."},
#             {"role": "user", "content": f"{context}\n\nQuestion: {question}"},
#         ]
#         inputs = self.tok.apply_chat_template(messages, add_generation_prompt=True,
#                                               return_tensors="pt", return_dict=True).to(self.model.device)
#         streamer = TextIteratorStreamer(self.tok, skip_prompt=True, skip_special_tokens=True)
#         kwargs = {**inputs, "streamer": streamer, "max_new_tokens": 256, "do_sample": False}
#         Thread(target=self.model.generate, kwargs=kwargs).start()
#         yield from streamer
#
#
# app = make_app(TransformersBackend())
# ```
#
# A model served by **llama.cpp** (`llama-server -m model.gguf --port 8080`), **vLLM**
# (`vllm serve Qwen/Qwen2.5-0.5B-Instruct`, port 8000) and many hosted APIs speak the OpenAI chat
# format, which streams as server-sent events too; `httpx` reads them (a hosted API also needs an
# `Authorization` header):
#
# ```python
# import httpx
#
#
# class OpenAICompatibleBackend:
#     def __init__(self, base_url="http://127.0.0.1:8080/v1", model="local"):
#         self.base_url, self.model = base_url, model
#
#     def stream(self, question, passages):
#         context = "\n\n".join(f"[{n}] {p['text']}" for n, p in enumerate(passages, 1))
#         body = {"model": self.model, "stream": True, "messages": [
#             {"role": "system", "content": "Answer only from the numbered passages; cite them as [n]."},
#             {"role": "user", "content": f"{context}\n\nQuestion: {question}"}]}
#         with httpx.stream("POST", f"{self.base_url}/chat/completions", json=body, timeout=60) as r:
#             for line in r.iter_lines():
#                 if line.startswith("data: ") and line != "data: [DONE]":
#                     piece = json.loads(line.removeprefix("data: "))["choices"][0]["delta"].get("content")
#                     if piece:
#                         yield piece
# ```
#
# Second, **LoRA on the real model** uses the same `peft` call as Section 4, with the model's own
# layer names, and the examples of Section 4 written with the model's chat template
# (`tokenizer.apply_chat_template`), the prompt masked out of the loss as in `pack`:
#
# ```python
# from peft import LoraConfig, get_peft_model
#
# config = LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, task_type="CAUSAL_LM",
#                     target_modules=["q_proj", "k_proj", "v_proj", "o_proj",
#                                     "gate_proj", "up_proj", "down_proj"])
# model = get_peft_model(AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B-Instruct"), config)
# model.print_trainable_parameters()
# # ... the training loop of Section 4, on a GPU, for a few hundred steps; then merge_and_unload()
# ```
#
# Third, **neural embeddings** replace LSA in Section 5 (here a small sentence-transformers
# encoder with 384-dimensional vectors); the FAISS index and the evaluation of Section 6 stay, and
# tell you whether the change helped:
#
# ```python
# from sentence_transformers import SentenceTransformer
#
# encoder = SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2")
# embeddings = encoder.encode(docs_text, normalize_embeddings=True)
# index = faiss.IndexFlatIP(embeddings.shape[1])
# index.add(embeddings)
# embed = lambda texts: encoder.encode(texts, normalize_embeddings=True)
# ```
#
# With a real model, check its citations as well as its answers: every `[n]` must name a passage
# that was given, and the claim it is attached to must be supported by that passage. A model can cite
# a real source for a claim the source does not make.


# %% [markdown]
# ## 10. What the project shows, and what it does not
#
# - **Use case and knowledge base** (Section 1): questions about this roadmap, answered from its own
#   pages, each passage addressed by page and section.
# - **Fine-tuning with LoRA** (Sections 2-4): a byte-level BPE tokenizer and a decoder-only model trained
#   here; LoRA from scratch and with `peft`, equal in loss and gradients; the adapter learns the answer
#   format (it ends its turn, where the base model never does), leaves the base weights untouched,
#   costs some quality on plain text, and merges into plain weights.
# - **RAG** (Sections 5-7): BM25 from scratch and with `rank_bm25`, LSA vectors in an exact FAISS
#   index, reciprocal rank fusion, hit rate@k and MRR on 36 hand-written questions, answers with
#   numbered sources, and a refusal rule with its trade-off measured.
# - **API and web interface** (Section 8): JSON and server-sent-event endpoints, a page that streams
#   the draft as it is written, and tests that the stream really streams.
#
# What it does not show: a model that writes good answers (the tiny one cannot; Section 9 shows the
# replacement), retrieval judged on real users' questions, more than one training seed, or anything
# about latency and cost under load. Numbers change a little each time the site's pages change.
#
# ## What to try next
#
# - Change `MAX_WORDS` (60, 240) and rerun Section 6: which chunk size finds the most pages at $k = 3$?
# - Add a reranking step: score the top 20 hybrid results by the coverage of Section 7, or, on your
#   machine, with a cross-encoder, and measure MRR before and after.
# - Restrict "which week" questions to the week pages (a metadata filter) and check the misses.
# - Set `STEPS = 1200` (ten times longer; its loss went below the bigram's when this was written) and
#   see whether the fine-tuned answers' F1 moves. Some checks describe the 120-step model; one that fails tells you what changed.
# - Write ten questions a learner would really ask, without looking at the pages, and evaluate on
#   those.

# %%
elapsed = time.process_time() - notebook_start
print(f"notebook CPU time after the imports: {elapsed:.0f} s")

# %% [markdown]
# ## Further reading
#
# - Lewis, Perez, Piktus, Petroni, Karpukhin, Goyal, Küttler, Lewis, Yih, Rocktäschel, Riedel & Kiela
#   (2020), *Retrieval-Augmented Generation for Knowledge-Intensive NLP Tasks*.
#   [arXiv:2005.11401](https://arxiv.org/abs/2005.11401)
# - Hu, Shen, Wallis, Allen-Zhu, Li, Wang, Wang & Chen (2021), *LoRA: Low-Rank Adaptation of Large
#   Language Models*. [arXiv:2106.09685](https://arxiv.org/abs/2106.09685)
# - Robertson & Zaragoza (2009), *The Probabilistic Relevance Framework: BM25 and Beyond*. Foundations
#   and Trends in Information Retrieval 3(4). [doi:10.1561/1500000019](https://doi.org/10.1561/1500000019)
# - Deerwester, Dumais, Furnas, Landauer & Harshman (1990), *Indexing by Latent Semantic Analysis*.
#   Journal of the American Society for Information Science 41(6).
# - Cormack, Clarke & Büttcher (2009), *Reciprocal Rank Fusion Outperforms Condorcet and Individual Rank
#   Learning Methods*. SIGIR 2009. [doi:10.1145/1571941.1572114](https://doi.org/10.1145/1571941.1572114)
# - Karpukhin, Oğuz, Min, Lewis, Wu, Edunov, Chen & Yih (2020), *Dense Passage Retrieval for
#   Open-Domain Question Answering*. [arXiv:2004.04906](https://arxiv.org/abs/2004.04906)
# - Johnson, Douze & Jégou (2019), *Billion-scale similarity search with GPUs*. IEEE Transactions on
#   Big Data. [arXiv:1702.08734](https://arxiv.org/abs/1702.08734)
# - Sennrich, Haddow & Birch (2016), *Neural Machine Translation of Rare Words with Subword Units*.
#   [arXiv:1508.07909](https://arxiv.org/abs/1508.07909)
# - Radford, Wu, Child, Luan, Amodei & Sutskever (2019), *Language Models are Unsupervised Multitask
#   Learners* (GPT-2). [OpenAI](https://cdn.openai.com/better-language-models/language_models_are_unsupervised_multitask_learners.pdf)
# - Xiong, Yang, He, Zheng, Zheng, Xing, Zhang, Lan, Wang & Liu (2020), *On Layer Normalization in the
#   Transformer Architecture*. [arXiv:2002.04745](https://arxiv.org/abs/2002.04745)
# - Zhang & Sennrich (2019), *Root Mean Square Layer Normalization*.
#   [arXiv:1910.07467](https://arxiv.org/abs/1910.07467)
# - Kaplan, McCandlish, Henighan, Brown, Chess, Child, Gray, Radford, Wu & Amodei (2020), *Scaling Laws
#   for Neural Language Models*. [arXiv:2001.08361](https://arxiv.org/abs/2001.08361)
# - Olsson, Elhage, Nanda, Joseph, DasSarma, Henighan, Mann, Askell, Bai, Chen et al. (2022), *In-context
#   Learning and Induction Heads*. [arXiv:2209.11895](https://arxiv.org/abs/2209.11895)
