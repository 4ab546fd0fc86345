// Every page: choosing a language in the header switches to it at once (without scripts the
// «Сменить» button does it). A static file, not an onchange attribute: the Content-Security-Policy
// allows no inline script.
(function () {
  "use strict";
  var select = document.getElementById("language-select");
  if (!select) return;
  select.addEventListener("change", function () { select.form.submit(); });
})();
