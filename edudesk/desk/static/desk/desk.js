// The agent workspace (the queue itself: queue.js).

// Opened from the queue with r (reply) or n (note): the composer is ready, in that mode.
(function () {
  "use strict";
  var modes = { "#reply": "reply", "#note": "note" };
  document.addEventListener("DOMContentLoaded", function () {
    var mode = modes[window.location.hash];
    var body = document.getElementById("composer-body");
    if (!mode || !body) { return; }
    var radio = document.querySelector("#composer input[name=mode][value=" + mode + "]");
    if (radio) { radio.checked = true; radio.dispatchEvent(new Event("change", { bubbles: true })); }
    body.focus();
  });
})();
