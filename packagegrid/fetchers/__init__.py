"""Fetching package data from code hosts and PyPI."""
