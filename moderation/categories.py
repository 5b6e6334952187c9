"""The score keys and attribute values fixed by the public contract."""

from __future__ import annotations

AD_CATEGORIES: tuple[str, ...] = (
    "subject_training_ad",
    "non_subject_training_ad",
    "anxiety_marketing",
    "misleading_pricing",
    "prohibited_schedule",
    "prohibited_service",
    "disguised_training",
)
MATERIAL_CATEGORIES: tuple[str, ...] = ("ahead_of_grade", "beyond_curriculum")
CATEGORIES: tuple[str, ...] = AD_CATEGORIES + MATERIAL_CATEGORIES

STAGES: tuple[str, ...] = ("preschool", "primary", "junior", "senior", "k12", "adult", "none")
DECISIONS: tuple[str, ...] = ("pass", "review", "block")
