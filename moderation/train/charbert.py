"""Train T2: a compact character BERT — masked-LM pretraining, multi-label fine-tuning, ONNX export, int8."""

from __future__ import annotations

import json
import math
import random
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
from tqdm import tqdm

from ..models.artifact import write_manifest
from ..models.charbert import KIND, MASK, PAD, SPECIALS, CharVocab
from ..models.features import char_sequence
from ..models.labels import LABELS
from ..normalize import normalize
from .data import file_sha256, split
from .metrics import label_metrics

DEFAULTS: dict[str, Any] = {
    "hidden": 128, "layers": 2, "heads": 2, "intermediate": 256, "max_len": 96, "vocab_size": 4000,
    "mlm_steps": 150, "mlm_batch": 64, "mlm_lr": 1e-3, "ft_epochs": 1, "ft_batch": 32, "ft_lr": 5e-4,
    "ft_max_examples": 12_000,
}


def build_vocab(sequences: Iterable[str], max_size: int, min_freq: int = 2) -> CharVocab:
    """The most frequent characters (ties broken by code point), after the special tokens."""
    counts = Counter()
    for s in sequences:
        counts.update(s)
    chars = sorted((c for c, n in counts.items() if n >= min_freq), key=lambda c: (-counts[c], c))
    return CharVocab(list(SPECIALS) + chars[: max_size - len(SPECIALS)])


def bert_config(cfg: dict[str, Any], vocab_size: int, num_labels: int = len(LABELS)):
    from transformers import BertConfig

    return BertConfig(vocab_size=vocab_size, hidden_size=cfg["hidden"], num_hidden_layers=cfg["layers"],
                      num_attention_heads=cfg["heads"], intermediate_size=cfg["intermediate"],
                      max_position_embeddings=cfg["max_len"], type_vocab_size=1, pad_token_id=PAD,
                      num_labels=num_labels, problem_type="multi_label_classification")


def _mask_tokens(ids, vocab_size: int, gen):
    """BERT masking: 15% of real tokens → 80% [MASK], 10% random, 10% kept; labels -100 elsewhere."""
    import torch

    labels = ids.clone()
    special = ids < len(SPECIALS)
    chosen = (torch.rand(ids.shape, generator=gen) < 0.15) & ~special
    labels[~chosen] = -100
    roll = torch.rand(ids.shape, generator=gen)
    ids = ids.clone()
    ids[chosen & (roll < 0.8)] = MASK
    random_tok = chosen & (roll >= 0.8) & (roll < 0.9)
    ids[random_tok] = torch.randint(len(SPECIALS), vocab_size, ids.shape, generator=gen)[random_tok]
    return ids, labels


def _lr_lambda(total: int, warmup: int):
    return lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (total - step) / max(1, total - warmup))


