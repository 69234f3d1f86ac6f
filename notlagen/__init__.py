"""Notlagen: case management for municipal one-stop help desks for people in crisis."""

from .celery import app as celery_app

__all__ = ("celery_app",)
