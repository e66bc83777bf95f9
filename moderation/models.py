"""Moderation data: blocklist, queue permission, reputation, the classifier, and bans."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from comments.models import Comment


class BlockRule(models.Model):
    class Kind(models.TextChoices):
        WORD = "word", "Word or phrase (* matches any letters)"
        DOMAIN = "domain", "Link or website domain (subdomains included)"
        EMAIL = "email", "E-mail address (* allowed, e.g. *@spam.example)"
        IP = "ip", "IP address or network (CIDR, e.g. 203.0.113.0/24)"

    class Action(models.TextChoices):
        HOLD = "hold", "Hold for a moderator"
        SPAM = "spam", "Mark as spam"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    pattern = models.CharField(max_length=200)
    action = models.CharField(max_length=4, choices=Action.choices, default=Action.HOLD)
    alert = models.BooleanField(
        default=False,
        help_text="Mail the moderators (by their alert preference) when this rule catches a "
        "comment, whether it is held or marked spam.",
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "pattern"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "pattern"], name="blockrule_unique_pattern")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.pattern} → {self.action}"


class QueuedComment(Comment):
    """The moderators' view of comments; carries the permission that makes a moderator."""

    class Meta:
        proxy = True
        verbose_name = "comment to moderate"
        verbose_name_plural = "moderation queue"
        permissions = [("moderate_comment", "Can approve, reject and mark comments as spam")]


class Reputation(models.Model):
    """How moderators judged earlier comments from one e-mail, IP, network or link domain."""

    class Kind(models.TextChoices):
        EMAIL = "email"
        IP = "ip"
        NETWORK = "network"
        DOMAIN = "domain"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=254)
    spam = models.PositiveIntegerField(default=0)
    ham = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="reputation_key")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}: {self.spam} spam, {self.ham} ham"


class Lesson(models.Model):
    """What the scorer learned from one comment, so a changed mind can be unlearned exactly."""

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="lesson")
    label = models.CharField(max_length=4)  # "spam" or "ham"
    tokens = models.JSONField(default=list)
    reputation_keys = models.JSONField(default=list)  # [[kind, key], ...]
    # Counted in the site's link evidence (ClassifierState.link_spam / link_ham): a live
    # moderator's decision on a comment with links, so a changed mind takes it back exactly.
    links = models.BooleanField(default=False)
    learned_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.label} from comment #{self.comment_id}"


class ClassifierToken(models.Model):
    """In how many spam and ham comments the classifier has seen one token."""

    token = models.CharField(max_length=200, unique=True)
    spam = models.PositiveIntegerField(default=0)
    ham = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.token}: {self.spam} spam, {self.ham} ham"


class ClassifierState(models.Model):
    """The classifier's document counts, and a version bumped by every change (one row)."""

    spam_docs = models.PositiveIntegerField(default=0)
    ham_docs = models.PositiveIntegerField(default=0)
    version = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    # Thresholds `manage.py train_spam` chose by cross-validation on its labelled comments
    # (used unless MODERATION sets HOLD_THRESHOLD / SPAM_THRESHOLD); null: never calibrated.
    calibrated_hold = models.FloatField(null=True, blank=True)
    calibrated_spam = models.FloatField(null=True, blank=True)
    calibrated_at = models.DateTimeField(null=True, blank=True)
    calibrated_examples = models.PositiveIntegerField(default=0)
    # The prior and text-signal factors fitted with them ({"prior": x, "scales": {...}}),
    # and the out-of-fold rates they are expected to give, with intervals (for moderators).
    calibrated_weights = models.JSONField(default=dict, blank=True)
    calibrated_expected = models.JSONField(default=dict, blank=True)
    # Comments with links to other pages that the site's moderators marked spam / approved,
    # live decisions only (not train_spam's corpus, not imports): once they show the site's
    # link comments are spam, links count toward spam (moderation.scoring.rules.links).
    link_spam = models.PositiveIntegerField(default=0)
    link_ham = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"classifier v{self.version}: {self.spam_docs} spam, {self.ham_docs} ham"


class BanQuerySet(models.QuerySet["Ban"]):
    def active(self) -> "BanQuerySet":
        """Bans in force now: without an expiry, or expiring later."""
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))


class Ban(models.Model):
    """An author kept out by e-mail, account, address or network: refused, or shadowed."""

    class Kind(models.TextChoices):
        EMAIL = "email", "E-mail address"
        USER = "user", "User account"
        IP = "ip", "IP address"
        NETWORK = "network", "Network (e.g. 203.0.113.0/24, 2001:db8::/64)"

    class Mode(models.TextChoices):
        BLOCK = "block", "Block: submits are refused (403)"
        SHADOW = "shadow", "Shadow: accepted, stored as spam, seen only by the author"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=254, help_text="Normalized: lower-case e-mail, CIDR.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    mode = models.CharField(max_length=6, choices=Mode.choices, default=Mode.BLOCK)
    reason = models.CharField(max_length=500, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    # Set on bans the automatic follow-up created: what triggered it.
    cause = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "value"], name="ban_lookup")]

    def __str__(self) -> str:
        return f"{self.mode} ban on {self.kind} {self.value}"


class BreakerTrip(models.Model):
    """One opening of a post's circuit breaker: when, until when, and why."""

    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="breaker_trips")
    opened_at = models.DateTimeField(auto_now_add=True, db_index=True)
    until = models.DateTimeField()
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"breaker on {self.post_id} until {self.until:%Y-%m-%d %H:%M}: {self.reason}"


class Cluster(models.Model):
    """Queued comments that look like one wave: near-duplicate text, shared links or network.

    `size`, `shared` and `sample` are refreshed by the worker as members join; the queue's
    live size (members still pending) is counted when listed.
    """

    size = models.PositiveIntegerField(default=0)
    shared = models.JSONField(default=dict, blank=True)
    sample = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-size", "-id"]

    def __str__(self) -> str:
        return f"cluster #{self.pk} ({self.size}): {self.sample}"


class Fingerprint(models.Model):
    """A scored comment's MinHash signature, its link domains, and its cluster (if any)."""

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="fingerprint")
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    signature = models.JSONField(default=list)
    domains = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"fingerprint of comment #{self.comment_id}"


class FingerprintKey(models.Model):
    """One lookup key of a fingerprint (a MinHash band, a link domain or a network)."""

    fingerprint = models.ForeignKey(Fingerprint, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=120, db_index=True)

    def __str__(self) -> str:
        return self.key


class AlertPreference(models.Model):
    """How a moderator wants to hear about held comments (no row: immediately)."""

    class Alerts(models.TextChoices):
        IMMEDIATE = "immediate", "Immediately (at most one mail per window)"
        DIGEST = "digest", "Once a day, in a digest"
        OFF = "off", "Never"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preference"
    )
    alerts = models.CharField(max_length=10, choices=Alerts.choices, default=Alerts.IMMEDIATE)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"alerts: {self.alerts}"


class UsedDecisionLink(models.Model):
    """A decision link from an alert mail that has been used (each works once)."""

    nonce = models.CharField(max_length=40, unique=True)
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    used_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.nonce
