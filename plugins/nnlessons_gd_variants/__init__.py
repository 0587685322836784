"""Lesson under construction."""
