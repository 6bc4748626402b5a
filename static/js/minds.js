// The "which arguments moved you?" picker of a debate's "after" poll (_macros/debates.html,
// `credit_fieldset`). Without this file the picker is a list of checkboxes searched on
// the server (its own GET form) and the server refuses a fourth tick or a tick with an
// unchanged answer; with it, the list filters as one types, the picker says when the
// chosen answer is the first one again, and a fourth box cannot be ticked.
(function () {
  "use strict";
  if (window.counterpointMinds) { return; }
  window.counterpointMinds = true;

  function setUp(picker) {
    var form = picker.closest("form");
    var filter = document.getElementById("credit-filter");
    var count = document.getElementById("credit-count");
    var options = Array.prototype.slice.call(picker.querySelectorAll(".credit-option"));
    var boxes = options.map(function (li) { return li.querySelector("input[type=checkbox]"); });
    var before = form ? form.getAttribute("data-before") : null;
    var note = document.createElement("p");
    note.className = "hint credit-note";
    note.setAttribute("aria-live", "polite");
    picker.insertBefore(note, picker.querySelector(".credit-search"));

    function chosenValue() {
      var checked = form && form.querySelector("input[name=value]:checked");
      return checked ? checked.value : null;
    }

    function limit() {
      var ticked = boxes.filter(function (b) { return b.checked; }).length;
      boxes.forEach(function (b) { b.disabled = !b.checked && ticked >= 3; });
      var value = chosenValue();
      if (value !== null && value === before) {
        note.textContent = "That is your first answer: nothing changed, so leave the arguments unticked.";
      } else if (ticked >= 3) {
        note.textContent = "Three arguments chosen: untick one to choose another.";
      } else {
        note.textContent = "";
      }
    }

    function applyFilter() {
      var words = (filter.value || "").toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      options.forEach(function (li, i) {
        var text = li.getAttribute("data-text") || "";
        var match = boxes[i].checked || words.every(function (w) { return text.indexOf(w) !== -1; });
        li.hidden = !match;
        if (match) { shown += 1; }
      });
      if (count && words.length) {
        count.textContent = shown + (shown === 1 ? " listed argument matches" : " listed arguments match") +
          " (press Search to look through all of them).";
      }
    }

    boxes.forEach(function (b) { b.addEventListener("change", limit); });
    if (form) {
      Array.prototype.forEach.call(form.querySelectorAll("input[name=value]"), function (r) {
        r.addEventListener("change", limit);
      });
    }
    if (filter) { filter.addEventListener("input", applyFilter); }
    limit();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".credit-picker"), setUp);
    // Times in the reader's own zone beside the server's (UTC, or the class's).
    Array.prototype.forEach.call(document.querySelectorAll(".timeline time[data-your-time]"), function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when.getTime())) { return; }
      var note = document.createElement("span");
      note.className = "local-time";
      note.textContent = " · your time: " + when.toLocaleString(undefined, {
        day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit"
      });
      el.insertAdjacentElement("afterend", note);
    });
  });
})();
