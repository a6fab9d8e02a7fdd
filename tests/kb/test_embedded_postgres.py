import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.embedded_postgres import server


def test_lists_folders_that_lack_other_permissions(tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    private.chmod(0o700)
    data = private / "pg" / "data"
    opened = server.folders_opened_for_others(data)
    assert private in opened
    assert tmp_path.parent not in opened or not (tmp_path.parent.stat().st_mode & stat.S_IROTH)


def test_data_path_that_is_a_file_is_rejected(tmp_path):
    data = tmp_path / "postgres"
    data.write_text("not a folder")
    with pytest.raises(ImproperlyConfigured, match="is not a folder"):
        server._check_data_dir(data)


def test_unusable_parent_path_is_rejected(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ImproperlyConfigured, match="Cannot create"):
        server._check_data_dir(blocker / "sub" / "postgres")


def test_root_start_logs_what_pgserver_changes(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(server.os, "geteuid", lambda: 0)
    monkeypatch.setattr(server, "_ROOT_WARNING_LOGGED", False)
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    with caplog.at_level("WARNING", logger=server.__name__):
        server._log_root_side_effects(private / "postgres")
    assert "system user 'pgserver'" in caplog.text
    assert str(private) in caplog.text


def test_corrupt_handle_list_is_removed(tmp_path):
    handle_list = tmp_path / ".handle_pids.json"
    handle_list.write_text("")
    server._discard_corrupt_handle_list(tmp_path)
    assert not handle_list.exists()


def test_valid_handle_list_is_kept(tmp_path):
    handle_list = tmp_path / ".handle_pids.json"
    handle_list.write_text("[123]")
    server._discard_corrupt_handle_list(tmp_path)
    assert handle_list.read_text() == "[123]"


def test_sigterm_becomes_normal_exit(monkeypatch):
    import signal

    monkeypatch.setattr(signal, "getsignal", lambda signum: signal.SIG_DFL)
    installed = {}
    monkeypatch.setattr(
        signal, "signal", lambda signum, handler: installed.update({signum: handler})
    )
    server._stop_cleanly_on_sigterm()
    with pytest.raises(SystemExit) as exit_info:
        installed[signal.SIGTERM](signal.SIGTERM, None)
    assert exit_info.value.code == 128 + signal.SIGTERM
