"""The French catalogue is complete: no empty or fuzzy translation."""

import subprocess
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_french_catalogue_is_complete():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=True,
    )
    statistics = result.stderr.strip()
    assert "translated messages" in statistics
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics


def test_chat_page_strings_are_french():
    from django.utils import translation

    with translation.override("fr"):
        assert translation.gettext("Send") == "Envoyer"
        assert translation.gettext("Messages") == "Messages"
        assert (
            translation.gettext("Connection lost. Reconnecting…")
            == "Connexion perdue. Reconnexion…"
        )
