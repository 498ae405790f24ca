/* Aisle chat widget: a floating shopping assistant for any page, talking to Aisle's bot API.
 *
 * Embed with one tag (the script reads its own data attributes):
 *   <script src="https://aisle.example/widget.js" data-key="aisle_..." data-identity="eyJ..."
 *           data-title="Ask our shop" defer></script>
 * data-api      the Aisle server (default: where the script came from)
 * data-key      an API key (`aisle keys create NAME`); the site's origin must be in
 *               AISLE_CORS_ORIGINS when the page is on another origin
 * data-identity the signed-in shopper, as a short-lived token the site's server signs with
 *               AISLE_IDENTITY_SECRET (a JWT: sub, exp, aud "aisle"); omit for guests, who
 *               can still identify in the chat. Sent as X-Aisle-Identity with every request
 *               and read each time, so the site may replace it (tag.dataset.identity = ...)
 *               when it signs a fresh one.
 *
 * Replies stream as server-sent events: tool steps show as a status line, grounded text as it
 * comes, then the typed reply: product cards with reasons, options as buttons (a confirmation's
 * name the act: "Yes, place order for $68.99"; Confirm/Cancel when it names none), the cart
 * the turn showed or changed (lines, total, the shop's checkout link), sources, and thumbs
 * up/down (stored as feedback events).
 * Everything from the server is inserted as text, never as HTML.
 */
