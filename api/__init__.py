"""HTTP API (FastAPI) over the moderation library."""
