"""The database's own full-text index beside search_searchdocument, one per vendor.

SQLite: an FTS5 table over the four weighted text fields (unicode61 tokenizer) and an
FTS5 trigram table over the compact names (typo candidates), both external-content
tables kept in step by triggers.

PostgreSQL: pg_trgm, a generated weighted tsvector (A name, B title, C description,
D other) with a GIN index, and a GiST trigram index on the compact names for
nearest-name lookups (typo candidates).

The indexed text is already reduced to lowercase tokens by packagegrid.search.text, so
both engines see the same words.
"""

from django.db import migrations


class RunSQLFor(migrations.RunSQL):
    """RunSQL that runs only on one database vendor ("sqlite" or "postgresql")."""

    def __init__(self, vendor, sql, reverse_sql):
        self.vendor = vendor
        super().__init__(sql, reverse_sql)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, kwargs.pop("sql"), kwargs.pop("reverse_sql")], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


_FTS_COLUMNS = "name_text, title_text, body_text, other_text"
_NEW = "new.name_text, new.title_text, new.body_text, new.other_text"
_OLD = "old.name_text, old.title_text, old.body_text, old.other_text"

SQLITE = [
    f"""CREATE VIRTUAL TABLE search_fts USING fts5(
        {_FTS_COLUMNS},
        content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    )""",
    """CREATE VIRTUAL TABLE search_trigram USING fts5(
        name_text,
        content='search_searchdocument', content_rowid='id',
        tokenize='trigram'
    )""",
    f"""CREATE TRIGGER search_document_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, {_NEW});
        INSERT INTO search_trigram(rowid, name_text) VALUES (new.id, new.name_text);
    END""",
    f"""CREATE TRIGGER search_document_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, {_FTS_COLUMNS}) VALUES ('delete', old.id, {_OLD});
        INSERT INTO search_trigram(search_trigram, rowid, name_text)
            VALUES ('delete', old.id, old.name_text);
    END""",
    f"""CREATE TRIGGER search_document_au AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, {_FTS_COLUMNS}) VALUES ('delete', old.id, {_OLD});
        INSERT INTO search_trigram(search_trigram, rowid, name_text)
            VALUES ('delete', old.id, old.name_text);
        INSERT INTO search_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, {_NEW});
        INSERT INTO search_trigram(rowid, name_text) VALUES (new.id, new.name_text);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_trigram",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE search_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, name_text), 'A')
        || setweight(to_tsvector('simple'::regconfig, title_text), 'B')
        || setweight(to_tsvector('simple'::regconfig, body_text), 'C')
        || setweight(to_tsvector('simple'::regconfig, other_text), 'D')
    ) STORED""",
    # Without the pending list, every query would scan the unmerged entries of recent
    # writes (milliseconds after a rebuild); one document at a time is cheap to merge.
    "CREATE INDEX search_document_vector ON search_searchdocument USING gin (vector)"
    " WITH (fastupdate = off)",
    "CREATE INDEX search_document_name_trgm ON search_searchdocument"
    " USING gist (name_text gist_trgm_ops)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_document_name_trgm",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS vector",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        RunSQLFor("sqlite", SQLITE, SQLITE_REVERSE),
        RunSQLFor("postgresql", POSTGRESQL, POSTGRESQL_REVERSE),
    ]
