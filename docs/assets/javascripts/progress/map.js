/* The roadmap map (home page, roadmap overview): each week node shows its state from the learner's ticks in
   this browser, in words ("Not started", "3 of 11 done", "Done") and by its marker's shape, and the first week
   not done is the current step ("You are here", aria-current). It follows ticks made in another tab too: bind.js
   reloads the store on the storage event, and the store tells its subscribers. Without JavaScript the map is
   the same lists and links, without states. Loaded on the pages with a map, after store.js and bind.js. */
(function (w, d) {
  "use strict";
  if (w.mdxMap) return; // instant navigation, when on, re-runs this script on each visit
  w.mdxMap = true;
  var P = w.mdxProgress;
  if (!P) return;

  function draw() {
    var map = d.querySelector("[data-mdx-map]");
    if (!map) return;
    // each week's item ids: from the page's manifest (home), else from the node itself (data-mdx-items)
    var m = P.manifest(), ids = {}, here = false; // P.manifest: bind.js
    ((m && m.weeks) || []).forEach(function (wk) { ids[wk.id] = wk.items; });
    map.querySelectorAll("[data-mdx-node]").forEach(function (li) {
      var items = ids[li.getAttribute("data-mdx-node")] || (li.getAttribute("data-mdx-items") || "").split(" ");
      var n = items.length, k = items.filter(P.has).length, a = li.querySelector("a"), s = li.querySelector("[data-mdx-state]");
      var state = !k ? "none" : k < n ? "part" : "done";
      li.setAttribute("data-mdx-state", state);
      li.style.setProperty("--mdx-f", k / (n || 1)); // the marker fills to the fraction done
      // after the comma that screen readers read the node with: "Week 1: ..., 15–20 h, 3 of 11 done"
      s.lastChild.textContent = state == "none" ? "Not started" : state == "part" ? k + " of " + n + " done" : "Done";
      s.hidden = false;
      if (!here && state != "done") { here = true; a.setAttribute("aria-current", "step"); } else a.removeAttribute("aria-current");
    });
  }

  P.on(draw);
  document$.subscribe(draw);
})(window, document);
