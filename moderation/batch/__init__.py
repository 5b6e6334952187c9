"""Batch scanning: readers, resumable scanner, local and Ray engines, writers, HTML report."""
