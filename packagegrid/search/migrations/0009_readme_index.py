"""A full-text index of the packages' READMEs, apart from the weighted ones.

SQLite: an FTS5 table over `readme_text` with the porter tokenizer (`search_readme`),
kept in step by the same triggers as the other FTS tables (recreated here with it).

PostgreSQL: a generated tsvector of `readme_text` in the `english` configuration
(`readme_vector`) with a GIN index.

Apart, so that a README match can rank below every other match and its words stay out
of the plain index's vocabulary (typo corrections). Existing documents have no README
text yet: each gets it when its package is next indexed (`packagegrid search_reindex`
does all at once).
"""

from importlib import import_module

from django.db import migrations, models

# The vendor-specific RunSQL of the migration that created the plain indexes.
RunSQLFor = import_module("packagegrid.search.migrations.0002_full_text_index").RunSQLFor
# The triggers as migration 0005 left them (plain, trigram and stemmed tables).
_triggers_0005 = import_module("packagegrid.search.migrations.0005_stemmed_index")._triggers

_FTS = "name_text, title_text, body_text, other_text"
_STEM = "title_text, body_text, other_text"
_NEW = (
    f"INSERT INTO search_fts(rowid, {_FTS}) VALUES"
    " (new.id, new.name_text, new.title_text, new.body_text, new.other_text);"
    " INSERT INTO search_trigram(rowid, name_text) VALUES (new.id, new.name_text);"
    f" INSERT INTO search_stem(rowid, {_STEM})"
    " VALUES (new.id, new.title_text, new.body_text, new.other_text);"
    " INSERT INTO search_readme(rowid, readme_text) VALUES (new.id, new.readme_text);"
)
_OLD = (
    f"INSERT INTO search_fts(search_fts, rowid, {_FTS}) VALUES"
    " ('delete', old.id, old.name_text, old.title_text, old.body_text, old.other_text);"
    " INSERT INTO search_trigram(search_trigram, rowid, name_text)"
    " VALUES ('delete', old.id, old.name_text);"
    f" INSERT INTO search_stem(search_stem, rowid, {_STEM})"
    " VALUES ('delete', old.id, old.title_text, old.body_text, old.other_text);"
    " INSERT INTO search_readme(search_readme, rowid, readme_text)"
    " VALUES ('delete', old.id, old.readme_text);"
)

# The triggers from here on (later migrations that rebuild the table on SQLite recreate
# these).
TRIGGERS = [
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_au",
    f"CREATE TRIGGER search_document_ai AFTER INSERT ON search_searchdocument BEGIN {_NEW} END",
    f"CREATE TRIGGER search_document_ad AFTER DELETE ON search_searchdocument BEGIN {_OLD} END",
    f"CREATE TRIGGER search_document_au AFTER UPDATE ON search_searchdocument"
    f" BEGIN {_OLD} {_NEW} END",
]
SQLITE = [
    """CREATE VIRTUAL TABLE search_readme USING fts5(
        readme_text,
        content='search_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    *TRIGGERS,
    "INSERT INTO search_readme(search_readme) VALUES ('rebuild')",
]
SQLITE_REVERSE = [*_triggers_0005(stem=True), "DROP TABLE IF EXISTS search_readme"]

POSTGRESQL = [
    """ALTER TABLE search_searchdocument ADD COLUMN readme_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('english'::regconfig, readme_text)
    ) STORED""",
    "CREATE INDEX search_document_readme ON search_searchdocument USING gin (readme_vector)"
    " WITH (fastupdate = off)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_document_readme",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS readme_vector",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0008_document_listing")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="readme_text",
            field=models.TextField(blank=True),
        ),
        RunSQLFor("sqlite", SQLITE, SQLITE_REVERSE),
        RunSQLFor("postgresql", POSTGRESQL, POSTGRESQL_REVERSE),
    ]
