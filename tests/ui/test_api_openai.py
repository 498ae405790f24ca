"""The official ``openai`` client against ``/v1`` served by uvicorn on a free loopback port:
models, completions streaming and not, the session a request continues (transcript
checkpoint, ``X-Aisle-Session`` header; the ``user`` field joins nothing, a vouched shopper's
checkpoint is theirs), errors; and the Markdown rendering."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from sqlmodel import select

from assistant.agent import Assistant
from assistant.deps import Deps
from assistant.llm.scripted import ChatRequest, Reply, ScriptedChat
from assistant.reply import CitationOut, ProductCard, QuestionOut
from assistant.reply import Reply as TypedReply
from assistant.settings import Settings
from assistant.state import ConversationState
from retrieval.embedder import HashEmbedder
from retrieval.search import ProductSearcher
from store.demo.generate import generate_demo
from store.demo.types import DemoConfig
from store.errors import AisleError
from store.models import Conversation, User
from ui.api import create_app
from ui.api.identity import sign_identity
from ui.api.openai_compat import remainder, reply_markdown
from ui.cli_serve import bind, running
from ui.runtime import Runtime

# A greeting is answered by code (assistant.respond.texts); the model is consulted only when
# the words decide nothing ("what's up"), and its words are shown when the claim check passes.
GREETING = (
    "Hi! I can find products for you and say why they fit, or help with an order or a "
    "question about our policies. What are you looking for?"
)
MODEL_TEXT = "Happy to help with that."


def greeter(request: ChatRequest) -> Reply:
    return "Anything else?" if len(request.messages) > 2 else MODEL_TEXT


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    data_dir: Path = tmp_path_factory.mktemp("openai")
    return Runtime(Settings(data_dir=data_dir, rate_limit_per_minute=0))


@pytest.fixture(scope="module")
def llm() -> ScriptedChat:
    return ScriptedChat(greeter)


@pytest.fixture(scope="module")
def client(runtime: Runtime, llm: ScriptedChat) -> Iterator[openai.OpenAI]:
    app = create_app(runtime, assistant=Assistant(Deps(store=runtime.store, llm=llm)))
    with running(app) as url:
        yield openai.OpenAI(base_url=f"{url}v1", api_key="not-needed", max_retries=0)


def state_of(runtime: Runtime, session_id: str) -> ConversationState:
    with runtime.store.session() as s:
        row = s.get(Conversation, session_id)
    assert row is not None
    return ConversationState.restore(row.state)


def test_models(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["aisle"]
    assert client.models.retrieve("aisle").owned_by == "aisle"


def test_completion_without_streaming(client: openai.OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="aisle",
        messages=[{"role": "system", "content": "ignored"}, {"role": "user", "content": "hi"}],
    )
    completion = raw.parse()
    assert completion.object == "chat.completion" and completion.model == "aisle"
    assert completion.choices[0].message.content == GREETING
    assert completion.choices[0].finish_reason == "stop"
    extension = completion.model_extra["aisle"]  # type: ignore[index]
    assert extension["reply"]["kind"] == "answer"
    assert extension["session_id"] == raw.headers["x-aisle-session"]


def test_completion_streaming(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model="aisle",
            messages=[{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
            stream=True,
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text.strip() == GREETING
    # the greeting is one piece of text: one content chunk between the role and the stop
    assert len([c for c in chunks if c.choices[0].delta.content]) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["aisle"]["reply"]["text"] == GREETING  # type: ignore[index]


def test_a_search_streams_its_text_in_pieces(tmp_path: Path) -> None:
    runtime = Runtime(Settings(data_dir=tmp_path, rate_limit_per_minute=0))
    generate_demo(runtime.store, DemoConfig(products=120, users=3, seed=7))
    embedder = HashEmbedder()
    runtime.product_index.sync(runtime.store, embedder)
    searcher = ProductSearcher(runtime.store, runtime.product_index, embedder)
    bot = Assistant(Deps(store=runtime.store, llm=ScriptedChat([]), searcher=searcher))
    with running(create_app(runtime, assistant=bot)) as url:
        client = openai.OpenAI(base_url=f"{url}v1", api_key="not-needed", max_retries=0)
        chunks = list(
            client.chat.completions.create(
                model="aisle",
                messages=[{"role": "user", "content": "yoga mats under $100"}],
                stream=True,
            )
        )
    pieces = [c.choices[0].delta.content for c in chunks if c.choices[0].delta.content]
    reply = chunks[-1].model_extra["aisle"]["reply"]  # type: ignore[index]
    assert reply["kind"] == "recommendations" and len(reply["products"]) == 4
    # the first sentence, the list's heading and each product's line, as they are made
    assert pieces[:2] == ["4 yoga mats fit: under $100.00.\n", "Here are the best 4:\n"]
    assert len(pieces) == 6 and pieces[2].startswith("1. ")
    assert "".join(pieces).startswith(reply["text"])


def test_a_resent_transcript_continues_its_conversation(
    client: openai.OpenAI, runtime: Runtime, llm: ScriptedChat
) -> None:
    first = client.chat.completions.with_raw_response.create(
        model="aisle", messages=[{"role": "user", "content": "hello there"}]
    )
    answer = first.parse().choices[0].message.content
    transcript = [
        {"role": "user", "content": "hello there"},
        {"role": "assistant", "content": f"  {answer}\n"},  # whitespace may change
        {"role": "user", "content": "what's up"},
    ]
    second = client.chat.completions.with_raw_response.create(
        model="aisle", messages=transcript, stream=False
    )  # type: ignore[arg-type]
    assert second.headers["x-aisle-session"] != first.headers["x-aisle-session"]
    history = state_of(runtime, second.headers["x-aisle-session"]).history
    assert [(h.role, h.content) for h in history] == [
        ("user", "hello there"),
        ("assistant", GREETING),
        ("user", "what's up"),
        ("assistant", "Anything else?"),
    ]
    seen = [m.content for m in llm.requests[-1].messages]
    assert seen[1:] == ["hello there", GREETING, "what's up"]  # after the system prompt

    edited = [
        {"role": "user", "content": "hello there"},
        {"role": "assistant", "content": "Something we never said."},
        {"role": "user", "content": "what's up"},
    ]
    fresh = client.chat.completions.with_raw_response.create(model="aisle", messages=edited)  # type: ignore[arg-type]
    seeded = state_of(runtime, fresh.headers["x-aisle-session"]).history
    assert seeded[1].content == "Something we never said."  # seeded from the client's text


def test_the_user_field_joins_nothing_and_the_header_picks_the_session(
    client: openai.OpenAI, runtime: Runtime
) -> None:
    def session_of(**kw: object) -> str:
        raw = client.chat.completions.with_raw_response.create(  # type: ignore[call-overload]
            model="aisle", messages=[{"role": "user", "content": "hi"}], **kw
        )
        return str(raw.headers["x-aisle-session"])

    # an end-user id anyone can send: two clients with the same one share nothing
    assert session_of(user="shopper-7") != session_of(user="shopper-7")
    base = str(client.base_url).removesuffix("v1/")
    made = httpx.post(f"{base}api/v1/sessions").json()["session_id"]
    assert session_of(extra_headers={"X-Aisle-Session": made}) == made
    turns = httpx.get(f"{base}api/v1/sessions/{made}").json()["turns"]
    assert [t["message"] for t in turns] == ["hi"]


def test_a_vouched_shopper_is_no_one_elses_checkpoint(tmp_path: Path) -> None:
    secret = "the-shop-and-aisle-share-this-secret"
    runtime = Runtime(Settings(data_dir=tmp_path, rate_limit_per_minute=0, identity_secret=secret))
    generate_demo(runtime.store, DemoConfig(products=100, users=10, seed=3))
    with runtime.store.session() as s:
        user_id = s.exec(select(User.user_id)).first()
    assert user_id is not None
    bot = Assistant(Deps(store=runtime.store, llm=ScriptedChat(greeter)))
    with running(create_app(runtime, assistant=bot)) as url:
        shop = openai.OpenAI(
            base_url=f"{url}v1",
            api_key="x",
            max_retries=0,
            default_headers={"X-Aisle-Identity": sign_identity(secret, user_id)},
        )
        stranger = openai.OpenAI(base_url=f"{url}v1", api_key="x", max_retries=0)
        first = [{"role": "user", "content": "hello there"}]
        raw = shop.chat.completions.with_raw_response.create(model="aisle", messages=first)  # type: ignore[arg-type]
        assert state_of(runtime, raw.headers["x-aisle-session"]).identity.user_id == user_id
        reply = raw.parse().choices[0].message.content
        # the same, guessable transcript without the token starts from nobody's state
        again = [*first, {"role": "assistant", "content": reply}, {"role": "user", "content": "hi"}]
        theirs = stranger.chat.completions.with_raw_response.create(model="aisle", messages=again)  # type: ignore[arg-type]
        assert state_of(runtime, theirs.headers["x-aisle-session"]).identity.user_id is None
        ours = shop.chat.completions.with_raw_response.create(model="aisle", messages=again)  # type: ignore[arg-type]
        assert state_of(runtime, ours.headers["x-aisle-session"]).identity.user_id == user_id
    runtime.store.dispose()


def test_errors_reach_the_client_as_openai_errors(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError, match="unknown model 'gpt-4o'"):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(openai.BadRequestError, match="last message must be"):
        client.chat.completions.create(
            model="aisle", messages=[{"role": "assistant", "content": "hi"}]
        )
    with pytest.raises(openai.NotFoundError, match="no session"):
        client.chat.completions.create(
            model="aisle",
            messages=[{"role": "user", "content": "hi"}],
            extra_headers={"X-Aisle-Session": "pub-unknown"},
        )


def test_a_wrong_key_is_an_authentication_error(tmp_path: Path) -> None:
    runtime = Runtime(Settings(data_dir=tmp_path, api_keys="required"))
    greeter_bot = Assistant(Deps(store=runtime.store, llm=ScriptedChat(greeter)))
    with running(create_app(runtime, assistant=greeter_bot)) as url:
        client = openai.OpenAI(base_url=f"{url}v1", api_key="aisle_0000_nope", max_retries=0)
        with pytest.raises(openai.AuthenticationError, match="invalid or revoked API key"):
            client.models.list()


def test_reply_markdown_and_what_is_left_to_stream() -> None:
    reply = TypedReply(
        kind="recommendations",
        text="Two picks.",
        products=[
            ProductCard(
                product_id="p1",
                title="Trail Runner",
                price=89.5,
                reasons=["under $100", "rated 4.6"],
            )
        ],
        question=QuestionOut(text="Which size?", attribute="size", options=["9", "10"]),
        citations=[CitationOut(article_id="a1", title="Returns policy")],
    )
    full = reply_markdown(reply)
    assert full == (
        "Two picks.\n\n1. **Trail Runner**: $89.50\n   - under $100\n   - rated 4.6"
        "\n\nOptions: 9 · 10\n\nSources: Returns policy"
    )
    named = reply.model_copy(
        update={"text": "Try the Trail Runner ($89.50).", "question": None, "citations": []}
    )
    assert reply_markdown(named) == "Try the Trail Runner ($89.50)."  # no second list
    assert remainder(full, "Two picks. ") == full[len("Two picks.") :]
    assert remainder("Done.", "Done. ") == ""
    assert remainder(full, "Something else. ") is None


def test_a_busy_port_is_a_clear_error() -> None:
    taken = bind("127.0.0.1", 0)
    taken.listen()
    try:
        with pytest.raises(AisleError, match="pass another --port"):
            bind("127.0.0.1", taken.getsockname()[1])
    finally:
        taken.close()
