"""`manage.py render_posts`: render every stored post body again (after a sanitizer switch)."""

from typing import Any

from django.core.management.base import BaseCommand

from blog.models import Post, old_address_key, post_render

PROGRESS_EVERY = 100


class Command(BaseCommand):
    help = (
        "Render every post body again from its Markdown with the configured sanitizer "
        '(COMMENTS["SANITIZER"]); run it after switching the sanitizer backend.'
    )

    def handle(self, *args: Any, verbosity: int, **options: Any) -> None:
        posts = Post.objects.only("pk", "body", "url").order_by("pk")
        total = posts.count()
        for position, post in enumerate(posts.iterator(chunk_size=200), 1):
            Post.objects.filter(pk=post.pk).update(
                body_html=post_render(post.body), old_path=old_address_key(post.url)
            )
            if verbosity >= 1 and (position % PROGRESS_EVERY == 0 or position == total):
                self.stdout.write(f"[{position}/{total}] posts rendered")
        self.stdout.write(self.style.SUCCESS(f"Rendered {total} posts."))
