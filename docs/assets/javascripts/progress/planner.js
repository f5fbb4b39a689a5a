/* The dashboard's planner: plan settings and dates, .ics download, reviews due, activity heatmap and streaks.
   Loaded only on the dashboard (the certification page has certs.js). Stored and typed text is shown as text,
   never markup. */
(function (w, d) {
  "use strict";
  if (w.mdxPlanner) return; // instant navigation, when on, re-runs this script on each visit
  var P = w.mdxProgress, L = w.mdxPlan, cur = null, esc = L.esc, a = L.a, idx = L.idx;
  /* Reviews of a ticked objective fall due 1 day, 1 week and 1 month after the day it was ticked. */
  var STAGES = ["1 day", "1 week", "1 month"];
  function dueOn(tickDay, stage) { return stage == 2 ? L.addMonths(tickDay, 1) : L.addDays(tickDay, stage ? 7 : 1); }
  /* ticks: {id: ms} of objectives; rv: {done, off, disabled}; -> [{id, stage, due, overdue}] due on or before day. */
  function dueReviews(ticks, rv, day) {
    var out = [];
    rv = rv || {};
    if (rv.disabled) return out;
    Object.keys(ticks).forEach(function (id) {
      if (!ticks[id] || (rv.off && rv.off[id])) return;
      for (var s = 0; s < 3 && rv.done && (id + "~" + s) in rv.done; s++);
      if (s == 3) return;
      var due = dueOn(L.dayOf(ticks[id]), s);
      if (due <= day) out.push({ id: id, stage: s, due: due, overdue: due < day });
    });
    return out.sort(function (a, b) { return a.due < b.due ? -1 : a.due > b.due ? 1 : 0; });
  }

  /* Activity: {day: count} from times (ms); streaks in days, the current one alive until a day is missed. */
  function activity(times) {
    var a = {};
    times.forEach(function (t) { if (t) { var k = L.dayOf(t); a[k] = (a[k] || 0) + 1; } });
    return a;
  }
  function streaks(days, day) {
    var ks = Object.keys(days).sort(), longest = 0, run = 0, prev = null, cur = 0;
    ks.forEach(function (k) { run = prev && L.between(prev, k) == 1 ? run + 1 : 1; longest = Math.max(longest, run); prev = k; });
    for (var k = days[day] ? day : L.addDays(day, -1); days[k]; k = L.addDays(k, -1)) cur++;
    return { current: cur, longest: longest };
  }

  /* RFC 5545: text escaped, lines folded at 75 octets (never inside a UTF-8 sequence), CRLF endings. */
  function icsText(s) { return String(s).replace(/[\\;,]/g, "\\$&").replace(/\r\n|\r|\n/g, "\\n"); }
  function fold(line) {
    var out = "", n = 0;
    for (var ch of line) {
      var b = encodeURIComponent(ch).replace(/%../g, "x").length;
      if (n + b > 75) { out += "\r\n "; n = 1; }
      out += ch;
      n += b;
    }
    return out;
  }
  /* events: [{uid, day, title, text}] -> the calendar's text; stamp: a time (ms) for DTSTAMP. */
  function ics(events, stamp) {
    var st = new Date(stamp).toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
    var out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ML-AI Learning Roadmap//Study plan//EN", "CALSCALE:GREGORIAN"];
    events.forEach(function (e) {
      out.push("BEGIN:VEVENT", "UID:" + e.uid, "DTSTAMP:" + st, "DTSTART;VALUE=DATE:" + e.day.replace(/-/g, ""),
        "DTEND;VALUE=DATE:" + L.addDays(e.day, 1).replace(/-/g, ""), "SUMMARY:" + icsText(e.title),
        "DESCRIPTION:" + icsText(e.text || ""), "TRANSP:TRANSPARENT", "END:VEVENT");
    });
    out.push("END:VCALENDAR");
    return out.map(fold).join("\r\n") + "\r\n";
  }

  function reviews() { return P.get("reviews") || { done: {}, off: {}, disabled: false }; }

  /* ------------------------------------------------------------------------------------------- dashboard */
  function planHtml(m) {
    var s = L.settings(), p = L.plan(m.weeks, P.has, s.hours, s.start), rows = "";
    if (!p.end) return "<p><strong>Every item is ticked: the roadmap is done.</strong></p>";
    m.phases.forEach(function (ph) {
      if (p.phases[ph.number]) rows += "<li>" + esc(L.line(s, "Phase " + ph.number + " (" + ph.title + ")", p.phases[ph.number])) + "</li>";
    });
    var weeks = m.weeks.filter(function (wk) { return p.weeks[wk.id]; }).map(function (wk) {
      return "<tr><td>" + a(wk.url, wk.label + ": " + wk.title) + "</td><td>" + esc(L.range(p.weeks[wk.id])) + "</td></tr>";
    }).join("");
    var open = Math.round(p.open[0]) + (p.open[1] == null ? "+" : "\u2013" + Math.round(p.open[1]));
    return '<p class="mdx-plan-total"><strong>' + esc(L.line(s, "the whole roadmap", p.end)) + "</strong> (" +
      open + " h still open)</p><ul>" + rows + "</ul>" +
      "<details><summary>Each remaining week</summary><table><thead><tr><th>Week</th><th>Done</th></tr></thead><tbody>" +
      weeks + "</tbody></table></details>";
  }

  /* One all-day event per milestone, on its early date. A UID names the milestone only (week-01@host), never its
     date, so that a fresh download updates the events a calendar app already has instead of adding copies. An
     open-ended milestone (Week 21+, and all that include it) is the day its minimum hours are done, and says so. */
  function calendar(m) {
    var s = L.settings(), p = L.plan(m.weeks, P.has, s.hours, s.start), ev = [], host = location.host || "roadmap";
    function add(id, r, name, title) {
      var open = r[1] == null;
      ev.push({ uid: id + "@" + host, day: r[0], title: name + (open ? " minimum done (open-ended)" : " done") + (title ? ": " + title : ""),
        text: "Plan at " + s.hours + " h/week: " + (open ? "" : "done ") + L.range(r) + ". Kept in your browser by the ML/AI roadmap." });
    }
    m.weeks.forEach(function (wk) { if (p.weeks[wk.id]) add(wk.id, p.weeks[wk.id], wk.label, wk.title); });
    m.phases.forEach(function (ph) { if (p.phases[ph.number]) add("phase-" + ph.number, p.phases[ph.number], "Phase " + ph.number, ph.title); });
    if (p.end) add("roadmap", p.end, "ML/AI roadmap");
    return ics(ev, Date.now());
  }

  function reviewHtml(m, ix) {
    var rv = reviews(), t = P.ticks(), obj = {};
    for (var id in t) if (ix.items[id] && ix.items[id].kind == "objective") obj[id] = t[id];
    var due = dueReviews(obj, rv, L.today());
    var head = '<p><label><input type="checkbox" data-rv="all"' + (rv.disabled ? "" : " checked") +
      "> Remind me to review learning objectives (1 day, 1 week and 1 month after ticking)</label></p>";
    if (rv.disabled) return head + "<p>Reviews are off.</p>";
    if (!due.length) return head + "<p>No reviews due today.</p>";
    return head + "<ul class=\"mdx-reviews\">" + due.map(function (r) {
      var it = ix.items[r.id], wk = ix.weeks[it.week], where = (wk.study || []).map(function (s) { return a(s[1], s[0]); }).join(", ");
      return "<li>" + a(it.url, it.text) + " <em>(" + STAGES[r.stage] + " review, " + (r.overdue ? "overdue since " : "due ") +
        "<time>" + L.show(r.due) + "</time>)</em>" + (where ? "<br>Study again: " + where : "") +
        '<br><button class="md-button" data-rv="done" data-id="' + esc(r.id) + '" data-stage="' + r.stage + '">Review done</button>' +
        '<button class="md-button" data-rv="off" data-id="' + esc(r.id) + '">No more reviews of this item</button></li>';
    }).join("") + "</ul>";
  }

  function activityHtml() {
    var t = P.ticks(), rv = reviews(), times = [], k;
    for (k in t) times.push(t[k]);
    for (k in rv.done) times.push(rv.done[k]);
    var days = activity(times), today = L.today(), st = streaks(days, today), cells = "", list = "";
    for (var i = 83; i >= 0; i--) {
      var day = L.addDays(today, -i), n = days[day] || 0, label = L.show(day) + ": " + (n ? n + (n > 1 ? " activities" : " activity") : "none");
      cells += '<li class="mdx-heat__' + Math.min(n, 4) + '" title="' + label + '" aria-label="' + label + '">' + (n ? (n > 9 ? "9+" : n) : "") + "</li>";
      if (n) list += "<li>" + label + "</li>";
    }
    return '<p class="mdx-streaks">Current streak: <strong>' + st.current + " day" + (st.current == 1 ? "" : "s") +
      "</strong>. Longest streak: <strong>" + st.longest + " day" + (st.longest == 1 ? "" : "s") + "</strong>.</p>" +
      '<ol class="mdx-heat" aria-label="Activity in the last 12 weeks, one day each, oldest first">' + cells + "</ol>" +
      "<details><summary>Active days as a list</summary>" + (list ? "<ul>" + list + "</ul>" : "<p>No activity in the last 12 weeks.</p>") + "</details>";
  }

  function dashboard(root, m) {
    var ix = idx(m), rv = d.getElementById("mdx-reviews"), act = d.getElementById("mdx-activity");
    root.querySelector(".mdx-plan__ui").hidden = false; // the form is in the page's HTML, hidden without JavaScript
    var q = function (s) { return root.querySelector(s); }, s = P.get("plan") || {};
    q('[data-plan="hours"]').value = s.hours || 10;
    q('[data-plan="start"]').value = s.start || "";
    function draw() {
      q(".mdx-plan-out").innerHTML = planHtml(m);
      if (rv) { rv.innerHTML = reviewHtml(m, ix); rv.setAttribute("data-mdx-ready", ""); }
      if (act) { act.innerHTML = activityHtml(); act.setAttribute("data-mdx-ready", ""); }
    }
    root.addEventListener("change", function () {
      var h = parseFloat(q('[data-plan="hours"]').value), st = q('[data-plan="start"]').value;
      if (!(h > 0 && h <= 168)) { q(".mdx-plan-msg").textContent = "Hours per week must be a number from 1 to 168."; return; }
      P.put("plan", st ? { hours: h, start: st } : { hours: h });
      q(".mdx-plan-msg").textContent = "Plan updated.";
    });
    q('[data-plan="ics"]').onclick = function () {
      var link = d.createElement("a");
      link.href = URL.createObjectURL(new Blob([calendar(m)], { type: "text/calendar" }));
      link.download = "roadmap-plan.ics";
      link.click();
      q(".mdx-plan-msg").textContent = "Calendar file saved: open it with your calendar app to add the milestones.";
    };
    if (rv) rv.addEventListener("click", function (e) { review(e, rv); });
    if (rv) rv.addEventListener("change", function (e) { review(e, rv); });
    draw();
    return draw;
  }

  function review(e, box) {
    var b = e.target, act = b.getAttribute && b.getAttribute("data-rv"), r = reviews(), id = b.getAttribute("data-id");
    if (!act || (act == "all") != (e.type == "change")) return;
    if (act == "all") r.disabled = !b.checked;
    else if (act == "off") r.off[id] = 1;
    else r.done[id + "~" + b.getAttribute("data-stage")] = Date.now();
    P.put("reviews", r);
    P.say(act == "done" ? "Review recorded." : act == "off" ? "No more reviews of this item." : "Reviews " + (r.disabled ? "off." : "on."));
    var f = box.querySelector("button, input");
    if (f) f.focus();
  }

  function mount() {
    var m = P && P.manifest(), root = d.getElementById("mdx-plan");
    L = w.mdxPlan;
    cur = null;
    if (!m || !m.items || !L) return;
    if (root && !root.hasAttribute("data-mdx-ready")) { root.setAttribute("data-mdx-ready", ""); cur = dashboard(root, m); }
  }
  w.mdxPlanner = { mount: mount, STAGES: STAGES, dueOn: dueOn, dueReviews: dueReviews, activity: activity,
    streaks: streaks, icsText: icsText, fold: fold, ics: ics };
  P && P.on(function () { if (cur) cur(); });
  // In a task of its own, after the dashboard's report: two shorter tasks keep a phone answering input.
  document$.subscribe(function () { setTimeout(mount, 0); });
})(window, document);
