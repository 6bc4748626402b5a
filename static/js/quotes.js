// Quote the article: select a sentence or phrase of it and a "Discuss this" bar
// appears, which opens the page that starts a topic or an argument on it. The
// quote is sent as the W3C TextQuoteSelector has it (exact text, and up to 32
// characters before and after) over the article's plain text, made here as the
// server makes it (forum/domain/anchors.py): tags dropped, each block apart from
// the next, white space collapsed. Without this file every paragraph still has
// its "Discuss this paragraph" link.
(function () {
  "use strict";

  var CONTEXT = 32;
  var BLOCKS = /^(P|BR|HR|PRE|BLOCKQUOTE|UL|OL|LI|H[1-6]|DIV|TABLE|TR|TD|TH)$/;

  // The plain text of a fragment, leaving out what the page added to the article
  // (counts, paragraph links, words for screen readers: data-quote-skip).
  function plainText(node) {
    var parts = [];
    (function walk(n) {
      if (n.nodeType === 3) { parts.push(n.data); return; }
      if (n.nodeType !== 1 && n.nodeType !== 11) { return; }
      if (n.nodeType === 1 && n.hasAttribute("data-quote-skip")) { return; }
      var block = n.nodeType === 1 && BLOCKS.test(n.nodeName);
      if (block) { parts.push(" "); }
      for (var c = n.firstChild; c; c = c.nextSibling) { walk(c); }
      if (block) { parts.push(" "); }
    })(node);
    return parts.join("").replace(/\s+/g, " ");
  }

  function passageOf(node) {
    var el = node.nodeType === 1 ? node : node.parentElement;
    return el ? el.closest(".prose[data-passage]") : null;
  }

  function selectorOf(range, passage) {
    var exact = plainText(range.cloneContents()).trim();
    var before = document.createRange();
    before.setStart(passage, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var after = document.createRange();
    after.setStart(range.endContainer, range.endOffset);
    after.setEnd(passage, passage.childNodes.length);
    var prefix = plainText(before.cloneContents()).replace(/^ /, "");
    var suffix = plainText(after.cloneContents()).replace(/ $/, "");
    return { exact: exact, prefix: prefix.slice(-CONTEXT), suffix: suffix.slice(0, CONTEXT) };
  }

  function setUp(bar) {
    var text = document.getElementById("quote-bar-text");
    var next = bar.querySelector("[data-quote-next]");

    function hide() { bar.hidden = true; }

    function update() {
      if (bar.contains(document.activeElement)) { return; }  // on its way to the button: keep it
      var selection = window.getSelection();
      if (!selection || selection.isCollapsed || selection.rangeCount === 0) { return hide(); }
      var range = selection.getRangeAt(0);
      var passage = passageOf(range.startContainer);
      if (!passage || passage !== passageOf(range.endContainer)) { return hide(); }
      var quote = selectorOf(range, passage);
      if (quote.exact.length < 3) { return hide(); }
      if (next) {
        var params = new URLSearchParams({ exact: quote.exact, prefix: quote.prefix, suffix: quote.suffix });
        next.value = next.getAttribute("data-quote-next") + "?" + params.toString();
      } else {
        bar.elements.exact.value = quote.exact;
        bar.elements.prefix.value = quote.prefix;
        bar.elements.suffix.value = quote.suffix;
      }
      var shown = quote.exact.length > 80 ? quote.exact.slice(0, 77) + "…" : quote.exact;
      text.textContent = "Selected: “" + shown + "”";
      bar.hidden = false;
    }

    // Pressing the button must not take the selection away first.
    bar.addEventListener("mousedown", function (event) { event.preventDefault(); });
    var timer = null;
    document.addEventListener("selectionchange", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 150);
    });
    // Escape puts the bar away; the selection stays.
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !bar.hidden) { hide(); }
    });
  }

  function ready() {
    var bar = document.getElementById("quote-bar");
    if (bar && window.getSelection && window.URLSearchParams) { setUp(bar); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
