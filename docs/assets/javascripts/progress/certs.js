/* The certification page: each certificate's requirements with the learner's status (done, or what is still
   missing, linked), and once one is earned, a printable, self-attested certificate with the name typed here and
   kept only in this browser. Loaded only on that page. Stored and typed text is shown as text, never markup. */
(function (w, d) {
  "use strict";
  if (w.mdxCerts) return; // instant navigation, when on, re-runs this script on each visit
  var P = w.mdxProgress, L = w.mdxPlan, cur = null, quiet = false, esc = L.esc, a = L.a, idx = L.idx;

  function projectDone(wk) { return wk.tasks.length && wk.tasks.every(P.has); }

  function requirement(r, ix) {
    var missing = [], ok, pre = "";
    if (r.kind == "weeks") {
      r.refs.forEach(function (wid) {
        ix.weeks[wid].items.forEach(function (id) { if (ix.items[id].kind == "objective" && !P.has(id)) missing.push(a(ix.items[id].url, ix.items[id].text)); });
      });
      ok = !missing.length;
    } else if (r.kind == "items") {
      r.refs.forEach(function (id) { if (!P.has(id)) missing.push(a(ix.items[id].url, ix.items[id].text)); });
      ok = !missing.length;
    } else {
      var n = 0;
      r.refs.forEach(function (wid) {
        var wk = ix.weeks[wid];
        if (projectDone(wk)) n++; else missing.push(a(wk.url + "#project", wk.label + ": " + wk.project));
      });
      ok = n >= r.count;
      pre = n + " of " + r.count + " project" + (r.count == 1 ? "" : "s") + " done; still open: ";
    }
    return { ok: ok, html: "<li>" + esc(r.text) + ": " + (ok ? "<strong>\u2713 done</strong>" : "<strong>\u2717 missing</strong> " + pre + missing.join(", ")) + "</li>" };
  }

  function certs(m) {
    var ix = idx(m), t = P.ticks(), name = P.get("name") || "";
    d.querySelectorAll("[data-mdx-cert]").forEach(function (box) {
      var c = m.certificates.filter(function (x) { return x.id == box.getAttribute("data-mdx-cert"); })[0];
      if (!c) return;
      var rs = c.requirements.map(function (r) { return requirement(r, ix); }), earned = rs.every(function (r) { return r.ok; });
      var html = '<p class="mdx-noprint"><strong>Your status: ' + (earned ? "earned \u2713" : "not yet earned") + "</strong></p><ul class=\"mdx-noprint\">" +
        rs.map(function (r) { return r.html; }).join("") + "</ul>";
      if (earned) {
        var last = 0, projects = [], wids = [];
        c.requirements.forEach(function (r) {
          (r.kind == "items" ? r.refs : [].concat.apply([], r.refs.map(function (x) { return ix.weeks[x].items; }))).forEach(function (id) { if (t[id] > last) last = t[id]; });
          if (r.kind != "items") wids = wids.concat(r.refs);
        });
        wids.forEach(function (x) { var wk = ix.weeks[x]; if (projectDone(wk) && projects.indexOf(wk) < 0) projects.push(wk); });
        html += '<p class="mdx-noprint"><label>Name on the certificate (kept only in this browser) <input type="text" maxlength="200" data-cert-name></label> ' +
          '<button class="md-button" data-cert-print>Print or save as PDF</button></p>' +
          '<section class="mdx-certificate" aria-label="Certificate: ' + esc(c.title) + '"><p class="mdx-certificate__kind">Certificate of Completion</p>' +
          "<h3>" + esc(c.title) + "</h3><p>" + esc(c.level) + "</p><p class=\"mdx-certificate__name\">" + esc(name || "(your name)") + "</p>" +
          "<p>completed the requirements on <time>" + (last ? L.show(L.dayOf(last)) : L.show(L.today())) + "</time>, with the checkpoint projects:</p><ul>" +
          projects.map(function (wk) { return "<li>" + esc(wk.label + ": " + wk.project) + "</li>"; }).join("") +
          "</ul><p class=\"mdx-certificate__note\">Self-attested: the holder ticked these requirements in their own browser. " +
          "Nobody else has checked the work.</p></section>";
      }
      box.innerHTML = html;
      box.hidden = false;
      var inp = box.querySelector("[data-cert-name]");
      if (inp) {
        inp.value = name;
        inp.oninput = function () {
          box.querySelector(".mdx-certificate__name").textContent = inp.value || "(your name)";
          quiet = true;
          P.put("name", inp.value.slice(0, 200));
          quiet = false;
        };
        box.querySelector("[data-cert-print]").onclick = function () {
          d.querySelectorAll(".mdx-print").forEach(function (x) { x.classList.remove("mdx-print"); });
          box.classList.add("mdx-print");
          d.documentElement.setAttribute("data-mdx-print", c.id);
          w.print();
        };
      }
    });
  }
  w.addEventListener("afterprint", function () { d.documentElement.removeAttribute("data-mdx-print"); });

  function mount() {
    var m = P && P.manifest();
    cur = null;
    if (!m || !m.items || !d.querySelector("[data-mdx-cert]")) return;
    cur = function () { certs(m); };
    cur();
  }
  w.mdxCerts = { mount: mount };
  P && P.on(function () { if (cur && !quiet) cur(); });
  document$.subscribe(mount);
})(window, document);
