"""Golden-file comparison for API responses.

`assert_matches_golden(data, "name")` compares `data` with `responses/name.json`.
Run the tests with UPDATE_GOLDEN=1 to rewrite the files after an intended change, then
review the diff before committing it.
"""

import json
import os
from pathlib import Path
from typing import Any

RESPONSES = Path(__file__).parent / "responses"


def assert_matches_golden(data: Any, name: str) -> None:
    path = RESPONSES / f"{name}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        RESPONSES.mkdir(exist_ok=True)
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert data == expected, f"response differs from {path.name}"
