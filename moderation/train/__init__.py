"""Training for the learned tiers (needs the ``train`` extra: scikit-learn, torch, transformers, onnx)."""
