from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self) -> None:
        from corsheaders.signals import check_request_enabled

        from comments.cors import origin_allowed

        check_request_enabled.connect(origin_allowed, dispatch_uid="comments.cors")
