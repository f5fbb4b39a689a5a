/* Renders math (KaTeX) and diagrams (Mermaid) from the site's own copies, loading each library only on
   pages that need it. Runs on every page change of Material's instant navigation via document$. */
(function () {
  "use strict";
  var here = document.currentScript.src;
  var vendor = new URL("../vendor/", here).href;
  var loaded = {};

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

  function css(href) {
    if (!document.querySelector('link[href="' + vendor + href + '"]')) {
      var l = document.createElement("link");
      l.rel = "stylesheet";
      l.href = vendor + href;
      document.head.appendChild(l);
    }
  }

  // Notebook pages (mkdocs-jupyter) keep a notebook's own $...$ and $$...$$ in its Markdown cells.
  var DOLLARS = [{ left: "$$", right: "$$", display: true }, { left: "$", right: "$", display: false }];

  function renderMath() {
    var nodes = document.querySelectorAll(".arithmatex:not([data-mdx-done]), .jp-RenderedMarkdown:not([data-mdx-done])");
    if (!nodes.length) return;
    css("katex/katex.min.css");
    load("katex/katex.min.js").then(function () { return load("katex/auto-render.min.js"); }).then(function () {
      nodes.forEach(function (node) {
        var delimiters = [{ left: "\\(", right: "\\)", display: false }, { left: "\\[", right: "\\]", display: true }];
        window.renderMathInElement(node, {
          delimiters: node.classList.contains("jp-RenderedMarkdown") ? DOLLARS.concat(delimiters) : delimiters,
          throwOnError: false
        });
        node.setAttribute("data-mdx-done", "");
      });
    }).catch(function (e) { console.error(e); });
  }

  function renderDiagrams() {
    var nodes = document.querySelectorAll(".mdx-mermaid:not([data-processed])");
    if (!nodes.length) return;
    load("mermaid/mermaid.min.js").then(function () {
      var dark = document.body.getAttribute("data-md-color-scheme") === "slate";
      window.mermaid.initialize({ startOnLoad: false, theme: dark ? "dark" : "default", securityLevel: "strict" });
      return window.mermaid.run({ nodes: nodes });
    }).catch(function (e) { console.error(e); });
  }

  document$.subscribe(function () {
    renderMath();
    renderDiagrams();
  });
})();
