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
  /* "this week", or "this block" on a two-week or open-ended page; the default 10 h/week says it is one and links to
     the dashboard's planner, where the learner sets their own. */
  function planLine() {
    var el = d.querySelector("[data-mdx-plan]"), data = d.getElementById("mdx-plan-data");
    if (!el || !data) return;
    var id = el.getAttribute("data-mdx-plan"), s = L.settings(), p = L.plan(weeks(data), P.has, s.hours, s.start);
    var what = "this " + (el.getAttribute("data-mdx-span") || "week"), href = el.getAttribute("data-mdx-planner");
    var text = p.weeks[id] ? L.line(s, what, p.weeks[id]) : "This " + what.slice(5) + " is done: every item is ticked.";
    var cut = text.indexOf(L.DFLT);
    el.textContent = cut < 0 || !href ? text : text.slice(0, cut) + " (default; ";
    if (cut >= 0 && href) {
      var set = d.createElement("a");
      set.href = href;
      set.textContent = "set yours";
      el.append(set, ")" + text.slice(cut + L.DFLT.length));
    }
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
    /* The note is saved as it is typed (shortly after the last key, and when the box loses focus or the page is
       left), so that it is never lost by navigating away; the button saves at once. A note over the limit is not
       saved: the message says so, and leaving the page asks first. */
    var saved = ta.value, timer = 0;
    function save() {
      clearTimeout(timer);
      timer = 0;
      var t = ta.value, all = P.get("journal") || {};
      if (t.length > P.NOTE) {
        msg.textContent = "Not saved: your note has " + t.length + " characters, and a note holds at most " + P.NOTE +
          ". Shorten it by " + (t.length - P.NOTE) + " and save again; your text is still in the box.";
        return;
      }
      if (t == saved) return;
      if (t.trim()) all[id] = t; else delete all[id];
      P.put("journal", all);
      saved = t;
      msg.textContent = t.trim() ? "Note saved in this browser." : "Note removed.";
    }
    ta.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(save, 600); });
    ta.addEventListener("change", save);
    b.onclick = function () { saved = null; save(); };
    w.addEventListener("pagehide", function () { if (d.body.contains(ta)) save(); });
    w.addEventListener("beforeunload", function (e) {
      if (!d.body.contains(ta)) return;
      save();
      if (ta.value != saved) { e.preventDefault(); e.returnValue = ""; }
    });
    box.append(h, ta, b, msg);
    box.hidden = false;
  }
  if (P) {
    P.on(planLine);
    document$.subscribe(function () { planLine(); journal(); });
  }
})(window, document);
