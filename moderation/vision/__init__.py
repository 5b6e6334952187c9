"""Images: decoding with limits, OCR, QR codes, and image moderation (heavy backends load lazily)."""
