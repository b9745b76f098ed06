from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """What `make bench` needs and the library does not: the synthetic corpus, its
    command, and the reference views. Installed only with DJANGO_BENCHMARK=1."""

    name = "tests.benchmarks"
    label = "benchmarks"
    verbose_name = "Benchmarks"
