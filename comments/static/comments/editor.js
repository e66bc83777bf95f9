/*!
 * Threadkeeper comment widget: the editor (editor.js).
 *
 * embed.js fetches this file from next to itself, once per page, the first time a
 * reader touches a comment form or presses Reply or Preview, or at once for a reader
 * who has comments of their own on the post (to show them and offer Edit and Delete).
 * It is given embed.js's helpers (K) and works on a thread (T) and its forms (f):
 * checks, sending, errors in words, the server-rendered preview, replies, and the
 * author's own comments (kept in localStorage with their edit tokens).
 */
window.ThreadkeeperEditor = (K) => {
  "use strict";
  const { h, btn, t, tn, api, store, emit, setStatus } = K;
  const AUTHOR_KEY = "tk-comments:author"; // "Remember me": read by embed.js's form
  const OWN_MAX_AGE = 30 * 864e5; // own entries are forgotten after 30 days
  const GONE = ["rejected", "spam", "removed"];

  // English for what only the editor shows; the page's language and
  // window.ThreadkeeperStrings (looked up first by t) override them as before.
  Object.assign(K.STRINGS, {
    reply_title: "Reply to {name}",
    preview_title: "Preview",
    preview_empty: "Nothing to preview yet.",
    submit_reply: "Post reply",
    sending: "Sending…",
    cancel: "Cancel",
    edit: "Edit",
    delete: "Delete",
    save: "Save changes",
    confirm_delete: "Delete your comment? This cannot be undone.",
    pending: "Awaiting moderation",
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
    err_token: "The form was refreshed. Please send it again.",
    err_edit_closed: "This comment can no longer be changed.",
    err_gone: "This comment no longer exists.",
    err_generic: "Something went wrong (error {status}). Please try again.",
  });

  // -- The reader's own comments: {id, edit_token, edit_expires_at, post, api, body, t, skew}

  function ownEntries() {
    const all = store.get(K.OWN_KEY, []);
    return Array.isArray(all)
      ? all.filter((e) => e && e.id && e.edit_token && Date.now() - (e.t || 0) <= OWN_MAX_AGE) : [];
  }

  function saveOwn(entry) {
    store.set(K.OWN_KEY, ownEntries().filter((e) => !(e.id === entry.id && e.api === entry.api)).concat(entry));
  }

  function dropOwn(id) {
    store.set(K.OWN_KEY, ownEntries().filter((e) => !(e.id === id && e.api === K.API)));
  }

  /** Milliseconds left to edit; `skew` (reader's clock minus the server's) corrects a wrong clock. */
  function editLeft(entry) {
    const end = entry && Date.parse(entry.edit_expires_at);
    return end ? Math.max(0, end + (entry.skew || 0) - Date.now()) : 0;
  }

  /** The reader's own comments on this post, asked for with their edit tokens. */
  async function loadOwn(T) {
    store.set(K.OWN_KEY, ownEntries()); // forget the ones past OWN_MAX_AGE
    const mine = ownEntries().filter((e) => e.post === T.slug && e.api === K.API);
    const answers = await Promise.all(mine.map((e) =>
      api("GET", "/api/v1/comments/" + encodeURIComponent(e.id) + "/", { token: e.edit_token })));
    const items = [];
    mine.forEach((entry, i) => {
      const r = answers[i];
      if (r.network || r.status === 429 || r.status >= 500) return; // try next time
      const status = r.data && (r.data.status || "approved");
      if (!r.ok || !r.data || GONE.includes(status)) return dropOwn(entry.id);
      if (status === "approved" && !editLeft(entry)) dropOwn(entry.id); // simply public now
      else T.st.own.set(entry.id, entry);
      items.push(Object.assign({}, r.data, { status }));
    });
    return items;
  }

  /** Mark one of the reader's own comments: pending ("Awaiting moderation") and own. */
  function mark(rec) {
    const pending = rec.item.status === "pending";
    rec.li.classList.toggle("tk-pending", pending);
    rec.li.classList.toggle("tk-own", !!rec.own);
    if (pending) rec.head.append(h("span", "tk-badge", t("pending")));
  }

  /** Edit and Delete for the author, inside the edit window. */
  function drawOwn(T, rec) {
    rec.ownBox = null;
    if (editLeft(rec.own) > 0 && !rec.editing) {
      rec.actions.append(rec.ownBox = h("span", "tk-own-actions",
        btn("tk-link", t("edit"), () => openEdit(T, rec)),
        btn("tk-link tk-danger", t("delete"), () => remove(T, rec)),
        rec.leftText = h("span", "tk-left")));
      tickOwn(rec);
    }
  }

  /** "edit for N more minutes"; Edit and Delete go once the window closed. */
  function tickOwn(rec) {
    const ms = rec.ownBox && editLeft(rec.own);
    if (ms > 0) rec.leftText.textContent = ms < 60e3 ? t("edit_left_soon") : tn("edit_left", Math.ceil(ms / 60e3));
    else if (rec.ownBox) rec.ownBox = rec.ownBox.remove();
  }

  /** The approved count moved: the heading and this post's count spans follow. */
  function changeCount(T, delta) {
    if (T.st.count == null) return;
    T.st.count = Math.max(0, T.st.count + delta);
    T.setHeading();
    document.querySelectorAll("[data-comment-count]").forEach((el) => {
      if (el.getAttribute("data-comment-count") === T.slug) K.setCount(el, T.st.count);
    });
  }

  // -- Errors in words ------------------------------------------------------------

  /** Seconds to wait after a 429, from Retry-After (seconds or a date) or DRF's detail. */
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

  function clearErrors(f) {
    for (const fld of Object.values(f.fields)) {
      if (fld.err) {
        fld.err.hidden = true;
        fld.err.textContent = "";
      }
      fld.control.removeAttribute("aria-invalid");
      if (fld.hintId) fld.control.setAttribute("aria-describedby", fld.hintId);
      else fld.control.removeAttribute("aria-describedby");
    }
    setStatus(f, "");
  }

  /** Show messages under a field (its error slot is made on first need). */
  function setFieldError(fld, msgs) {
    if (!fld.err) {
      fld.err = h("p", { class: "tk-field-error", id: fld.control.id + "-err" });
      fld.control.parentNode.append(fld.err);
    }
    fld.err.textContent = msgs.join(" ");
    fld.err.hidden = false;
    fld.control.setAttribute("aria-invalid", "true");
    fld.control.setAttribute("aria-describedby", (fld.hintId ? fld.hintId + " " : "") + fld.err.id);
  }

  /**
   * Show what went wrong, in words, next to the form; nothing typed is cleared.
   * `move` puts focus on the first bad field or the message.
   */
  function showError(T, f, r, retry, move, kind) {
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
          T.refreshToken();
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
    emit(T.root, "tk:error", { post: T.slug, status: r.status, message: msg });
  }

  /** Client-side checks for the obvious; the server has the final word. */
  function checkLocally(f, data) {
    let first = null;
    const email = data.author_email.trim();
    const need = [["author_name", !data.author_name.trim(), "err_required"],
      ["author_email", !email, "err_required"],
      ["author_email", email && !/^[^@\s]+@[^@\s]+$/.test(email), "err_email"],
      ["body", !data.body.trim(), "err_required"]];
    for (const [key, bad, msgKey] of need) {
      const fld = f.fields[key];
      if (bad && (!fld.err || fld.err.hidden)) {
        setFieldError(fld, [t(msgKey)]);
        first = first || fld.control;
      }
    }
    return first;
  }

  function busy(f, on) {
    f.busy = on;
    f.submit.disabled = on;
    f.previewBtn.disabled = on;
    if (on) f.form.setAttribute("aria-busy", "true");
    else f.form.removeAttribute("aria-busy");
  }

  // -- Sending --------------------------------------------------------------------

  async function submit(T, f) {
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
    if (data.author_url && !/^[a-z][a-z0-9+.-]*:/i.test(data.author_url)) {
      data.author_url = "https://" + data.author_url; // "example.com" means https://example.com
    }
    if (f.remember.checked) {
      store.set(AUTHOR_KEY, { name: data.author_name, email: data.author_email, url: data.author_url,
        notify: f.notify.checked });
    } else {
      store.del(AUTHOR_KEY);
    }
    const payload = { author_name: data.author_name.trim(), author_email: data.author_email.trim(),
      body: data.body, homepage: f.honeypot.value, notify_replies: f.notify.checked };
    if (data.author_url) payload.author_url = data.author_url;
    if (f.parent) payload.parent = f.parent.item.id;
    if (T.st.token) payload.form_token = T.st.token;

    busy(f, true);
    setStatus(f, t("sending"));
    const r = await api("POST", "/api/v1/posts/" + T.enc + "/comments/", { body: payload });
    busy(f, false);
    if (!r.ok || !r.data || r.data.id == null) {
      showError(T, f, r.ok ? { status: r.status, data: null } : r, () => submit(T, f), true);
      return;
    }
    T.refreshToken();

    // Remember it, show it in place, tell the reader.
    const c = r.data;
    const serverNow = Date.parse(c.created_at);
    const entry = { id: c.id, edit_token: c.edit_token, edit_expires_at: c.edit_expires_at,
      post: T.slug, api: K.API, body: data.body, t: Date.now(),
      skew: isNaN(serverNow) ? 0 : Date.now() - serverNow };
    if (c.edit_token) {
      saveOwn(entry);
      T.st.own.set(c.id, entry);
    }
    const item = Object.assign({
      author_name: payload.author_name, author_url: payload.author_url || null,
      avatar_url: null, parent: payload.parent == null ? null : payload.parent,
      created_at: new Date().toISOString(), edited_at: null,
    }, c, { status: c.status === "approved" ? "approved" : "pending" });
    const rec = T.addOwnItem(item);
    if (item.status === "approved") changeCount(T, 1);

    const msg = item.status === "approved" ? t("posted") : t("posted_pending");
    f.fields.body.control.value = "";
    if (f.preview) f.preview.hidden = true;
    if (f.parent) {
      closeReply(T, f.parent, false);
      f.form.remove();
      f.parent.replyForm = null;
    } else {
      setStatus(f, msg);
    }
    T.announce(msg);
    T.showEmpty();
    rec.li.focus();
    emit(T.root, "tk:submitted", { post: T.slug, id: c.id, status: item.status });
  }

  /** The server-rendered preview, in a panel under the comment field (made on first use). */
  async function preview(T, f) {
    const body = f.fields.body.control.value;
    clearErrors(f);
    if (!f.preview) {
      f.previewBody = h("div", "tk-body");
      f.preview = h("div", { class: "tk-preview", hidden: true },
        h("p", "tk-preview-title", t("preview_title")), f.previewBody);
      f.fields.body.control.parentNode.after(f.preview);
    }
    if (!body.trim()) {
      f.previewBody.replaceChildren(t("preview_empty"));
      f.preview.hidden = false;
      return;
    }
    f.previewBtn.disabled = true;
    const r = await api("POST", "/api/v1/preview/", { body: { body } });
    f.previewBtn.disabled = false;
    if (r.ok && r.data) {
      // Sanitized by the server, exactly as a posted comment would be.
      f.previewBody.innerHTML = typeof r.data.body_html === "string" ? r.data.body_html : "";
      f.preview.hidden = false;
    } else {
      showError(T, f, r, () => preview(T, f), false);
    }
  }

  function onEscape(form, cancel) {
    form.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape" && !ev.defaultPrevented) { ev.preventDefault(); cancel(); }
    });
  }

  // -- Replies: the thread's form, made into a reply under a comment ---------------

  function openReply(T, rec) {
    if (!rec.replyForm) {
      const f = (rec.replyForm = T.makeForm());
      const title = t("reply_title", { name: (rec.item.author_name || "").trim() || t("anonymous") });
      f.parent = rec;
      f.form.classList.add("tk-reply-form");
      f.form.setAttribute("aria-label", title);
      f.title.remove();
      f.submit.textContent = t("submit_reply");
      f.buttons.append(btn("tk-btn tk-quiet", t("cancel"), () => closeReply(T, rec, true)));
      onEscape(f.form, () => closeReply(T, rec, true));
      rec.slot.append(f.form);
    }
    rec.replyForm.form.hidden = false;
    const toggle = rec.actions.querySelector("[aria-expanded]");
    if (toggle) toggle.setAttribute("aria-expanded", "true");
    const name = rec.replyForm.fields.author_name.control;
    (name.value ? rec.replyForm.fields.body.control : name).focus();
  }

  /** Cancel only hides the form, so reopening it brings back what was typed. */
  function closeReply(T, rec, refocus) {
    if (!rec.replyForm) return;
    rec.replyForm.form.hidden = true;
    const toggle = rec.actions.querySelector("[aria-expanded]");
    if (toggle) {
      toggle.setAttribute("aria-expanded", "false");
      if (refocus) toggle.focus();
    }
  }

  // -- Edit and delete (the author, with the edit token) ---------------------------

  function openEdit(T, rec) {
    if (rec.editing) return;
    rec.editing = true;
    const f = { id: K.uid(), fields: {} };
    const bodyField = T.bodyFieldFor(f);
    // The Markdown source was kept when it was posted; fall back to the text.
    f.fields.body.control.value = rec.own.body != null ? rec.own.body : rec.body.textContent;
    f.submit = h("button", { type: "submit", class: "tk-btn tk-primary" }, t("save"));
    f.form = h("form", { class: "tk-form tk-edit-form", novalidate: true, "aria-label": t("edit") },
      bodyField, h("div", "tk-buttons", f.submit, f.previewBtn,
        btn("tk-btn tk-quiet", t("cancel"), () => closeEdit(T, rec))),
      f.status = K.statusEl());
    f.form.addEventListener("submit", (ev) => { ev.preventDefault(); saveEdit(T, rec, f); });
    onEscape(f.form, () => closeEdit(T, rec));
    rec.editForm = f;
    rec.body.hidden = true;
    T.drawActions(rec);
    rec.slot.prepend(f.form);
    f.fields.body.control.focus();
  }

  function closeEdit(T, rec) {
    if (rec.editForm) rec.editForm.form.remove();
    rec.editForm = null;
    rec.editing = false;
    rec.body.hidden = false;
    T.drawActions(rec);
    const edit = rec.ownBox && rec.ownBox.querySelector("button");
    (edit || rec.li).focus();
  }

  async function saveEdit(T, rec, f) {
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
      showError(T, f, r, () => saveEdit(T, rec, f), true, "edit");
      if (r.status === 404) dropOwn(rec.item.id);
      return;
    }
    const c = r.data || {};
    rec.own.body = body;
    if (c.edit_expires_at) rec.own.edit_expires_at = c.edit_expires_at;
    saveOwn(rec.own);
    const wasApproved = rec.item.status === "approved";
    rec.item = Object.assign(rec.item, c, { edited_at: c.edited_at || new Date().toISOString() });
    if (wasApproved && rec.item.status !== "approved") changeCount(T, -1);
    closeEdit(T, rec);
    T.fillRecord(rec);
    rec.li.focus();
    T.announce(rec.item.status === "pending" ? t("saved_pending") : t("saved"));
    emit(T.root, "tk:edited", { post: T.slug, id: rec.item.id, status: rec.item.status });
  }

  async function remove(T, rec) {
    if (!window.confirm(t("confirm_delete"))) return;
    const r = await api("DELETE", "/api/v1/comments/" + encodeURIComponent(rec.item.id) + "/",
      { token: rec.own.edit_token });
    if (!r.ok && r.status !== 404) {
      // Show the problem in the comment's own live region.
      showError(T, K.slotBox(rec), r, () => remove(T, rec), true, "edit");
      return;
    }
    dropOwn(rec.item.id);
    T.st.own.delete(rec.item.id);
    if (rec.item.status === "approved") changeCount(T, -1);
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
      const parent = rec.item.parent != null && T.st.nodes.get(rec.item.parent);
      const next = prev || (parent && parent.li) || T.heading;
      rec.li.remove();
      T.st.nodes.delete(id);
      next.setAttribute("tabindex", "-1");
      next.focus();
      T.showEmpty();
    }
    T.announce(t("deleted"));
    emit(T.root, "tk:deleted", { post: T.slug, id });
  }

  return { loadOwn, mark, drawOwn, tickOwn, submit, preview, openReply, closeReply, openEdit, remove };
};
