/* The progress dashboard: overall, per phase and per week, hours done and to go, the items still open,
   recent ticks, and the learner's data controls (export, import with a preview, reset with undo, share
   link). Loaded only on the dashboard page. Text from storage or a file is shown as text, never markup. */
(function (w, d) {
  "use strict";
  if (w.mdxDashboard) return; // instant navigation, when on, re-runs this script on each visit
  var P, cur = null;

  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
  function pct(k, n) { // never "0%" once something is done, nor "100%" while something is open
    var p = Math.round(100 * k / (n || 1));
    return (k > 0 && p === 0 ? "<1" : k < n && p === 100 ? ">99" : p) + "%";
  }
  function bar(k, n, label) {
    return '<progress max="' + (n || 1) + '" value="' + k + '" aria-label="' + esc(label) + '"></progress>';
  }
  /* Hours as the site writes them (home page, "How things are counted"): "15\u201320 h", or "60+ h" when open-ended
     (at least the low end, no upper estimate), also for a total that includes an open-ended week. */
  function hrs(lo, hi, open) {
    lo = Math.round(lo); hi = Math.round(hi);
    return (open ? lo + "+" : lo == hi ? lo : lo + "\u2013" + hi) + " h";
  }
  var date = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });
  function day(t) { return date.format(t); }

  /* The report, from a manifest and the ticks; exposed as mdxDashboard.render for the benchmark. */
  function render(m, root) {
    var t = P.ticks(), items = {}, phases = "", all = 0, done = 0, open = false, openLeft = false, retired = 0, unknown = 0;
    var H = [0, 0, 0, 0]; // hours: done low, done high, total low, total high
    var weeks = {};
    m.items.forEach(function (it) { items[it.id] = it; });
    for (var id in t) if (!items[id]) { unknown++; if (m.successors && m.successors[id] === null) retired++; }
    m.weeks.forEach(function (wk) {
      var k = 0, n = wk.items.length, lo = wk.hours[0], hi = wk.hours[1] == null ? lo : wk.hours[1];
      wk.items.forEach(function (id) { if (id in t) k++; });
      // each item weighs its week's estimate divided by the week's item count (low and high apart)
      var f = k / (n || 1);
      open = open || wk.hours[1] == null;
      openLeft = openLeft || (wk.hours[1] == null && k < n); // an open-ended week still open: "to go" is open-ended
      H[0] += f * lo; H[1] += f * hi; H[2] += lo; H[3] += hi;
      all += n; done += k;
      weeks[wk.id] = "<tr><td data-mdx-th=\"Week\"><a href=\"" + esc(wk.url) + '">' + esc(wk.label + ": " + wk.title) +
        '</a></td><td data-mdx-th="Done">' + bar(k, n, wk.label) + " " + k + " of " + n +
        '</td><td data-mdx-th="Hours done">' + hrs(f * lo, f * hi) + " of " +
        hrs(lo, hi, wk.hours[1] == null) + '</td><td data-mdx-th="Still open">' + (k < n ? '<button type="button" class="mdx-open" aria-expanded="false" data-mdx-open="' +
        esc(wk.id) + '">' + (n - k) + " open</button><ul hidden></ul>" : "<strong>\u2713 all done</strong>") + "</td></tr>";
      weeks[wk.id + "#"] = k;
      weeks[wk.id + "/"] = n;
    });
    m.phases.forEach(function (ph) {
      var k = 0, n = 0, rows = "", label = "Phase " + ph.number + ": " + ph.title;
      ph.weeks.forEach(function (id) { rows += weeks[id]; k += weeks[id + "#"]; n += weeks[id + "/"]; });
      phases += '<section class="mdx-phase"><h3><a href="' + esc(ph.url) + '">' + esc(label) + "</a>: " + k + " of " + n +
        " (" + pct(k, n) + ")</h3>" + bar(k, n, label) + '<table><thead><tr><th>Week</th><th>Done</th>' +
        "<th>Hours done</th><th>Still open</th></tr></thead><tbody>" + rows + "</tbody></table></section>";
    });
    var recent = Object.keys(t).filter(function (id) { return items[id] && t[id]; })
      .sort(function (a, b) { return t[b] - t[a]; }).slice(0, 10).map(function (id) {
        return '<li><a href="' + esc(items[id].url) + '">' + esc(items[id].text) + "</a> <time>" + day(t[id]) + "</time></li>";
      }).join("");
    var skills = 0, nskills = 0;
    m.skills.forEach(function (s) { nskills += s.items.length; s.items.forEach(function (id) { if (id in t) skills++; }); });
    var last = P.last();
    root.innerHTML = '<p class="mdx-dash__overall"><strong>Overall: ' + done + " of " + all + " items done (" +
      pct(done, all) + ")</strong> " + bar(done, all, "Overall progress") + "</p><ul>" +
      "<li>Hours: about " + hrs(H[0], H[1]) + " done, " + (done < all ? (openLeft ? "" : "about ") + hrs(H[2] - H[0], H[3] - H[1], openLeft) + " to go" : "nothing left to tick") +
      " (of " + hrs(H[2], H[3], open) + ").</li><li>Last activity: " + (last ? "<time>" + day(last) + "</time>" : "none yet") +
      ".</li><li>Skill self-assessment: " + skills + " of " + nskills + " ticked.</li>" +
      (unknown ? "<li>Kept from another version of the roadmap: " + unknown + " tick" + (unknown > 1 ? "s" : "") +
        " for items this version does not list" + (retired ? " (" + retired + " retired)" : "") + ". They are not deleted.</li>" : "") +
      '</ul><h2 id="by-week">By phase and week</h2>' + phases + '<h2 id="recent">Recently completed</h2>' +
      (recent ? "<ol>" + recent + "</ol>" : "<p>Nothing ticked yet.</p>");
  }

  /* A week's open items are listed when its disclosure button opens them: 2,000 items stay cheap to render.
     A button, not <details>: the theme dresses every <details> as a collapsible admonition, which made
     twenty of them cost more layout than the rest of the report. */
  function toggle(btn, open) {
    var wk = btn.getAttribute("data-mdx-open"), list = btn.nextElementSibling, t = P.ticks(), html = "";
    btn.setAttribute("aria-expanded", open);
    list.hidden = !open;
    if (!open) return;
    cur.m.weeks.forEach(function (x) {
      if (x.id == wk) x.items.forEach(function (id) {
        var it = cur.items[id];
        if (!(id in t)) html += '<li><a href="' + esc(it.url) + '">' + esc(it.text) + "</a></li>";
      });
    });
    list.innerHTML = html;
  }

  function mount() {
    P = w.mdxProgress;
    var root = d.getElementById("mdx-dashboard"), m = P && P.manifest();
    if (!root || !m || !m.items || root.hasAttribute("data-mdx-ready")) return;
    root.setAttribute("data-mdx-ready", "");
    root.querySelector(".mdx-dash__ui").hidden = false; // the controls are in the page's HTML, hidden without JavaScript
    var q = function (s) { return root.querySelector(s); };
    var panel = q(".mdx-dash__panel"), msg = q(".mdx-dash__msg"), file = q("[data-mdx-import]");
    cur = { m: m, root: root, items: {}, refresh: function () {
      var open = [].map.call(root.querySelectorAll('[aria-expanded="true"]'), function (x) { return x.getAttribute("data-mdx-open"); });
      render(m, q(".mdx-dash__report"));
      open.forEach(function (id) { var x = q('[data-mdx-open="' + id + '"]'); if (x) toggle(x, true); });
      q('[data-act="undo"]').disabled = !P.canUndo();
    } };
    m.items.forEach(function (it) { cur.items[it.id] = it; });
    m.weeks.forEach(function (wk) { q("[data-mdx-week]").add(new Option(wk.label + ": " + wk.title, wk.id)); });

    function say(text) { msg.textContent = text; }
    function close() { panel.hidden = true; panel.textContent = ""; }
    /* An inline confirmation: lines of text, then buttons; Cancel always closes it. */
    function ask(lines, actions, extra) {
      panel.textContent = "";
      lines.forEach(function (l) { panel.appendChild(d.createElement("p")).textContent = l; });
      if (extra) panel.appendChild(extra);
      actions.concat([["Cancel", function () { say("Nothing was changed."); }]]).forEach(function (a, i) {
        var b = panel.appendChild(d.createElement("button"));
        b.className = "md-button" + (i ? "" : " md-button--primary");
        b.textContent = a[0];
        b.onclick = function () { close(); a[1](); cur.refresh(); };
      });
      panel.hidden = false;
      panel.querySelector("button").focus();
    }
    function count(n) { return n + " tick" + (n == 1 ? "" : "s"); }
    function preview(read) {
      var inc;
      try { inc = read(); } catch (e) { close(); return say(e.message + " Nothing was changed."); }
      say(""); // an earlier refusal no longer applies to this file
      var ids = Object.keys(inc.ticks), merge = P.diff(inc, "merge"), repl = P.diff(inc, "replace");
      var strange = ids.filter(function (id) { return !cur.items[id]; }).length;
      var mx = P.changes(inc, "merge"), rx = P.changes(inc, "replace");
      ask(["This holds " + count(ids.length) + ": " + merge.added.length + " new here, " + merge.kept.length +
        " already ticked" + (strange ? ", " + strange + " for items this version of the roadmap does not list (kept)" : "") +
        (inc.skipped ? "; " + inc.skipped + " invalid entries will be ignored" : "") + ".",
        "Merge adds " + count(merge.added.length) + " to yours" + (mx.length ? ", " + mx.join(", ") : "") +
        ", and changes nothing else.",
        "Replace keeps only these ticks and removes " + count(repl.removed.length) + " of yours" +
        (rx.length ? "; it also " + rx.join(", ") : "; your notes, plan, reviews and certificate name stay as they are") + ".",
        "Undo brings back what was there."],
        [["Merge", function () { P.apply(inc, "merge"); say("Merged: " + count(merge.added.length) + " added."); }],
         ["Replace", function () { P.apply(inc, "replace"); say("Replaced: your progress now holds " + count(ids.length) + "."); }]]);
    }

    file.onchange = function () {
      var f = file.files[0];
      file.value = "";
      if (!f) return;
      if (f.size > 512000) return say(P.ERR.large + " Nothing was changed.");
      f.text().then(function (text) { preview(function () { return P.parse(text); }); });
    };
    root.addEventListener("click", function (e) {
      var o = e.target.closest("[data-mdx-open]");
      if (o) return toggle(o, o.getAttribute("aria-expanded") != "true");
      var a = e.target.closest("[data-act]"), act = a && a.getAttribute("data-act"), n = Object.keys(P.ticks()).length;
      if (act == "export") {
        var link = d.createElement("a");
        link.href = URL.createObjectURL(new Blob([P.exportText()], { type: "application/json" }));
        link.download = "roadmap-progress-" + new Date().toISOString().slice(0, 10) + ".json";
        link.click();
        say("Exported " + count(n) + ". Keep the file: some browsers clear a site's data after a week without a visit.");
      } else if (act == "import") file.click();
      else if (act == "share") {
        var box = d.createElement("input");
        box.readOnly = true;
        box.className = "mdx-dash__link";
        box.setAttribute("aria-label", "Share link");
        box.value = location.href.split("#")[0] + P.shareHash();
        ask(["Your " + count(n) + " travel after the #, which browsers never send to a server. " +
          "Opening the link shows an import preview."],
          [["Copy the link", function () {
            (navigator.clipboard ? navigator.clipboard.writeText(box.value) : Promise.reject()).then(
              function () { say("Link copied."); }, function () { say("Copy the link from the box, it is selected."); });
          }]], box);
        box.select();
      } else if (act == "undo") {
        if (P.undo()) say("Undone: your progress is back to " + count(Object.keys(P.ticks()).length) + ".");
        cur.refresh();
      } else if (act == "reset" && !n) {
        close();
        say("You have no ticks: nothing to reset.");
      } else if (act == "reset") {
        ask(["Reset all " + count(n) + "? Your plan, week notes, reviews and certificate name stay. Undo brings the ticks back."],
          [["Reset all ticks", function () { P.reset(); say("Ticks reset. Undo brings them back."); }]]);
      } else if (act == "forget") {
        var j = Object.keys(P.get("journal") || {}).length;
        ask(["Delete all your data of this site from this browser? That is your " + count(n) + ", your study plan, " +
          j + " week note" + (j == 1 ? "" : "s") + ", your review history, the name on your certificates, the backup " +
          "that Undo uses, and your light or dark choice.",
          "Undo cannot bring any of it back. Export to a file first if you may want it again."],
          [["Delete all my data", function () {
            P.forget(); say("All your data of this site is deleted from this browser.");
          }]]);
      } else if (act == "reset-week") {
        var wk = m.weeks.filter(function (x) { return x.id == q("[data-mdx-week]").value; })[0];
        var k = wk.items.filter(P.has).length;
        if (!k) { close(); return say(wk.label + " has no ticks: nothing to reset."); }
        ask(["Reset " + count(k) + " of " + wk.label + "? Undo brings them back."], [["Reset " + wk.label, function () {
          P.reset(wk.items); say(wk.label + " reset. Undo brings it back.");
        }]]);
      }
    });
    cur.refresh();
    if (/^#progress=/.test(location.hash)) {
      var hash = location.hash;
      history.replaceState(history.state, "", location.pathname + location.search);
      preview(function () { return P.parseHash(hash); });
    }
  }

  w.mdxDashboard = { render: function (m, root) { P = w.mdxProgress; render(m, root); }, mount: mount };
  w.mdxProgress && w.mdxProgress.on(function () { if (cur && d.body.contains(cur.root)) cur.refresh(); });
  mount();
  document$.subscribe(mount);
})(window, document);
