// edudesk widget: a «Техподдержка» button that opens the request form in a panel.
// <script src="https://desk.example.ru/static/portal/widget.js" async
//         data-edudesk-service="uchipro" data-edudesk-token="v1.…"></script>
// The token is POSTed into the iframe (never put into a URL, so it stays out of logs).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var service = script.getAttribute("data-edudesk-service");
  var token = script.getAttribute("data-edudesk-token");
  var label = script.getAttribute("data-edudesk-label") || "Техподдержка";
  var origin = new URL(script.src).origin;
  var frameName = "edudesk-widget-" + Math.random().toString(36).slice(2);

  var button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  button.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:2147483000;padding:.6rem 1rem;" +
    "border:0;border-radius:2rem;background:#3563c9;color:#fff;font:600 1rem sans-serif;cursor:pointer";

  var panel = document.createElement("div");
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", label);
  panel.style.cssText = "position:fixed;right:1rem;bottom:4.5rem;z-index:2147483000;width:min(28rem,95vw);" +
    "height:min(40rem,80vh);background:#fff;border:1px solid #ccd;border-radius:8px;box-shadow:0 4px 24px #0003";
  var frame = document.createElement("iframe");
  frame.name = frameName;
  frame.title = label;
  frame.style.cssText = "width:100%;height:100%;border:0;border-radius:8px";
  panel.appendChild(frame);

  var loaded = false;
  function open() {
    panel.hidden = !panel.hidden;
    button.setAttribute("aria-expanded", String(!panel.hidden));
    if (loaded || panel.hidden) return;
    loaded = true;
    var form = document.createElement("form");
    form.method = "post";
    form.action = origin + "/support/" + encodeURIComponent(service) + "/widget";
    form.target = frameName;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "token";
    input.value = token;
    form.appendChild(input);
    document.body.appendChild(form);
    form.submit();
    form.remove();
  }
  button.addEventListener("click", open);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) { open(); button.focus(); }
  });
  document.body.appendChild(panel);
  document.body.appendChild(button);
})();
