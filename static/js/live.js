// Live updates on a topic page: poll for new posts with a conditional request
// (an idle topic answers 304), announce them in a bar, and insert them only
// when the reader asks, so the text under their eyes never moves by itself.
(function () {
  "use strict";

  var INTERVAL = 5000;
  var section = document.querySelector("[data-updates-url]");
  if (!section || !window.fetch) { return; }
  var bar = section.querySelector(".live-bar");
  var url = section.getAttribute("data-updates-url");
  var after = section.getAttribute("data-after") || "0";
  var etag = null;
  var pending = null;
  var busy = false;

  function poll() {
    if (busy || document.hidden) { return; }
    busy = true;
    var headers = { "Accept": "application/json" };
    if (etag) { headers["If-None-Match"] = etag; }
    window.fetch(url + "?after=" + encodeURIComponent(after), { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 304 || !response.ok) { return null; }
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (data) {
        if (data && data.count > 0) {
          pending = data;
          announce(data.count);
        }
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { busy = false; });
  }

  function announce(count) {
    bar.textContent = "";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button small live-show";
    button.textContent = count + (count === 1 ? " new post" : " new posts") + " — show";
    button.addEventListener("click", show);
    bar.appendChild(button);
  }

  function topThread() {
    var list = section.querySelector(":scope > ol.thread");
    if (!list) {
      list = document.createElement("ol");
      list.className = "thread";
      bar.insertAdjacentElement("afterend", list);
      var empty = section.querySelector(":scope > .empty");
      if (empty) { empty.remove(); }
    }
    return list;
  }

  function childThread(parentNode) {
    var details = parentNode.querySelector(":scope > article > details");
    var list = details.querySelector(":scope > ol.thread");
    if (!list) {
      list = document.createElement("ol");
      list.className = "thread";
      details.appendChild(list);
    }
    return list;
  }

  function show() {
    if (!pending) { return; }
    var holder = document.createElement("div");
    holder.innerHTML = pending.html;  // rendered by the server from sanitized HTML
    var first = null;
    pending.posts.forEach(function (post) {
      var node = holder.querySelector("#p" + post.id);
      if (!node || document.getElementById("p" + post.id)) { return; }
      var parent = post.parent_id && document.getElementById("p" + post.parent_id);
      (parent ? childThread(parent) : topThread()).appendChild(node);
      first = first || node;
    });
    after = String(pending.last_id);
    pending = null;
    etag = null;
    bar.textContent = "";
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.focus();
    }
  }

  window.setInterval(poll, INTERVAL);
  document.addEventListener("visibilitychange", poll);
})();
