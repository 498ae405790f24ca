"""The chat's look and its one piece of page script.

``CSS`` styles the cards, tables and side panel with Gradio's theme variables, so light and
dark mode both read well. It travels with the Blocks (injected through the bridge component's
``head``) rather than through ``mount_gradio_app(css=...)``, which a server may forget to pass.

``BRIDGE_JS`` runs once per page (a ``gr.HTML``'s ``js_on_load``) and does two things:

- product cards live inside chat messages, where Gradio wires no events, so a document-level
  click listener catches the cards' thumbs buttons, marks the pressed one and triggers the
  bridge component's ``click`` event with ``{product_id, value}``, which the server stores as
  feedback; the same listener makes a card's option buttons (``button.aisle-pick``) a picker
  (one value per option, a second click unpicks), sends a card's "Add to cart" as the
  bridge's ``submit`` event with ``{product_id, options}`` (the picked values) and the cart
  panel's "Remove" as its ``input`` event with ``{item_id}`` (``ui.web.cart_panel``);
- the chat shows the start of each turn, not its end. The Chatbot runs with ``autoscroll``
  off (it would follow the stream down to the fifth product card); instead, from the moment
  a new shopper message appears until the turn ends (``SHOW_TURN_JS``, which the app runs
  after each turn), the chat keeps that message at its top, with the steps and the reply's
  first lines under it. Should the steps push the reply out of sight, the reply's start wins;
  should the shopper scroll (wheel, touch, keys), the chat stops following.
"""

from __future__ import annotations

BRIDGE_JS = """
window.__aisleRate = trigger;
if (!window.__aisleBridge) {
  window.__aisleBridge = true;
  document.addEventListener('click', (event) => {
    const found = (selector) => (event.target.closest ? event.target.closest(selector) : null);
    const pick = found('button.aisle-pick');
    if (pick) {
      event.preventDefault();
      const on = pick.classList.contains('aisle-on');
      const row = pick.closest('.aisle-picker');
      if (row) row.querySelectorAll('button.aisle-pick').forEach((b) => {
        b.classList.remove('aisle-on');
        b.setAttribute('aria-pressed', 'false');
      });
      if (!on) { pick.classList.add('aisle-on'); pick.setAttribute('aria-pressed', 'true'); }
      return;
    }
    const add = found('button.aisle-add');
    if (add) {
      event.preventDefault();
      const card = add.closest('.aisle-card');
      const options = {};
      (card ? [...card.querySelectorAll('button.aisle-pick.aisle-on')] : []).forEach((b) => {
        const cut = (b.value || '').indexOf('|');
        if (cut > 0) options[b.value.slice(0, cut)] = b.value.slice(cut + 1);
      });
      window.__aisleRate('submit', {product_id: add.value, options: options});
      return;
    }
    const remove = found('button.aisle-remove');
    if (remove) {
      event.preventDefault();
      remove.disabled = true;
      window.__aisleRate('input', {item_id: remove.value});
      return;
    }
    const button = found('button.aisle-thumb');
    if (!button) return;
    event.preventDefault();
    const raw = button.value || '';
    const cut = raw.lastIndexOf('|');
    if (cut < 1 || button.classList.contains('aisle-on')) return;
    const card = button.closest('.aisle-card');
    if (card) {
      card.querySelectorAll('button.aisle-thumb').forEach((b) => b.classList.remove('aisle-on'));
    }
    button.classList.add('aisle-on');
    window.__aisleRate('click', {product_id: raw.slice(0, cut), value: Number(raw.slice(cut + 1))});
  });
}
if (!window.__aisleTurns) {
  window.__aisleTurns = true;
  const scroller = (element) => {
    for (let node = element.parentElement; node; node = node.parentElement) {
      const overflow = getComputedStyle(node).overflowY;
      if (overflow === 'auto' || overflow === 'scroll') return node;
    }
    return null;
  };
  // The newest shopper message at the top of the chat, or the reply's start if the steps
  // between them would push it out of sight.
  const showTurn = () => {
    const chat = document.getElementById('aisle-chat');
    const asked = chat ? chat.querySelectorAll('[data-testid="user"]') : [];
    if (!asked.length) return;
    const question = asked[asked.length - 1];
    const wrap = scroller(question);
    if (!wrap) return;
    const top = wrap.getBoundingClientRect().top;
    let target = question.getBoundingClientRect().top - top - 8;
    const answers = chat.querySelectorAll('[data-testid="bot"]');
    const reply = answers.length ? answers[answers.length - 1] : null;
    if (reply && question.compareDocumentPosition(reply) & Node.DOCUMENT_POSITION_FOLLOWING) {
      const start = reply.getBoundingClientRect().top - top - 8;
      if (start - target > wrap.clientHeight * 0.6) target = start;
    }
    if (Math.abs(target) > 1) wrap.scrollTop += target;
  };
  // While a turn streams, the chat follows its start (a short chat cannot scroll the new
  // message to the top until the reply fills the space under it), unless the shopper scrolls.
  let asked = 0, following = false, queued = false;
  const follow = () => {
    if (!following || queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; if (following) showTurn(); });
  };
  window.__aisleTurnEnded = () => {
    const turn = asked;
    follow();
    setTimeout(() => {  // once more after the last render; a newer turn keeps following
      follow();
      if (asked === turn) following = false;
    }, 250);
  };
  const watch = () => {
    const chat = document.getElementById('aisle-chat');
    if (!chat) { setTimeout(watch, 200); return; }
    new MutationObserver(() => {
      const count = chat.querySelectorAll('[data-testid="user"]').length;
      if (count > asked) following = true;
      asked = count;
      follow();
    }).observe(chat, {childList: true, subtree: true, characterData: true});
    for (const kind of ['wheel', 'touchmove', 'keydown']) {
      chat.addEventListener(kind, () => { following = false; }, {passive: true});
    }
  };
  watch();
}
"""

