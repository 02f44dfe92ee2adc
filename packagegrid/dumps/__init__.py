"""Open data: the whole public data set as JSON Lines and SQLite files, and their page."""
