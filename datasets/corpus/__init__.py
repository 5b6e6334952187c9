"""Training corpus for the learned text models: hand-written seeds, templates, evasion, ship-data negatives."""
