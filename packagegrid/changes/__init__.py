"""The change feed: every create, update and delete of the public data, in commit order."""
