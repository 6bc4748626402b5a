// Class pages: show each phase time in the reader's own time zone as well as the
// class's (the server renders the class's zone; this only adds the reader's).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    Array.prototype.forEach.call(document.querySelectorAll("time[data-localise]"), function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when.getTime())) { return; }
      var local = when.toLocaleString(undefined, {
        day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit"
      });
      var note = document.createElement("span");
      note.className = "local-time";
      note.textContent = " · your time: " + local + " (" + zone + ")";
      el.insertAdjacentElement("afterend", note);
    });
  });
})();
