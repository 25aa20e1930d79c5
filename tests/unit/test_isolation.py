"""Tests never see the developer's own configuration, data folder or ANNOTATOR_* variables."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path

from annotator.store import default_database_path


def test_config_and_data_folders_are_the_tests_own(isolated_from_the_user: Path):
    home = isolated_from_the_user
    assert Path(os.environ["HOME"]) == home
    assert user_config_path("annotator", appauthor=False).is_relative_to(home)
    assert user_data_path("annotator", appauthor=False).is_relative_to(home)
    assert default_database_path().is_relative_to(home)


def test_no_annotator_variable_reaches_a_test():
    assert [name for name in os.environ if name.startswith("ANNOTATOR_")] == []
