/* Binds the page to the progress store: checkboxes and progress bars on each page Material shows
   (document$: once per load, and on every page change when instant navigation is on), other tabs
   (storage event), the back/forward cache (pageshow). Changes are announced politely; no keyboard shortcuts are added. */
(function (w, d) {
  "use strict";
  var P = w.mdxProgress, scopes = {}, say;
  if (!P || P.bound) return;
  P.bound = true;

  /* The manifest of the current page (home, phases, dashboard, weeks: successors only), or null. */
  P.manifest = function () {
    var el = d.getElementById("mdx-manifest");
    try { return el ? JSON.parse(el.getAttribute("data-mdx-manifest")) : null; } catch (e) { return null; }
  };

  function boxes() { return d.querySelectorAll("input[data-mdx-item]"); }

  function count(ids) {
    var n = 0;
    ids.forEach(function (id) { if (P.has(id)) n++; });
    return n;
  }

  function status(bar) {
    var ids = scopes[bar.getAttribute("data-mdx-progress")], n = count(ids);
    var p = Math.round(100 * n / (ids.length || 1)); // never 0% once something is done, nor 100% before all is
    return bar.getAttribute("data-mdx-label") + ": " + n + " of " + ids.length + " done (" +
      (n > 0 && p === 0 ? "<1" : n < ids.length && p === 100 ? ">99" : p) + "%)";
  }

  function sync() {
    boxes().forEach(function (b) { b.checked = P.has(b.getAttribute("data-mdx-item")); });
    d.querySelectorAll("[data-mdx-progress]").forEach(function (bar) {
      var ids = scopes[bar.getAttribute("data-mdx-progress")];
      if (!ids || !ids.length) return;
      var p = bar.querySelector("progress") || bar.appendChild(d.createElement("progress"));
      var t = bar.querySelector("span") || bar.insertBefore(d.createElement("span"), p);
      p.max = ids.length;
      p.value = count(ids);
      p.setAttribute("aria-label", bar.getAttribute("data-mdx-label"));
      t.textContent = status(bar);
      bar.hidden = false;
    });
  }

  function notice() {
    var a = d.querySelector("article");
    if (!a || !P.notices.length) return;
    var n = d.createElement("p");
    n.className = "mdx-notice";
    n.setAttribute("role", "status");
    n.textContent = P.notices.splice(0).join(" ");
    a.insertBefore(n, a.firstChild);
  }

  function bind() {
    var m = P.manifest() || {}, all = [];
    scopes = {};
    P.migrate(m.successors);
    (m.weeks || []).forEach(function (wk) { scopes[wk.id] = wk.items; all = all.concat(wk.items); });
    (m.phases || []).forEach(function (ph) {
      scopes["phase-" + ph.number] = [].concat.apply([], ph.weeks.map(function (id) { return scopes[id] || []; }));
    });
    if (all.length) scopes.all = all;
    // a week page carries no item list: its own checkboxes are its week
    var own = [].map.call(boxes(), function (b) { return b.getAttribute("data-mdx-item"); });
    d.querySelectorAll("[data-mdx-progress]").forEach(function (bar) {
      var s = bar.getAttribute("data-mdx-progress");
      if (!scopes[s] && /^week-/.test(s)) scopes[s] = own;
    });
    sync();
    notice();
  }

  say = P.say = function (msg) {
    var live = d.getElementById("mdx-live");
    if (!live) {
      live = d.createElement("div");
      live.id = "mdx-live";
      live.className = "mdx-sr";
      live.setAttribute("aria-live", "polite");
      d.body.appendChild(live);
    }
    live.textContent = msg;
  };

  d.addEventListener("change", function (e) {
    var b = e.target, id = b.getAttribute && b.getAttribute("data-mdx-item");
    if (!id) return;
    P.set(id, b.checked);
    var bar = d.querySelector("[data-mdx-progress]:not([hidden])"), label = d.querySelector('label[for="' + b.id + '"]');
    say((b.checked ? "Done: " : "Not done: ") + (label ? label.textContent : id) + (bar ? ". " + status(bar) : ""));
    notice();
  });
  w.addEventListener("storage", function (e) {
    if (e.key !== P.key && e.key !== null) return;
    P.reload();
    say("Progress updated from another tab.");
  });
  w.addEventListener("pageshow", function (e) {
    if (e.persisted) P.reload();
  });
  P.on(sync);
  document$.subscribe(bind);

  /* A code block, table or formula wider than the screen scrolls sideways; a keyboard can scroll it only
     if it can take focus (WCAG 2.1.1). Material makes a code block focusable once it comes into view, and
     only where the device can hover; this gives every such region a tab stop from the start, and takes it
     away again when the region fits (on resize). A table or formula also gets a name, read out on focus. */
  var SCROLLERS = ".md-typeset pre > code, .md-typeset__scrollwrap, .md-typeset div.arithmatex, " +
    ".jupyter-wrapper .highlight-ipynb, .jupyter-wrapper .jp-OutputArea-output";
  function fit(el) {
    var wide = el.scrollWidth > el.clientWidth + 1, ours = el.hasAttribute("data-mdx-scroll");
    if (wide && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "0");
      el.setAttribute("data-mdx-scroll", "");
      if (el.tagName !== "CODE" && !el.hasAttribute("aria-label")) {
        el.setAttribute("role", "region");
        el.setAttribute("aria-label", (el.querySelector("table") ? "Table" : el.classList.contains("arithmatex") ?
          "Formula" : el.classList.contains("highlight-ipynb") ? "Code" : "Output") + ", scrolls sideways");
      }
    } else if (!wide && ours) {
      el.removeAttribute("tabindex");
      el.removeAttribute("data-mdx-scroll");
    }
  }
  // A block whose content the browser may skip laying out (content-visibility: auto, hooks/block_sizes.py,
  // on long pages) cannot be measured until it is on the screen: until then it is a tab stop.
  var onScreen = "IntersectionObserver" in w && new IntersectionObserver(function (seen) {
    seen.forEach(function (e) { if (e.isIntersecting) { onScreen.unobserve(e.target); fit(e.target); } });
  });
  function scrollers() {
    d.querySelectorAll(SCROLLERS).forEach(function (el) {
      var lazy = getComputedStyle(el).contentVisibility === "auto" ||
        (el.checkVisibility && !el.checkVisibility({ contentVisibilityAuto: true }));
      if (!lazy || !onScreen) return fit(el);
      if (!el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "0"); el.setAttribute("data-mdx-scroll", ""); }
      onScreen.observe(el);
    });
  }
  w.mdxScrollFocus = fit; // render.js: a formula is measured again once KaTeX has drawn it
  var resized;
  w.addEventListener("resize", function () { clearTimeout(resized); resized = setTimeout(scrollers, 200); });
  document$.subscribe(function () { setTimeout(scrollers, 0); });
})(window, document);
