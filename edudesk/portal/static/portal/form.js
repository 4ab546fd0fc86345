// Progressive enhancement of the request form: it works without this script.
// Choosing a category shows its fields at once (the "Далее" button does the same without JS),
// and the error summary takes the focus so screen readers announce it.
(function () {
  "use strict";
  var form = document.querySelector(".request-form");
  if (!form) return;
  var next = form.querySelector("button[name=step][value=category]");
  if (next) next.hidden = true;
  form.querySelectorAll("input[name=category]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (next) { next.hidden = false; next.click(); }
    });
  });
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
