"""Downloads: recent totals and weekly downloads of each package, from pypistats.org."""
