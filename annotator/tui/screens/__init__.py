"""Screens of the review application."""
