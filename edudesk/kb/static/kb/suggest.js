// Knowledge-base articles offered beside the request form while the customer describes the
// problem (the form works the same without this script). The description is sent to the
// suggest endpoint a moment after typing stops; the matches fill the side panel, each with a
// link (a new tab: the typed text stays) and «Это помогло», which submits the small form
// kb-helped-form to that article's address: counted, and the request ends there.
(function () {
  "use strict";
  var panel = document.getElementById("kb-suggestions");
  var form = document.querySelector(".request-form");
  if (!panel || !form || !window.fetch) return;
  var list = panel.querySelector("ul");
  var template = document.getElementById("kb-suggestion-template");
  var status = document.getElementById("kb-suggestions-status");
  var wrapper = panel.parentNode;
  var narrow = window.matchMedia("(max-width: 59.99rem)");
  var timer = null, asked = "", shown = "";

  // On a phone the panel goes right under the description, where the customer is looking.
  function place() {
    var field = form.querySelector("[name=description]");
    var after = narrow.matches && field ? field.closest(".field") || field : null;
    if (after) { if (after.nextSibling !== panel) after.after(panel); }
    else if (panel.parentNode !== wrapper) wrapper.appendChild(panel);
  }

  function show(articles) {
    var ids = articles.map(function (a) { return a.id; }).join(",");
    if (ids === shown) return;
    shown = ids;
    list.replaceChildren();
    articles.forEach(function (article) {
      var item = template.content.firstElementChild.cloneNode(true);
      var link = item.querySelector("a");
      link.href = article.url;
      link.textContent = article.title;
      item.querySelector("p").textContent = article.summary;
      var button = item.querySelector("button");
      button.formAction = button.getAttribute("formaction").replace(/\/0\/([a-z-]+)$/, "/" + article.id + "/$1");
      list.appendChild(item);
    });
    place();
    panel.hidden = articles.length === 0;
    if (status) status.textContent = articles.length ? panel.querySelector("h2").textContent + ": " + articles.length : "";
  }

  function ask() {
    var field = form.querySelector("[name=description]");
    var text = field ? field.value.trim() : "";
    if (text === asked) return;
    asked = text;
    var url = panel.dataset.suggestUrl + "?text=" + encodeURIComponent(text.slice(0, 2000));
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : {articles: []}; })
      .then(function (data) { if (asked === text) show(data.articles || []); })
      .catch(function () {});
  }

  form.addEventListener("input", function (event) {
    if (!event.target || event.target.name !== "description") return;
    clearTimeout(timer);
    timer = setTimeout(ask, 400);
  });
  narrow.addEventListener("change", place);
  // A form shown again (a refused submit) already has a description.
  if (form.querySelector("[name=description]")) ask();
})();
