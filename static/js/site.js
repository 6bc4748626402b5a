// Progressive enhancement only: every feature works without this file.
(function () {
  "use strict";

  // Confirm before destructive bare buttons (the form still works without JS).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Drafts: every textarea marked data-draft keeps a copy in localStorage,
  // keyed by the form's target, and offers it back after a reload, a crash or a
  // failed submit. A successful submit lands on another page, which clears it.
  var PREFIX = "counterpoint-draft:";

  function draftKey(field) {
    var form = field.form;
    var action = form ? (form.getAttribute("action") || window.location.pathname) : window.location.pathname;
    return PREFIX + new URL(action, window.location.href).pathname + "#" + field.name;
  }

  function setUpDraft(field) {
    var key = draftKey(field);
    var saved = null;
    try { saved = window.localStorage.getItem(key); } catch (e) { return; }
    if (saved && saved !== field.value) {
      if (!field.value.trim()) {
        field.value = saved;
        note(field, "Your unsent draft was restored.");
      } else {
        offer(field, saved);
      }
    }
    var timer = null;
    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        try {
          if (field.value.trim()) { window.localStorage.setItem(key, field.value); }
          else { window.localStorage.removeItem(key); }
        } catch (e) { /* storage full or disabled: nothing to do */ }
      }, 400);
    });
  }

  function note(field, text) {
    var p = document.createElement("p");
    p.className = "hint draft-note";
    p.setAttribute("role", "status");
    p.textContent = text;
    field.insertAdjacentElement("afterend", p);
  }

  function offer(field, saved) {
    var p = document.createElement("p");
    p.className = "hint draft-note";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.textContent = "Restore your unsent draft";
    button.addEventListener("click", function () {
      field.value = saved;
      p.remove();
      field.focus();
    });
    p.appendChild(button);
    field.insertAdjacentElement("afterend", p);
  }

  // A page reached after a successful post: drop the drafts of the forms that
  // sent it (the server redirects only on success).
  function clearSentDrafts() {
    var sent = null;
    try { sent = window.sessionStorage.getItem(PREFIX + "sent"); } catch (e) { return; }
    if (!sent) { return; }
    window.sessionStorage.removeItem(PREFIX + "sent");
    var navigation = window.performance && performance.getEntriesByType &&
      performance.getEntriesByType("navigation")[0];
    var refused = (navigation && navigation.responseStatus >= 400) ||
      document.querySelector("[aria-invalid=true], .error, .error-page, .kept-text");
    if (refused) {
      return; // the submit was refused (an error, an expired form or session): keep the draft
    }
    JSON.parse(sent).forEach(function (key) { window.localStorage.removeItem(key); });
  }

  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) { return; }
    var submitter = event.submitter;
    if (submitter && submitter.name === "preview") { return; }
    var keys = Array.prototype.map.call(event.target.querySelectorAll("textarea[data-draft]"), draftKey);
    if (keys.length) {
      try { window.sessionStorage.setItem(PREFIX + "sent", JSON.stringify(keys)); } catch (e) { /* ignore */ }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    clearSentDrafts();
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-draft]"), setUpDraft);
  });
})();
