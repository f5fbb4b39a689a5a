/* The progress store: the one owner of the learner's ticks in this browser. Pure logic over a
   Storage-like object, so tests can drive it with a fake; window.mdxProgress is the site's instance.
   Stored format (version 3): {"format":"mdx-progress","version":3,"ticks":{"<item id>":<ms>},"plan":{"hours":10,
   "start":"2026-03-02"},"reviews":{"done":{"<id>~<stage>":<ms>},"off":{"<id>":1},"disabled":false},
   "journal":{"<week id>":"text"},"name":"text"} (all but ticks optional). Version 2 had only ticks; version 1
   (before ticks had times) was {"version":1,"done":["<item id>",...]}; both are migrated. */
(function (w) {
  "use strict";
  var VERSION = 3, MAX = 512000, NOTE = 2000, ID = /^[A-Za-z0-9][\w.:-]{0,119}$/;
  var ERR = {
    large: "This file is too large to be a progress export (over 500 KB).",
    json: "This file is not JSON, so it is not a progress export.",
    shape: "This JSON is not a progress export of this site.",
    version: "This export comes from a newer version of the site."
  };
  var NO_STORE = "This browser does not let the site keep data: ticks last until you close this tab. " +
    "Export them from the dashboard to keep them.";

  function fail(code) { var e = new Error(ERR[code]); e.code = code; throw e; }
  function copy(t) { var o = Object.create(null); for (var k in t) o[k] = t[k]; return o; }

  /* Any stored or exported text -> {ticks, skipped}; throws an Error with .code and a readable message.
     Values are only ever data: ids must look like ids, times must be numbers, the rest is skipped. */
  function parse(text) {
    if (typeof text != "string") fail("shape");
    if (text.length > MAX) fail("large");
    var d, src, ticks = Object.create(null), skipped = 0;
    try { d = JSON.parse(text); } catch (e) { fail("json"); }
    if (!d || typeof d != "object" || Array.isArray(d)) fail("shape");
    if (typeof d.version == "number" && d.version > VERSION) fail("version");
    if (d.version === 1 && Array.isArray(d.done)) {
      src = {};
      d.done.forEach(function (id) { src[id] = 0; }); // version 1 kept no times: 0 means "unknown"
    } else if ((d.version === 2 || d.version === VERSION) && d.ticks && typeof d.ticks == "object" && !Array.isArray(d.ticks)) {
      src = d.ticks;
    } else fail("shape");
    Object.keys(src).forEach(function (id) {
      var t = src[id];
      if (ID.test(id) && typeof t == "number" && t >= 0 && t < 1e14) ticks[id] = t; else skipped++;
    });
    var x = extras(d);
    return { ticks: ticks, skipped: skipped + x.skipped, extra: x.extra };
  }

  function obj(o) { return o && typeof o == "object" && !Array.isArray(o); }
  /* The optional sections (version 3), validated field by field: anything else is skipped, never kept. */
  function extras(d) {
    var x = {}, n = 0, day = /^\d{4}-\d{2}-\d{2}$/;
    if (obj(d.plan)) {
      var h = d.plan.hours;
      x.plan = {};
      if (typeof h == "number" && h > 0 && h <= 168) x.plan.hours = h; else if (h != null) n++;
      if (typeof d.plan.start == "string" && day.test(d.plan.start)) x.plan.start = d.plan.start;
      else if (d.plan.start != null) n++;
    }
    if (obj(d.reviews)) {
      var r = d.reviews, done = Object.create(null), off = Object.create(null);
      if (obj(r.done)) Object.keys(r.done).forEach(function (k) {
        var t = r.done[k];
        if (/~[0-2]$/.test(k) && ID.test(k.slice(0, -2)) && typeof t == "number" && t >= 0 && t < 1e14) done[k] = t; else n++;
      });
      if (obj(r.off)) Object.keys(r.off).forEach(function (k) { if (ID.test(k)) off[k] = 1; else n++; });
      x.reviews = { done: done, off: off, disabled: r.disabled === true };
    }
    if (obj(d.journal)) {
      x.journal = Object.create(null);
      Object.keys(d.journal).forEach(function (k) {
        var t = d.journal[k];
        if (ID.test(k) && typeof t == "string" && t.length <= NOTE) { if (t) x.journal[k] = t; } else n++;
      });
    }
    if (typeof d.name == "string" && d.name.length <= 200) x.name = d.name; else if (d.name != null) n++;
    return { extra: x, skipped: n };
  }
  function clone(v) { return JSON.parse(JSON.stringify(v)); }

  /* A share link's fragment (#progress=id~time36,id~time36) -> the same shape as parse(). */
  function parseHash(hash) {
    var m = /^#?progress=(.*)$/.exec(hash || "");
    if (!m) fail("shape");
    if (m[1].length > MAX) fail("large");
    var done = {};
    decodeURIComponent(m[1]).split(",").forEach(function (p) {
      if (p) { var a = p.split("~"); done[a[0]] = a[1] ? parseInt(a[1], 36) : 0; }
    });
    return parse(JSON.stringify({ version: 2, ticks: done }));
  }

  /* The storage key of a site, from the URL of this script: two forks on one origin never collide. */
  function keyFor(scriptUrl) {
    return "mdx-progress:" + new URL("../../../", scriptUrl).pathname;
  }

  function create(storage, key) {
    var ticks = Object.create(null), extra = {}, undoTicks = null, undoExtra = null, subs = [];
    var api = { key: key, version: VERSION, live: !!storage, notices: [] };

    function lost() {
      if (api.live) { api.live = false; api.notices.push(NO_STORE); }
    }
    function get(k) {
      try { return storage.getItem(k); } catch (e) { lost(); return null; }
    }
    function put(k, v) {
      if (!api.live) return;
      try { v == null ? storage.removeItem(k) : storage.setItem(k, v); } catch (e) { lost(); }
    }
    function text(more) {
      var o = { format: "mdx-progress", version: VERSION, ticks: ticks }, k;
      for (k in extra) o[k] = extra[k];
      for (k in more) o[k] = more[k];
      return JSON.stringify(o);
    }
    function save() {
      put(key, text());
      subs.forEach(function (f) { f(); });
    }
    function backup() {
      undoTicks = copy(ticks);
      undoExtra = clone(extra);
      put(key + ":backup", text());
    }

    /* (Re)read storage: after another tab wrote, or when the page comes back from the bfcache. */
    api.reload = function () {
      read();
      subs.forEach(function (f) { f(); });
    };
    function read() {
      if (!api.live) return;
      put(key + ":probe", "1");
      put(key + ":probe", null);
      var raw = api.live ? get(key) : null;
      if (raw == null) { if (api.live) { ticks = Object.create(null); extra = {}; } return; }
      try {
        var got = parse(raw);
        ticks = got.ticks;
        extra = got.extra;
        if (JSON.parse(raw).version !== VERSION) put(key, text()); // migrated forward once, then written in the current version
      } catch (e) {
        // corrupt or foreign: set aside where it can be recovered, and start afresh
        var aside = key + ":set-aside:" + Date.now();
        put(aside, raw);
        put(key, null);
        ticks = Object.create(null);
        extra = {};
        api.notices.push("The progress saved in this browser could not be read (" + e.message.replace(/\.$/, "") +
          "), so it was set aside under the key \u201c" + aside + "\u201d and this page starts afresh.");
      }
    }
    api.has = function (id) { return id in ticks; };
    api.ticks = function () { return copy(ticks); };
    api.last = function () { var m = 0; for (var k in ticks) m = Math.max(m, ticks[k]); return m; };
    api.set = function (id, on) {
      if (!ID.test(id) || on == api.has(id)) return;
      if (on) ticks[id] = Date.now(); else delete ticks[id];
      save();
    };
    api.on = function (f) { subs.push(f); };
    /* The other sections: get() returns a copy, put() stores a whole section (validated like an import). */
    api.get = function (name) { return name in extra ? clone(extra[name]) : null; };
    api.put = function (name, value) {
      var probe = {}, got;
      probe[name] = value;
      got = extras(probe);
      if (got.skipped) return false;
      if (name in got.extra) extra[name] = got.extra[name]; else delete extra[name];
      save();
      return true;
    };
    api.NOTE = NOTE;

    /* Retired ids move to their successors (following chains); ids retired for good (null) are kept. */
    api.migrate = function (successors) {
      var n = 0;
      Object.keys(successors || {}).forEach(function (old) {
        if (!(old in ticks)) return;
        var to = successors[old], hops = 0;
        while (to && to in successors && hops++ < 50) to = successors[to];
        if (!to || !ID.test(to)) return;
        if (!(to in ticks)) ticks[to] = ticks[old];
        delete ticks[old];
        n++;
      });
      if (n) save();
      return n;
    };

    api.exportText = function () { return text({ site: key, exported: new Date().toISOString() }); };
    api.shareHash = function () {
      return "#progress=" + Object.keys(ticks).map(function (k) { return k + "~" + ticks[k].toString(36); }).join(",");
    };
    /* What an import would change: ids added, ids removed (replace only), ids already ticked. */
    api.diff = function (incoming, mode) {
      var add = [], keep = [], drop = [];
      for (var k in incoming.ticks) (k in ticks ? keep : add).push(k);
      if (mode == "replace") for (k in ticks) if (!(k in incoming.ticks)) drop.push(k);
      return { added: add, kept: keep, removed: drop, skipped: incoming.skipped };
    };
    /* What an import would change besides ticks (notes, plan, reviews, certificate name), in words, so that
       the preview names everything before anything changes. Mirrors apply() below. */
    api.changes = function (incoming, mode) {
      var inc = incoming.extra || {}, out = [], k, n;
      function plan(p) { return p && p.hours ? p.hours + " h/week" + (p.start ? " from " + p.start : "") : "no plan"; }
      function weeks(n) { return n + " week note" + (n == 1 ? "" : "s"); }
      var here = extra.journal || {}, there = inc.journal;
      if (mode == "replace") {
        if (there) {
          var lost = 0, changed = 0, added = 0;
          for (k in here) if (!(k in there)) lost++; else if (there[k] !== here[k]) changed++;
          for (k in there) if (!(k in here)) added++;
          if (lost) out.push("deletes " + weeks(lost) + " of yours that the file does not have");
          if (changed) out.push("replaces " + weeks(changed) + " of yours with the file's");
          if (added) out.push("adds " + weeks(added));
        }
        if (inc.plan && plan(inc.plan) != plan(extra.plan)) out.push("changes your plan from " + plan(extra.plan) + " to " + plan(inc.plan));
        if (inc.reviews && JSON.stringify(inc.reviews) != JSON.stringify(extra.reviews || null)) {
          n = Object.keys(inc.reviews.done).length;
          out.push("replaces your review history with the file's (" + n + " review" + (n == 1 ? "" : "s") + " done)");
        }
        if ("name" in inc && inc.name !== (extra.name || "")) out.push('changes the name on your certificates to "' + inc.name + '"');
      } else {
        n = 0;
        if (there) for (k in there) if (!here[k]) n++;
        if (n) out.push("adds " + weeks(n) + " (yours are kept)");
        if (inc.plan && !extra.plan && inc.plan.hours) out.push("takes the file's plan, " + plan(inc.plan) + " (you have none)");
        if (inc.name && !extra.name) out.push('takes the name "' + inc.name + '" for your certificates');
        if (inc.reviews) {
          n = 0;
          var mine = (extra.reviews || {}).done || {};
          for (k in inc.reviews.done) if (!(k in mine)) n++;
          if (n) out.push("adds " + n + " done review" + (n == 1 ? "" : "s"));
        }
      }
      return out;
    };
    api.apply = function (incoming, mode) {
      backup();
      var inc = incoming.extra || {}, k, s;
      if (mode == "replace") {
        ticks = copy(incoming.ticks);
        for (k in inc) extra[k] = clone(inc[k]); // sections an older export lacks are kept
      } else {
        for (k in incoming.ticks) if (!(k in ticks)) ticks[k] = incoming.ticks[k];
        if (inc.plan && !extra.plan) extra.plan = clone(inc.plan);
        if (inc.name && !extra.name) extra.name = inc.name;
        if (inc.journal) { // a week's note here wins; notes only in the file are added
          extra.journal = extra.journal || {};
          for (k in inc.journal) if (!extra.journal[k]) extra.journal[k] = inc.journal[k];
        }
        if (inc.reviews) {
          s = extra.reviews = extra.reviews || { done: {}, off: {}, disabled: false };
          for (k in inc.reviews.done) if (!(k in s.done)) s.done[k] = inc.reviews.done[k];
          for (k in inc.reviews.off) s.off[k] = 1;
        }
      }
      save();
    };
    /* Reset everything, or only the given ids (one week); undo() brings it back. */
    api.reset = function (ids) {
      backup();
      if (ids) ids.forEach(function (id) { delete ticks[id]; }); else ticks = Object.create(null);
      save();
    };
    /* Delete every key this site keeps in this browser: the progress (ticks, plan, notes, reviews, name), its
       backup and set-aside copies, and Material's own keys of this site (its light/dark choice). No undo; returns
       the number of keys removed. Another fork on the same origin has its own keys and keeps them. */
    api.forget = function () {
      var mine = [], root = key.slice(key.indexOf(":") + 1), k, i;
      try {
        for (i = 0; i < storage.length; i++) {
          k = storage.key(i);
          if (k == key || k.indexOf(key + ":") == 0 || k.indexOf(root + ".") == 0) mine.push(k);
        }
        mine.forEach(function (k) { storage.removeItem(k); });
      } catch (e) { lost(); }
      ticks = Object.create(null);
      extra = {};
      undoTicks = undoExtra = null;
      subs.forEach(function (f) { f(); });
      return mine.length;
    };
    api.canUndo = function () { return !!undoTicks; };
    api.undo = function () {
      if (!undoTicks) return false;
      ticks = undoTicks;
      extra = undoExtra || extra;
      undoTicks = undoExtra = null;
      save();
      return true;
    };
    read();
    return api;
  }

  var storage = null;
  try { storage = w.localStorage; } catch (e) { /* disabled: the getter itself throws */ }
  var src = document.currentScript ? document.currentScript.src : location.href;
  var store = create(storage, keyFor(src));
  if (!storage) store.notices.push(NO_STORE);
  store.create = create;
  store.parse = parse;
  store.parseHash = parseHash;
  store.keyFor = keyFor;
  store.ERR = ERR;
  w.mdxProgress = store;
})(window);
