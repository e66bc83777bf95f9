/* The moderation queue by keyboard: j/k move, a/r/s/h decide, x selects, ? shows the keys.
 * Decisions are POSTed to the moderation API (session + CSRF); the page never reloads, and
 * every move and decision is announced in a live region for screen readers. */
(function () {
  "use strict";
  var ACTIONS = { a: "approve", r: "reject", s: "spam", h: "ham" };
  var DONE = { approve: "approved", reject: "rejected", spam: "marked spam", ham: "approved as not spam" };
  var STATUS = { approve: "Approved", reject: "Rejected", spam: "Spam", ham: "Approved" };

  function start() {
    var table = document.getElementById("result_list");
    var config = document.getElementById("tk-queue");
    if (!table || !config) return;
    var api = config.getAttribute("data-api");
    var live = document.getElementById("tk-live");
    var help = document.getElementById("tk-keys");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var current = -1;

    function idOf(row) {
      var box = row.querySelector("input.action-select");
      return box ? parseInt(box.value, 10) : null;
    }
    function say(text) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = text; }, 30);
    }
    function describe(row) {
      var text = row.querySelector(".field-excerpt_column a, .field-excerpt_column");
      var status = row.querySelector(".tk-status");
      return "Comment " + (current + 1) + " of " + rows.length + ", " +
        (status ? status.textContent.trim() + ": " : "") + (text ? text.textContent.trim() : "");
    }
    function move(to) {
      if (!rows.length) { say("The queue is empty."); return; }
      to = Math.max(0, Math.min(rows.length - 1, to));
      if (rows[current]) { rows[current].classList.remove("tk-current"); rows[current].removeAttribute("aria-current"); }
      current = to;
      var row = rows[current];
      row.classList.add("tk-current");
      row.setAttribute("aria-current", "true");
      row.scrollIntoView({ block: "nearest" });
      var box = row.querySelector("input.action-select");
      if (box) box.focus({ preventScroll: true });
      say(describe(row));
    }
    function nextOpen(from) {
      for (var i = from + 1; i < rows.length; i++) {
        if (!rows[i].classList.contains("tk-decided")) return i;
      }
      return -1;
    }
    function csrf() {
      var field = document.querySelector("[name=csrfmiddlewaretoken]");
      return field ? field.value : "";
    }
    function selected() {
      return rows.filter(function (row) {
        var box = row.querySelector("input.action-select");
        return box && box.checked;
      });
    }
    function post(url, body) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept": "application/json" },
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) throw new Error(data.detail || ("the server answered " + response.status));
          return data;
        });
      });
    }
    function mark(row, action) {
      row.classList.add("tk-decided");
      var status = row.querySelector(".tk-status");
      if (status) status.textContent = STATUS[action];
      var box = row.querySelector("input.action-select");
      if (box && box.checked) box.click();  /* lets the admin's own counter follow */
    }
    function decide(action) {
      var chosen = selected();
      var targets = chosen.length ? chosen : (rows[current] ? [rows[current]] : []);
      if (!targets.length) { say("Move to a comment first with j."); return; }
      var ids = targets.map(idOf);
      var request = ids.length === 1
        ? post(api + ids[0] + "/" + action + "/", {})
        : post(api + "bulk/", { ids: ids, action: action });
      request.then(function () {
        targets.forEach(function (row) { mark(row, action); });
        var left = rows.filter(function (row) { return !row.classList.contains("tk-decided"); }).length;
        var what = ids.length === 1 ? "Comment #" + ids[0] : ids.length + " comments";
        say(what + " " + DONE[action] + ". " + left + " left on this page.");
        var next = nextOpen(rows.indexOf(targets[targets.length - 1]));
        if (next >= 0) {
          if (rows[current]) rows[current].classList.remove("tk-current");
          current = next;
          rows[current].classList.add("tk-current");
          rows[current].setAttribute("aria-current", "true");
          rows[current].scrollIntoView({ block: "nearest" });
          var box = rows[current].querySelector("input.action-select");
          if (box) box.focus({ preventScroll: true });
        }
      }).catch(function (error) {
        say("Could not decide: " + error.message + ". Nothing was changed; try again.");
      });
    }
    function toggleHelp() {
      if (!help) return;
      if (help.open) help.close(); else help.showModal();
    }
    function open() {
      var link = rows[current] && rows[current].querySelector("a[href]");
      if (link) window.location.href = link.href;
    }
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var tag = target && target.tagName;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && target.type !== "checkbox")) return;
      if (help && help.open && event.key !== "?") return;
      var key = event.key;
      if (key === "j") move(current + 1);
      else if (key === "k") move(current < 0 ? 0 : current - 1);
      else if (ACTIONS[key]) decide(ACTIONS[key]);
      else if (key === "x" && rows[current]) {
        var box = rows[current].querySelector("input.action-select");
        if (box) { box.click(); say((box.checked ? "Selected" : "Unselected") + " comment #" + idOf(rows[current]) + ". " + selected().length + " selected."); }
      } else if (key === "?") toggleHelp();
      else if ((key === "o" || (key === "Enter" && tag !== "INPUT")) && rows[current]) open();
      else return;
      event.preventDefault();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
