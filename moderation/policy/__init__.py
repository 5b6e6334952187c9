"""Policy packs (rules as data) and profiles (scores → decisions)."""
