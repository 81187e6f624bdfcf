/* The little the pages do in the browser besides HTMX, served from here: the Content-Security-Policy
   allows no inline script, no inline handler and no hx-on (docs/decisions/0023-response-headers.md). */
(function () {
  "use strict";

  // Live choice session: right after a choice, the next laureate's buttons wait 600 ms (class
  // "arming", set by the server on a fresh panel), so a double click records one choice only.
  function disarmSoon(root) {
    if (!root || !root.querySelectorAll) { return; }
    var forms = Array.prototype.slice.call(root.querySelectorAll(".arming"));
    if (root.matches && root.matches(".arming")) { forms.push(root); }
    if (!forms.length) { return; }
    window.setTimeout(function () {
      forms.forEach(function (form) { form.classList.remove("arming"); });
    }, 600);
  }

  // Tabs loaded by HTMX (the national referential): the tab just loaded is the active one.
  function markActiveTab(event) {
    var link = event.detail && event.detail.elt;
    if (!link || !link.closest) { return; }
    var tabs = link.closest(".tabs");
    if (!tabs || !event.detail.successful) { return; }
    tabs.querySelectorAll("a").forEach(function (a) { a.classList.toggle("active", a === link); });
  }

  // Irreversible actions (open the live session, run the final round, publish): the form says what
  // will happen and to how many in data-confirm; HTMX forms ask through hx-confirm instead.
  function confirmSubmit(event) {
    var form = event.target;
    if (!form.getAttribute || form.hasAttribute("hx-confirm")) { return; }
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }

  document.addEventListener("DOMContentLoaded", function () { disarmSoon(document); });
  document.addEventListener("submit", confirmSubmit, true);
  document.addEventListener("htmx:load", function (event) { disarmSoon(event.detail.elt); });
  document.addEventListener("htmx:afterRequest", markActiveTab);
})();
