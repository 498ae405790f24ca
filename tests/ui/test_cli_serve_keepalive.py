"""``aisle serve`` keeps idle connections longer than a load balancer's idle timeout, so the
balancer never sends a request on a connection the server is closing."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.agent import Assistant
from assistant.deps import Deps
from assistant.llm.scripted import ScriptedChat
from assistant.settings import Settings
from ui import cli_serve
from ui.runtime import Runtime


def test_serve_keeps_idle_connections_past_a_balancers_60_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, float] = {}

    def run(self: cli_serve._Server, sockets: object = None) -> None:
        seen["keep_alive"] = self.config.timeout_keep_alive

    monkeypatch.setattr(cli_serve._Server, "run", run)
    runtime = Runtime(Settings(data_dir=tmp_path))
    greeter = Assistant(Deps(store=runtime.store, llm=ScriptedChat(lambda _: "Hello!")))
    cli_serve.serve(runtime, "127.0.0.1", 0, with_ui=False, assistant=greeter)
    assert seen["keep_alive"] == cli_serve.KEEP_ALIVE_SECONDS > 60
    runtime.store.dispose()
