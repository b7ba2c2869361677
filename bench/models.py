"""One tiny table: the target of the bare-insert ceiling (``db_insert_ceiling_rps``)."""

from __future__ import annotations

from django.db import models


class CeilingRow(models.Model):
    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(auto_now_add=True)
    payload = models.TextField()

    class Meta:
        db_table = "bench_ceiling_row"

    def __str__(self) -> str:
        return f"ceiling row {self.pk}"
