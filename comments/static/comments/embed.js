/*! Threadkeeper widget: thread, counts, form; editor.js loads on first use. Terse on purpose:
 * 10 KB gzipped with embed.css (tests/comments/test_widget_serving.py). See docs/widget.md. */
(() => {
  "use strict";
  if (window.Threadkeeper) return;

  const VERSION = "2"; // in chunk URLs: a cached embed.js gets its own editor
  const SCRIPT = document.currentScript || document.querySelector('script[src*="comments/embed.js"]');
  const attr = (name) => SCRIPT && SCRIPT.getAttribute(name);
  const API = (attr("data-api") || (SCRIPT ? new URL(SCRIPT.src, location.href).origin : ""))
    .replace(/\/+$/, "");
  const here = (name) => SCRIPT && SCRIPT.src ? new URL(name, SCRIPT.src).href
    : API + "/static/comments/" + name;
  const NONCE = (SCRIPT && SCRIPT.nonce) || null;
  const CSS = attr("data-css");
  const OWN_KEY = "tk-comments:own";

  const STRINGS = {
    locale: "en",
    heading_one: "{n} comment",
    heading_other: "{n} comments",
    heading_none: "Comments",
    count_one: "{n} comment",
    count_other: "{n} comments",
    empty: "No comments yet. Be the first!",
    loading: "Loading comments…",
    load_error: "Could not load the comments.",
    not_found: "Comments are not available for this page.",
    closed: "Comments are closed on this post.",
    load_more: "Load more comments",
    loading_more: "Loading…",
    loaded_more_one: "{n} more comment loaded.",
    loaded_more_other: "{n} more comments loaded.",
    retry: "Retry",
    form_title: "Leave a comment",
    name: "Name",
    email: "E-mail",
    email_note: "Never shown.",
    website: "Website",
    optional: "(optional)",
    body: "Comment",
    body_hint: "Markdown: **bold**, _italic_, `code`, [link](https://…), > quote. Leave a blank line between paragraphs.",
    remember: "Remember me in this browser",
    notify: "Tell me by mail when someone replies (you confirm your address first)",
    honeypot: "Leave this field empty",
    preview: "Preview",
    submit: "Post comment",
    reply: "Reply",
    edited: "edited",
    anonymous: "Anonymous",
    just_now: "just now",
    permalink: "Link to this comment",
    err_network: "Could not reach the comment server.",
    err_editor: "Could not load the comment form.",
  };

  const I18N = (window.ThreadkeeperI18n = window.ThreadkeeperI18n || {});
  let S = STRINGS;
  let plural = null;
  let relFmt = null;

  function t(key, vars) {
    const s = String(S[key] != null ? S[key] : STRINGS[key] != null ? STRINGS[key] : key);
    return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m)) : s;
  }

  function tn(key, n, vars) {
    let form = n === 1 ? "one" : "other";
    try { form = plural.select(n); } catch (e) { /* the simple rule */ }
    const k = key + "_" + form;
    let shown = n;
    try { shown = n.toLocaleString(S.locale); } catch (e) { /* plain number */ }
    return t(S[k] != null || STRINGS[k] != null ? k : key + "_other", Object.assign({ n: shown }, vars));
  }

  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(typeof attrs === "string" ? { class: attrs } : attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    }
    el.append(...kids.flat().filter((k) => k != null && k !== false));
    return el;
  }

  const btn = (cls, label, onclick, more) => h("button", Object.assign({ type: "button", class: cls, onclick }, more), label);
  const statusEl = () => h("div", { class: "tk-status", role: "status", "aria-live": "polite", tabindex: "-1" });
  const emit = (el, name, detail) => el.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
  let uidCounter = 0;
  const uid = () => "tk" + (++uidCounter);

  const store = {
    get(key, fallback) { try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; } },
    set(key, value) { try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* */ } },
    del(key) { try { localStorage.removeItem(key); } catch (e) { /* */ } },
  };

  function safeUrl(u) {
    try {
      const url = new URL(u, API || location.href);
      return u && /^https?:$/.test(url.protocol) ? url.href : null;
    } catch (e) { return null; }
  }

  const UNITS = [["minute", 60, 2700], ["hour", 3600, 79200], ["day", 86400, 2246400],
    ["month", 2592000, 28512000], ["year", 31536000, Infinity]];

  function relativeTime(iso) {
    const sec = (Date.parse(iso) - Date.now()) / 1000;
    if (isNaN(sec)) return "";
    if (Math.abs(sec) < 45) return t("just_now");
    const [unit, size] = UNITS.find((u) => Math.abs(sec) < u[2]);
    try { return relFmt.format(Math.round(sec / size), unit); } catch (e) { return exactTime(iso); }
  }

  function exactTime(iso) {
    const d = new Date(iso);
    try { return d.toLocaleString(S.locale, { dateStyle: "long", timeStyle: "short" }); } catch (e) { return d.toLocaleString(); }
  }

  async function api(method, path, opts) {
    opts = opts || {};
    const headers = { Accept: "application/json" };
    if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    if (opts.token) headers["X-Edit-Token"] = opts.token;
    let res;
    let data = null;
    try {
      res = await fetch(/^https?:/.test(path) ? path : API + path, { method, mode: "cors",
        credentials: "omit", cache: "no-store", headers, body: opts.body && JSON.stringify(opts.body) });
    } catch (e) {
      return { ok: false, status: 0, network: true, data, headers: null };
    }
    try { data = JSON.parse(await res.text()); } catch (e) { /* a proxy's HTML or empty page */ }
    return { ok: res.ok, status: res.status, data, headers: res.headers, network: false };
  }

  async function fillCounts() {
    const els = Array.from(document.querySelectorAll("[data-comment-count]"));
    const slugs = Array.from(new Set(els.map((el) => el.getAttribute("data-comment-count")).filter(Boolean)));
    if (!slugs.length) return;
    const counts = {};
    for (let i = 0; i < slugs.length; i += 100) {
      const r = await api("GET", "/api/v1/counts/?" + new URLSearchParams(slugs.slice(i, i + 100).map((s) => ["post", s])));
      if (r.ok && r.data) Object.assign(counts, r.data);
    }
    for (const el of els) setCount(el, counts[el.getAttribute("data-comment-count")]);
    emit(document, "tk:counts", counts);
  }

  function setCount(el, n) {
    if (typeof n !== "number") return;
    el.textContent = tn("count", n);
    el.setAttribute("data-tk-count", n);
  }

  const ownHere = (slug) => [].concat(store.get(OWN_KEY, [])).filter((e) => e && e.post === slug && e.api === API);

  function loadCss(name) {
    return new Promise((resolve) => {
      const href = CSS || here(name);
      if (CSS === "none" || (CSS && name !== "embed.css") ||
          Array.from(document.querySelectorAll('link[rel="stylesheet"]')).some((l) => l.href === href)) {
        return resolve();
      }
      setTimeout(resolve, 3000);
      document.head.append(h("link", { rel: "stylesheet", href, nonce: NONCE, onload: resolve, onerror: resolve }));
    });
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const el = h("script", { src, async: true, nonce: NONCE, onload: resolve,
        onerror: () => { el.remove(); reject(new Error(src)); } });
      document.head.append(el);
    });
  }

  let editorP = null;
  let ED = null;

  function editor() {
    editorP = editorP || Promise.all([loadScript(here("editor.js?v=" + VERSION)), loadCss("editor.css?v=" + VERSION)])
      .then(() => (ED = ED || window.ThreadkeeperEditor(KIT)))
      .catch((e) => { editorP = null; throw e; });
    return editorP;
  }

  function setStatus(box, msg, isError, retry) {
    box.status.classList.toggle("tk-is-error", !!isError);
    box.status.replaceChildren(...(msg ? [h("span", null, msg)] : []),
      ...(retry ? [" ", btn("tk-btn", t("retry"), retry)] : []));
  }

  // No dead button: a failed load says so, with Retry.
  function withEditor(box, job) {
    editor().then((E) => {
      if (box.chunkError) setStatus(box, "");
      box.chunkError = false;
      if (job) job(E);
    }, () => {
      box.chunkError = true;
      setStatus(box, t("err_editor"), true, () => withEditor(box, job));
    });
  }

  function slotBox(rec) {
    if (!rec.box) rec.slot.append((rec.box = { status: statusEl(), fields: {} }).status);
    return rec.box;
  }

  function field(f, key, control, label, hint, optional) {
    const id = (control.id = f.id + "-" + key);
    control.name = key;
    const hintId = hint && id + "-hint";
    if (hint) control.setAttribute("aria-describedby", hintId);
    f.fields[key] = { control, hintId };
    return h("div", "tk-field tk-field-" + key,
      h("label", { for: id }, label, optional && h("span", "tk-opt", " " + t("optional"))), control,
      hint && h("p", { class: "tk-hint", id: hintId }, hint));
  }

  function mountThread(root) {
    const slug = root.getAttribute("data-post");
    const enc = encodeURIComponent(slug);
    const st = { nodes: new Map(), own: new Map(), limits: {} };

    const serverThread = root.children.length > 0;
    root.classList.add("tk-root");
    root.setAttribute("data-tk-state", "loading");
    if (!serverThread) root.setAttribute("aria-busy", "true");

    const headingId = uid();
    const heading = h("h2", { class: "tk-heading", id: headingId }, t("heading_none"));
    const notice = h("div", { class: "tk-notice", role: "status", "aria-live": "polite" }, t("loading"));
    const live = h("div", { class: "tk-vh", "aria-live": "polite" });
    const formSlot = h("div", "tk-new");
    const list = h("ol", "tk-thread");
    const moreBox = h("div", "tk-more-box");
    const section = h("section", { class: "tk-section", "aria-labelledby": headingId },
      heading, notice, formSlot, list, moreBox, live);
    if (!serverThread) root.replaceChildren(section);

    const T = { st, root, slug, enc, heading, announce, setHeading, addOwnItem, showEmpty,
      fillRecord, drawActions, refreshToken, makeForm, bodyFieldFor };

    function mount() {
      if (section.parentNode === root) return;
      heading.after(notice);
      root.replaceChildren(section);
      const target = /^#tk-comment-\d+$/.test(location.hash) && document.getElementById(location.hash.slice(1));
      if (target && serverThread) target.scrollIntoView();
    }

    function announce(msg) {
      live.textContent = "";
      setTimeout(() => { live.textContent = msg; }, 50);
    }

    function setHeading() {
      heading.textContent = st.count == null ? t("heading_none") : tn("heading", st.count);
    }

    async function getToken() {
      const r = await api("GET", "/api/v1/form-token/");
      return r.ok && r.data && r.data.form_token ? r.data : null;
    }

    async function refreshToken() {
      const d = await getToken();
      if (d) Object.assign(st, { token: d.form_token, tokenAt: Date.now(), limits: d.limits || st.limits });
    }

    // Tokens live 3 s to a day: renew after 3 hours, use once a minute old.
    async function renewToken() {
      const fresh = st.fresh;
      if (fresh && fresh.token && Date.now() - fresh.at > 60e3) {
        Object.assign(st, { token: fresh.token, tokenAt: fresh.at, fresh: null });
      } else if (!fresh && st.tokenAt && Date.now() - st.tokenAt > 3 * 3600e3) {
        st.fresh = { at: Date.now() };
        const d = await getToken();
        st.fresh = d && { token: d.form_token, at: Date.now() };
      }
    }

    async function load() {
      root.setAttribute("data-tk-state", "loading");
      notice.replaceChildren(t("loading"));
      const [post, page, , own] = await Promise.all([api("GET", "/api/v1/posts/" + enc + "/"),
        api("GET", "/api/v1/posts/" + enc + "/comments/?page_size=50"), refreshToken(),
        ownHere(slug).length ? editor().then((E) => E.loadOwn(T), () => []) : []]);
      if (page.network || post.network) return failed(t("err_network"));
      if (page.status === 404 || post.status === 404) return failed(t("not_found"), true);
      if (page.status === 403) {
        notice.replaceChildren(t("closed"));
        return ready();
      }
      if (!page.ok || !page.data) return failed(t("load_error"));
      const p = post.ok && post.data;
      st.count = p && typeof p.comment_count === "number" ? p.comment_count : null;
      st.open = !p || (p.comments_open !== false && p.comments_enabled !== false);
      setHeading();
      notice.replaceChildren(st.open ? "" : t("closed"));
      if (st.open) formSlot.replaceChildren(makeForm().form);
      addServerItems(page.data.results || []);
      own.forEach(addOwnItem);
      setNext(page.data.next);
      showEmpty();
      ready();
    }

    function ready() {
      mount();
      root.setAttribute("data-tk-state", "ready");
      root.removeAttribute("aria-busy");
      emit(root, "tk:ready", { post: slug, count: st.count });
    }

    function failed(msg, final) {
      root.setAttribute("data-tk-state", "error");
      root.removeAttribute("aria-busy");
      notice.replaceChildren(h("span", "tk-error", msg), " ", final ? "" : btn("tk-btn", t("retry"), load));
      if (section.parentNode !== root) root.append(notice);
      emit(root, "tk:error", { post: slug, message: msg });
    }

    function showEmpty() {
      const empty = !list.children.length;
      section.classList.toggle("tk-is-empty", empty);
      if (empty && st.open && !notice.textContent) notice.textContent = t("empty");
      else if (!empty && notice.textContent === t("empty")) notice.textContent = "";
    }

    function setNext(next) {
      st.next = next || null;
      moreBox.replaceChildren();
      if (st.next) {
        const more = btn("tk-btn tk-more", t("load_more"), () => loadMore(more));
        moreBox.append(more);
      }
    }

    async function loadMore(more) {
      more.disabled = true;
      more.textContent = t("loading_more");
      const r = await api("GET", "/api/v1/posts/" + enc + "/comments/" + new URL(st.next, API || location.href).search);
      more.disabled = false;
      more.textContent = t("load_more");
      if (!r.ok || !r.data) {
        return moreBox.replaceChildren(more, h("span", { class: "tk-error", role: "status" }, " ",
          t(r.network ? "err_network" : "load_error")));
      }
      const items = r.data.results || [];
      addServerItems(items);
      setNext(r.data.next);
      announce(tn("loaded_more", items.length));
      const first = items.length && st.nodes.get(items[0].id);
      if (st.next) moreBox.firstChild.focus();
      else if (first) first.li.focus();
    }

    function makeRecord(item) {
      const rec = { item, depth: 0, avatar: h("div", "tk-avatar-box"), head: h("header", "tk-meta"),
        body: h("div", "tk-body"), actions: h("div", "tk-actions"), slot: h("div", "tk-slot"),
        replies: h("ol", "tk-replies") };
      rec.li = h("li", { class: "tk-comment", id: "tk-comment-" + item.id, "data-comment-id": item.id, tabindex: "-1" },
        h("article", "tk-card", rec.avatar, h("div", "tk-main", rec.head, rec.body, rec.actions, rec.slot)),
        rec.replies);
      st.nodes.set(item.id, rec);
      fillRecord(rec);
      return rec;
    }

    function fillRecord(rec) {
      const c = rec.item;
      const name = (c.author_name || "").trim() || t("anonymous");
      const src = safeUrl(c.avatar_url);
      const url = safeUrl(c.author_url);
      let hue = 0;
      for (const ch of name) hue = (hue * 31 + ch.codePointAt(0)) % 8;
      rec.own = st.own.get(c.id) || null;
      rec.avatar.replaceChildren(src
        ? h("img", { class: "tk-avatar", src, alt: "", loading: "lazy", width: 40, height: 40,
          decoding: "async", referrerpolicy: "no-referrer" })
        : h("span", { class: "tk-avatar tk-initial tk-hue-" + hue, "aria-hidden": "true" },
          (Array.from(name)[0] || "?").toUpperCase()));
      rec.head.replaceChildren(h(url ? "a" : "span",
        url ? { class: "tk-author", href: url, rel: "nofollow ugc noopener", target: "_blank" } : "tk-author", name));
      if (c.created_at) {
        rec.head.append(h("a", { class: "tk-permalink", href: "#tk-comment-" + c.id, title: t("permalink") },
          h("time", { class: "tk-time", datetime: c.created_at, title: exactTime(c.created_at) },
            relativeTime(c.created_at))));
      }
      if (c.edited_at) {
        rec.head.append(h("span", "tk-edited", "· ",
          h("time", { datetime: c.edited_at, title: exactTime(c.edited_at) }, t("edited"))));
      }
      if (ED) ED.mark(rec);
      // The only HTML inserted: sanitized by the server.
      rec.body.innerHTML = typeof c.body_html === "string" ? c.body_html : "";
      drawActions(rec);
    }

    function drawActions(rec) {
      rec.actions.replaceChildren();
      if (st.open && rec.item.status !== "pending") {
        rec.actions.append(btn("tk-link", t("reply"), () => withEditor(slotBox(rec), (E) => E.openReply(T, rec)),
          { "aria-expanded": "false" }));
      }
      if (rec.own) ED.drawOwn(T, rec);
    }

    function listFor(rec) {
      const parent = rec.item.parent != null ? st.nodes.get(rec.item.parent) : null;
      rec.depth = parent ? parent.depth + 1 : 0;
      rec.li.classList.toggle("tk-deep", rec.depth >= 5);
      rec.replies.classList.toggle("tk-flat", rec.depth >= 5);
      rec.li.toggleAttribute("data-tk-orphan", rec.item.parent != null && !parent);
      return parent ? parent.replies : list;
    }

    function place(rec, pick) {
      const target = listFor(rec);
      target.insertBefore(rec.li, Array.from(target.children).find((sib) => sib !== rec.li && pick(sib) &&
        Number(sib.getAttribute("data-comment-id")) > rec.item.id) || null);
    }

    function upsert(item) {
      const rec = st.nodes.get(item.id);
      if (!rec) return makeRecord(item);
      rec.item = Object.assign(rec.item, item);
      fillRecord(rec);
      return rec;
    }

    function addServerItems(items) {
      for (const raw of items) {
        const rec = upsert(Object.assign({}, raw, { status: "approved" }));
        rec.li.removeAttribute("data-tk-local");
        place(rec, (sib) => sib.hasAttribute("data-tk-local"));
      }
      for (const li of list.querySelectorAll(":scope > [data-tk-orphan]")) {
        const rec = st.nodes.get(Number(li.getAttribute("data-comment-id")));
        if (rec && st.nodes.has(rec.item.parent)) place(rec, Boolean);
      }
      showEmpty();
    }

    function addOwnItem(item) {
      if (st.nodes.has(item.id)) return upsert(item);
      const rec = makeRecord(item);
      rec.li.setAttribute("data-tk-local", "");
      place(rec, Boolean);
      showEmpty();
      return rec;
    }

    function makeForm() {
      const f = { id: uid(), fields: {} };
      const remembered = store.get("tk-comments:author", null);
      const saved = remembered || {};
      const input = (key, type, max, more) => h("input", Object.assign({ type, autocomplete: key,
        maxlength: st.limits["author_" + key] > 0 ? st.limits["author_" + key] : max, value: saved[key] }, more));
      const check = (key, on) => h("div", "tk-check",
        f[key] = h("input", { type: "checkbox", id: f.id + "-" + key, checked: !!on }),
        h("label", { for: f.id + "-" + key }, t(key)));
      f.honeypot = h("input", { type: "text", name: "homepage", id: f.id + "-homepage", tabindex: "-1", autocomplete: "off" });
      f.submit = h("button", { type: "submit", class: "tk-btn tk-primary" }, t("submit"));
      f.form = h("form", { class: "tk-form", novalidate: true, "aria-label": t("form_title") },
        f.title = h("h3", "tk-form-title", t("form_title")),
        h("div", "tk-who",
          field(f, "author_name", input("name", "text", 80, { required: true }), t("name")),
          field(f, "author_email", input("email", "email", 254, { required: true }), t("email"), t("email_note")),
          field(f, "author_url", input("url", "url", 500, { placeholder: "https://" }), t("website"), null, true)),
        bodyFieldFor(f),
        h("div", { class: "tk-hp", "aria-hidden": "true" }, h("label", { for: f.honeypot.id }, t("honeypot")), f.honeypot),
        check("notify", saved.notify), check("remember", remembered),
        f.buttons = h("div", "tk-buttons", f.submit, f.previewBtn),
        f.status = statusEl());
      // Not from the status line: a load landing before Retry's click would remove the button.
      const warm = (ev) => f.status.contains(ev.target) || withEditor(f);
      f.form.addEventListener("focusin", warm);
      f.form.addEventListener("pointerdown", warm);
      f.form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        withEditor(f, (E) => E.submit(T, f));
      });
      return f;
    }

    function bodyFieldFor(f) {
      const area = h("textarea", { rows: 5, required: true });
      f.previewBtn = btn("tk-btn tk-quiet", t("preview"), () => withEditor(f, (E) => E.preview(T, f)));
      return field(f, "body", area, t("body"), t("body_hint"));
    }

    setInterval(() => {
      root.querySelectorAll("time.tk-time").forEach((el) => { el.textContent = relativeTime(el.getAttribute("datetime")); });
      if (ED) st.nodes.forEach(ED.tickOwn);
      renewToken();
    }, 20000);

    load();
  }

  const KIT = { API, OWN_KEY, STRINGS, h, btn, statusEl, t, tn, api, store, emit, uid, setStatus, slotBox, setCount };

  async function resolvePost(root) {
    const address = root.getAttribute("data-url");
    if (root.getAttribute("data-post")) return true;
    const r = await api("GET", "/api/v1/posts/?url=" + encodeURIComponent(address));
    const found = r.ok && r.data && r.data.results && r.data.results[0];
    if (found && found.slug) return root.setAttribute("data-post", found.slug) || true;
    const msg = t(r.network ? "err_network" : "not_found");
    root.classList.add("tk-root");
    root.setAttribute("data-tk-state", "error");
    root.append(h("div", { class: "tk-notice", role: "status" }, h("span", "tk-error", msg)));
    emit(root, "tk:error", { post: null, url: address, message: msg });
  }

  async function boot() {
    const roots = document.querySelectorAll("#comments[data-post], #comments[data-url]");
    const full = (roots[0] && roots[0].getAttribute("data-lang")) || attr("data-lang") || "";
    const lang = full.split("-")[0].toLowerCase();
    const own = window.ThreadkeeperStrings;
    // Styles first: the honeypot must not flash into view.
    await Promise.all([/^[a-z]{2,3}$/.test(lang) && lang !== "en" && !I18N[lang] &&
      loadScript(here("i18n/" + lang + ".js")).catch(Boolean), roots.length && loadCss("embed.css")]);
    S = Object.assign({}, STRINGS, I18N[lang], own);
    if (full && I18N[lang] && !(own && own.locale)) S.locale = full;
    try { plural = new Intl.PluralRules(S.locale); } catch (e) { /* English rules */ }
    try { relFmt = new Intl.RelativeTimeFormat(S.locale, { numeric: "auto" }); } catch (e) { /* exact times */ }
    fillCounts();
    for (const root of roots) if (await resolvePost(root)) mountThread(root);
  }

  window.Threadkeeper = { version: VERSION, api: API, strings: STRINGS, refreshCounts: fillCounts };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
