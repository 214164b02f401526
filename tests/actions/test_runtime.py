"""The action server's shared objects: staff edits to the hand-off files still take effect."""

import shutil

from actions import runtime
from tests.conftest import REAL_KNOWLEDGE


def test_scoring_is_parsed_once_and_again_after_an_edit(use_knowledge, tmp_path):
    folder = tmp_path / "knowledge"
    shutil.copytree(REAL_KNOWLEDGE, folder)
    use_knowledge(folder)
    first = runtime.scoring()
    assert runtime.scoring() is first          # unchanged file: the parsed config is kept
    path = folder / "handoff" / "scoring.yml"
    text = path.read_text("utf-8")
    path.write_text(text.replace(f"threshold: {first.threshold}",
                                 f"threshold: {first.threshold + 5}", 1), "utf-8")
    assert runtime.scoring().threshold == first.threshold + 5
