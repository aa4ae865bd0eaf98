// Web chat for troly. Plain JS, no dependencies. Every piece of text from the user or the
// server goes through textContent (never innerHTML), so answers cannot inject markup.
"use strict";

(function () {
  const QUOTE_MAX = 240;
  const STORAGE_KEY = "troly.userId";

  const messages = document.getElementById("messages");
  const form = document.getElementById("composer");
  const input = document.getElementById("question");
  const sendButton = document.getElementById("send");
  const examples = document.getElementById("examples");
  let busy = false;

  // A random id kept in localStorage: the server keys follow-up context by it.
  function userId() {
    let id = null;
    try { id = window.localStorage.getItem(STORAGE_KEY); } catch (e) { /* storage disabled */ }
    if (id && /^[A-Za-z0-9_.:-]{1,64}$/.test(id)) return id;
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      id = window.crypto.randomUUID();
    } else {
      const bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    }
    try { window.localStorage.setItem(STORAGE_KEY, id); } catch (e) { /* keep it in memory */ }
    return id;
  }
  const USER_ID = userId();

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function scrollToEnd() {
    window.requestAnimationFrame(() => {
      const last = messages.lastElementChild;
      if (last) last.scrollIntoView({ block: "end", behavior: "smooth" });
    });
  }

  function shorten(text, max) {
    const clean = String(text || "").replace(/\s+/g, " ").trim();
    if (clean.length <= max) return clean;
    let cut = clean.slice(0, max - 1);
    const space = cut.lastIndexOf(" ");
    if (space > max * 0.6) cut = cut.slice(0, space);  // end on a whole word
    return cut.trimEnd() + "…";
  }

  function addUserMessage(text) {
    const li = el("li", "msg user");
    li.appendChild(el("span", "visually-hidden", "Bạn: "));
    li.appendChild(el("div", "bubble", text));
    messages.appendChild(li);
    scrollToEnd();
  }

  function addLoading() {
    const li = el("li", "msg bot loading");
    li.setAttribute("aria-busy", "true");
    const bubble = el("div", "bubble");
    bubble.appendChild(el("span", "dots"));
    bubble.appendChild(el("span", "loading-text", "Đang tìm câu trả lời…"));
    li.appendChild(bubble);
    messages.appendChild(li);
    scrollToEnd();
    return li;
  }

  function renderCitations(citations) {
    const wrap = el("div", "sources");
    wrap.appendChild(el("p", "sources-title", "Nguồn trích dẫn"));
    const list = el("ol", "citations");
    citations.forEach((c) => {
      const item = el("li", "citation");
      const head = el("div", "citation-head");
      head.appendChild(el("strong", "citation-label", c.label || c.number || "Văn bản"));
      if (c.section) head.appendChild(el("span", "citation-section", " — " + c.section));
      item.appendChild(head);
      if (c.title) item.appendChild(el("div", "citation-title", c.title));
      if (c.quote) item.appendChild(el("blockquote", "citation-quote", "“" + shorten(c.quote, QUOTE_MAX) + "”"));
      // Opens the document at the quoted passage (a same-origin path the API built; never script).
      if (typeof c.url === "string" && c.url.startsWith("/van-ban/")) {
        const link = el("a", "citation-link", "Xem đoạn này trong văn bản");
        link.href = c.url;
        link.target = "_blank";
        link.rel = "noopener";
        item.appendChild(link);
      }
      list.appendChild(item);
    });
    wrap.appendChild(list);
    return wrap;
  }

  function renderButtons(buttons) {
    const bar = el("div", "quick-replies");
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Gợi ý trả lời nhanh");
    buttons.forEach((b) => {
      const btn = el("button", "chip", b.label);
      btn.type = "button";
      btn.addEventListener("click", () => send(b.data, b.label));
      bar.appendChild(btn);
    });
    return bar;
  }

  function addBotMessage(reply) {
    const li = el("li", "msg bot");
    li.dataset.intent = reply.intent || "";
    li.appendChild(el("span", "visually-hidden", "Trợ lý: "));
    const bubble = el("div", "bubble");
    bubble.appendChild(el("div", "answer", reply.text));
    if (Array.isArray(reply.citations) && reply.citations.length) bubble.appendChild(renderCitations(reply.citations));
    if (Array.isArray(reply.buttons) && reply.buttons.length) bubble.appendChild(renderButtons(reply.buttons));
    li.appendChild(bubble);
    messages.appendChild(li);
    scrollToEnd();
  }

  // A bot bubble that grows while the answer is being written (LLM streaming).
  function addLiveMessage() {
    const li = el("li", "msg bot live");
    li.appendChild(el("span", "visually-hidden", "Trợ lý: "));
    const bubble = el("div", "bubble");
    const answer = el("div", "answer", "");
    bubble.appendChild(answer);
    li.appendChild(bubble);
    messages.appendChild(li);
    return { li: li, append: (piece) => { answer.textContent += piece; scrollToEnd(); } };
  }

  // Read NDJSON lines: {"delta": "..."} while the answer is written, then {"reply": {...}}.
  async function readAnswer(response, loading) {
    let live = null;
    let reply = null;
    const handle = (line) => {
      if (!line.trim()) return;
      const item = JSON.parse(line);
      if (typeof item.delta === "string") {
        if (!live) { loading.remove(); live = addLiveMessage(); }
        live.append(item.delta);
      } else if (item.reply) {
        reply = item.reply;
      }
    };
    if (response.body && response.body.getReader) {
      const reader = response.body.getReader();
      const decoder = new TextDecoder("utf-8");
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n")) >= 0) {
          handle(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 1);
        }
      }
      handle(buffer + decoder.decode());
    } else {
      (await response.text()).split("\n").forEach(handle);
    }
    loading.remove();
    if (live) live.li.remove();  // the checked answer, with citations, replaces the draft
    if (!reply) throw new Error("no reply in the stream");
    addBotMessage(reply);
  }

  function addError(text) {
    const li = el("li", "msg error");
    li.setAttribute("role", "alert");
    li.appendChild(el("div", "bubble", text));
    messages.appendChild(li);
    scrollToEnd();
  }

  async function errorText(response) {
    if (response.status === 422) {
      try {
        const body = await response.json();
        if (typeof body.detail === "string") return body.detail;
      } catch (e) { /* not JSON */ }
      return "Câu hỏi không hợp lệ (có thể quá dài). Vui lòng sửa lại và gửi lại.";
    }
    if (response.status >= 500) return "Máy chủ đang gặp sự cố. Vui lòng thử lại sau ít phút.";
    return "Không gửi được câu hỏi (mã lỗi " + response.status + "). Vui lòng thử lại.";
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    form.setAttribute("aria-busy", value ? "true" : "false");
  }

  // `shown` is what the user sees in their bubble (a button's label); `text` is what is sent.
  async function send(text, shown) {
    const question = String(text || "").trim();
    if (!question || busy) return;
    setBusy(true);
    if (examples) examples.hidden = true;
    addUserMessage(shown || question);
    const loading = addLoading();
    try {
      const response = await fetch("api/chat/stream", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/x-ndjson" },
        body: JSON.stringify({ user_id: USER_ID, text: question }),
      });
      if (!response.ok) {
        loading.remove();
        addError(await errorText(response));
        return;
      }
      await readAnswer(response, loading);
    } catch (e) {
      loading.remove();
      messages.querySelectorAll("li.live").forEach((node) => node.remove());
      addError("Không kết nối được với máy chủ. Vui lòng kiểm tra mạng và thử lại.");
    } finally {
      setBusy(false);
      input.focus();
    }
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 200) + "px";
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim() || busy) return;
    input.value = "";
    autosize();
    send(text);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  input.addEventListener("input", autosize);

  document.querySelectorAll("#examples .chip").forEach((chip) => {
    chip.addEventListener("click", () => send(chip.dataset.question));
  });

  input.focus();
})();
