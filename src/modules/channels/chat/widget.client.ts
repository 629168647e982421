/**
 * The embeddable chat widget: one script tag, no framework.
 *
 *   <script src="https://help.example.com/chat/widget.js" data-usher-chat="WIDGET-KEY" async></script>
 *
 * Compiled by the server with esbuild (GET /chat/widget.js). Runs in a shadow
 * root so the host page's CSS and ours never meet. Speaks JSON over a
 * WebSocket to /chat/socket; see docs/channels.md for the protocol.
 */
type ServerEvent =
  | { type: "ready"; agentsOnline: number; history: { author: "fan" | "agent"; text: string; at: string }[] }
  | { type: "ack"; id: string; ticketNumber: number }
  | { type: "message"; author: "agent"; text: string; at: string }
  | { type: "offline" }
  | { type: "error"; code: string; message: string };

const TEXT = {
  en: { title: "Chat with us", placeholder: "Type your message…", send: "Send", offline: "No one is online right now. Leave your e-mail and we will answer there.", email: "Your e-mail", save: "Continue", open: "Chat", sent: "Sent", failed: "Not sent — try again" },
  uk: { title: "Напишіть нам", placeholder: "Ваше повідомлення…", send: "Надіслати", offline: "Зараз ніхто не в мережі. Залиште e-mail — ми відповімо туди.", email: "Ваш e-mail", save: "Далі", open: "Чат", sent: "Надіслано", failed: "Не надіслано — спробуйте ще" },
  es: { title: "Chatea con nosotros", placeholder: "Escribe tu mensaje…", send: "Enviar", offline: "No hay nadie conectado. Déjanos tu e-mail y te responderemos allí.", email: "Tu e-mail", save: "Continuar", open: "Chat", sent: "Enviado", failed: "No enviado — inténtalo de nuevo" },
};

(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  const key = script?.dataset.usherChat;
  if (!script || !key) return;
  const origin = new URL(script.src).origin;
  const lang = (navigator.language || "en").slice(0, 2) as keyof typeof TEXT;
  const t = TEXT[lang] ?? TEXT.en;
  const storeKey = `usher-chat:${key}`;
  const stored = JSON.parse(localStorage.getItem(storeKey) ?? "{}") as { visitorId?: string; email?: string };
  const visitorId = stored.visitorId ?? crypto.randomUUID();
  let email = stored.email;
  const save = () => localStorage.setItem(storeKey, JSON.stringify({ visitorId, email }));
  save();

  const host = document.createElement("div");
  host.id = "usher-chat";
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `<style>
  :host{all:initial;font:14px/1.4 system-ui,sans-serif}
  .b{position:fixed;right:20px;bottom:20px;border:0;border-radius:24px;padding:12px 18px;background:#4c2a85;color:#fff;cursor:pointer;box-shadow:0 2px 8px #0004}
  .p{position:fixed;right:20px;bottom:76px;width:320px;max-height:460px;display:none;flex-direction:column;background:#fff;color:#111;border-radius:10px;box-shadow:0 4px 20px #0005;overflow:hidden}
  .p.o{display:flex}.h{background:#4c2a85;color:#fff;padding:10px 14px;font-weight:600}
  .l{flex:1;overflow:auto;padding:10px;display:flex;flex-direction:column;gap:6px;min-height:160px}
  .m{max-width:80%;padding:6px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}
  .fan{align-self:flex-end;background:#ece6f7}.agent{align-self:flex-start;background:#f1f1f1}.sys{align-self:center;color:#555;font-size:12px;text-align:center}
  form{display:flex;gap:6px;padding:8px;border-top:1px solid #ddd}input{flex:1;padding:8px;border:1px solid #bbb;border-radius:6px;font:inherit}
  button[type=submit]{padding:8px 12px;border:0;border-radius:6px;background:#4c2a85;color:#fff;cursor:pointer}
  </style>
  <button class="b" type="button" aria-expanded="false"></button>
  <div class="p" role="dialog"><div class="h"></div><div class="l" aria-live="polite"></div>
  <form class="e" hidden><input type="email" required autocomplete="email"><button type="submit"></button></form>
  <form class="f"><input required maxlength="5000"><button type="submit"></button></form></div>`;
  const $ = <T extends Element>(s: string) => root.querySelector(s) as T;
  const toggle = $<HTMLButtonElement>(".b");
  const panel = $<HTMLDivElement>(".p");
  const log = $<HTMLDivElement>(".l");
  const form = $<HTMLFormElement>("form.f");
  const input = form.querySelector("input")!;
  const emailForm = $<HTMLFormElement>("form.e");
  const emailInput = emailForm.querySelector("input")!;
  toggle.textContent = t.open;
  $<HTMLDivElement>(".h").textContent = t.title;
  input.placeholder = t.placeholder;
  form.querySelector("button")!.textContent = t.send;
  emailInput.placeholder = t.email;
  emailForm.querySelector("button")!.textContent = t.save;
  toggle.onclick = () => {
    const open = panel.classList.toggle("o");
    toggle.setAttribute("aria-expanded", String(open));
    if (open) input.focus();
  };

  const line = (cls: string, text: string) => {
    const div = document.createElement("div");
    div.className = `m ${cls}`;
    div.textContent = text; // never innerHTML: agents' and fans' text is text
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  };

  let socket: WebSocket | undefined;
  let offline = false;
  let retry = 500;
  const pending = new Map<string, HTMLDivElement>();
  const send = (event: Record<string, unknown>) => socket?.readyState === WebSocket.OPEN && socket.send(JSON.stringify(event));

  function connect() {
    socket = new WebSocket(`${origin.replace(/^http/, "ws")}/chat/socket?key=${encodeURIComponent(key!)}`);
    socket.onopen = () => {
      retry = 500;
      send({ type: "hello", visitorId, locale: navigator.language, email });
    };
    socket.onmessage = (e) => {
      const event = JSON.parse(String(e.data)) as ServerEvent;
      if (event.type === "ready") {
        log.textContent = "";
        for (const m of event.history) line(m.author, m.text);
      } else if (event.type === "offline") {
        offline = true;
        if (!email) {
          line("sys", t.offline);
          emailForm.hidden = false;
        }
      } else if (event.type === "ack") {
        const div = pending.get(event.id);
        if (div) div.title = t.sent;
        pending.delete(event.id);
      } else if (event.type === "message") line("agent", event.text);
      else if (event.type === "error") line("sys", event.message);
    };
    socket.onclose = () => {
      for (const div of pending.values()) div.title = t.failed;
      setTimeout(connect, (retry = Math.min(retry * 2, 15_000)));
    };
  }

  emailForm.onsubmit = (e) => {
    e.preventDefault();
    email = emailInput.value.trim();
    save();
    emailForm.hidden = true;
    send({ type: "email", email });
  };
  form.onsubmit = (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text || (offline && !email)) return;
    const id = crypto.randomUUID();
    pending.set(id, line("fan", text));
    send({ type: "message", id, text });
    input.value = "";
  };

  document.body.appendChild(host);
  connect();
})();
