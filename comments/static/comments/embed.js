/*!
 * Threadkeeper comment widget (embed.js)
 *
 * Embed it on a blog page with:
 *
 *   <div id="comments" data-post="SLUG"></div>
 *
 * (or data-url="/2007/04/05/some-post/", the post's address on the old site,
 * instead of data-post: the widget looks the post up, then behaves the same)
 *   <script src="https://COMMENTS-HOST/static/comments/embed.js"
 *           data-api="https://COMMENTS-HOST" async></script>
 *
 * and show comment counts anywhere (post lists too) with:
 *
 *   <span data-comment-count="SLUG"></span>
 *
 * Plain JavaScript, no dependencies, no build step, no cookies, no third-party
 * requests. It only talks to the comment server named in data-api. It works
 * under a strict Content-Security-Policy: no inline styles, no eval, and the
 * only HTML it inserts is the comment body the server has already sanitized.
 *
 * Theming, strings and events are documented in docs/widget.md.
 */
(() => {
  "use strict";

  // Loaded twice (e.g. by a theme and a plugin)? Run once.
  if (window.Threadkeeper) return;

  // ---------------------------------------------------------------------------
  // Configuration: our own <script> tag tells us where the comment server is.
  // ---------------------------------------------------------------------------

  const SCRIPT =
    document.currentScript ||
    document.querySelector('script[src*="comments/embed.js"]');

  const API = ((SCRIPT && SCRIPT.getAttribute("data-api")) ||
    (SCRIPT ? new URL(SCRIPT.src, location.href).origin : "")).replace(/\/+$/, "");

  // The stylesheet lives next to this script ({data-api}/static/comments/embed.css
  // in a standard install). data-css="URL" points elsewhere; data-css="none" skips it.
  const CSS_URL = (() => {
    const own = SCRIPT && SCRIPT.getAttribute("data-css");
    if (own) return own === "none" ? null : own;
    return SCRIPT && SCRIPT.src
      ? new URL("embed.css", SCRIPT.src).href
      : API + "/static/comments/embed.css";
  })();

  const PAGE_SIZE = 50;         // comments per request
  const MAX_INDENT = 5;         // deeper replies are drawn at this indentation
  const OWN_KEY = "tk-comments:own";       // localStorage: the reader's own comments
  const AUTHOR_KEY = "tk-comments:author"; // localStorage: "Remember me" details
  const OWN_MAX_AGE = 30 * 864e5;          // forget own comments after 30 days
  const GONE = ["rejected", "spam", "removed"];
  const TOKEN_RENEW = 3 * 3600e3;          // fetch a new form token after 3 hours...
  const FRESH_AFTER = 60e3;                // ...and use it once it is a minute old

  // ---------------------------------------------------------------------------
  // Every string a reader can see. A site overrides any of them with
  //   window.ThreadkeeperStrings = { submit: "Send" };   (before this script)
  // or picks a bundled language with data-lang="fr" (loads i18n/fr.js).
  // {n}, {name}, {status} are placeholders. Keys ending in _one/_other are
  // plural forms chosen with Intl.PluralRules for the locale.
  // ---------------------------------------------------------------------------

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
    reply_title: "Reply to {name}",
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
    preview_title: "Preview",
    preview_empty: "Nothing to preview yet.",
    submit: "Post comment",
    submit_reply: "Post reply",
    sending: "Sending…",
    cancel: "Cancel",
    reply: "Reply",
    edit: "Edit",
    delete: "Delete",
    save: "Save changes",
    confirm_delete: "Delete your comment? This cannot be undone.",
    pending: "Awaiting moderation",
    edited: "edited",
    anonymous: "Anonymous",
    just_now: "just now",
    permalink: "Link to this comment",
    edit_left_one: "edit for {n} more minute",
    edit_left_other: "edit for {n} more minutes",
    edit_left_soon: "edit for less than a minute",
    posted_pending: "Thanks! Your comment is awaiting moderation.",
    posted: "Thanks! Your comment is published.",
    saved: "Your changes are saved.",
    saved_pending: "Your changes are saved and awaiting moderation.",
    deleted: "Your comment was deleted.",
    removed: "This comment was removed.",
    err_required: "Please fill this in.",
    err_email: "Please enter a valid e-mail address.",
    err_invalid: "Please check the marked fields.",
    err_closed: "Comments are closed on this post.",
    err_too_long: "Your comment is too long.",
    err_slow: "Slow down — try again in {n} s.",
    err_slow_later: "Slow down — try again in a moment.",
    err_network: "Could not reach the comment server.",
    err_token: "The form was refreshed. Please send it again.",
    err_edit_closed: "This comment can no longer be changed.",
    err_gone: "This comment no longer exists.",
    err_generic: "Something went wrong (error {status}). Please try again.",
  };

  // Translation tables register themselves here (see i18n/fr.js).
  const I18N = (window.ThreadkeeperI18n = window.ThreadkeeperI18n || {});

  let S = STRINGS;          // the merged table, set in boot()
  let plural = null;        // Intl.PluralRules for S.locale
  let relFmt = null;        // Intl.RelativeTimeFormat for S.locale

  /** A string from the table, with {placeholders} filled in. */
  function t(key, vars) {
    let s = S[key] != null ? S[key] : STRINGS[key];
    if (s == null) return key;
    s = String(s);
    return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m)) : s;
  }

  /** A plural string: tn("count", 3) -> "3 comments". */
  function tn(key, n, vars) {
    let form = n === 1 ? "one" : "other";
    try { form = plural.select(n); } catch (e) { /* keep the simple rule */ }
    const k = (S[key + "_" + form] != null || STRINGS[key + "_" + form] != null)
      ? key + "_" + form : key + "_other";
    let shown = n;
    try { shown = n.toLocaleString(S.locale); } catch (e) { /* plain number */ }
    return t(k, Object.assign({ n: shown }, vars));
  }

  // ---------------------------------------------------------------------------
  // Small helpers: DOM building, storage, URLs, dates, events.
  // ---------------------------------------------------------------------------

  /**
   * Create an element. Attributes via setAttribute ("class" sets className,
   * "onclick" etc. add listeners); children are nodes or strings, and strings
   * always become text nodes, never HTML.
   */
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const kid of kids.flat()) {
      if (kid != null && kid !== false) el.append(kid);
    }
    return el;
  }

  /** Replace an element's children, skipping null/false (strings become text). */
  function fill(el, ...kids) {
    el.replaceChildren(...kids.flat().filter((k) => k != null && k !== false));
    return el;
  }

  // localStorage can be missing or throw (private mode, disabled storage).
  const store = {
    get(key, fallback) {
      try {
        const v = localStorage.getItem(key);
        return v ? JSON.parse(v) : fallback;
      } catch (e) { return fallback; }
    },
    set(key, value) {
      try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* ignore */ }
    },
    del(key) {
      try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
    },
  };

  /** Only http(s) URLs are ever used as links or image sources. */
  function safeUrl(u) {
    if (!u || typeof u !== "string") return null;
    try {
      const url = new URL(u, API || location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) { return null; }
  }

  /** "3 minutes ago", in the widget's locale. */
  function relativeTime(iso) {
    const then = Date.parse(iso);
    if (isNaN(then)) return "";
    const sec = (then - Date.now()) / 1000;
    const abs = Math.abs(sec);
    if (abs < 45) return t("just_now");
    const sizes = { minute: 60, hour: 3600, day: 86400, month: 2592000, year: 31536000 };
    const unit = abs < 2700 ? "minute" : abs < 79200 ? "hour" : abs < 2246400 ? "day"
      : abs < 28512000 ? "month" : "year";
    const value = Math.round(sec / sizes[unit]);
    try { return relFmt.format(value, unit); } catch (e) { return exactTime(iso); }
  }

  /** The full date and time, for the tooltip. */
  function exactTime(iso) {
    const d = new Date(iso);
    try {
      return d.toLocaleString(S.locale, { dateStyle: "long", timeStyle: "short" });
    } catch (e) { return d.toLocaleString(); }
  }

  function timeEl(iso, cls) {
    return h("time", { class: cls || "tk-time", datetime: iso, title: exactTime(iso) },
      relativeTime(iso));
  }

  /** Announce a widget event on an element: root.addEventListener("tk:submitted", ...). */
  function emit(el, name, detail) {
    el.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
  }

  let uidCounter = 0;
  const uid = () => "tk" + (++uidCounter);

  // ---------------------------------------------------------------------------
  // Talking to the server. Always CORS, never cookies, JSON in and out.
  // Resolves to {ok, status, data, headers, network}; it never throws.
  // ---------------------------------------------------------------------------

  async function api(method, path, opts) {
    opts = opts || {};
    const headers = { Accept: "application/json" };
    if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    if (opts.token) headers["X-Edit-Token"] = opts.token;
    let res;
    try {
      res = await fetch(/^https?:/.test(path) ? path : API + path, {
        method,
        mode: "cors",
        credentials: "omit",
        cache: "no-store",
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch (e) {
      return { ok: false, status: 0, network: true, data: null, headers: null };
    }
    // Error pages from a proxy may be HTML or empty: then data is null.
    let data = null;
    try {
      const text = await res.text();
      if (text) data = JSON.parse(text);
    } catch (e) { data = null; }
    return { ok: res.ok, status: res.status, data, headers: res.headers, network: false };
  }

  /** Seconds to wait after a 429, from Retry-After (seconds or a date). */
  function retryAfter(r) {
    const v = r.headers && r.headers.get("Retry-After");
    if (v) {
      if (/^\d+$/.test(v.trim())) return Math.max(1, parseInt(v, 10));
      const when = Date.parse(v);
      if (!isNaN(when)) return Math.max(1, Math.ceil((when - Date.now()) / 1000));
    }
    const m = r.data && typeof r.data.detail === "string" && r.data.detail.match(/(\d+)\s*sec/);
    return m ? parseInt(m[1], 10) : null;
  }

  /** DRF error values may be strings, lists or nested objects: flatten to strings. */
  function messages(v) {
    if (v == null) return [];
    if (typeof v === "string") return [v];
    if (Array.isArray(v)) return v.flatMap(messages);
    if (typeof v === "object") return Object.values(v).flatMap(messages);
    return [String(v)];
  }

  // ---------------------------------------------------------------------------
  // Comment counts: every <span data-comment-count="slug"> on the page, filled
  // from ONE request (GET /api/v1/counts/?post=a&post=b). Works without a thread.
  // ---------------------------------------------------------------------------

  async function fillCounts() {
    const els = Array.from(document.querySelectorAll("[data-comment-count]"));
    const slugs = Array.from(new Set(
      els.map((el) => el.getAttribute("data-comment-count")).filter(Boolean)));
    if (!slugs.length) return;
    const counts = {};
    // Very long lists are split so that URLs stay reasonable; normally one request.
    for (let i = 0; i < slugs.length; i += 100) {
      const qs = new URLSearchParams();
      slugs.slice(i, i + 100).forEach((s) => qs.append("post", s));
      const r = await api("GET", "/api/v1/counts/?" + qs);
      if (r.ok && r.data && typeof r.data === "object") Object.assign(counts, r.data);
    }
    for (const el of els) setCount(el, counts[el.getAttribute("data-comment-count")]);
    emit(document, "tk:counts", counts);
  }

  function setCount(el, n) {
    if (typeof n !== "number") return;
    el.textContent = tn("count", n);
    el.setAttribute("data-tk-count", String(n));
  }

  // ---------------------------------------------------------------------------
  // The reader's own comments, remembered in localStorage so that they can see
  // them while pending and edit or delete them inside the edit window.
  // Entry: {id, edit_token, edit_expires_at, post, api, body, t, skew}
  // ---------------------------------------------------------------------------

  function ownEntries() {
    const all = store.get(OWN_KEY, []);
    return Array.isArray(all) ? all.filter((e) => e && e.id && e.edit_token) : [];
  }

  function saveOwn(entry) {
    const rest = ownEntries().filter((e) => !(e.id === entry.id && e.api === entry.api));
    rest.push(entry);
    store.set(OWN_KEY, rest);
  }

  function dropOwn(id) {
    store.set(OWN_KEY, ownEntries().filter((e) => !(e.id === id && e.api === API)));
  }

  /**
   * Milliseconds left in the edit window of an own entry (0 when closed).
   * `skew` (reader's clock minus the server's, measured at submit) keeps a
   * wrong clock on the reader's computer from showing a wrong window.
   */
  function editLeft(entry) {
    const end = entry && Date.parse(entry.edit_expires_at);
    return end ? Math.max(0, end + (entry.skew || 0) - Date.now()) : 0;
  }

  // ---------------------------------------------------------------------------
  // The thread: <div id="comments" data-post="slug">.
  // ---------------------------------------------------------------------------

  function mountThread(root) {
    const slug = root.getAttribute("data-post");
    const enc = encodeURIComponent(slug);
    const st = {
      open: false,            // may new comments be posted?
      count: null,            // approved comments (from the post)
      next: null,             // URL of the next page of the thread
      token: null,            // form_token for the next submit
      tokenAt: 0,             // when it was fetched (Date.now())
      fresh: null,            // a newer token, used once it is FRESH_AFTER old
      nodes: new Map(),       // comment id -> record (see makeRecord)
      own: new Map(),         // comment id -> own entry from localStorage
      limits: {},             // field -> max length, from the server (form-token answer)
    };

    // Progressive enhancement: a thread the server rendered into #comments stays
    // readable until ours is ready (and stays put if ours cannot load).
    const serverThread = root.children.length > 0;
    root.classList.add("tk-root");
    root.setAttribute("data-tk-state", "loading");
    if (!serverThread) root.setAttribute("aria-busy", "true");

    // Skeleton: heading, notices, the new-comment form, the list, "load more".
    const headingId = uid();
    const heading = h("h2", { class: "tk-heading", id: headingId }, t("heading_none"));
    const notice = h("div", { class: "tk-notice", role: "status", "aria-live": "polite" },
      t("loading"));
    const live = h("div", { class: "tk-vh", "aria-live": "polite" });
    const formSlot = h("div", { class: "tk-new" });
    const list = h("ol", { class: "tk-thread" });
    const moreBox = h("div", { class: "tk-more-box" });
    const section = h("section", { class: "tk-section", "aria-labelledby": headingId },
      heading, notice, formSlot, list, moreBox, live);
    if (!serverThread) root.replaceChildren(section);

    /** Put our thread in place of the server's, once, and honor a #tk-comment-N link. */
    function mount() {
      if (section.parentNode === root) return;
      if (notice.parentNode !== section) heading.after(notice);
      root.replaceChildren(section);
      const target = /^#tk-comment-\d+$/.test(location.hash) && document.getElementById(location.hash.slice(1));
      if (target && serverThread) target.scrollIntoView();
    }

    /** Say something to screen readers (and nothing visible). */
    function announce(msg) {
      live.textContent = "";
      setTimeout(() => { live.textContent = msg; }, 50);
    }

    function setHeading() {
      heading.textContent = st.count == null ? t("heading_none") : tn("heading", st.count);
    }

    function changeCount(delta) {
      if (st.count == null) return;
      st.count = Math.max(0, st.count + delta);
      setHeading();
      document.querySelectorAll("[data-comment-count]").forEach((el) => {
        if (el.getAttribute("data-comment-count") === slug) setCount(el, st.count);
      });
    }

    async function refreshToken() {
      const r = await api("GET", "/api/v1/form-token/");
      if (r.ok && r.data && r.data.form_token) {
        st.token = r.data.form_token;
        st.tokenAt = Date.now();
        if (r.data.limits) st.limits = r.data.limits;
      }
    }

    /**
     * The server refuses form tokens older than a day (FORM_MAX_SECONDS) and newer
     * than a few seconds (FORM_MIN_SECONDS). For a page left open for hours, fetch a
     * new token now and then, and switch to it only once it is a minute old.
     */
    async function renewToken() {
      if (st.fresh && st.fresh.token && Date.now() - st.fresh.at > FRESH_AFTER) {
        st.token = st.fresh.token;
        st.tokenAt = st.fresh.at;
        st.fresh = null;
      } else if (!st.fresh && st.tokenAt && Date.now() - st.tokenAt > TOKEN_RENEW) {
        st.fresh = { token: null, at: Date.now() };
        const r = await api("GET", "/api/v1/form-token/");
        if (r.ok && r.data && r.data.form_token) st.fresh = { token: r.data.form_token, at: Date.now() };
        else st.fresh = null;
      }
    }

    // -- Loading ---------------------------------------------------------------

    async function load() {
      root.setAttribute("data-tk-state", "loading");
      notice.replaceChildren(t("loading"));
      const [post, page, own] = await Promise.all([
        api("GET", "/api/v1/posts/" + enc + "/"),
        api("GET", "/api/v1/posts/" + enc + "/comments/?page_size=" + PAGE_SIZE),
        loadOwn(),
        refreshToken(),
      ]);

      if (page.network || post.network) return failed(t("err_network"));
      if (page.status === 404 || post.status === 404) return failed(t("not_found"), true);
      if (page.status === 403) {
        // Comments disabled on this post: nothing to show or post.
        st.open = false;
        notice.replaceChildren(t("closed"));
        return ready();
      }
      if (!page.ok || !page.data) return failed(t("load_error"));

      if (post.ok && post.data) {
        st.count = typeof post.data.comment_count === "number" ? post.data.comment_count : null;
        st.open = post.data.comments_open !== false && post.data.comments_enabled !== false;
      } else {
        st.open = true; // let the server decide when the reader submits
      }
      setHeading();
      notice.replaceChildren(st.open ? "" : t("closed"));
      if (st.open) formSlot.replaceChildren(makeForm(null).form);

      addServerItems(page.data.results || []);
      for (const item of own) addOwnItem(item);
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
      fill(notice, h("span", { class: "tk-error" }, msg), " ",
        final ? null : h("button", { type: "button", class: "tk-btn", onclick: load }, t("retry")));
      // Keep the server's thread on screen; show the problem under it.
      if (section.parentNode !== root) root.append(notice);
      emit(root, "tk:error", { post: slug, message: msg });
    }

    function showEmpty() {
      const empty = !list.children.length;
      section.classList.toggle("tk-is-empty", empty);
      if (empty && st.open && !notice.textContent) notice.textContent = t("empty");
      else if (!empty && notice.textContent === t("empty")) notice.textContent = "";
    }

    /** The reader's own comments on this post, fetched with their edit tokens. */
    async function loadOwn() {
      const now = Date.now();
      const mine = ownEntries().filter((e) => {
        if (now - (e.t || 0) > OWN_MAX_AGE) { dropOwn(e.id); return false; }
        return e.post === slug && e.api === API;
      });
      const answers = await Promise.all(mine.map((e) =>
        api("GET", "/api/v1/comments/" + encodeURIComponent(e.id) + "/", { token: e.edit_token })));
      const items = [];
      mine.forEach((entry, i) => {
        const r = answers[i];
        if (r.network || r.status === 429 || r.status >= 500) return; // try next time
        const status = r.data && (r.data.status || "approved");
        if (!r.ok || !r.data || GONE.includes(status)) { dropOwn(entry.id); return; }
        // Approved and past the edit window: it is simply public now.
        if (status === "approved" && !editLeft(entry)) dropOwn(entry.id);
        else st.own.set(entry.id, entry);
        items.push(Object.assign({}, r.data, { status }));
      });
      return items;
    }

    // -- "Load more comments" --------------------------------------------------

    function setNext(next) {
      st.next = next || null;
      moreBox.replaceChildren();
      if (!st.next) return;
      const btn = h("button", { type: "button", class: "tk-btn tk-more" }, t("load_more"));
      btn.addEventListener("click", () => loadMore(btn));
      moreBox.append(btn);
    }

    async function loadMore(btn) {
      btn.disabled = true;
      btn.textContent = t("loading_more");
      // Keep only the cursor from `next`, and ask our own API origin (the host
      // in `next` may be an internal name behind a proxy).
      const search = new URL(st.next, API || location.href).search;
      const r = await api("GET", "/api/v1/posts/" + enc + "/comments/" + search);
      btn.disabled = false;
      btn.textContent = t("load_more");
      if (!r.ok || !r.data) {
        announce(r.network ? t("err_network") : t("load_error"));
        moreBox.querySelectorAll(".tk-error").forEach((el) => el.remove());
        moreBox.append(h("span", { class: "tk-error", role: "status" },
          " ", r.network ? t("err_network") : t("load_error")));
        return;
      }
      const items = r.data.results || [];
      addServerItems(items);
      setNext(r.data.next);
      announce(tn("loaded_more", items.length));
      const first = items.length && st.nodes.get(items[0].id);
      if (!st.next && first) first.li.focus();
      else if (st.next) moreBox.querySelector("button").focus();
    }

    // -- Rendering comments ----------------------------------------------------

    /**
     * One comment = one record:
     *   <li class="tk-comment" data-comment-id>     li
     *     <article class="tk-card">
     *       avatar | <header class="tk-meta">      head
     *               <div class="tk-body">          body (sanitized HTML)
     *               <div class="tk-actions">       actions (Reply, Edit, Delete)
     *               <div class="tk-slot">          slot (reply or edit form)
     *     <ol class="tk-replies">                  replies
     */
    function makeRecord(item) {
      const rec = { item, depth: 0 };
      rec.avatar = h("div", { class: "tk-avatar-box" });
      rec.head = h("header", { class: "tk-meta" });
      rec.body = h("div", { class: "tk-body" });
      rec.actions = h("div", { class: "tk-actions" });
      rec.slot = h("div", { class: "tk-slot" });
      rec.replies = h("ol", { class: "tk-replies" });
      rec.li = h("li", {
        class: "tk-comment", id: "tk-comment-" + item.id,
        "data-comment-id": item.id, tabindex: "-1",
      },
      h("article", { class: "tk-card" }, rec.avatar,
        h("div", { class: "tk-main" }, rec.head, rec.body, rec.actions, rec.slot)),
      rec.replies);
      st.nodes.set(item.id, rec);
      fillRecord(rec);
      return rec;
    }

    /** (Re)draw everything about a comment except its replies. */
    function fillRecord(rec) {
      const c = rec.item;
      const name = (c.author_name || "").trim() || t("anonymous");
      const pending = c.status === "pending";
      rec.own = st.own.get(c.id) || null;
      rec.li.classList.toggle("tk-pending", pending);
      rec.li.classList.toggle("tk-own", !!rec.own);

      // Avatar: the server's image, or the first letter on a colored disc.
      const src = safeUrl(c.avatar_url);
      if (src) {
        rec.avatar.replaceChildren(h("img", {
          class: "tk-avatar", src, alt: "", loading: "lazy", width: 40, height: 40,
          decoding: "async", referrerpolicy: "no-referrer",
        }));
      } else {
        let hue = 0;
        for (const ch of name) hue = (hue * 31 + ch.codePointAt(0)) % 8;
        rec.avatar.replaceChildren(h("span", {
          class: "tk-avatar tk-initial tk-hue-" + hue, "aria-hidden": "true",
        }, (Array.from(name)[0] || "?").toUpperCase()));
      }

      const url = safeUrl(c.author_url);
      const author = url
        ? h("a", { class: "tk-author", href: url, rel: "nofollow ugc noopener", target: "_blank" }, name)
        : h("span", { class: "tk-author" }, name);
      fill(rec.head,
        author,
        c.created_at ? h("a", { class: "tk-permalink", href: "#tk-comment-" + c.id,
          title: t("permalink") }, timeEl(c.created_at)) : null,
        c.edited_at ? h("span", { class: "tk-edited" }, "· ", h("time", {
          datetime: c.edited_at, title: exactTime(c.edited_at) }, t("edited"))) : null,
        pending ? h("span", { class: "tk-badge" }, t("pending")) : null,
      );

      // The one place HTML is inserted: the body the server sanitized at write time.
      rec.body.innerHTML = typeof c.body_html === "string" ? c.body_html : "";

      drawActions(rec);
    }

    /** Reply for everyone (when open); Edit/Delete for the author in the window. */
    function drawActions(rec) {
      const c = rec.item;
      const kids = [];
      if (st.open && c.status !== "pending") {
        kids.push(h("button", { type: "button", class: "tk-link", "aria-expanded": "false",
          onclick: () => openReply(rec) }, t("reply")));
      }
      rec.ownBox = null;
      if (rec.own && editLeft(rec.own) > 0 && !rec.editing) {
        rec.leftText = h("span", { class: "tk-left" });
        rec.ownBox = h("span", { class: "tk-own-actions" },
          h("button", { type: "button", class: "tk-link", onclick: () => openEdit(rec) }, t("edit")),
          h("button", { type: "button", class: "tk-link tk-danger", onclick: () => remove(rec) },
            t("delete")),
          rec.leftText);
        kids.push(rec.ownBox);
        tickOwn(rec);
      }
      rec.actions.replaceChildren(...kids);
    }

    /** Update "edit for N more minutes", and hide Edit/Delete once it is over. */
    function tickOwn(rec) {
      if (!rec.ownBox) return;
      const ms = editLeft(rec.own);
      if (ms <= 0) {
        rec.ownBox.remove();
        rec.ownBox = null;
        return;
      }
      rec.leftText.textContent = ms < 60000 ? t("edit_left_soon") : tn("edit_left", Math.ceil(ms / 60000));
    }

    /** Put a record under its parent (or at the top level), and set its depth. */
    function listFor(rec) {
      const parent = rec.item.parent != null ? st.nodes.get(rec.item.parent) : null;
      rec.depth = parent ? parent.depth + 1 : 0;
      rec.li.classList.toggle("tk-deep", rec.depth >= MAX_INDENT);
      rec.replies.classList.toggle("tk-flat", rec.depth >= MAX_INDENT);
      rec.li.toggleAttribute("data-tk-orphan", rec.item.parent != null && !parent);
      return parent ? parent.replies : list;
    }

    /**
     * Comments from the public thread arrive in thread order, so they are
     * appended; only the reader's own not-yet-public comments ("local") with a
     * higher id stay after them.
     */
    function addServerItems(items) {
      for (const raw of items) {
        const item = Object.assign({}, raw, { status: "approved" });
        let rec = st.nodes.get(item.id);
        if (rec) {
          rec.item = Object.assign(rec.item, item);
          fillRecord(rec);
        } else {
          rec = makeRecord(item);
        }
        rec.li.removeAttribute("data-tk-local");
        const target = listFor(rec);
        let before = null;
        for (const sib of target.children) {
          if (sib !== rec.li && sib.hasAttribute("data-tk-local") &&
              Number(sib.getAttribute("data-comment-id")) > item.id) { before = sib; break; }
        }
        target.insertBefore(rec.li, before);
      }
      // Own comments shown before their parent was loaded move under it now.
      for (const li of list.querySelectorAll(":scope > [data-tk-orphan]")) {
        const rec = st.nodes.get(Number(li.getAttribute("data-comment-id")));
        if (rec && st.nodes.has(rec.item.parent)) placeLocal(rec);
      }
      showEmpty();
    }

    /** Siblings are ordered by id (the server's thread order), so insert by id. */
    function placeLocal(rec) {
      const target = listFor(rec);
      let before = null;
      for (const sib of target.children) {
        if (sib !== rec.li && Number(sib.getAttribute("data-comment-id")) > rec.item.id) {
          before = sib; break;
        }
      }
      target.insertBefore(rec.li, before);
    }

    /** One of the reader's own comments (pending or approved) fetched or just posted. */
    function addOwnItem(item) {
      let rec = st.nodes.get(item.id);
      if (rec) {
        rec.item = Object.assign(rec.item, item);
        fillRecord(rec);
        return rec;
      }
      rec = makeRecord(item);
      rec.li.setAttribute("data-tk-local", "");
      placeLocal(rec);
      showEmpty();
      return rec;
    }

    // -- Forms -----------------------------------------------------------------

    /**
     * Build the comment form (parentRec null = new top-level comment).
     * Returns a form object {form, fields, status, ...}.
     */
    function makeForm(parentRec) {
      const f = { id: uid(), fields: {}, parent: parentRec };
      const saved = store.get(AUTHOR_KEY, null);
      const title = parentRec
        ? t("reply_title", { name: (parentRec.item.author_name || "").trim() || t("anonymous") })
        : t("form_title");

      f.form = h("form", { class: "tk-form" + (parentRec ? " tk-reply-form" : ""),
        novalidate: true, "aria-label": title });
      f.status = h("div", { class: "tk-status", role: "status", "aria-live": "polite", tabindex: "-1" });

      const who = h("div", { class: "tk-who" },
        field(f, "author_name", h("input", { type: "text", autocomplete: "name",
          required: true, maxlength: limit("author_name", 80) }), t("name")),
        field(f, "author_email", h("input", { type: "email", autocomplete: "email",
          required: true, maxlength: limit("author_email", 254) }), t("email"), t("email_note")),
        field(f, "author_url", h("input", { type: "url", autocomplete: "url",
          maxlength: limit("author_url", 500), placeholder: "https://" }), t("website"), null, true));

      // Honeypot: hidden from people (CSS, aria-hidden, not tabbable); bots fill it.
      f.honeypot = h("input", { type: "text", name: "homepage", id: f.id + "-homepage",
        tabindex: "-1", autocomplete: "off" });
      const trap = h("div", { class: "tk-hp", "aria-hidden": "true" },
        h("label", { for: f.id + "-homepage" }, t("honeypot")), f.honeypot);

      const bodyField = bodyFieldFor(f);

      f.remember = h("input", { type: "checkbox", id: f.id + "-remember" });
      f.remember.checked = !!saved;
      const remember = h("div", { class: "tk-check" }, f.remember,
        h("label", { for: f.id + "-remember" }, t("remember")));
      // Reply notifications: off unless the reader ticks it (remembered with "remember me").
      f.notify = h("input", { type: "checkbox", id: f.id + "-notify" });
      f.notify.checked = !!(saved && saved.notify);
      const notify = h("div", { class: "tk-check" }, f.notify,
        h("label", { for: f.id + "-notify" }, t("notify")));

      f.submit = h("button", { type: "submit", class: "tk-btn tk-primary" },
        parentRec ? t("submit_reply") : t("submit"));
      const buttons = h("div", { class: "tk-buttons" }, f.submit, f.previewBtn,
        parentRec ? h("button", { type: "button", class: "tk-btn tk-quiet",
          onclick: () => closeReply(parentRec, true) }, t("cancel")) : null);

      fill(f.form,
        parentRec ? null : h("h3", { class: "tk-form-title" }, title),
        who, bodyField, f.preview, trap, notify, remember, buttons, f.status);

      if (saved) {
        f.fields.author_name.control.value = saved.name || "";
        f.fields.author_email.control.value = saved.email || "";
        f.fields.author_url.control.value = saved.url || "";
      }
      f.form.addEventListener("submit", (ev) => { ev.preventDefault(); submit(f); });
      if (parentRec) onEscape(f.form, () => closeReply(parentRec, true));
      return f;
    }

    /** Escape in a reply or edit form cancels it (what was typed in a reply is kept). */
    /** The server's limit for a field (COMMENTS settings), or `fallback` before it answered. */
    function limit(key, fallback) {
      const n = st.limits[key];
      return Number.isInteger(n) && n > 0 ? n : fallback;
    }

    function onEscape(form, cancel) {
      form.addEventListener("keydown", (ev) => {
        if (ev.key === "Escape" && !ev.defaultPrevented) { ev.preventDefault(); cancel(); }
      });
    }

    /** A labelled control with an optional hint and a slot for its errors. */
    function field(f, key, control, label, hint, optional) {
      const id = f.id + "-" + key;
      control.id = id;
      control.name = key;
      const err = h("p", { class: "tk-field-error", id: id + "-err", hidden: true });
      const hintEl = hint ? h("p", { class: "tk-hint", id: id + "-hint" }, hint) : null;
      if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
      f.fields[key] = { control, err, hintId: hintEl && hintEl.id };
      return h("div", { class: "tk-field tk-field-" + key },
        h("label", { for: id }, label, optional ? h("span", { class: "tk-opt" }, " " + t("optional")) : null),
        control, hintEl, err);
    }

    /** The Markdown textarea with its hint, and the Preview button and panel. */
    function bodyFieldFor(f, value) {
      const area = h("textarea", { rows: 5, required: true });
      if (value) area.value = value;
      const wrap = field(f, "body", area, t("body"), t("body_hint"));
      f.previewBody = h("div", { class: "tk-body" });
      f.preview = h("div", { class: "tk-preview", hidden: true },
        h("p", { class: "tk-preview-title" }, t("preview_title")), f.previewBody);
      f.previewBtn = h("button", { type: "button", class: "tk-btn tk-quiet",
        onclick: () => preview(f) }, t("preview"));
      return wrap;
    }

    async function preview(f) {
      const body = f.fields.body.control.value;
      clearErrors(f);
      if (!body.trim()) {
        f.previewBody.replaceChildren(t("preview_empty"));
        f.preview.hidden = false;
        return;
      }
      f.previewBtn.disabled = true;
      const r = await api("POST", "/api/v1/preview/", { body: { body } });
      f.previewBtn.disabled = false;
      if (r.ok && r.data) {
        f.previewBody.innerHTML = typeof r.data.body_html === "string" ? r.data.body_html : "";
        f.preview.hidden = false;
      } else {
        showError(f, r, () => preview(f), false);
      }
    }

    function clearErrors(f) {
      for (const fld of Object.values(f.fields)) {
        fld.err.hidden = true;
        fld.err.textContent = "";
        fld.control.removeAttribute("aria-invalid");
        if (fld.hintId) fld.control.setAttribute("aria-describedby", fld.hintId);
        else fld.control.removeAttribute("aria-describedby");
      }
      f.status.replaceChildren();
      f.status.classList.remove("tk-is-error");
    }

    function setFieldError(fld, msgs) {
      fld.err.textContent = msgs.join(" ");
      fld.err.hidden = false;
      fld.control.setAttribute("aria-invalid", "true");
      fld.control.setAttribute("aria-describedby",
        (fld.hintId ? fld.hintId + " " : "") + fld.err.id);
    }

    function setStatus(f, msg, isError, retry) {
      f.status.classList.toggle("tk-is-error", !!isError);
      f.status.replaceChildren(h("span", null, msg));
      if (retry) {
        f.status.append(" ", h("button", { type: "button", class: "tk-btn", onclick: retry },
          t("retry")));
      }
    }

    /**
     * Show what went wrong, in words, next to the form. Nothing typed is
     * cleared. `move` puts focus on the first bad field or the message.
     */
    function showError(f, r, retry, move, kind) {
      let msg;
      let firstBad = null;
      if (r.network) {
        msg = t("err_network");
      } else if (r.status === 400 && r.data && typeof r.data === "object") {
        const loose = [];
        for (const [key, val] of Object.entries(r.data)) {
          const fld = f.fields[key];
          if (fld) {
            setFieldError(fld, messages(val));
            firstBad = firstBad || fld.control;
          } else {
            loose.push(...messages(val));
          }
          if (key === "form_token") {
            refreshToken();
            if (!messages(val).length) loose.push(t("err_token"));
          }
        }
        msg = loose.join(" ") || t("err_invalid");
      } else if (r.status === 403) {
        msg = kind === "edit" ? (r.data && typeof r.data.detail === "string" ? r.data.detail
          : t("err_edit_closed")) : t("err_closed");
      } else if (r.status === 404 && kind === "edit") {
        msg = t("err_gone");
      } else if (r.status === 413) {
        msg = t("err_too_long");
        setFieldError(f.fields.body, [msg]);
        firstBad = f.fields.body.control;
      } else if (r.status === 429) {
        const n = retryAfter(r);
        msg = n ? t("err_slow", { n }) : t("err_slow_later");
      } else if (r.data && typeof r.data.detail === "string") {
        msg = r.data.detail;
      } else {
        msg = t("err_generic", { status: r.status });
      }
      setStatus(f, msg, true, r.network ? retry : null);
      if (move) (firstBad || f.status).focus();
      emit(root, "tk:error", { post: slug, status: r.status, message: msg });
    }

    /** Client-side checks for the obvious; the server has the final word. */
    function checkLocally(f, data) {
      let first = null;
      const need = [["author_name", !data.author_name.trim(), "err_required"],
        ["author_email", !data.author_email.trim(), "err_required"],
        ["author_email", data.author_email.trim() && !/^[^@\s]+@[^@\s]+$/.test(data.author_email.trim()), "err_email"],
        ["body", !data.body.trim(), "err_required"]];
      for (const [key, bad, msgKey] of need) {
        if (bad && f.fields[key].err.hidden) {
          setFieldError(f.fields[key], [t(msgKey)]);
          first = first || f.fields[key].control;
        }
      }
      return first;
    }

    async function submit(f) {
      if (f.busy) return;
      clearErrors(f);
      const val = (k) => f.fields[k].control.value;
      const data = { author_name: val("author_name"), author_email: val("author_email"),
        author_url: val("author_url").trim(), body: val("body") };
      const bad = checkLocally(f, data);
      if (bad) {
        setStatus(f, t("err_invalid"), true);
        bad.focus();
        return;
      }
      // "example.com" means https://example.com
      if (data.author_url && !/^[a-z][a-z0-9+.-]*:/i.test(data.author_url)) {
        data.author_url = "https://" + data.author_url;
      }
      if (f.remember.checked) {
        store.set(AUTHOR_KEY, { name: data.author_name, email: data.author_email, url: data.author_url,
          notify: f.notify.checked });
      } else {
        store.del(AUTHOR_KEY);
      }

      const payload = {
        author_name: data.author_name.trim(),
        author_email: data.author_email.trim(),
        body: data.body,
        homepage: f.honeypot.value,
        notify_replies: f.notify.checked,
      };
      if (data.author_url) payload.author_url = data.author_url;
      if (f.parent) payload.parent = f.parent.item.id;
      if (st.token) payload.form_token = st.token;

      busy(f, true);
      setStatus(f, t("sending"));
      const r = await api("POST", "/api/v1/posts/" + enc + "/comments/", { body: payload });
      busy(f, false);
      if (!r.ok || !r.data || r.data.id == null) {
        showError(f, r.ok ? { status: r.status, data: null } : r, () => submit(f), true);
        return;
      }
      refreshToken();

      // Remember it, show it in place, tell the reader.
      const c = r.data;
      const serverNow = Date.parse(c.created_at);
      const entry = { id: c.id, edit_token: c.edit_token, edit_expires_at: c.edit_expires_at,
        post: slug, api: API, body: data.body, t: Date.now(),
        skew: isNaN(serverNow) ? 0 : Date.now() - serverNow };
      if (c.edit_token) {
        saveOwn(entry);
        st.own.set(c.id, entry);
      }
      const item = Object.assign({
        author_name: payload.author_name, author_url: payload.author_url || null,
        avatar_url: null, parent: payload.parent == null ? null : payload.parent,
        created_at: new Date().toISOString(), edited_at: null,
      }, c, { status: c.status === "approved" ? "approved" : "pending" });
      const rec = addOwnItem(item);
      if (item.status === "approved") changeCount(1);

      const msg = item.status === "approved" ? t("posted") : t("posted_pending");
      f.fields.body.control.value = "";
      f.preview.hidden = true;
      if (f.parent) {
        closeReply(f.parent, false);
        f.form.remove();
        f.parent.replyForm = null;
      } else {
        setStatus(f, msg);
      }
      announce(msg);
      showEmpty();
      rec.li.focus();
      emit(root, "tk:submitted", { post: slug, id: c.id, status: item.status });
    }

    function busy(f, on) {
      f.busy = on;
      f.submit.disabled = on;
      f.previewBtn.disabled = on;
      if (on) f.form.setAttribute("aria-busy", "true");
      else f.form.removeAttribute("aria-busy");
    }

    // -- Replies ---------------------------------------------------------------

    function openReply(rec) {
      if (!rec.replyForm) {
        rec.replyForm = makeForm(rec);
        rec.slot.append(rec.replyForm.form);
      }
      rec.replyForm.form.hidden = false;
      const btn = rec.actions.querySelector("[aria-expanded]");
      if (btn) btn.setAttribute("aria-expanded", "true");
      const name = rec.replyForm.fields.author_name.control;
      (name.value ? rec.replyForm.fields.body.control : name).focus();
    }

    /** Cancel only hides the form, so reopening it brings back what was typed. */
    function closeReply(rec, refocus) {
      if (!rec.replyForm) return;
      rec.replyForm.form.hidden = true;
      const btn = rec.actions.querySelector("[aria-expanded]");
      if (btn) {
        btn.setAttribute("aria-expanded", "false");
        if (refocus) btn.focus();
      }
    }

    // -- Edit and delete (the author, with the edit token) ---------------------

    function openEdit(rec) {
      if (rec.editing) return;
      rec.editing = true;
      const f = { id: uid(), fields: {}, parent: null };
      f.form = h("form", { class: "tk-form tk-edit-form", novalidate: true, "aria-label": t("edit") });
      f.status = h("div", { class: "tk-status", role: "status", "aria-live": "polite", tabindex: "-1" });
      // The Markdown source was kept when it was posted; fall back to the text.
      const bodyField = bodyFieldFor(f, rec.own.body != null ? rec.own.body : rec.body.textContent);
      f.submit = h("button", { type: "submit", class: "tk-btn tk-primary" }, t("save"));
      const cancel = h("button", { type: "button", class: "tk-btn tk-quiet",
        onclick: () => closeEdit(rec) }, t("cancel"));
      f.form.append(bodyField, f.preview,
        h("div", { class: "tk-buttons" }, f.submit, f.previewBtn, cancel), f.status);
      f.form.addEventListener("submit", (ev) => { ev.preventDefault(); saveEdit(rec, f); });
      onEscape(f.form, () => closeEdit(rec));
      rec.editForm = f;
      rec.body.hidden = true;
      drawActions(rec);
      rec.slot.prepend(f.form);
      f.fields.body.control.focus();
    }

    function closeEdit(rec) {
      if (rec.editForm) rec.editForm.form.remove();
      rec.editForm = null;
      rec.editing = false;
      rec.body.hidden = false;
      drawActions(rec);
      const btn = rec.ownBox && rec.ownBox.querySelector("button");
      (btn || rec.li).focus();
    }

    async function saveEdit(rec, f) {
      if (f.busy) return;
      clearErrors(f);
      const body = f.fields.body.control.value;
      if (!body.trim()) {
        setFieldError(f.fields.body, [t("err_required")]);
        f.fields.body.control.focus();
        return;
      }
      busy(f, true);
      setStatus(f, t("sending"));
      const r = await api("PATCH", "/api/v1/comments/" + encodeURIComponent(rec.item.id) + "/",
        { body: { body }, token: rec.own.edit_token });
      busy(f, false);
      if (!r.ok) {
        showError(f, r, () => saveEdit(rec, f), true, "edit");
        if (r.status === 404) dropOwn(rec.item.id);
        return;
      }
      const c = r.data || {};
      rec.own.body = body;
      if (c.edit_expires_at) rec.own.edit_expires_at = c.edit_expires_at;
      saveOwn(rec.own);
      const wasApproved = rec.item.status === "approved";
      rec.item = Object.assign(rec.item, c, { edited_at: c.edited_at || new Date().toISOString() });
      if (wasApproved && rec.item.status !== "approved") changeCount(-1);
      closeEdit(rec);
      fillRecord(rec);
      rec.li.focus();
      const msg = rec.item.status === "pending" ? t("saved_pending") : t("saved");
      announce(msg);
      emit(root, "tk:edited", { post: slug, id: rec.item.id, status: rec.item.status });
    }

    async function remove(rec) {
      if (!window.confirm(t("confirm_delete"))) return;
      const r = await api("DELETE", "/api/v1/comments/" + encodeURIComponent(rec.item.id) + "/",
        { token: rec.own.edit_token });
      if (!r.ok && r.status !== 404) {
        // Show the problem in the comment's own live region.
        const f = { fields: {}, status: h("div", { class: "tk-status", role: "status",
          "aria-live": "polite", tabindex: "-1" }) };
        rec.slot.querySelectorAll(":scope > .tk-status").forEach((el) => el.remove());
        rec.slot.append(f.status);
        showError(f, r, () => remove(rec), true, "edit");
        return;
      }
      dropOwn(rec.item.id);
      st.own.delete(rec.item.id);
      if (rec.item.status === "approved") changeCount(-1);
      const id = rec.item.id;
      if (rec.replies.children.length) {
        // Keep the replies readable: leave a marker where the comment was.
        rec.item.status = "removed";
        rec.own = null;
        rec.li.classList.add("tk-removed");
        rec.li.classList.remove("tk-pending", "tk-own");
        rec.head.replaceChildren();
        rec.avatar.replaceChildren();
        rec.actions.replaceChildren();
        rec.body.replaceChildren(h("p", null, t("removed")));
        rec.li.focus();
      } else {
        const prev = rec.li.previousElementSibling;
        const parent = rec.item.parent != null && st.nodes.get(rec.item.parent);
        rec.li.remove();
        st.nodes.delete(id);
        (prev || (parent && parent.li) || heading).setAttribute("tabindex", "-1");
        (prev || (parent && parent.li) || heading).focus();
        showEmpty();
      }
      announce(t("deleted"));
      emit(root, "tk:deleted", { post: slug, id });
    }

    // -- Clock: relative times and edit windows move on ------------------------

    setInterval(() => {
      root.querySelectorAll("time.tk-time").forEach((el) => {
        el.textContent = relativeTime(el.getAttribute("datetime"));
      });
      st.nodes.forEach(tickOwn);
      renewToken();
    }, 20000);

    load();
  }

  // ---------------------------------------------------------------------------
  // Start: pick the language, load the stylesheet, then counts and the thread.
  // ---------------------------------------------------------------------------

  /** Load i18n/{lang}.js from next to this script unless already registered. */
  function loadLanguage(lang) {
    return new Promise((resolve) => {
      if (!lang || /^en\b/i.test(lang) || I18N[lang] || !/^[a-z]{2,3}$/i.test(lang)) {
        return resolve();
      }
      const src = SCRIPT && SCRIPT.src
        ? new URL("i18n/" + lang + ".js", SCRIPT.src).href
        : API + "/static/comments/i18n/" + lang + ".js";
      const el = h("script", { src, async: true });
      el.addEventListener("load", () => resolve());
      el.addEventListener("error", () => resolve());
      document.head.append(el);
    });
  }

  /** Add the stylesheet once; resolve when it is in (or after 3 s at worst). */
  function loadCss() {
    return new Promise((resolve) => {
      if (!CSS_URL) return resolve();
      const existing = Array.from(document.querySelectorAll('link[rel="stylesheet"]'))
        .some((l) => l.href === CSS_URL);
      if (existing) return resolve();
      const link = h("link", { rel: "stylesheet", href: CSS_URL });
      link.addEventListener("load", () => resolve());
      link.addEventListener("error", () => resolve());
      setTimeout(resolve, 3000);
      document.head.append(link);
    });
  }

  /**
   * data-url="/2007/04/05/some-post/": find the post by its old address (the front
   * matter's url), then mount exactly as with data-post. False when there is none.
   */
  async function resolvePost(root) {
    if (root.getAttribute("data-post")) return true;
    const address = root.getAttribute("data-url") || "";
    const r = await api("GET", "/api/v1/posts/?url=" + encodeURIComponent(address));
    const found = r.ok && r.data && Array.isArray(r.data.results) && r.data.results[0];
    if (found && found.slug) {
      root.setAttribute("data-post", found.slug);
      return true;
    }
    const msg = r.network ? t("err_network") : t("not_found");
    root.classList.add("tk-root");
    root.setAttribute("data-tk-state", "error");
    root.append(h("div", { class: "tk-notice", role: "status" }, h("span", { class: "tk-error" }, msg)));
    emit(root, "tk:error", { post: null, url: address, message: msg });
    return false;
  }

  async function boot() {
    const root = document.querySelector("#comments[data-post], #comments[data-url]");
    const full = (root && root.getAttribute("data-lang")) ||
      (SCRIPT && SCRIPT.getAttribute("data-lang")) || "";
    const base = full.split("-")[0].toLowerCase();
    // Styles and language load in parallel; the form waits for the styles so
    // the hidden honeypot field never flashes into view.
    await Promise.all([loadLanguage(base), root ? loadCss() : null]);
    S = Object.assign({}, STRINGS, I18N[base] || {}, window.ThreadkeeperStrings || {});
    if (full && !(window.ThreadkeeperStrings && window.ThreadkeeperStrings.locale) &&
        I18N[base]) S.locale = full;
    try { plural = new Intl.PluralRules(S.locale); } catch (e) { plural = null; }
    try { relFmt = new Intl.RelativeTimeFormat(S.locale, { numeric: "auto" }); } catch (e) { relFmt = null; }

    fillCounts();
    if (root && await resolvePost(root)) mountThread(root);
  }

  // A tiny public handle: refresh counts after adding posts to the page.
  window.Threadkeeper = { version: "1", api: API, strings: STRINGS, refreshCounts: fillCounts };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", boot);
  } else {
    boot();
  }
})();
