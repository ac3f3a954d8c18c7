"""The command line: help everywhere, validation output, settings syntax."""
import pytest


def test_help_lists_every_command(cli):
    result = cli("--help")
    assert result.returncode == 0
    for command in ("crawl", "export", "sources", "stats", "db", "demo"):
        assert command in result.stdout


@pytest.mark.parametrize("command", [["crawl"], ["export"], ["sources"], ["stats"], ["db", "upgrade"], ["demo"]])
def test_every_command_has_help(cli, command):
    result = cli(*command, "--help")
    assert result.returncode == 0 and "Usage:" in result.stdout


def test_sources_lists_a_valid_file(cli, repo_root, tmp_path):
    result = cli("sources", "--sources", str(repo_root / "sources.example.yaml"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "mercatoflash" in result.stdout and "3 sources OK" in result.stdout


def test_sources_rejects_a_bad_file(cli, tmp_path):
    bad = tmp_path / "s.yaml"
    bad.write_text("sources:\n  - name: a\n    feeds: [https://a.it/f]\n  - name: a\n    pages: [https://a.it/]\n")
    result = cli("sources", "--sources", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    assert f"{bad}: source 'a': duplicate name" in result.stderr


def test_malformed_setting_is_a_configuration_error(cli, repo_root, tmp_path):
    result = cli("crawl", "--sources", str(repo_root / "sources.example.yaml"), "-s", "DOWNLOAD_DELAY",
                 "--db", f"sqlite:///{tmp_path / 'x.db'}", cwd=tmp_path)
    assert result.returncode == 2 and "NAME=VALUE" in result.stderr


def test_unavailable_database_exit_code(cli, repo_root, tmp_path):
    result = cli("crawl", "--sources", str(repo_root / "sources.example.yaml"),
                 "--db", f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}", cwd=tmp_path)
    assert result.returncode == 3 and "does not exist" in result.stderr
