from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("resources", "0031_forget_per_subscription_digests")]

    operations = [
        migrations.RemoveConstraint(model_name="digest", name="digest_once_per_period"),
        migrations.RemoveField(model_name="digest", name="subscription"),
        migrations.RemoveField(model_name="digest", name="period_start"),
        migrations.AddField(
            model_name="digest",
            name="email",
            field=models.EmailField(default="", max_length=254),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="digest",
            name="period",
            field=models.CharField(
                choices=[("daily", "Daily"), ("weekly", "Weekly")], default="", max_length=10
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="digest",
            name="period_end",
            field=models.DateTimeField(
                help_text="Each of the address's alerts of this period is covered up to here."
            ),
        ),
        migrations.AddConstraint(
            model_name="digest",
            constraint=models.UniqueConstraint(
                fields=("email", "period", "period_end"),
                name="digest_once_per_address_and_period",
                violation_error_message="This address's digest for this period already exists.",
            ),
        ),
        migrations.AddConstraint(
            model_name="digest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("sent_at", None)),
                fields=("email", "period"),
                name="digest_one_unsent_per_address",
                violation_error_message="This address already has a digest waiting to be sent.",
            ),
        ),
    ]
