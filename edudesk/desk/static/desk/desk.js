// The agent workspace. The queue refreshes itself every 30 s, except while the agent has ticked
// tickets for a bulk action (a refresh would clear the ticks). This check lives here, not in an
// htmx trigger filter: filters are evaluated with eval(), which the Content-Security-Policy forbids.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeRequest", function (event) {
    var list = event.detail.elt;
    if (list && list.id === "queue-list" && list.querySelector("input[name=tickets]:checked")) {
      event.preventDefault();
    }
  });
})();