(function () {
  "use strict";
  const tag = document.currentScript;
  const data = (tag && tag.dataset) || {};
  const api = (data.api || (tag && tag.src ? new URL(tag.src, location.href).origin : "")).replace(/\/$/, "");
  const cfg = { api: api, key: data.key || "", title: data.title || "Shop assistant" };
  const identity = () => data.identity || "";
  const storeKey = "aisle-session:" + cfg.api + ":" + subject(identity());
  let sessionId = sessionStorage.getItem(storeKey);
  let busy = false;

  const css = `
  .aisle-launch{position:fixed;right:20px;bottom:20px;z-index:99999;border:0;border-radius:28px;
    padding:14px 20px;background:#1f6feb;color:#fff;font:600 15px system-ui;cursor:pointer;
    box-shadow:0 4px 14px rgba(0,0,0,.25)}
  .aisle-panel{position:fixed;right:20px;bottom:80px;z-index:99999;width:380px;max-width:calc(100vw - 40px);
    height:560px;max-height:calc(100vh - 120px);display:none;flex-direction:column;background:#fff;
    border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);font:14px/1.4 system-ui;color:#1b1f24}
  .aisle-panel.open{display:flex}
  .aisle-head{padding:12px 16px;background:#1f6feb;color:#fff;border-radius:12px 12px 0 0;font-weight:600;
    display:flex;justify-content:space-between;align-items:center}
  .aisle-head button{background:none;border:0;color:#fff;font-size:13px;cursor:pointer}
  .aisle-log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px}
  .aisle-msg{max-width:88%;padding:8px 12px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}
  .aisle-user{align-self:flex-end;background:#1f6feb;color:#fff}
  .aisle-bot{align-self:flex-start;background:#f0f2f5}
  .aisle-error{align-self:flex-start;background:#fde8e8;color:#8a1f1f}
  .aisle-status{font-size:12px;color:#57606a;font-style:italic}
  .aisle-card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:8px;margin-top:6px}
  .aisle-card b{display:block}.aisle-card ul{margin:4px 0 0 16px;padding:0;font-size:12px}
  .aisle-cart{background:#f6f8fa}.aisle-cart .aisle-total{margin-top:4px}.aisle-cart a{color:#1f6feb}
  .aisle-row{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}
  .aisle-row button{border:1px solid #1f6feb;background:#fff;color:#1f6feb;border-radius:14px;
    padding:4px 10px;cursor:pointer;font-size:13px}
  .aisle-row button.aisle-thumb{border-color:#d0d7de;color:#57606a;padding:2px 8px}
  .aisle-row button:disabled{opacity:.5;cursor:default}
  .aisle-src{font-size:12px;color:#57606a;margin-top:4px}
  .aisle-form{display:flex;border-top:1px solid #d0d7de}
  .aisle-form input{flex:1;border:0;padding:12px;font:14px system-ui;outline:none;border-radius:0 0 0 12px}
  .aisle-form button{border:0;background:none;color:#1f6feb;font-weight:600;padding:0 16px;cursor:pointer}`;

  function el(name, cls, text) {
    const node = document.createElement(name);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const style = el("style"); style.textContent = css; document.head.appendChild(style);
  const launch = el("button", "aisle-launch", cfg.title);
  const panel = el("div", "aisle-panel");
  const head = el("div", "aisle-head", cfg.title);
  const reset = el("button", "", "New chat");
  const log = el("div", "aisle-log");
  const form = el("form", "aisle-form");
  const input = el("input"); input.placeholder = "Ask about products or your order…";
  const sendButton = el("button", "", "Send"); sendButton.type = "submit";
  head.appendChild(reset); form.append(input, sendButton); panel.append(head, log, form);
  document.body.append(launch, panel);
  launch.addEventListener("click", () => { panel.classList.toggle("open"); input.focus(); });
  reset.addEventListener("click", () => { sessionId = null; sessionStorage.removeItem(storeKey); log.textContent = ""; });
  form.addEventListener("submit", (e) => { e.preventDefault(); send(input.value); });

  function headers(extra) {
    const h = Object.assign({ "Content-Type": "application/json" }, extra || {});
    if (cfg.key) h["Authorization"] = "Bearer " + cfg.key;
    if (identity()) h["X-Aisle-Identity"] = identity();
    return h;
  }

  // Whose session this tab keeps (guest or a shopper): the token's subject, read without
  // checking the signature (the server checks it); only to keep their sessions apart.
  function subject(token) {
    try {
      const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return String(JSON.parse(atob(part)).sub || "");
    } catch (e) { return ""; }
  }

  async function failure(response) {
    let message = "HTTP " + response.status;
    try { message = (await response.json()).error.message; } catch (e) { /* not JSON */ }
    const err = new Error(message); err.status = response.status; return err;
  }

  async function post(path, body, extra) {
    const response = await fetch(cfg.api + path, { method: "POST", headers: headers(extra), body: JSON.stringify(body) });
    if (!response.ok) throw await failure(response);
    return response;
  }

  async function ensureSession() {
    if (sessionId) return sessionId;
    const response = await post("/api/v1/sessions", {});
    sessionId = (await response.json()).session_id;
    sessionStorage.setItem(storeKey, sessionId);
    return sessionId;
  }

  function scroll() { log.scrollTop = log.scrollHeight; }

  function thumbs(target, feedback, labels) {
    const row = el("div", "aisle-row");
    [[labels[0], "up"], [labels[1], "down"]].forEach(([label, value]) => {
      const b = el("button", "aisle-thumb", label); b.title = "thumbs " + value;
      b.addEventListener("click", async () => {
        row.querySelectorAll("button").forEach((x) => (x.disabled = true));
        try {
          await post("/api/v1/sessions/" + sessionId + "/feedback", Object.assign({ thumbs: value }, feedback));
          b.textContent += " ✓";
        }
        catch (e) { row.append(el("span", "aisle-status", e.message)); }
      });
      row.appendChild(b);
    });
    target.appendChild(row);
  }

  function choices(target, options) {
    const row = el("div", "aisle-row");
    options.forEach(([label, message]) => {
      const b = el("button", "", label);
      b.addEventListener("click", () => { row.querySelectorAll("button").forEach((x) => (x.disabled = true)); send(message); });
      row.appendChild(b);
    });
    target.appendChild(row);
  }

  function money(n) {
    return "$" + n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  // The cart a turn showed or changed: its lines, the total, the shop's checkout link if any.
  function cartBox(target, cart) {
    const box = el("div", "aisle-card aisle-cart");
    if (!cart.lines.length) { box.appendChild(el("span", "", "Your cart is empty.")); target.appendChild(box); return; }
    box.appendChild(el("b", "", "Your cart"));
    const lines = el("ul");
    cart.lines.forEach((l) => {
      const options = Object.values(l.options || {}).filter(Boolean).join(", ");
      lines.appendChild(el("li", "", l.quantity + " × " + l.title + (options ? " (" + options + ")" : "") + ": " + money(l.line_total)));
    });
    box.appendChild(lines);
    box.appendChild(el("b", "aisle-total", "Total (" + cart.count + (cart.count === 1 ? " item" : " items") + "): " + money(cart.total)));
    if (cart.checkout_url && /^https?:\/\//i.test(cart.checkout_url)) {
      const link = el("a", "", "Go to checkout"); link.href = cart.checkout_url; link.target = "_blank"; link.rel = "noopener";
      box.appendChild(link);
    }
    target.appendChild(box);
  }

  function render(bubble, textNode, event) {
    const reply = event.reply;
    textNode.textContent = reply.text;  // the reply's text is authoritative
    // A text that already lists every product (the fact list) keeps its lead-in line only:
    // the cards below say the same, with feedback buttons.
    if (reply.products.length && reply.products.every((p) => reply.text.includes(p.title))) {
      textNode.textContent = reply.text.split("\n")[0];
    }
    reply.products.forEach((p) => {
      const card = el("div", "aisle-card");
      card.appendChild(el("b", "", p.title + " — " + money(p.price)));
      const reasons = el("ul"); p.reasons.slice(0, 3).forEach((r) => reasons.appendChild(el("li", "", r)));
      card.appendChild(reasons);
      thumbs(card, { product_id: p.product_id, turn: event.turn }, ["Like", "Not for me"]);
      bubble.appendChild(card);
    });
    if (reply.cart) cartBox(bubble, reply.cart);
    // A confirmation with options of its own names the act ("Yes, place order for $68.99").
    const asked = reply.question && reply.question.options.length;
    if (asked) choices(bubble, reply.question.options.map((o) => [o, o]));
    else if (reply.confirmation) choices(bubble, [["Confirm", "yes"], ["Cancel", "no"]]);
    if (reply.citations.length) bubble.appendChild(el("div", "aisle-src", "Sources: " + reply.citations.map((c) => c.title).join("; ")));
    thumbs(bubble, { turn: event.turn }, ["Helpful", "Not helpful"]);
  }

  async function stream(bubble, textNode, status, message) {
    const response = await post("/api/v1/sessions/" + sessionId + "/messages", { message: message }, { Accept: "text/event-stream" });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
        const line = block.split("\n").find((l) => l.startsWith("data: "));
        if (!line) continue;
        const event = JSON.parse(line.slice(6));
        if (event.type === "step_started") status.textContent = "Looking up: " + event.tool.replace(/_/g, " ") + "…";
        else if (event.type === "step_finished") status.textContent = event.ok ? "✓ " + event.summary : "… " + event.summary;
        else if (event.type === "text") textNode.textContent += event.text;
        else if (event.type === "reply") { status.remove(); render(bubble, textNode, event); }
        else if (event.error) throw new Error(event.error.message);
        scroll();
      }
    }
  }

  async function send(text) {
    text = (text || "").trim();
    if (!text || busy) return;
    busy = true; input.value = ""; sendButton.disabled = true;
    log.appendChild(el("div", "aisle-msg aisle-user", text));
    const bubble = el("div", "aisle-msg aisle-bot");
    const status = el("div", "aisle-status", "Thinking…");
    const textNode = el("span");
    bubble.append(status, textNode); log.appendChild(bubble); scroll();
    try {
      await ensureSession();
      try { await stream(bubble, textNode, status, text); }
      catch (e) {
        if (e.status !== 404) throw e;
        sessionId = null; await ensureSession();  // the session expired: start a new one
        await stream(bubble, textNode, status, text);
      }
    } catch (e) {
      bubble.className = "aisle-msg aisle-error"; status.remove();
      textNode.textContent = "Sorry, that did not work: " + e.message;
    } finally {
      busy = false; sendButton.disabled = false; scroll(); input.focus();
    }
  }

  window.AisleWidget = { open: () => panel.classList.add("open"), send: send, config: cfg };
})();
