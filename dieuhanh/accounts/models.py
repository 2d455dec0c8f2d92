"""People who sign in. What they may do is not here: it is their roles on units (``dieuhanh.access``)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True, help_text=_("e.g. Phó Giám đốc Sở"))
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), condition=~models.Q(email=""), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        """A new password (``set_password`` then ``save``) revokes every API token of the account; sessions end by
        Django's session hash."""
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            from dieuhanh.accounts.services import revoke_tokens_after_password_change

            revoke_tokens_after_password_change(self)

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username
