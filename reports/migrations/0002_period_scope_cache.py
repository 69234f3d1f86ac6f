import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("reports", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="period_kind",
            field=models.CharField(
                choices=[("quarter", "Quarter"), ("year", "Year"), ("range", "Free period")],
                default="range",
                max_length=10,
                verbose_name="period",
            ),
        ),
        migrations.AddField(
            model_name="report", name="first_day", field=models.DateField(null=True, verbose_name="from")
        ),
        migrations.AddField(model_name="report", name="last_day", field=models.DateField(null=True, verbose_name="to")),
        migrations.AddField(
            model_name="report",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.agency",
                verbose_name="agency",
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="threshold",
            field=models.PositiveSmallIntegerField(default=5, verbose_name="smallest count shown"),
        ),
        migrations.AddField(
            model_name="report",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting to be computed"),
                    ("running", "Being computed"),
                    ("done", "Ready"),
                    ("failed", "Failed"),
                ],
                default="pending",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="progress",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="progress (per cent)"),
        ),
        migrations.AddField(
            model_name="report",
            name="result",
            field=models.JSONField(blank=True, default=dict, verbose_name="figures"),
        ),
        migrations.AddField(
            model_name="report",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="started"),
        ),
        migrations.AddField(
            model_name="report",
            name="computed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="computed"),
        ),
        migrations.AddField(
            model_name="report",
            name="computed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="report", name="computed_in_ms", field=models.PositiveIntegerField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="report",
            name="error",
            field=models.CharField(blank=True, max_length=300, verbose_name="error"),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                condition=models.Q(("agency__isnull", False)),
                fields=("first_day", "last_day", "agency", "threshold"),
                name="report_one_per_agency_period",
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                condition=models.Q(("agency__isnull", True)),
                fields=("first_day", "last_day", "threshold"),
                name="report_one_per_city_period",
            ),
        ),
    ]
