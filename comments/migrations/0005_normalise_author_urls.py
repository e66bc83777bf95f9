from django.db import migrations


def normalise_author_urls(apps, schema_editor):
    """Store every reader's website percent-encoded, as new submits are; drop what is no URL.

    A website stored exactly as typed could hold quotes and angle brackets, which a feed,
    an e-mail or a third-party client that templates it would emit raw.
    """
    from comments.sanitize import web_url_normalise

    Comment = apps.get_model("comments", "Comment")
    stored = Comment.objects.exclude(author_url="").only("pk", "author_url")
    for comment in stored.iterator(chunk_size=500):
        normalised = web_url_normalise(comment.author_url) or ""
        if len(normalised) > 500:
            normalised = ""
        if normalised != comment.author_url:
            Comment.objects.filter(pk=comment.pk).update(author_url=normalised)


class Migration(migrations.Migration):

    dependencies = [
        ("comments", "0004_import_job"),
    ]

    operations = [
        migrations.RunPython(normalise_author_urls, migrations.RunPython.noop),
    ]
