"""Whose account a conversation is about: decided by what the shopper typed or the shop vouched
for, never by a model's arguments.

An identification tool may name a customer only when one of these holds:

- the shopper typed the credential in this conversation (``ToolContext.shopper_typed``): the
  email, or the first name, last name and zip code;
- the embedding site vouched for that customer (``ToolContext.vouched_user_id``, set from a
  verified token by the door that received it);
- the conversation is already that customer's (asking again changes nothing);
- the caller is an operator (replays, admin scripts).

Every other case, "no such customer", "not what the shopper typed" and "another customer than
this conversation's" alike, gets the same refusal, so a refusal tells nobody whether an
account exists. Orders and accounts of someone else are refused with the same words as ids
that do not exist, for the same reason.

Not here: the lookups (``tools.service_read``) or adopting the customer for the conversation
(``assistant.act.service``).
"""

from __future__ import annotations

import re
import unicodedata

from tools.base import ToolContext


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name ("Vázquez" == "vazquez")."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _typed(ctx: ToolContext) -> str:
    return "\n".join(ctx.shopper_typed)


def typed_email(ctx: ToolContext, email: str) -> bool:
    """The shopper typed ``email`` (as a whole address, any case) in this conversation."""
    if not email:
        return False
    pattern = re.compile(rf"(?<![\w.+-]){re.escape(email)}(?![\w-]|\.\w)", re.IGNORECASE)
    return pattern.search(_typed(ctx)) is not None


# Han characters: a name written in them has no spaces around it ("我叫王芳"), so it is found
# as typed rather than as a whole word.
_HAN = re.compile(r"[\u3400-\u9fff]")


def _name_in(name: str, said: str) -> bool:
    if _HAN.search(name):
        return name in said
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", said) is not None


def typed_name_zip(ctx: ToolContext, first_name: str, last_name: str, zip_code: str) -> bool:
    """The shopper typed this first name, last name (as whole words, any case or accents; a
    name in Chinese characters as typed) and zip code (as a whole number) in this
    conversation."""
    said = fold(_typed(ctx))
    names = (fold(first_name), fold(last_name))
    if not all(names) or not zip_code:
        return False
    return (
        all(_name_in(n, said) for n in names)
        and re.search(rf"(?<!\d){re.escape(zip_code)}(?!\d)", said) is not None
    )


def may_identify(ctx: ToolContext, user_id: str, typed: bool) -> bool:
    """Whether an identification tool may name ``user_id`` (see the module docstring)."""
    if ctx.operator:
        return True
    if ctx.session_user_id is not None:
        return user_id == ctx.session_user_id  # one customer per conversation
    return typed or user_id == ctx.vouched_user_id


def owns(ctx: ToolContext, owner_user_id: str) -> bool:
    """The identified customer (or an operator) may see this account's data."""
    return ctx.operator or (
        ctx.session_user_id is not None and owner_user_id == ctx.session_user_id
    )


def no_email_match(email: str) -> str:
    return (
        f"no customer of this conversation matches the email {email}; ask the shopper to "
        "type their own email, or their first name, last name and zip code"
    )


def no_name_zip_match(first_name: str, last_name: str, zip_code: str) -> str:
    return (
        f"no customer of this conversation matches {first_name} {last_name} with zip "
        f"{zip_code}; ask the shopper to type their own name and zip code, or their email"
    )


def not_theirs(what: str, ident: str) -> str:
    """The refusal for an id that does not exist and for one of another customer alike."""
    if what == "order":
        return (
            f"order {ident} is not one of the signed-in customer's orders; ask the shopper "
            "to check the number (order ids look like '#W0000000'), or list their orders "
            "with get_user_details (this is no reason to transfer them)"
        )
    return (
        f"{what} {ident} is not the signed-in customer's; use the customer's own user id "
        "from find_user_id_by_email or find_user_id_by_name_zip"
    )
