"""Metrópoli: open digital services for a metropolitan planning institute."""
