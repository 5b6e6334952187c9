"""Jobs over HTTP: a durable job store (SQLAlchemy: SQLite or PostgreSQL) and a background runner."""
