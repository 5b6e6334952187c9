"""Curriculum knowledge base and the 超前/超标 (ahead-of-grade / beyond-curriculum) analyzer."""

from .analyzer import MaterialAnalyzer
from .kb import SUBJECTS, KnowledgePoint, load_kb

__all__ = ["MaterialAnalyzer", "KnowledgePoint", "SUBJECTS", "load_kb"]
