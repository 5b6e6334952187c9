"""Learned text models: the linear tier (T1), the compact transformer (T2) and their cascade."""
