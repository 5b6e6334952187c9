"""Model artifacts: a folder of plain files plus ``manifest.json`` naming each file's sha256."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"


class ModelError(RuntimeError):
    """A model artifact is missing, altered or does not match what the code expects."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Artifact:
    """A verified artifact folder and its manifest."""

    path: Path
    manifest: dict[str, Any]

    @property
    def name(self) -> str:
        return self.manifest["name"]

    @property
    def version(self) -> str:
        return self.manifest["version"]

    def file(self, key: str) -> Path:
        return self.path / self.manifest["files"][key]["path"]


def write_manifest(folder: Path, manifest: dict[str, Any], files: dict[str, str]) -> dict[str, Any]:
    """Record each file (key → relative path) with its size and sha256, then write ``manifest.json``."""
    manifest = dict(manifest)
    manifest["files"] = {
        key: {"path": rel, "sha256": sha256_file(folder / rel), "bytes": (folder / rel).stat().st_size}
        for key, rel in files.items()
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


def load_artifact(folder: str | Path, kind: str, verify: bool = True) -> Artifact:
    """Read and (by default) checksum-verify an artifact folder of the given kind."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise ModelError(f"no {MANIFEST} in {folder}")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("kind") != kind:
        raise ModelError(f"{folder}: artifact kind {manifest.get('kind')!r}, expected {kind!r}")
    for key, entry in manifest.get("files", {}).items():
        file = folder / entry["path"]
        if not file.is_file():
            raise ModelError(f"{folder}: missing file {entry['path']} ({key})")
        if verify and sha256_file(file) != entry["sha256"]:
            raise ModelError(f"{folder}: sha256 mismatch for {entry['path']}")
    return Artifact(folder, manifest)
