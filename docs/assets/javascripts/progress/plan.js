/* The study planner's pure logic (local days, the plan; reviews, streaks and .ics are in planner.js), shared by the
   week pages (week.js), the dashboard (planner.js) and the certification page (certs.js). Days are "YYYY-MM-DD" keys of the learner's local calendar; arithmetic is done
   on calendar dates (Date.UTC), never by adding 86,400,000 ms, so DST changes and month ends stay right. */
(function (w, d) {
  "use strict";
  if (w.mdxPlan) return; // instant navigation, when on, re-runs this script on each visit
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
     Dates are the day by which the open hours are done at that pace, from the low and the high estimates. An
     open-ended week (hours [60, null]) has no end: its range, and every range that includes it, is [early, null],
     the day its minimum hours are done; open is then [lo, null]. */
  function plan(weeks, has, perWeek, start) {
    var lo = 0, hi = 0, endless = false, out = { weeks: {}, phases: {}, end: null, open: [0, 0] };
    function at(h) { return addDays(start, Math.max(1, Math.ceil(h * 7 / perWeek - 1e-9))); }
    weeks.forEach(function (wk) {
      var n = wk.items.length, k = wk.items.filter(has).length, f = n ? 1 - k / n : 0;
      if (!f) return;
      lo += f * wk.hours[0];
      hi += f * (wk.hours[1] == null ? wk.hours[0] : wk.hours[1]);
      endless = endless || wk.hours[1] == null;
      out.end = out.weeks[wk.id] = out.phases[wk.phase] = [at(lo), endless ? null : at(hi)];
    });
    out.open = [lo, endless ? null : hi];
    return out;
  }
  function range(r) {
    if (r[1] == null) return "open-ended (no fixed end); its minimum hours done by " + show(r[0]);
    return r[0] == r[1] ? "by " + show(r[0]) : "between " + show(r[0]) + " and " + show(r[1]);
  }

  /* The learner's plan settings, with defaults: 10 h/week from today (a past start counts from today).
     dflt: the hours are the default, not the learner's choice. */
  function settings() {
    var s = (P && P.get("plan")) || {}, t = today();
    return { hours: s.hours || 10, dflt: !s.hours, start: s.start && s.start > t ? s.start : t, chosen: s.start || "" };
  }
  var DFLT = " (default)"; // week.js makes a link to the planner of it
  function line(s, what, r) {
    var at = "At " + s.hours + " h/week" + (s.dflt ? DFLT : "") + " from " + show(s.start) + ": ";
    return at + what + (r[1] == null ? " is " : " done ") + range(r) + ".";
  }

  /* Shared by planner.js and certs.js: text into HTML (always escaped), links, and the manifest indexed by id. */
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
  function a(url, text) { return '<a href="' + esc(url) + '">' + esc(text) + "</a>"; }
  function idx(m) {
    var items = {}, weeks = {};
    m.items.forEach(function (it) { items[it.id] = it; });
    m.weeks.forEach(function (wk) { weeks[wk.id] = wk; });
    return { items: items, weeks: weeks };
  }

  w.mdxPlan = {
    dayOf: dayOf, today: today, addDays: addDays, addMonths: addMonths, between: between, show: show,
    plan: plan, range: range, settings: settings, line: line, DFLT: DFLT, esc: esc, a: a, idx: idx
  };
})(window, document);
