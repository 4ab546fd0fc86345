// The desk queue: keyboard navigation, the «?» help, and updates without a reload.
//
// Keys (ignored while typing in a field): j / ↓ next ticket, k / ↑ previous, Enter / o open,
// r open to reply, n open to write an internal note, x tick for a bulk action, ? help.
// The selected ticket's number link holds the focus, so the browser shows it and Enter opens it.
//
// Updates: every data-poll-seconds the page asks data-updates with the ETag of what it shows;
// (the page's own, data-etag, at first); an unchanged queue answers 304 and nothing happens. A changed one sends the list and the
// counts, swapped in place, keeping the selected ticket. No swap while tickets are ticked.
(function () {
  "use strict";
  var page = document.getElementById("queue-page");
  if (!page) { return; }
  var help = document.getElementById("queue-keys");
  var etag = page.dataset.etag || null;

  function links() { return Array.prototype.slice.call(document.querySelectorAll("#queue-list a.ticket-link")); }
  function current() {
    var list = links();
    var index = list.indexOf(document.activeElement);
    return { list: list, index: index };
  }
  function select(link) {
    if (!link) { return; }
    document.querySelectorAll("#queue-list tr.selected").forEach(function (row) { row.classList.remove("selected"); });
    var row = link.closest("tr");
    row.classList.add("selected");
    link.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }
  function move(step) {
    var at = current();
    if (!at.list.length) { return; }
    var next = at.index < 0 ? (step > 0 ? 0 : at.list.length - 1) : at.index + step;
    select(at.list[Math.max(0, Math.min(at.list.length - 1, next))]);
  }
  function open(anchor) {
    var at = current();
    var link = at.index >= 0 ? at.list[at.index] : at.list[0];
    if (link) { window.location.assign(link.getAttribute("href") + (anchor ? "#" + anchor : "")); }
  }
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName)
      && !(target.tagName === "INPUT" && target.type === "checkbox"));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (help && help.open) { return; }  // the dialog handles Esc itself
    var key = event.key;
    var handled = true;
    if (key === "j" || key === "ArrowDown") { move(1); }
    else if (key === "k" || key === "ArrowUp") { move(-1); }
    else if (key === "o") { open(""); }
    else if (key === "Enter" && current().index < 0) { open(""); }
    else if (key === "r") { open("reply"); }
    else if (key === "n") { open("note"); }
    else if (key === "x") {
      var at = current();
      var box = at.index >= 0 && at.list[at.index].closest("tr").querySelector("input[name=tickets]");
      if (box) { box.checked = !box.checked; } else { handled = false; }
    }
    else if (key === "?") { showHelp(); }
    else { handled = false; }
    if (handled) { event.preventDefault(); }
  });

  function showHelp() { if (help && !help.open) { help.showModal(); } }
  var helpButton = document.getElementById("queue-keys-open");
  if (helpButton) { helpButton.addEventListener("click", showHelp); }
  document.addEventListener("focusin", function (event) {
    var link = event.target.closest && event.target.closest("#queue-list a.ticket-link");
    if (link) {
      document.querySelectorAll("#queue-list tr.selected").forEach(function (row) { row.classList.remove("selected"); });
      link.closest("tr").classList.add("selected");
    }
  });

  function swap(html) {
    var selected = document.activeElement && document.activeElement.matches("#queue-list a.ticket-link")
      ? document.activeElement.textContent : null;
    var fresh = new DOMParser().parseFromString(html, "text/html");
    ["queue-list", "queue-counts"].forEach(function (id) {
      var old = document.getElementById(id);
      var replacement = fresh.getElementById(id);
      if (old && replacement) { old.replaceWith(document.importNode(replacement, true)); }
    });
    if (selected) {
      select(links().filter(function (link) { return link.textContent === selected; })[0]);
    }
  }

  function poll() {
    if (document.hidden || document.querySelector("#queue-list input[name=tickets]:checked")) { return; }
    var headers = { "Accept": "text/html" };
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(page.dataset.updates, { headers: headers, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 401 || response.redirected) { window.location.reload(); return null; }
        if (response.status !== 200) { return null; }
        etag = response.headers.get("ETag");
        return response.text().then(swap);
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }
  var seconds = parseInt(page.dataset.pollSeconds, 10) || 20;
  window.setInterval(poll, seconds * 1000);
})();