# Run (as an event's ``js``) when a turn has finished streaming.
SHOW_TURN_JS = "() => { if (window.__aisleTurnEnded) window.__aisleTurnEnded(); }"

CSS = """
.aisle-header { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; }
.aisle-header h1 { margin: 0; font-size: 1.5rem; font-weight: 700; }
.aisle-header .aisle-tagline { color: var(--body-text-color-subdued); }
.aisle-status { font-size: 0.85rem; color: var(--body-text-color-subdued); }
.aisle-status p { margin: 0 0 6px; }
.aisle-status b { color: var(--body-text-color); font-weight: 700; }
.aisle-side .aisle-side-title { font-weight: 600; margin: 6px 0 0; }
.aisle-side button { justify-content: flex-start; text-align: left; }
#aisle-bridge { display: none; }

/* A question's options and Confirm / Cancel: compact pills under the reply, not wide tiles. */
#aisle-chat .options { display: flex; flex-wrap: wrap; gap: 8px; justify-content: flex-start;
  margin: 6px 0 0; padding: 0 var(--spacing-xl); }
#aisle-chat .options .option { flex: 0 0 auto; width: auto; min-width: 64px; margin: 0;
  padding: 6px 16px; border-radius: 999px; border: 1px solid var(--color-accent);
  background: var(--background-fill-primary); color: var(--body-text-color); font-weight: 700; }
#aisle-chat .options .option:hover { background: var(--color-accent-soft); }
/* Confirm, the first option right after a confirmation box, is the primary action. This leans
   on Gradio's chat markup (message row, its buttons, then the options); should that change,
   Confirm merely loses its colour. */
#aisle-chat .message-wrap > :has(.aisle-confirm) + * + .options .option:first-child {
  background: var(--button-primary-background-fill); color: var(--button-primary-text-color);
  border-color: var(--button-primary-border-color); }

.aisle-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
  gap: 12px; margin: 10px 0 4px; min-width: min(680px, 62vw); }
.aisle-card { display: flex; flex-direction: column; gap: 5px; padding: 12px;
  border: 1px solid var(--border-color-primary); border-radius: 10px;
  background: var(--background-fill-primary); color: var(--body-text-color); }
.aisle-card-title { font-weight: 700; line-height: 1.3; }
.aisle-card-meta { font-size: 0.8rem; color: var(--body-text-color-subdued); }
.aisle-card-price { font-size: 1.2rem; font-weight: 700; }
.aisle-rating { font-size: 0.85rem; }
.aisle-star { color: #f59e0b; }
.aisle-card .muted, .aisle-sources .muted { color: var(--body-text-color-subdued); }
.aisle-chips { display: flex; flex-wrap: wrap; gap: 4px; }
.aisle-chip { font-size: 0.75rem; padding: 2px 8px; border-radius: 999px;
  background: var(--background-fill-secondary); border: 1px solid var(--border-color-primary); }
.aisle-variant { font-size: 0.8rem; color: var(--body-text-color-subdued); }
.aisle-why { font-size: 0.75rem; font-weight: 600; text-transform: uppercase;
  letter-spacing: 0.04em; color: var(--body-text-color-subdued); margin-top: 2px; }
.aisle-card ul.aisle-reasons { margin: 0; padding-left: 1.1em; font-size: 0.85rem;
  line-height: 1.35; }
.aisle-card ul.aisle-reasons li { margin: 1px 0; }
.aisle-thumbs { display: flex; gap: 6px; margin-top: auto; padding-top: 6px; }
.aisle-thumb { flex: 1; font-size: 0.78rem; padding: 3px 6px; white-space: nowrap;
  border-radius: 6px; cursor: pointer; border: 1px solid var(--border-color-primary);
  background: var(--background-fill-secondary); color: var(--body-text-color); }
.aisle-thumb:hover { border-color: var(--color-accent); }
.aisle-thumb.aisle-on.aisle-up { background: #dcfce7; border-color: #16a34a; color: #14532d; }
.aisle-thumb.aisle-on.aisle-down { background: #fee2e2; border-color: #dc2626; color: #7f1d1d; }

/* A card's option pickers and "Add to cart"; the cart panel beside the chat. */
.aisle-buy { display: flex; flex-direction: column; gap: 6px; margin-top: 6px; padding-top: 8px;
  border-top: 1px dashed var(--border-color-primary); }
.aisle-picker { display: flex; flex-direction: column; gap: 3px; }
.aisle-picker-name { font-size: 0.78rem; font-weight: 600; color: var(--body-text-color-subdued); }
.aisle-picks { display: flex; flex-wrap: wrap; gap: 4px; }
.aisle-pick { min-width: 36px; font-size: 0.8rem; padding: 3px 8px; border-radius: 6px;
  cursor: pointer; border: 1px solid var(--border-color-primary);
  background: var(--background-fill-primary); color: var(--body-text-color); }
.aisle-pick:hover { border-color: var(--color-accent); }
.aisle-pick.aisle-on { background: var(--button-primary-background-fill);
  border-color: var(--button-primary-border-color); color: var(--button-primary-text-color);
  font-weight: 700; }
.aisle-fixed { font-size: 0.78rem; color: var(--body-text-color-subdued); }
#aisle-chat .aisle-card .aisle-add { padding: 6px 10px; border-radius: 6px; cursor: pointer;
  font-weight: 700;
  border: 1px solid var(--button-primary-border-color);
  background: var(--button-primary-background-fill); color: var(--button-primary-text-color); }
#aisle-chat .aisle-card .aisle-add:hover {
  background: var(--button-primary-background-fill-hover); }
.aisle-soldout { font-size: 0.8rem; font-weight: 600; color: #b91c1c; }
.aisle-cart ul.aisle-cart-lines { list-style: none; margin: 0; padding: 0; }
.aisle-cart-line { display: flex; flex-direction: column; gap: 2px; padding: 6px 0;
  border-bottom: 1px solid var(--border-color-primary); font-size: 0.85rem; }
.aisle-cart-title { font-weight: 600; line-height: 1.25; }
.aisle-cart-options { font-size: 0.78rem; color: var(--body-text-color-subdued); }
.aisle-cart-price, .aisle-cart-total { display: flex; justify-content: space-between; gap: 8px; }
.aisle-cart-total { padding: 8px 0 2px; font-size: 0.95rem; }
.aisle-cart-empty { margin: 0; font-size: 0.85rem; color: var(--body-text-color-subdued); }
#aisle-cart .aisle-remove { align-self: flex-start; font-size: 0.75rem; padding: 1px 8px;
  border-radius: 6px; font-weight: 400;
  cursor: pointer; border: 1px solid var(--border-color-primary);
  background: var(--background-fill-secondary); color: var(--body-text-color); }
#aisle-cart .aisle-remove:hover { border-color: #dc2626; }
.aisle-side #aisle-checkout { justify-content: center; font-weight: 700; font-size: 0.95rem; }

.aisle-compare { overflow-x: auto; margin: 10px 0 4px; min-width: min(680px, 62vw); }
.aisle-compare table { border-collapse: collapse; width: 100%; }
#aisle-chat .aisle-compare th, #aisle-chat .aisle-compare td { font-size: 0.88rem;
  border: 1px solid var(--border-color-primary); padding: 6px 10px; text-align: left;
  vertical-align: top; }
#aisle-chat .aisle-compare thead th { background: var(--background-fill-secondary);
  font-weight: 700; }
#aisle-chat .aisle-compare tbody th { font-weight: 400; color: var(--body-text-color-subdued);
  white-space: nowrap; }

.aisle-confirm { padding: 10px 12px; border-radius: 8px; border: 1px solid #f59e0b;
  background: rgba(245, 158, 11, 0.08); }
.aisle-notice { padding: 10px 12px; border-radius: 8px; border: 1px solid var(--color-accent);
  background: var(--background-fill-secondary); }
.aisle-sources { font-size: 0.85rem; margin-top: 6px; }
.aisle-sources ul { margin: 2px 0 0; padding-left: 1.1em; }
.aisle-details { margin-top: 6px; font-size: 0.85rem; }
.aisle-details summary { cursor: pointer; color: var(--body-text-color-subdued); }
.aisle-details pre { white-space: pre-wrap; font-size: 0.78rem; max-height: 240px;
  overflow: auto; }
"""
