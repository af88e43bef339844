"""Static files collect as the Docker build collects them (hashed manifest, compressed)."""

from django.core.management import call_command


def test_collectstatic_with_the_production_storage_succeeds(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    for name in ("css/", "vendor/chartjs/chart.umd.min.js", "admin/css/base.css"):
        assert name in manifest
    assert list(tmp_path.glob("vendor/chartjs/chart.umd.min.*.js.gz"))
