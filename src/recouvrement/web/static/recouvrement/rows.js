// Rows chosen by a click or by the keyboard, as in Sage (issue 13 §6). A static file (CSP: no
// inline script), listening on the document: htmx may swap the table, nothing to bind again.
//
// <tbody data-rows tabindex="0"> holds the rows <tr data-row="id">; a row's link
// [data-row-open] opens its ligne de saisie (htmx swaps the tab), which is <tr data-row-entry>
// and has a link [data-row-cancel]. With the focus on the body: ↑ ↓ (Début, Fin) move the
// highlighted row (aria-selected), Entrée opens it; Échap, anywhere in the body, cancels the
// ligne de saisie. A click on a row (not on one of its links or fields) opens it.
(function () {
  "use strict";

  // What to focus once htmx has swapped the table in: the ligne de saisie (after Entrée or a
  // click) or the body again, on the same row (after Échap).
  var pending = null;

  function rowsOf(body) {
    return Array.prototype.slice.call(body.querySelectorAll("tr[data-row]"));
  }

  function highlighted(body) {
    return body.querySelector('tr[data-row][aria-selected="true"]');
  }

  function highlight(body, row, scroll) {
    rowsOf(body).forEach(function (each) {
      each.setAttribute("aria-selected", each === row ? "true" : "false");
    });
    if (row && scroll) row.scrollIntoView({ block: "nearest" });
  }

  function bodyOf(id) {
    var body = document.querySelector("tbody[data-rows]");
    if (!body || !id) return body;
    var row = body.querySelector('tr[data-row="' + id + '"]');
    if (row) highlight(body, row, false);
    return body;
  }

  function prepare() {
    document.querySelectorAll("tbody[data-rows]").forEach(function (body) {
      if (highlighted(body)) return;
      var rows = rowsOf(body);
      var entry = body.querySelector("tr[data-row-entry]");
      highlight(body, entry || rows[0] || null, false);
    });
  }

  function focusEntry(body) {
    var entry = body.querySelector("tr[data-row-entry]");
    var field = entry && entry.querySelector("input, select, textarea, button");
    if (field) field.focus();
    else body.focus();
  }

  function open(body, row) {
    if (!row) return;
    highlight(body, row, false);
    if (row.hasAttribute("data-row-entry")) {
      focusEntry(body);
      return;
    }
    var link = row.querySelector("[data-row-open]");
    if (!link) return;
    pending = { focus: "entry", id: row.getAttribute("data-row") };
    link.click();
  }

  function cancel(body) {
    var link = body.querySelector("[data-row-cancel]");
    if (!link) return false;
    var entry = body.querySelector("tr[data-row-entry]");
    pending = { focus: "body", id: entry ? entry.getAttribute("data-row") : null };
    link.click();
    return true;
  }

  function move(body, step) {
    var rows = rowsOf(body);
    if (!rows.length) return;
    var index = rows.indexOf(highlighted(body));
    if (step === Infinity) index = rows.length - 1;
    else if (step === -Infinity) index = 0;
    else index = Math.min(rows.length - 1, Math.max(0, index + step));
    highlight(body, rows[index], true);
  }

  var MOVES = { ArrowDown: 1, ArrowUp: -1, Home: -Infinity, End: Infinity };

  document.addEventListener("keydown", function (event) {
    var body = event.target.closest && event.target.closest("tbody[data-rows]");
    if (!body || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "Escape") {
      if (cancel(body)) event.preventDefault();
      return;
    }
    if (event.target !== body) return; // in a field of the ligne de saisie: its own keys
    if (event.key in MOVES) {
      event.preventDefault();
      move(body, MOVES[event.key]);
    } else if (event.key === "Enter") {
      event.preventDefault();
      open(body, highlighted(body));
    }
  });

  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("tbody[data-rows] tr[data-row]");
    if (!row || row.hasAttribute("data-row-entry")) return;
    if (event.target.closest("a, button, input, select, textarea, label, summary, details")) return;
    open(row.closest("tbody[data-rows]"), row);
  });

  document.addEventListener("htmx:afterSettle", function () {
    var wanted = pending;
    pending = null;
    prepare();
    if (!wanted) return;
    var body = bodyOf(wanted.id);
    if (!body) return;
    if (wanted.focus === "entry") focusEntry(body);
    else body.focus();
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", prepare);
  else prepare();
})();
