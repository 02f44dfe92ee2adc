"""Stemmed full-text indexes beside the plain ones, filled from the stored documents,
and (SQLite) a view of the plain index's words.

SQLite: an FTS5 table over the title, description and other fields with the porter
tokenizer (`search_stem`), kept in step by the same triggers as `search_fts`, and
filled at once with FTS5's 'rebuild' from the rows already in search_searchdocument;
and `search_vocab`, an fts5vocab table listing the words of `search_fts`.

PostgreSQL: a generated tsvector of the same fields in the `english` configuration
(`stems`: B title, C description, D other) with a GIN index, computed for every
existing row when the column is added.

Names stay in the plain indexes only (the `simple` configuration, unicode61), where
prefixes of partly typed names match. No reindex is needed: the documents' text is
unchanged, only indexed a second way.
"""

from importlib import import_module

from django.db import migrations

# The vendor-specific RunSQL of the migration that created the plain indexes.
RunSQLFor = import_module("packagegrid.search.migrations.0002_full_text_index").RunSQLFor

_FTS = "name_text, title_text, body_text, other_text"
_STEM = "title_text, body_text, other_text"


def _triggers(stem: bool) -> list[str]:
    """The three triggers that keep the FTS tables in step, with or without search_stem."""
    new_stem = (
        f"INSERT INTO search_stem(rowid, {_STEM})"
        " VALUES (new.id, new.title_text, new.body_text, new.other_text);"
    )
    old_stem = (
        f"INSERT INTO search_stem(search_stem, rowid, {_STEM})"
        " VALUES ('delete', old.id, old.title_text, old.body_text, old.other_text);"
    )
    new = (
        f"INSERT INTO search_fts(rowid, {_FTS}) VALUES"
        " (new.id, new.name_text, new.title_text, new.body_text, new.other_text);"
        " INSERT INTO search_trigram(rowid, name_text) VALUES (new.id, new.name_text);"
        + (f" {new_stem}" if stem else "")
    )
    old = (
        f"INSERT INTO search_fts(search_fts, rowid, {_FTS}) VALUES"
        " ('delete', old.id, old.name_text, old.title_text, old.body_text, old.other_text);"
        " INSERT INTO search_trigram(search_trigram, rowid, name_text)"
        " VALUES ('delete', old.id, old.name_text);"
        + (f" {old_stem}" if stem else "")
    )
    return [
        "DROP TRIGGER IF EXISTS search_document_ai",
        "DROP TRIGGER IF EXISTS search_document_ad",
        "DROP TRIGGER IF EXISTS search_document_au",
        f"CREATE TRIGGER search_document_ai AFTER INSERT ON search_searchdocument BEGIN {new} END",
        f"CREATE TRIGGER search_document_ad AFTER DELETE ON search_searchdocument BEGIN {old} END",
        f"CREATE TRIGGER search_document_au AFTER UPDATE ON search_searchdocument"
        f" BEGIN {old} {new} END",
    ]


SQLITE = [
    f"""CREATE VIRTUAL TABLE search_stem USING fts5(
        {_STEM},
        content='search_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    *_triggers(stem=True),
    "INSERT INTO search_stem(search_stem) VALUES ('rebuild')",
    # The words of the plain index, for correcting misspelt words.
    "CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row')",
]
SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS search_vocab",
    *_triggers(stem=False),
    "DROP TABLE IF EXISTS search_stem",
]

POSTGRESQL = [
    """ALTER TABLE search_searchdocument ADD COLUMN stems tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, title_text), 'B')
        || setweight(to_tsvector('english'::regconfig, body_text), 'C')
        || setweight(to_tsvector('english'::regconfig, other_text), 'D')
    ) STORED""",
    "CREATE INDEX search_document_stems ON search_searchdocument USING gin (stems)"
    " WITH (fastupdate = off)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_document_stems",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS stems",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0004_seed_synonyms")]

    operations = [
        RunSQLFor("sqlite", SQLITE, SQLITE_REVERSE),
        RunSQLFor("postgresql", POSTGRESQL, POSTGRESQL_REVERSE),
    ]
