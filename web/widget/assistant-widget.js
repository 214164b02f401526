/*
 * 海外佈局小幫手 — embeddable chat widget for the overseas-expansion assistant.
 *
 * Embed with one config object and one script tag:
 *   <script>window.assistantWidgetConfig = { server: "https://chat.example.gov.tw" };</script>
 *   <script src="https://chat.example.gov.tw/widget/assistant-widget.js" defer></script>
 * Options: server (Rasa base URL), lang ("zh-TW" | "en"), token (JWT from the host page, when
 * the server requires one), title, storageKey.
 *
 * Talks to the assistant's Socket.IO channel with a small built-in Socket.IO v5 client over a
 * WebSocket (no third-party script), keeps the session and the conversation in localStorage so a
 * page reload continues where the owner left off, and is usable by keyboard and screen reader.
 *
 * Each source is shown once: an answer's text carries "資料來源：<title> <url>" lines for channels
 * without cards; when the answer's source card arrives, those lines are dropped from the text and
 * the card shows each source's title, linked, with the last-checked date.
 */
(function () {
  "use strict";
  if (window.AssistantWidget) return;

  var UI = {
    "zh-TW": {
      title: "海外佈局小幫手", open: "開啟海外佈局小幫手", close: "關閉對話", send: "送出",
      placeholder: "輸入您的問題，例如：賣小家電到日本要什麼認證？", inputLabel: "您的訊息",
      typing: "小幫手輸入中…", suggestions: "建議選項", switchTo: "English", switchLabel: "Switch to English",
      offline: "連線中斷，正在重新連線…", you: "您", bot: "小幫手", source: "資料來源：",
      checked: "最後查核：", volatile: "此規定變動頻繁", welcome: "您好！請問想了解哪個市場的哪些規定？"
    },
    en: {
      title: "Overseas expansion assistant", open: "Open the overseas expansion assistant",
      close: "Close the chat", send: "Send", placeholder: "Ask, e.g. What certification do appliances need for Japan?",
      inputLabel: "Your message", typing: "The assistant is typing…", suggestions: "Suggestions",
      switchTo: "中文", switchLabel: "切換為中文", offline: "Connection lost, reconnecting…", you: "You",
      bot: "Assistant", source: "Source: ", checked: "Last checked: ", volatile: "This rule changes often",
      welcome: "Hello! Which market and which rules would you like to know about?"
    }
  };

  function AssistantWidget(config) {
    this.config = Object.assign({ server: "", lang: "zh-TW", token: null, storageKey: "assistant-widget" }, config || {});
    this.state = this.load();
    this.lang = this.state.lang || (UI[this.config.lang] ? this.config.lang : "zh-TW");
    this.ws = null;
    this.ready = false;
    this.queue = [];
    this.retry = 0;
    this.typingTimer = null;
    this.turn = [];   // the bot's texts since the owner's last message: {message, body}
    this.build();
    this.renderHistory();
    this.connect();
  }

  AssistantWidget.prototype.t = function (key) { return UI[this.lang][key]; };

  // -- storage -----------------------------------------------------------------------------
  AssistantWidget.prototype.load = function () {
    try {
      return JSON.parse(localStorage.getItem(this.config.storageKey)) || { history: [] };
    } catch (e) { return { history: [] }; }
  };
  AssistantWidget.prototype.save = function () {
    this.state.history = this.state.history.slice(-100);
    this.state.lang = this.lang;
    try { localStorage.setItem(this.config.storageKey, JSON.stringify(this.state)); } catch (e) { /* private mode */ }
  };

  // -- DOM ---------------------------------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  AssistantWidget.prototype.build = function () {
    var self = this;
    var root = el("div", { "class": "aw-root", lang: this.lang });
    this.launcher = el("button", { "class": "aw-launcher", type: "button", "aria-expanded": "false",
                                   "aria-controls": "aw-panel" });
    this.launcher.innerHTML = '<span aria-hidden="true">💬</span>';
    this.panel = el("section", { "class": "aw-panel", id: "aw-panel", role: "dialog",
                                 "aria-labelledby": "aw-title", hidden: "" });
    var header = el("header", { "class": "aw-header" });
    this.titleNode = el("h2", { id: "aw-title", "class": "aw-title" });
    this.langButton = el("button", { type: "button", "class": "aw-lang" });
    this.closeButton = el("button", { type: "button", "class": "aw-close" });
    this.closeButton.innerHTML = '<span aria-hidden="true">×</span>';
    header.append(this.titleNode, this.langButton, this.closeButton);
    this.status = el("p", { "class": "aw-status", role: "status", "aria-live": "polite" });
    this.log = el("ol", { "class": "aw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });
    this.typing = el("p", { "class": "aw-typing", "aria-live": "polite", hidden: "" });
    this.replies = el("div", { "class": "aw-replies", role: "group" });
    var form = el("form", { "class": "aw-form" });
    this.inputLabel = el("label", { "for": "aw-input", "class": "aw-visually-hidden" });
    this.input = el("input", { id: "aw-input", type: "text", autocomplete: "off", maxlength: "1000" });
    this.sendButton = el("button", { type: "submit", "class": "aw-send" });
    form.append(this.inputLabel, this.input, this.sendButton);
    this.panel.append(header, this.status, this.log, this.typing, this.replies, form);
    root.append(this.panel, this.launcher);
    document.body.appendChild(root);
    this.root = root;
    this.applyLanguage();

    this.launcher.addEventListener("click", function () { self.toggle(); });
    this.closeButton.addEventListener("click", function () { self.toggle(false); });
    this.langButton.addEventListener("click", function () { self.switchLanguage(); });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && !self.panel.hidden) self.toggle(false);
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = self.input.value.trim();
      if (!text) return;
      self.input.value = "";
      self.send(text, text);
    });
    if (this.state.open) this.toggle(true, true);
  };

  AssistantWidget.prototype.applyLanguage = function () {
    this.root.setAttribute("lang", this.lang);
    this.titleNode.textContent = this.config.title || this.t("title");
    this.launcher.setAttribute("aria-label", this.t("open"));
    this.closeButton.setAttribute("aria-label", this.t("close"));
    this.langButton.textContent = this.t("switchTo");
    this.langButton.setAttribute("aria-label", this.t("switchLabel"));
    this.input.setAttribute("placeholder", this.t("placeholder"));
    this.inputLabel.textContent = this.t("inputLabel");
    this.sendButton.textContent = this.t("send");
    this.typing.textContent = this.t("typing");
    this.replies.setAttribute("aria-label", this.t("suggestions"));
  };

  AssistantWidget.prototype.toggle = function (open, quiet) {
    open = open === undefined ? this.panel.hidden : open;
    this.panel.hidden = !open;
    this.launcher.setAttribute("aria-expanded", String(open));
    this.state.open = open;
    this.save();
    if (open) {
      if (!this.state.history.length) this.addMessage({ from: "bot", text: this.t("welcome") }, true);
      if (!quiet) this.input.focus();
      this.scroll();
    } else if (!quiet) {
      this.launcher.focus();
    }
  };

  AssistantWidget.prototype.switchLanguage = function () {
    this.lang = this.lang === "en" ? "zh-TW" : "en";
    this.applyLanguage();
    this.save();
    this.send('/switch_language{"language":"' + this.lang + '"}', null);
  };

  // -- messages ----------------------------------------------------------------------------
  function linkify(container, text) {
    var pattern = /(https?:\/\/[^\s<>"'）)，。、]+)/g, last = 0, match;
    while ((match = pattern.exec(text))) {
      container.appendChild(document.createTextNode(text.slice(last, match.index)));
      var a = el("a", { href: match[1], target: "_blank", rel: "noopener noreferrer" }, match[1]);
      container.appendChild(a);
      last = match.index + match[1].length;
    }
    container.appendChild(document.createTextNode(text.slice(last)));
  }

  function isWebLink(url) {
    return typeof url === "string" && /^https?:\/\/\S+$/.test(url);
  }

  // The card's sources that it shows as links (and so are dropped from the answer's text).
  function linkedSources(card) {
    if (!card || card.kind !== "market_answer" || !Array.isArray(card.sources)) return [];
    return card.sources.filter(function (s) { return s && isWebLink(s.url); });
  }

  // Whether `line` is the text's line for `source`: "<label> <title> <url>", the URL a token of
  // its own at the end, the title (when the source has one) right before it. Same rule as the
  // LINE channel (services/line_gateway/translate.py: is_source_line).
  function isSourceLine(line, source) {
    var url = source.url, stripped = line.trim();
    if (!url || stripped.slice(-url.length) !== url) return false;
    var before = stripped.slice(0, stripped.length - url.length);
    if (before && !/[\s:：]$/.test(before)) return false;
    var title = String(source.title || "").trim();
    if (!title) return true;
    before = before.replace(/[\s:：]+$/, "");
    return before.slice(-title.length) === title;
  }

  function withoutSourceLines(text, sources) {
    if (!text || !sources.length) return text;
    var lines = text.split("\n");
    var kept = lines.filter(function (line) {
      return !sources.some(function (s) { return isSourceLine(line, s); });
    });
    if (kept.length === lines.length) return text;
    return kept.join("\n").replace(/\n{3,}/g, "\n\n").trim();
  }

  AssistantWidget.prototype.addMessage = function (message, store) {
    var item = el("li", { "class": "aw-msg aw-" + message.from });
    var who = el("span", { "class": "aw-visually-hidden" }, (message.from === "user" ? this.t("you") : this.t("bot")) + ": ");
    item.appendChild(who);
    if (message.text) {
      var body = el("div", { "class": "aw-text" });
      linkify(body, message.text);
      item.appendChild(body);
      if (message.from === "bot") this.turn.push({ message: message, body: body });
    }
    if (message.from === "user") this.turn = [];
    if (message.card) item.appendChild(this.renderCard(message.card));
    this.log.appendChild(item);
    if (store) { this.state.history.push(message); this.save(); }
    this.scroll();
  };

  // A source card has arrived: the texts of this answer lose their lines for its sources.
  AssistantWidget.prototype.dropSourceLines = function (card) {
    var sources = linkedSources(card), changed = false;
    if (!sources.length) return;
    this.turn.forEach(function (shown) {
      var text = withoutSourceLines(shown.message.text, sources);
      if (text === shown.message.text) return;
      shown.message.text = text;
      shown.body.textContent = "";
      if (text) linkify(shown.body, text);
      else shown.body.remove();
      changed = true;
    });
    if (changed) this.save();
  };

  AssistantWidget.prototype.renderCard = function (card) {
    var box = el("div", { "class": "aw-card" });
    if (card.kind === "market_answer") {
      (card.sources || []).forEach(function (source) {
        if (!source) return;
        var line = el("p", { "class": "aw-card-source" });
        line.appendChild(document.createTextNode(this.t("source")));
        var title = source.title || source.url || "";
        if (isWebLink(source.url)) {
          line.appendChild(el("a", { href: source.url, target: "_blank", rel: "noopener noreferrer" }, title));
        } else {
          line.appendChild(document.createTextNode(title));
        }
        box.appendChild(line);
      }, this);
      if (card.checked) box.appendChild(el("p", { "class": "aw-card-checked" }, this.t("checked") + card.checked));
      if (card.volatile) box.appendChild(el("p", { "class": "aw-card-volatile" }, "⚠ " + this.t("volatile")));
    }
    return box;
  };

  AssistantWidget.prototype.showReplies = function (replies) {
    var self = this;
    this.replies.textContent = "";
    (replies || []).forEach(function (reply) {
      var button = el("button", { type: "button", "class": "aw-reply" }, reply.title);
      button.addEventListener("click", function () {
        self.send(reply.payload, reply.title);
        self.input.focus();
      });
      self.replies.appendChild(button);
    });
    this.state.replies = replies || [];
    this.save();
  };

  AssistantWidget.prototype.renderHistory = function () {
    var self = this;
    this.state.history.forEach(function (m) { self.addMessage(m, false); });
    this.showReplies(this.state.replies);
  };

  AssistantWidget.prototype.scroll = function () { this.log.scrollTop = this.log.scrollHeight; };

  AssistantWidget.prototype.setTyping = function (on) {
    clearTimeout(this.typingTimer);
    this.typing.hidden = !on;
    var self = this;
    if (on) this.typingTimer = setTimeout(function () { self.typing.hidden = true; }, 30000);
  };

  AssistantWidget.prototype.send = function (payload, shown) {
    this.turn = [];
    if (shown) this.addMessage({ from: "user", text: shown }, true);
    this.showReplies([]);
    this.setTyping(true);
    this.emit("user_uttered", { message: payload, session_id: this.state.session });
  };

  AssistantWidget.prototype.onBotMessage = function (data) {
    var self = this;
    if (!data) return;
    if (data.custom) this.dropSourceLines(data.custom);
    var text = data.custom ? withoutSourceLines(data.text || "", linkedSources(data.custom)) : data.text;
    if (text || data.custom) {
      this.addMessage({ from: "bot", text: text || "", card: data.custom || null }, true);
    }
    var replies = (data.quick_replies || data.buttons || []).map(function (r) {
      return { title: r.title, payload: r.payload };
    });
    if (replies.length) this.showReplies(replies);
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(function () { self.typing.hidden = true; }, 700);
  };

  // -- Socket.IO v5 over Engine.IO v4, WebSocket transport only ----------------------------
  AssistantWidget.prototype.connect = function () {
    var self = this;
    var base = (this.config.server || window.location.origin).replace(/\/$/, "").replace(/^http/, "ws");
    var ws = new WebSocket(base + "/socket.io/?EIO=4&transport=websocket");
    this.ws = ws;
    ws.onmessage = function (event) { self.onFrame(String(event.data)); };
    ws.onclose = function () {
      self.ready = false;
      self.status.textContent = self.t("offline");
      var delay = Math.min(30000, 1000 * Math.pow(2, self.retry++));
      setTimeout(function () { self.connect(); }, delay);
    };
  };

  AssistantWidget.prototype.onFrame = function (frame) {
    var type = frame.charAt(0);
    if (type === "0") {            // engine.io open: connect to the default namespace
      this.ws.send("40" + (this.config.token ? JSON.stringify({ token: this.config.token }) : ""));
    } else if (type === "2") {     // ping
      this.ws.send("3");
    } else if (frame.indexOf("40") === 0) {
      this.retry = 0;
      this.status.textContent = "";
      this.ws.send("42" + JSON.stringify(["session_request", { session_id: this.state.session || null }]));
    } else if (frame.indexOf("42") === 0) {
      var packet = JSON.parse(frame.slice(2));
      if (packet[0] === "session_confirm") {
        this.state.session = packet[1];
        this.save();
        this.ready = true;
        while (this.queue.length) this.ws.send(this.queue.shift());
      } else if (packet[0] === "bot_uttered") {
        this.onBotMessage(packet[1]);
      }
    } else if (frame.indexOf("44") === 0) {
      this.status.textContent = this.t("offline");
    }
  };

  AssistantWidget.prototype.emit = function (event, data) {
    var frame = "42" + JSON.stringify([event, data]);
    if (this.ready && this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
    else this.queue.push(frame);
  };

  window.AssistantWidget = AssistantWidget;
  function start() {
    injectStyles();
    window.assistantWidget = new AssistantWidget(window.assistantWidgetConfig);
  }

  function injectStyles() {
    if (document.getElementById("aw-styles")) return;
    var style = el("style", { id: "aw-styles" });
    style.textContent = [
      ".aw-root{position:fixed;right:20px;bottom:20px;z-index:2147483000;font-family:system-ui,'Noto Sans TC','PingFang TC','Microsoft JhengHei',sans-serif;font-size:15px}",
      ".aw-launcher{width:56px;height:56px;border-radius:50%;border:0;background:#0b5cad;color:#fff;font-size:26px;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}",
      ".aw-launcher:focus-visible,.aw-panel button:focus-visible,.aw-panel input:focus-visible,.aw-log:focus-visible{outline:3px solid #f5a623;outline-offset:2px}",
      ".aw-panel{position:absolute;right:0;bottom:70px;width:370px;max-width:calc(100vw - 24px);height:560px;max-height:calc(100vh - 100px);display:flex;flex-direction:column;background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);overflow:hidden}",
      ".aw-panel[hidden]{display:none}",
      ".aw-header{display:flex;align-items:center;gap:8px;padding:10px 12px;background:#0b5cad;color:#fff}",
      ".aw-title{flex:1;margin:0;font-size:16px}",
      ".aw-lang,.aw-close{background:transparent;color:#fff;border:1px solid rgba(255,255,255,.6);border-radius:6px;padding:4px 8px;cursor:pointer}",
      ".aw-close{font-size:18px;line-height:1}",
      ".aw-status{margin:0;padding:0 12px;color:#b3261e;font-size:13px}",
      ".aw-log{flex:1;margin:0;padding:12px;list-style:none;overflow-y:auto;background:#f6f8fb}",
      ".aw-msg{margin:0 0 10px;display:flex;flex-direction:column}",
      ".aw-text{white-space:pre-wrap;word-break:break-word;padding:8px 11px;border-radius:10px;max-width:88%;line-height:1.5}",
      ".aw-bot .aw-text{background:#fff;border:1px solid #dde3ea;align-self:flex-start}",
      ".aw-user .aw-text{background:#0b5cad;color:#fff;align-self:flex-end}",
      ".aw-text a{color:inherit;text-decoration:underline}",
      ".aw-card{align-self:flex-start;max-width:88%;margin-top:6px;padding:8px 11px;border-left:4px solid #0b5cad;background:#eef4fb;border-radius:6px;font-size:13px}",
      ".aw-card p{margin:2px 0}.aw-card-volatile{color:#8a4b00}",
      ".aw-typing{margin:0;padding:4px 12px;color:#5f6b7a;font-size:13px}",
      ".aw-replies{display:flex;flex-wrap:wrap;gap:6px;padding:6px 12px}",
      ".aw-replies:empty{display:none}",
      ".aw-reply{border:1px solid #0b5cad;color:#0b5cad;background:#fff;border-radius:16px;padding:5px 11px;cursor:pointer;font-size:14px}",
      ".aw-form{display:flex;gap:6px;padding:10px;border-top:1px solid #dde3ea}",
      ".aw-form input{flex:1;min-width:0;padding:9px 10px;border:1px solid #b8c2cc;border-radius:8px;font-size:15px}",
      ".aw-send{padding:0 14px;border:0;border-radius:8px;background:#0b5cad;color:#fff;cursor:pointer}",
      ".aw-visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
      "@media (max-width:480px){.aw-root{right:12px;bottom:12px}.aw-panel{position:fixed;inset:0;width:100vw;max-width:none;height:100%;max-height:none;border-radius:0}}"
    ].join("\n");
    document.head.appendChild(style);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
