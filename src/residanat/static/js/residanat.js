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

  // A form shown again with its errors: the summary at its top comes into view and takes the focus
  // (the page may be long: the jury's merit list).
  function showFormErrors() {
    var summary = document.querySelector(".form-errors");
    if (!summary) { return; }
    var details = summary.closest("details");
    if (details) { details.open = true; }
    summary.scrollIntoView({block: "center"});
    summary.focus({preventScroll: true});
  }

  // Irreversible actions (issue 25 item 2): a form with data-confirm (what will happen, to how
  // many) is sent only after the dialog #confirm-dialog (base.html) is accepted; an HTMX request
  // with hx-confirm asks through the same dialog instead of the browser's.
  function askConfirmation(text, onYes) {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || !dialog.showModal) { if (window.confirm(text)) { onYes(); } return; }
    dialog.querySelector(".confirm-text").textContent = text;
    var yes = dialog.querySelector("[value=yes]");
    dialog.returnValue = "";
    dialog.addEventListener("close", function once() {
      dialog.removeEventListener("close", once);
      if (dialog.returnValue === "yes") { onYes(); }
    });
    dialog.showModal();
    yes.focus();
  }

  function confirmSubmit(event) {
    var form = event.target;
    // An HTMX form asks through hx-confirm (confirmHtmx) instead.
    if (!form.matches || !form.matches("form[data-confirm]:not([hx-post])") || form.dataset.confirmed === "1") { return; }
    event.preventDefault();
    var submitter = event.submitter || null;
    askConfirmation(form.dataset.confirm, function () {
      form.dataset.confirmed = "1";
      if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
      delete form.dataset.confirmed;
    });
  }

  function confirmHtmx(event) {
    if (!event.detail || !event.detail.question) { return; }
    event.preventDefault();
    askConfirmation(event.detail.question, function () { event.detail.issueRequest(true); });
  }

  // Switching language reloads the page: a form marked data-keep (the trainee's rotation wishes)
  // keeps what was typed and not yet saved, through the tab's sessionStorage, and gets it back once.
  function draftKey(form) { return "residanat-draft:" + window.location.pathname + ":" + (form.id || form.action); }

  function keepDrafts() {
    document.querySelectorAll("form[data-keep]").forEach(function (form) {
      var values = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.type === "hidden" || el.type === "submit" || el.disabled) { return; }
        values[el.name] = (el.type === "checkbox" || el.type === "radio") ? (el.checked ? el.value : null) : el.value;
      });
      try { window.sessionStorage.setItem(draftKey(form), JSON.stringify(values)); } catch (e) { /* full or off */ }
    });
  }

  function restoreDrafts() {
    document.querySelectorAll("form[data-keep]").forEach(function (form) {
      var raw = null;
      try { raw = window.sessionStorage.getItem(draftKey(form)); window.sessionStorage.removeItem(draftKey(form)); } catch (e) { return; }
      if (!raw) { return; }
      var values = JSON.parse(raw);
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || !(el.name in values) || el.type === "hidden" || el.disabled) { return; }
        if (el.type === "checkbox" || el.type === "radio") { el.checked = values[el.name] === el.value; } else { el.value = values[el.name]; }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    restoreDrafts();
    showFormErrors();
    var switcher = document.querySelector("form.langswitch");
    if (switcher) { switcher.addEventListener("submit", keepDrafts); }
  });
  document.addEventListener("submit", confirmSubmit, true);
  document.addEventListener("htmx:confirm", confirmHtmx);
  document.addEventListener("DOMContentLoaded", function () { disarmSoon(document); });
  document.addEventListener("htmx:load", function (event) { disarmSoon(event.detail.elt); });
  document.addEventListener("htmx:afterRequest", markActiveTab);
})();
