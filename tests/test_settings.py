"""Settings: every bad ``playbook.yaml`` gives one clear message, never a traceback (finding 7),
and YAML aliases are refused instead of expanded (finding 6).

The corpus below is what a hurried or hostile user writes: each entry is the file text and
words the one-line message must contain (the key, the value, what is allowed).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import cli
from helpers.safe_yaml import MAX_BYTES
from helpers.settings import Settings, SettingsError, load_settings, validate

LAUGHS = "\n".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    + ["shop_name: *a8"]
)

CORPUS: list[tuple[str, str, tuple[str, ...]]] = [
    # (id, file text, words the message names)
    ("syntax", "shop_name: [unclosed\n", ("not valid YAML", "line")),
    ("tab-indent", "thresholds:\n\trefund_rate_max: 0.2\n", ("not valid YAML",)),
    ("python-tag", "shop_name: !!python/object/apply:os.system ['echo hi']\n", ("not valid YAML",)),
    ("unknown-tag", "currency: !money CNY\n", ("not valid YAML", "!money")),
    ("alias-bomb", LAUGHS, ("aliases", "not allowed")),
    ("merge-alias", "base: &b {currency: CNY}\n<<: *b\n", ("aliases",)),
    ("top-list", "- shop_name\n- currency\n", ("mapping of settings",)),
    ("top-text", "just some words\n", ("mapping of settings",)),
    ("int-key", "1: 2\n", ("mapping of settings",)),
    ("unknown-key", "shopname: x\n", ("unknown setting", "shopname")),
    (
        "unknown-threshold",
        "thresholds:\n  refund_rate: 0.1\n",
        ("refund_rate", "did you mean thresholds.refund_rate_max"),
    ),
    ("unknown-long-key", f"{'k' * 900}: 1\n", ("unknown setting", "configuration.md")),
    ("salt-number", "pii_salt: 7\n", ("pii_salt", "7", "text")),
    ("timezone-number", "timezone: 5\n", ("timezone", "5", "text")),
    ("timezone-unknown", "timezone: Mars/Olympus\n", ("timezone", "Mars/Olympus", "IANA")),
    ("timezone-path", "timezone: ../../etc/passwd\n", ("timezone", "IANA")),
    ("timezone-empty", "timezone: ''\n", ("timezone", "IANA")),
    ("language", "language: fr\n", ("language", "'fr'", "'zh' or 'en'")),
    ("calendar", "platform_calendar: us\n", ("platform_calendar", "'cn' or 'none'")),
    ("currency-html", "currency: '<img src=x onerror=alert(1)>'\n", ("currency", "3-letter")),
    ("currency-lower", "currency: cny\n", ("currency", "3-letter")),
    ("currency-number", "currency: 156\n", ("currency", "text")),
    ("shop-empty", "shop_name: '   '\n", ("shop_name", "1 to 100")),
    ("shop-long", f"shop_name: {'店' * 101}\n", ("shop_name", "1 to 100")),
    ("shop-newline", 'shop_name: "a\\nb"\n', ("shop_name", "one line")),
    ("shop-list", "shop_name: [a, b]\n", ("shop_name", "text")),
    ("cvr-text", "industry_cvr: high\n", ("industry_cvr", "'high'", "a number")),
    ("cvr-negative", "industry_cvr: -0.03\n", ("industry_cvr", "-0.03", "from 0")),
    ("cvr-percent", "industry_cvr: 3\n", ("industry_cvr", "3", "to 1")),
    ("cvr-nan", "industry_cvr: .nan\n", ("industry_cvr", "a number")),
    ("thresholds-list", "thresholds: [1, 2]\n", ("thresholds", "mapping")),
    ("thresholds-text", "thresholds: strict\n", ("thresholds", "mapping")),
    ("refund-text", "thresholds:\n  refund_rate_max: high\n", ("refund_rate_max", "a number")),
    ("refund-negative", "thresholds:\n  refund_rate_max: -0.1\n", ("refund_rate_max", "-0.1")),
    ("refund-zero", "thresholds:\n  refund_rate_max: 0\n", ("refund_rate_max", "(excluded)")),
    ("refund-percent", "thresholds:\n  refund_rate_max: 15\n", ("refund_rate_max", "to 1")),
    ("refund-inf", "thresholds:\n  refund_rate_max: .inf\n", ("refund_rate_max", "a number")),
    ("refund-bool", "thresholds:\n  refund_rate_max: yes\n", ("refund_rate_max", "True")),
    ("sla-negative", "thresholds:\n  ship_sla_hours: -24\n", ("ship_sla_hours", "-24.0")),
    ("sla-null", "thresholds:\n  ship_sla_hours:\n", ("ship_sla_hours", "None")),
    ("days-zero", "thresholds:\n  return_window_days: 0\n", ("return_window_days", "from 1")),
    ("days-fraction", "thresholds:\n  return_window_days: 7.5\n", ("return_window_days", "whole")),
    ("days-text", "thresholds:\n  ad_lookback_days: 'four weeks'\n", ("ad_lookback_days",)),
    ("decline-one", "thresholds:\n  consecutive_decline_days: 1\n", ("consecutive_decline_days",)),
    ("history-short", "thresholds:\n  anomaly_history_days: 3\n", ("anomaly_history_days", "14")),
    ("z-zero", "thresholds:\n  anomaly_z: 0\n", ("anomaly_z", "excluded")),
    ("visitors-negative", "thresholds:\n  cart_min_visitors: -5\n", ("cart_min_visitors", "-5")),
    ("share-big", "thresholds:\n  channel_cvr_drop: 1.5\n", ("channel_cvr_drop", "1.5")),
    ("long-value", f"shop_name: {'x' * 100_000}\n", ("shop_name", "...")),
    ("not-utf8", "shop_name: \udcff\n", ("UTF-8",)),
]


def _write(tmp_path, text: str):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    path = data / "playbook.yaml"
    if "\udcff" in text:
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
    else:
        path.write_text(text, encoding="utf-8")
    return data


@pytest.mark.parametrize(("case", "text", "words"), CORPUS, ids=[c[0] for c in CORPUS])
def test_bad_settings_give_one_clear_message(tmp_path, capsys, case, text, words):
    data = _write(tmp_path, text)
    with pytest.raises(SettingsError) as info:
        load_settings(data)
    message = str(info.value)
    assert message.startswith("playbook.yaml")
    for word in words:
        assert word in message, (case, message)
    assert len(message) < 400  # the value is cut, never printed whole
    for command in (["check", "--data", str(data)], ["run", "--data", str(data)]):
        assert cli.main([*command, "--cache", str(tmp_path / "c")]) == cli.EXIT_USAGE
        err = capsys.readouterr().err
        assert err.startswith("playbook: error: playbook.yaml") and err.count("\n") == 1
        assert "Traceback" not in err


def test_the_corpus_is_large():
    assert len(CORPUS) >= 45


def test_good_settings_load_with_whole_floats_for_counts(tmp_path):
    data = _write(
        tmp_path,
        "shop_name: 山野\ncurrency: GBP\ntimezone: Europe/London\nindustry_cvr: 0.03\n"
        "thresholds:\n  return_window_days: 14.0\n  refund_rate_max: 1\n",
    )
    s = load_settings(data)
    assert s.thresholds.return_window_days == 14 and isinstance(
        s.thresholds.return_window_days, int
    )
    assert s.thresholds.refund_rate_max == 1.0 and s.currency == "GBP"


def test_empty_file_and_defaults_are_valid(tmp_path):
    assert load_settings(_write(tmp_path, "")) == Settings()
    assert validate(Settings()) == Settings()


def test_oversized_file_is_refused(tmp_path):
    data = _write(tmp_path, "# " + "x" * MAX_BYTES + "\n")
    with pytest.raises(SettingsError, match="larger than"):
        load_settings(data)


def test_hints_from_a_data_source_are_checked():
    with pytest.raises(SettingsError, match="data source settings: currency"):
        Settings().with_hints({"currency": "<img src=x onerror=alert(1)>"})
    with pytest.raises(SettingsError, match="timezone"):
        Settings().with_hints({"timezone": "Nowhere/Land"})
    assert Settings().with_hints({"currency": "GBP"}).currency == "GBP"


def test_command_line_language_is_checked(tmp_path):
    with pytest.raises(SettingsError, match="language"):
        load_settings(None, language="de")


@pytest.mark.parametrize("text", ["0000-00-00", "2026-02-30", "run_date: 2026-13-01"])
def test_a_value_that_looks_like_a_date_but_is_none_gives_a_settings_error(tmp_path, text):
    """YAML reads 0000-00-00 as a timestamp; year 0 does not exist (found by the property test
    below): the user gets a SettingsError naming the file, not a ValueError traceback."""
    with pytest.raises(SettingsError, match="looks like a date"):
        load_settings(_write(tmp_path, text))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_any_text_loads_or_gives_a_settings_error(tmp_path, text):
    """Property: whatever the file holds, the outcome is Settings or one SettingsError."""
    data = _write(tmp_path, text.replace("\udcff", ""))
    try:
        assert isinstance(load_settings(data), Settings)
    except SettingsError as exc:
        assert str(exc).startswith("playbook.yaml")


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(["refund_rate_max", "return_window_days", "anomaly_z", "cart_min_visitors"]),
    st.one_of(
        st.integers(-(10**12), 10**12),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=20),
        st.booleans(),
        st.none(),
    ),
)
def test_any_threshold_value_is_accepted_in_range_or_refused_by_name(tmp_path, key, value):
    import yaml

    data = _write(tmp_path, yaml.safe_dump({"thresholds": {key: value}}))
    try:
        s = load_settings(data)
    except SettingsError as exc:
        assert f"thresholds.{key}" in str(exc)
    else:
        got = getattr(s.thresholds, key)
        assert got == value and got > 0
