// Progressive enhancement of the request form; without this script the «Далее» button does
// the same job with a page reload.
// Choosing a category fetches exactly its fields and puts them in place: the page is not
// reloaded, the focus stays on the chosen category (keyboard users may keep arrowing through
// the list), and a polite live region says what appeared. The error summary takes the focus
// after a refused submission so screen readers announce it.
(function () {
  "use strict";
  var form = document.querySelector(".request-form");
  if (!form) return;
  var next = form.querySelector("button[name=step][value=category]");
  var status = document.getElementById("fields-status");
  if (next) next.hidden = true;

  function showFields(radio) {
    var data = new FormData(form);
    data.set("step", "category");
    data.delete("screenshots");
    fetch(form.action, {method: "POST", body: data, credentials: "same-origin"})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector(".request-form fieldset.fields");
        var current = form.querySelector("fieldset.fields");
        if (!fresh) throw new Error("no fields");
        if (current) current.replaceWith(fresh); else form.appendChild(fresh);
        if (status) status.textContent = fresh.querySelector("legend").textContent;
      })
      .catch(function () { if (next) { next.hidden = false; next.click(); } });
  }

  form.querySelectorAll("input[name=category]").forEach(function (radio) {
    radio.addEventListener("change", function () { showFields(radio); });
  });
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
