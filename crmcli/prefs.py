"""Personal preferences (language, default output format) in a TOML file.

The file is ``platformdirs.user_config_dir("crmcli")/config.toml`` unless
``CRM_CONFIG`` names another; a missing file means no preferences::

    lang = "zh"        # en or zh
    format = "table"   # table, json, jsonl or csv

Business settings shared by a team live in the database instead (``crm config``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from crmcli.errors import Invalid


def path() -> Path:
    override = os.environ.get("CRM_CONFIG")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("crmcli")) / "config.toml"


def load() -> dict[str, Any]:
    """The preferences, or {} when there is no file."""
    file = path()
    try:
        data = file.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except OSError as e:
        raise Invalid(f"cannot read preferences {file}: {e.strerror}") from None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        prefs = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise Invalid(f"cannot read preferences {file}: {e}") from None
    for key, example in (("lang", 'lang = "zh"'), ("format", 'format = "json"')):
        if key in prefs and not isinstance(prefs[key], str):
            raise Invalid(f"cannot read preferences {file}: {key} should be text, as in {example}")
    return prefs
