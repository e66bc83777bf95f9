"""factory_boy factories for posts, users and comments."""

from datetime import timedelta

import factory
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone

from blog.models import Post
from comments.models import Comment, Status
from comments.tokens import avatar_hash, hash_token


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class ModeratorFactory(UserFactory):
    """A member of the `moderators` group (not staff): the API's moderator."""

    username = factory.Sequence(lambda n: f"moderator{n}")

    @factory.post_generation
    def group(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:  # transactional tests flush the group the migration made
            group, _ = Group.objects.get_or_create(name="moderators")
            group.permissions.add(Permission.objects.get(codename="moderate_comment"))
            self.groups.add(group)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Post number {n}")
    slug = factory.Sequence(lambda n: f"post-{n}")
    author = "Jane Blogger"
    body = "Some *Markdown* text."
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment saved directly (bypassing the services), with edit token 'token-<id>'."""

    class Meta:
        model = Comment
        skip_postgeneration_save = True

    post = factory.SubFactory(PostFactory)
    parent = None
    depth = factory.LazyAttribute(lambda c: c.parent.depth + 1 if c.parent else 0)
    thread_path = factory.Sequence(lambda n: f"tmp{n}")
    author_name = "Reader"
    author_email = factory.Sequence(lambda n: f"reader{n}@example.org")
    avatar_hash = factory.LazyAttribute(lambda c: avatar_hash(c.author_email))
    body_source = "A thoughtful comment."
    body_html = "<p>A thoughtful comment.</p>"
    status = Status.APPROVED
    edit_token_hash = factory.LazyFunction(lambda: hash_token("token"))
    edit_expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=15))

    @factory.post_generation
    def fix_path(self, create: bool, extracted: object, **kwargs: object) -> None:
        """Give the comment its real thread path once it has an id."""
        if create:
            prefix = self.parent.thread_path if self.parent else ""
            self.thread_path = prefix + str(self.pk).zfill(10)
            Comment.objects.filter(pk=self.pk).update(thread_path=self.thread_path)
