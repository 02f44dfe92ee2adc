"""A starting set of synonyms and abbreviations that staff can edit in the admin.

The entries are copied here rather than imported, so that this migration stays what it
was when later edits change the table.
"""

from django.db import migrations

# (phrase, expansion, both_ways): phrase is what people type, expansion what it means.
SEED = [
    ("drf", "django rest framework", False),
    ("rest api", "rest framework", False),
    ("jwt", "json web token", False),
    ("2fa", "two factor", False),
    ("mfa", "two factor", False),
    ("mfa", "multi factor", False),
    ("otp", "one time password", False),
    ("sso", "single sign on", False),
    ("oauth", "social login", False),
    ("social login", "oauth", False),
    ("auth", "authentication", False),
    ("login", "authentication", False),
    ("cms", "content management", False),
    ("s3", "storage", False),
    ("gcs", "storage", False),
    ("cloud storage", "storage", False),
    ("db", "database", False),
    ("orm", "database", False),
    ("i18n", "translation", False),
    ("i18n", "multilingual", False),
    ("l10n", "localization", False),
    ("gis", "geo", False),
    ("gis", "maps", False),
    ("wysiwyg", "rich text editor", False),
    ("wysiwyg", "ckeditor", False),
    ("wysiwyg", "tinymce", False),
    ("rich text editor", "ckeditor", False),
    ("rich text editor", "tinymce", False),
    ("sms", "text message", True),
    ("email", "mail", True),
    ("celery", "background tasks", True),
    ("background tasks", "task queue", False),
    ("background tasks", "tasks", False),
    ("job", "task", True),
    ("cron", "periodic", True),
    ("cron", "scheduled tasks", False),
    ("realtime", "websockets", True),
    ("real time", "websockets", False),
    ("rate limit", "throttling", True),
    ("ecommerce", "e commerce", True),
    ("shop", "ecommerce", False),
    ("environment variables", "12factor", False),
    ("twelve factor", "12factor", False),
    ("schema changes", "migrations", False),
    ("schema migration", "migrations", False),
    ("captcha", "recaptcha", True),
    ("spam", "captcha", False),
    ("pdf", "reportlab", False),
    ("wiki", "knowledge base", True),
]


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.bulk_create(
        [Synonym(phrase=p, expansion=e, both_ways=b) for p, e, b in SEED],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for phrase, expansion, _ in SEED:
        Synonym.objects.filter(phrase=phrase, expansion=expansion).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0003_synonym")]

    operations = [migrations.RunPython(seed, unseed)]
