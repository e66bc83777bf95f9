"""Moderation data: the operator's blocklist, and the moderation queue with its permission."""

from django.conf import settings
from django.db import models

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

    def __str__(self) -> str:
        return f"classifier v{self.version}: {self.spam_docs} spam, {self.ham_docs} ham"


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