def pretrain(cfg: dict[str, Any], vocab: CharVocab, sequences: Sequence[str], seed: int, device: str):
    """Masked-LM pretraining on character sequences; returns the trained BertForMaskedLM."""
    import torch
    from transformers import BertForMaskedLM

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = BertForMaskedLM(bert_config(cfg, len(vocab))).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["mlm_lr"], weight_decay=0.01)
    steps = cfg["mlm_steps"]
    sched = torch.optim.lr_scheduler.LambdaLR(opt, _lr_lambda(steps, max(1, steps // 20)))
    rng = random.Random(seed)
    model.train()
    bar = tqdm(range(steps), desc="MLM pretrain", unit="step")
    for _ in bar:
        batch = [sequences[rng.randrange(len(sequences))] for _ in range(cfg["mlm_batch"])]
        ids, mask = vocab.batch(batch, cfg["max_len"])
        ids_t, labels = _mask_tokens(torch.from_numpy(ids), len(vocab), gen)
        labels = labels.to(device)
        hidden = model.bert(input_ids=ids_t.to(device), attention_mask=torch.from_numpy(mask).to(device))[0]
        picked = labels != -100  # the vocabulary projection only where a token was masked
        loss = torch.nn.functional.cross_entropy(model.cls(hidden[picked]), labels[picked])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step(), sched.step(), opt.zero_grad()
        bar.set_postfix(loss=f"{loss.item():.3f}")
    return model


def finetune(cfg: dict[str, Any], vocab: CharVocab, encoder_state: dict | None, seqs: Sequence[str],
             y: np.ndarray, seed: int, device: str):
    """Multi-label fine-tuning from the pretrained encoder; returns BertForSequenceClassification."""
    import torch
    from transformers import BertForSequenceClassification

    torch.manual_seed(seed)
    model = BertForSequenceClassification(bert_config(cfg, len(vocab)))
    if encoder_state is not None:
        missing = model.bert.load_state_dict(encoder_state, strict=False)
        if any(k for k in missing.missing_keys if not k.startswith("pooler")):
            raise RuntimeError(f"encoder weights do not fit: {missing.missing_keys[:5]}")
    model.to(device).train()
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["ft_lr"], weight_decay=0.01)
    per_epoch = math.ceil(len(seqs) / cfg["ft_batch"])
    total = per_epoch * cfg["ft_epochs"]
    sched = torch.optim.lr_scheduler.LambdaLR(opt, _lr_lambda(total, max(1, total // 20)))
    rng = np.random.default_rng(seed)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    bar = tqdm(total=total, desc="fine-tune", unit="step")
    for _ in range(cfg["ft_epochs"]):
        order = rng.permutation(len(seqs))
        for k in range(0, len(order), cfg["ft_batch"]):
            chunk = order[k : k + cfg["ft_batch"]]
            ids, mask = vocab.batch([seqs[i] for i in chunk], cfg["max_len"])
            logits = model(input_ids=torch.from_numpy(ids).to(device),
                           attention_mask=torch.from_numpy(mask).to(device)).logits
            loss = loss_fn(logits, torch.from_numpy(y[chunk]).float().to(device))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step(), sched.step(), opt.zero_grad()
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.4f}")
    bar.close()
    return model.eval()


def torch_logits(model, vocab: CharVocab, seqs: Sequence[str], max_len: int, batch: int = 128) -> np.ndarray:
    """Logits from the PyTorch model (CPU), same batching as the ONNX runner."""
    import torch

    model = model.to("cpu").eval()
    out = np.zeros((len(seqs), model.config.num_labels), np.float32)
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    with torch.inference_mode():
        for k in range(0, len(order), batch):
            chunk = order[k : k + batch]
            ids, mask = vocab.batch([seqs[i] for i in chunk], max_len)
            out[chunk] = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).logits.numpy()
    return out


def export_onnx(model, path: Path, max_len: int) -> None:
    """Export (input_ids, attention_mask) → logits with dynamic batch and sequence axes."""
    import torch

    class Head(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).logits

    model = model.to("cpu").eval()
    ids = torch.ones((2, 16), dtype=torch.long)
    torch.onnx.export(Head(model), (ids, torch.ones_like(ids)), str(path), input_names=["input_ids", "attention_mask"],
                      output_names=["logits"], opset_version=17, dynamo=False,
                      dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                    "logits": {0: "batch"}})


def quantize_int8(src: Path, dst: Path) -> None:
    """Dynamic int8 quantisation of the MatMul/Gemm weights."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8)


def _platt_all(logits: np.ndarray, y: np.ndarray) -> tuple[list[float], list[float]]:
    from .linear import _platt

    pairs = [_platt(logits[:, j], y[:, j]) for j in range(y.shape[1])]
    return [a for a, _ in pairs], [b for _, b in pairs]


def train_charbert(corpus: str | Path, out: str | Path, mlm_texts: Sequence[str], seed: int = 20261122,
                   device: str | None = None, **overrides: Any) -> dict[str, Any]:
    """The whole T2 recipe; writes safetensors, fp32 and int8 ONNX, vocab and manifest; returns the manifest."""
    import torch
    from safetensors.torch import save_file

    cfg = {**DEFAULTS, **overrides}
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    torch.set_num_threads(max(1, torch.get_num_threads()))
    corpus, out = Path(corpus), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    tr_texts, y_tr, _ = split(corpus, "train")
    dv_texts, y_dv, _ = split(corpus, "dev")
    te_texts, y_te, _ = split(corpus, "test")
    seq = lambda texts: [char_sequence(normalize(t)) for t in texts]  # noqa: E731
    tr, dv, te = seq(tr_texts), seq(dv_texts), seq(te_texts)
    mlm = [s for s in seq(mlm_texts) if len(s) >= 8] + tr
    vocab = build_vocab(mlm, cfg["vocab_size"])
    mlm_model = pretrain(cfg, vocab, mlm, seed, device) if cfg["mlm_steps"] else None
    encoder = mlm_model.bert.state_dict() if mlm_model is not None else None
    keep = np.random.default_rng(seed).permutation(len(tr))[: cfg["ft_max_examples"]]
    model = finetune(cfg, vocab, encoder, [tr[i] for i in keep], y_tr[keep], seed, device).to("cpu")
    dv_logits = torch_logits(model, vocab, dv, cfg["max_len"])
    calib_a, calib_b = _platt_all(dv_logits, y_dv)
    te_logits = torch_logits(model, vocab, te, cfg["max_len"])
    probs = 1 / (1 + np.exp(-(np.asarray(calib_a) * te_logits + np.asarray(calib_b))))
    vocab.save(out / "vocab.txt")
    (out / "config.json").write_text(model.config.to_json_string(), encoding="utf-8")
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(out / "model.safetensors"))
    export_onnx(model, out / "model.onnx", cfg["max_len"])
    quantize_int8(out / "model.onnx", out / "model.int8.onnx")
    manifest = {
        "name": "text-charbert", "kind": KIND, "version": f"{date.today():%Y.%m.%d}", "labels": list(LABELS),
        "config": {**cfg, "seed": seed, "device": device, "params": sum(p.numel() for p in model.parameters())},
        "calibration": {"a": calib_a, "b": calib_b},
        "training_data": {"corpus": str(corpus), "mlm_texts": len(mlm),
                          "sha256": file_sha256(*(corpus / f"{s}.jsonl" for s in ("train", "dev", "test")))},
        "metrics": {"test": label_metrics(y_te, probs),
                    "sizes": {"train": len(keep), "dev": len(dv), "test": len(te), "mlm": len(mlm)}},
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    files = {"vocab": "vocab.txt", "config": "config.json", "torch": "model.safetensors",
             "onnx_fp32": "model.onnx", "onnx_int8": "model.int8.onnx"}
    return write_manifest(out, manifest, files)


def load_torch(folder: str | Path):
    """The fine-tuned PyTorch model from an artifact folder (for tests and benchmarks)."""
    from safetensors.torch import load_file
    from transformers import BertConfig, BertForSequenceClassification

    folder = Path(folder)
    model = BertForSequenceClassification(BertConfig.from_json_file(str(folder / "config.json")))
    model.load_state_dict(load_file(str(folder / "model.safetensors")))
    return model.eval()
