/* Renders math (KaTeX) and diagrams (Mermaid) from the site's own copies, loading each library only on
   pages that need it, and only when it is needed. Runs on each page Material shows (document$), which
   with instant navigation on includes every page change.

   A guide can hold hundreds of formulas: rendering them all is seconds of work on a phone, most of it for
   formulas the reader may never scroll to. So a formula is rendered when it comes within two screens of
   the viewport (IntersectionObserver), in short slices (a few milliseconds each: the browser paints and
   answers input in between). Until then it is its TeX source, which is what a screen reader reads out; a
   reader who scrolls does not see it, since formulas render about two screens ahead. While the page
   loads, only the formulas on the screen itself render: those below wait for the reader's first scroll,
   key or tap, so that the page answers its first input sooner. KaTeX itself loads when a formula is to
   render; if none has by the time the page has loaded, the browser fetches it in the background then,
   without running it. Starting a find in page (Ctrl+F, Cmd+F, F3) renders all the others too, in slices,
   so that the search matches what the page shows; printing renders them all at once. A diagram loads
   Mermaid (about 1 MB) only when it comes near the viewport. */
(function () {
  "use strict";
  // Only pages with math, diagrams or a notebook load this script (overrides/main.html); instant
  // navigation, when on, runs it again on each of them: the first run's document$ subscription serves all.
  if (window.mdxRender) return;
  window.mdxRender = true;
  var here = document.currentScript.src;
  var vendor = new URL("../vendor/", here).href;
  var loaded = {};
  var SLICE_MS = 8;       // work per task: under 50 ms even on a phone four times slower than this machine
  var NEAR = "600px 0px"; // "near the viewport", for a diagram: this far above or below it
  var MATH_NEAR = "200% 0px"; // for a formula: within two viewport heights above or below it

  function load(src) {
    if (!loaded[src]) {
      loaded[src] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = vendor + src;
        s.onload = resolve;
        s.onerror = function () { reject(new Error("could not load " + src)); };
        document.head.appendChild(s);
      });
    }
    return loaded[src];
  }

  function css(href) { // pages with math link it in their head (overrides/main.html), so this adds it only
                       // after an instant navigation from a page without it
    var url = vendor + href;
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) if (links[i].href === url) return;
    var l = document.createElement("link");
    l.rel = "stylesheet";
    l.href = url;
    document.head.appendChild(l);
  }

  var soon = function (fn) { return setTimeout(fn, 0); };

  // ---------------------------------------------------------------------------------------- math
  // Notebook pages (mkdocs-jupyter) keep a notebook's own $...$ and $$...$$ in its Markdown cells.
  var DOLLARS = [{ left: "$$", right: "$$", display: true }, { left: "$", right: "$", display: false }];
  var BRACKETS = [{ left: "\\(", right: "\\)", display: false }, { left: "\\[", right: "\\]", display: true }];

  var math = null; // the current page's work: { urgent: [], rest: [], observer, scheduled, loading, ready, all }

  // Until the reader first scrolls, presses a key or touches the page, only formulas on the screen itself
  // render; from then on, those within two screens of it too. Input events are caught on their way down
  // (capture); scroll and resize only as the window's own, since the theme scrolls its sidebars by itself
  // while the page loads.
  var engaged = false;
  var INPUT = ["keydown", "pointerdown", "touchstart", "wheel"], WINDOW = ["scroll", "resize"];
  function engage() {
    if (engaged) return;
    engaged = true;
    INPUT.forEach(function (type) { window.removeEventListener(type, engage, true); });
    WINDOW.forEach(function (type) { window.removeEventListener(type, engage); });
    if (math && math.observer) watch(math);
  }
  INPUT.forEach(function (type) { window.addEventListener(type, engage, { capture: true, passive: true }); });
  WINDOW.forEach(function (type) { window.addEventListener(type, engage, { passive: true }); });

  function watch(job) { // observe the formulas not queued yet, as far ahead as the reader is engaged
    if (job.observer) job.observer.disconnect();
    job.observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (!e.isIntersecting) return;
        job.observer.unobserve(e.target);
        var i = job.rest.indexOf(e.target);
        if (i >= 0) { job.rest.splice(i, 1); job.urgent.push(e.target); }
      });
      schedule(job);
    }, { rootMargin: engaged ? MATH_NEAR : "0px" });
    job.rest.forEach(function (n) { job.observer.observe(n); });
  }

  var LIBRARY = ["katex/katex.min.js", "katex/auto-render.min.js"];

  function prefetch() { // into the HTTP cache, not run: the formulas further down will need it
    if (!math || math.loading) return;
    LIBRARY.forEach(function (src) {
      if (loaded[src] || document.querySelector('link[rel="prefetch"][href="' + vendor + src + '"]')) return;
      var l = document.createElement("link");
      l.rel = "prefetch";
      l.as = "script";
      l.href = vendor + src;
      document.head.appendChild(l);
    });
  }

  function renderOne(node) {
    if (node.hasAttribute("data-mdx-done") || !node.isConnected) return;
    window.renderMathInElement(node, {
      delimiters: dollars.has(node) ? DOLLARS.concat(BRACKETS) : BRACKETS,
      throwOnError: false
    });
    node.setAttribute("data-mdx-done", "");
    if (window.mdxScrollFocus && node.tagName === "DIV") window.mdxScrollFocus(node); // bind.js
  }

  function pump(job) {
    job.scheduled = false;
    if (math !== job) return; // the page changed meanwhile
    var until = performance.now() + SLICE_MS;
    // Formulas near the viewport first; the others only once a find in page asked for all of them.
    while (job.urgent.length && performance.now() < until) renderOne(job.urgent.shift());
    while (job.all && !job.urgent.length && job.rest.length && performance.now() < until) {
      var node = job.rest.shift();
      if (job.observer) job.observer.unobserve(node);
      renderOne(node);
    }
    schedule(job);
  }

  function schedule(job) {
    if (job.scheduled) return;
    if (!job.ready) { // KaTeX loads when the first formula is to render
      if (!job.loading && (job.urgent.length || job.all)) {
        job.loading = true;
        load(LIBRARY[0]).then(function () { return load(LIBRARY[1]); }).then(function () {
          job.ready = true;
          schedule(job);
        }).catch(function (e) { console.error(e); });
      }
      return;
    }
    if (job.urgent.length || (job.all && job.rest.length)) {
      job.scheduled = true;
      soon(function () { pump(job); });
    } else if (!job.rest.length && job.observer) { job.observer.disconnect(); job.observer = null; }
  }

  // Before printing, at once, no slices. A print cannot wait for a script to load: if KaTeX has not run
  // yet (the reader printed before touching the page), it is fetched synchronously, from the cache the
  // prefetch filled, and run.
  function renderAll() {
    if (!math) return;
    if (!window.renderMathInElement) {
      try {
        LIBRARY.forEach(function (src) {
          var x = new XMLHttpRequest();
          x.open("GET", vendor + src, false);
          x.send();
          if (x.status !== 200) throw new Error("could not load " + src);
          (0, eval)(x.responseText); // global scope, as a script element would run it
        });
      } catch (e) { console.error(e); return; }
    }
    math.ready = true;
    math.urgent.concat(math.rest).forEach(renderOne);
    math.urgent = []; math.rest = [];
    schedule(math);
  }

  function findStarted(e) { // Ctrl+F, Cmd+F or F3: the rest in slices, so that find matches what is shown
    var key = (e.key || "").toLowerCase();
    if (!math || math.all || !((key === "f" && (e.ctrlKey || e.metaKey)) || key === "f3")) return;
    math.all = true;
    schedule(math);
  }

  // A notebook's Markdown cell can hold dozens of formulas: render it block by block (paragraph, list
  // item, table cell, heading), not as one unit, so that no slice grows long. Its blocks take $ and $$.
  var CELL_BLOCKS = "p, li, td, th, h1, h2, h3, h4, h5, h6, dd, dt, blockquote";
  var TEX = /\$|\\\(|\\\[/;
  var dollars = new WeakSet();

  function cellUnits(cell) {
    var found = [], walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT), text;
    while ((text = walker.nextNode())) {
      if (!TEX.test(text.data) || text.parentElement.closest("pre, code")) continue;
      var block = text.parentElement.closest(CELL_BLOCKS);
      if (!block || !cell.contains(block)) block = cell;
      if (found.indexOf(block) < 0) { found.push(block); dollars.add(block); }
    }
    cell.setAttribute("data-mdx-done", ""); // queued: its blocks carry the work from here
    return found;
  }

  function renderMath() {
    if (math && math.observer) math.observer.disconnect();
    math = null;
    var nodes = [];
    document.querySelectorAll(".arithmatex:not([data-mdx-done]), .jp-RenderedMarkdown:not([data-mdx-done])")
      .forEach(function (node) {
        if (node.classList.contains("jp-RenderedMarkdown")) nodes.push.apply(nodes, cellUnits(node));
        else nodes.push(node);
      });
    if (!nodes.length) return;
    var job = math = {
      urgent: [], rest: nodes, observer: null, scheduled: false, loading: false, ready: false, all: false
    };
    if ("IntersectionObserver" in window) watch(job);
    else job.all = true; // no observer to tell what is near: render them all, in slices
    css("katex/katex.min.css");
    schedule(job);
    if (document.readyState === "complete") prefetch();
    else window.addEventListener("load", prefetch, { once: true });
  }

  window.addEventListener("beforeprint", renderAll);
  window.addEventListener("keydown", findStarted, true);

  // ------------------------------------------------------------------------------------ diagrams
  var diagrams = null; // the current page's IntersectionObserver

  function runMermaid(nodes) {
    return load("mermaid/mermaid.min.js").then(function () {
      var dark = document.body.getAttribute("data-md-color-scheme") === "slate";
      window.mermaid.initialize({ startOnLoad: false, theme: dark ? "dark" : "default", securityLevel: "strict" });
      return window.mermaid.run({ nodes: nodes });
    }).catch(function (e) { console.error(e); });
  }

  function renderDiagrams() {
    if (diagrams) diagrams.disconnect();
    diagrams = null;
    var nodes = document.querySelectorAll(".mdx-mermaid:not([data-processed])");
    if (!nodes.length) return;
    if (!("IntersectionObserver" in window)) { runMermaid(nodes); return; }
    var observer = diagrams = new IntersectionObserver(function (entries) {
      var near = entries.filter(function (e) { return e.isIntersecting; }).map(function (e) { return e.target; });
      near.forEach(function (n) { observer.unobserve(n); });
      if (near.length) runMermaid(near);
    }, { rootMargin: NEAR });
    nodes.forEach(function (n) { observer.observe(n); });
  }

  document$.subscribe(function () {
    renderMath();
    renderDiagrams();
  });
})();
