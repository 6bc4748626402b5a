// A live word count under a text box with a phase's word limit (classes/_macros.html,
// `word_count`): counted as the server counts (class_rules.count_words). Without this
// file the count shows on preview and in a refusal.
(function () {
  "use strict";
  if (window.counterpointWords) { return; }  // included once per form: set up once
  window.counterpointWords = true;
  var WORD = /[\p{L}\p{N}]+(?:['\u2019-][\p{L}\p{N}]+)*/gu;

  function count(text) {
    var matches = (text || "").replace(/\]\([^)]*\)/g, "]").match(WORD);
    return matches ? matches.length : 0;
  }

  function setUp(box) {
    var field = document.getElementById(box.getAttribute("data-for"));
    var shown = box.querySelector(".word-count-now");
    var limit = parseInt(box.getAttribute("data-word-limit"), 10);
    if (!field || !shown || !limit) { return; }
    function update() {
      var n = count(field.value);
      var over = n - limit;
      shown.textContent = "Your text: " + n + (n === 1 ? " word" : " words") +
        (over > 0 ? ", " + over + " over the limit." : " of " + limit + ".");
      shown.classList.toggle("over", over > 0);
    }
    field.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-word-limit]"), setUp);
  });
})();
