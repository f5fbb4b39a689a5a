/* A week page's plan line ("At 10 h/week from ...: this week done between ...") and its journal note, kept in
   this browser only. Loaded on week pages, after store.js and plan.js. Typed text is data, never markup. */
(function (w, d) {
  "use strict";
  if (w.mdxWeek) return; // instant navigation, when on, re-runs this script on each visit
  var P = w.mdxProgress, L = w.mdxPlan;
  w.mdxWeek = true;

  function weeks(el) {
    var rows;
    try { rows = JSON.parse(el.getAttribute("data-mdx-plan-data")); } catch (e) { rows = []; }
    return rows.map(function (r) { return { id: r[0], phase: r[1], hours: [r[2], r[3]], items: r.slice(4) }; });
  }
  function planLine() {
    var el = d.querySelector("[data-mdx-plan]"), data = d.getElementById("mdx-plan-data");
    if (!el || !data) return;
    var id = el.getAttribute("data-mdx-plan"), s = L.settings(), p = L.plan(weeks(data), P.has, s.hours, s.start);
    el.textContent = p.weeks[id] ? L.line(s, "this week", p.weeks[id]) : "This week is done: every item is ticked.";
    el.hidden = false;
  }
  function journal() {
    var box = d.querySelector("[data-mdx-journal]");
    if (!box || box.firstChild) return;
    var id = box.getAttribute("data-mdx-journal"), label = box.getAttribute("data-mdx-label");
    var j = P.get("journal") || {}, h = d.createElement("label"), ta = d.createElement("textarea");
    var b = d.createElement("button"), msg = d.createElement("p");
    h.textContent = "Your journal for " + label + " (kept in this browser only, at most " + P.NOTE + " characters)";
    h.htmlFor = ta.id = "mdx-journal-text";
    ta.rows = 4;
    ta.value = j[id] || "";
    b.className = "md-button";
    b.textContent = "Save note";
    msg.setAttribute("role", "status");
    msg.className = "mdx-journal__msg";
    b.onclick = function () {
      var t = ta.value, all = P.get("journal") || {};
      if (t.length > P.NOTE) {
        msg.textContent = "Not saved: your note has " + t.length + " characters, and a note holds at most " + P.NOTE +
          ". Shorten it by " + (t.length - P.NOTE) + " and save again; your text is still in the box.";
        return;
      }
      if (t.trim()) all[id] = t; else delete all[id];
      P.put("journal", all);
      msg.textContent = t.trim() ? "Note saved in this browser." : "Note removed.";
    };
    box.append(h, ta, b, msg);
    box.hidden = false;
  }
  if (P) {
    P.on(planLine);
    document$.subscribe(function () { planLine(); journal(); });
  }
})(window, document);
