/* The study planner's pure logic (local days, the plan; reviews, streaks and .ics are in planner.js) and, on a week page,
   its plan line and journal note. Days are "YYYY-MM-DD" keys of the learner's local calendar; arithmetic is done
   on calendar dates (Date.UTC), never by adding 86,400,000 ms, so DST changes and month ends stay right. */
(function (w, d) {
  "use strict";
  if (w.mdxPlan) return; // instant navigation re-runs this script on each visit
  var P = w.mdxProgress;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function key(y, m, dd) { var t = new Date(Date.UTC(y, m, dd)); return t.getUTCFullYear() + "-" + pad(t.getUTCMonth() + 1) + "-" + pad(t.getUTCDate()); }
  function parts(k) { return k.split("-").map(Number); }
  /* The learner's local day of a time (ms), and today. */
  function dayOf(ms) { var t = new Date(ms); return key(t.getFullYear(), t.getMonth(), t.getDate()); }
  function today() { return dayOf(Date.now()); }
  function addDays(k, n) { var p = parts(k); return key(p[0], p[1] - 1, p[2] + n); }
  /* Calendar months; a day the target month lacks clamps to its last day (Jan 31 + 1 month = Feb 28/29). */
  function addMonths(k, n) {
    var p = parts(k), last = new Date(Date.UTC(p[0], p[1] - 1 + n + 1, 0)).getUTCDate();
    return key(p[0], p[1] - 1 + n, Math.min(p[2], last));
  }
  function num(k) { var p = parts(k); return Date.UTC(p[0], p[1] - 1, p[2]) / 864e5; }
  function between(a, b) { return Math.round(num(b) - num(a)); }
  var fmtD = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  function show(k) { var p = parts(k); return fmtD.format(Date.UTC(p[0], p[1] - 1, p[2])); }

  /* weeks: [{id, phase, hours:[lo, hi|null], items}]; has(id); perWeek hours; start day (the later of it and today
     should be passed). -> {weeks: {id: [early, late]}, phases: {n: [early, late]}, end: [early, late]|null, open: [lo, hi]}.
     Dates are the day by which the open hours are done at that pace, from the low and the high estimates. */
  function plan(weeks, has, perWeek, start) {
    var lo = 0, hi = 0, out = { weeks: {}, phases: {}, end: null, open: [0, 0] };
    function at(h) { return addDays(start, Math.max(1, Math.ceil(h * 7 / perWeek - 1e-9))); }
    weeks.forEach(function (wk) {
      var n = wk.items.length, k = wk.items.filter(has).length, f = n ? 1 - k / n : 0;
      if (!f) return;
      lo += f * wk.hours[0];
      hi += f * (wk.hours[1] == null ? wk.hours[0] : wk.hours[1]);
      out.end = out.weeks[wk.id] = out.phases[wk.phase] = [at(lo), at(hi)];
    });
    out.open = [lo, hi];
    return out;
  }
  function range(r) { return r[0] == r[1] ? "by " + show(r[0]) : "between " + show(r[0]) + " and " + show(r[1]); }

  /* The learner's plan settings, with defaults: 10 h/week from today (a past start counts from today). */
  function settings() {
    var s = (P && P.get("plan")) || {}, t = today();
    return { hours: s.hours || 10, start: s.start && s.start > t ? s.start : t, chosen: s.start || "" };
  }
  function line(s, what, r) {
    return "At " + s.hours + " h/week from " + show(s.start) + ": " + what + " done " + range(r) + ".";
  }

  var api = w.mdxPlan = {
    dayOf: dayOf, today: today, addDays: addDays, addMonths: addMonths, between: between, show: show,
    plan: plan, range: range, settings: settings, line: line
  };

  /* ------------------------------------------------------------------------ a week page: plan line, journal */
  function weeks(el) {
    var rows;
    try { rows = JSON.parse(el.getAttribute("data-mdx-plan-data")); } catch (e) { rows = []; }
    return rows.map(function (r) { return { id: r[0], phase: r[1], hours: [r[2], r[3]], items: r.slice(4) }; });
  }
  function planLine() {
    var el = d.querySelector("[data-mdx-plan]"), data = d.getElementById("mdx-plan-data");
    if (!el || !data) return;
    var id = el.getAttribute("data-mdx-plan"), s = settings(), p = plan(weeks(data), P.has, s.hours, s.start);
    el.textContent = p.weeks[id] ? line(s, "this week", p.weeks[id]) : "This week is done: every item is ticked.";
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
