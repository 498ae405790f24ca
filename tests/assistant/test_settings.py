from pathlib import Path

import pytest

from assistant.settings import Settings, SettingsError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DATA_DIR", "DATABASE_URL", "CHROMA_URL", "LLM_BASE_URL", "LLM_MODEL", "CONFIG"):
        monkeypatch.delenv(f"AISLE_{name}", raising=False)
    monkeypatch.chdir(tmp_path)  # no ./aisle.toml unless a test writes one


def test_defaults_are_embedded() -> None:
    s = Settings.load()
    assert s.data_dir == Path("aisle-data")
    assert s.effective_database_url == "sqlite:///aisle-data/aisle.db"
    assert s.chroma_url is None and s.llm_base_url is None


def test_environment_overrides_toml_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('data_dir = "/srv/from-file"\nllm_model = "qwen"\n')
    monkeypatch.setenv("AISLE_DATA_DIR", "/srv/from-env")
    s = Settings.load(config)
    assert s.data_dir == Path("/srv/from-env")
    assert s.llm_model == "qwen"
    assert s.chroma_path == Path("/srv/from-env/chroma")


def test_database_url_replaces_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AISLE_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert Settings.load().effective_database_url == "postgresql+psycopg://u@h/db"


def test_local_aisle_toml_is_read(tmp_path: Path) -> None:
    (tmp_path / "aisle.toml").write_text('chroma_url = "http://127.0.0.1:8000"\n')
    assert Settings.load().chroma_url == "http://127.0.0.1:8000"


def test_typo_in_file_is_an_error_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('data_dri = "/x"\n')
    with pytest.raises(SettingsError, match="data_dri"):
        Settings.load(config)


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        Settings.load(tmp_path / "nope.toml")


def test_the_checkout_url_template_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AISLE_CHECKOUT_URL", "https://shop.example/cart/{items}?ref={cart_id}")
    assert Settings.load().checkout_url == "https://shop.example/cart/{items}?ref={cart_id}"
    monkeypatch.setenv("AISLE_CHECKOUT_URL", "https://shop.example/cart/{variants}")
    with pytest.raises(SettingsError, match=r"unknown placeholders \['variants'\]"):
        Settings.load()
