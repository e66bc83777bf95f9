from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "comments.notify"
    label = "notify"
    verbose_name = "Mail"
    default_auto_field = "django.db.models.BigAutoField"
