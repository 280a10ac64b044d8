"""Chip Controls Timeline: the reference timeline of US-China semiconductor export controls."""
