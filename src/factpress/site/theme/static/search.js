/* The search page: results for ?q= as the reader types, each with its page and the headings it
   was found under. Over http(s) the site's own Pagefind index answers (data-index). Read from disk
   (file:), browsers refuse to fetch that index, so the same text comes from a script
   (data-fallback) and a plain search of its words; so it does where Pagefind cannot start (an old
   browser, or a Content-Security-Policy without 'wasm-unsafe-eval'). Nothing here comes from
   another host, and no markup is built from text: only Pagefind's excerpts, which it escapes,
   and the fallback's, escaped below, are set as HTML. */
(function () {
  "use strict";
  var me = document.currentScript;
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!me || !form || !input || !status || !list) return;
  var LIMIT = 20, SUBS = 3;
  var engine = null, plain = false, asked = 0;

  function pagefind() {
    return import(new URL(me.getAttribute("data-index"), location.href).href).then(function (pf) {
      return pf.options({ excerptLength: 24 }).then(function () { return pf.init(); }).then(function () {
        return function (query) {
          return pf.search(query).then(function (found) {
            return Promise.all(found.results.slice(0, LIMIT).map(function (r) { return r.data(); }));
          }).then(function (pages) {
            return { total: pages.length, pages: pages.map(function (d) {
              return { url: d.url, title: (d.meta && d.meta.title) || d.url, excerpt: d.excerpt,
                       subs: (d.sub_results || []).filter(function (s) { return s.url.indexOf("#") > 0; })
                         .slice(0, SUBS).map(function (s) { return { url: s.url, title: s.title, excerpt: s.excerpt }; }) };
            }) };
          });
        };
      });
    });
  }

  function fallback() {
    return new Promise(function (resolve, reject) {
      if (window.factpressSearch) { resolve(); return; }
      var s = document.createElement("script");
      s.src = me.getAttribute("data-fallback");
      s.onload = resolve;
      s.onerror = function () { reject(new Error("the search text did not load")); };
      document.head.appendChild(s);
    }).then(function () { return plainSearch; });
  }

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function fold(text) { return text.normalize("NFKC").toLowerCase(); }
  function termsOf(query) {
    return fold(query).split(/\s+/).filter(Boolean);
  }
  /* A term matches where it starts a word (or anywhere, for Chinese and Japanese, written without spaces). */
  function finds(text, term) {
    var at = -1, from = 0, cjk = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/.test(term);
    while ((at = text.indexOf(term, from)) >= 0) {
      if (cjk || at === 0 || !/[\p{L}\p{N}]/u.test(text.charAt(at - 1))) return at;
      from = at + 1;
    }
    return -1;
  }
  function excerpt(text, terms) {
    var low = fold(text), first = text.length;
    terms.forEach(function (t) { var at = finds(low, t); if (at >= 0 && at < first) first = at; });
    var start = Math.max(0, first - 80), end = Math.min(text.length, first + 160);
    if (start > 0 && text.indexOf(" ", start) >= 0 && text.indexOf(" ", start) < first) start = text.indexOf(" ", start) + 1;
    if (end < text.length && text.lastIndexOf(" ", end) > first) end = text.lastIndexOf(" ", end);
    var piece = (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
    var html = escapeHtml(piece);
    terms.forEach(function (t) {
      html = html.replace(new RegExp(escapeHtml(t).replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "giu"), "<mark>$&</mark>");
    });
    return html;
  }
  function plainSearch(query) {
    var terms = termsOf(query), pages = [];
    window.factpressSearch.pages.forEach(function (page) {
      var all = fold(page.s.map(function (s) { return s.h + " " + s.x; }).join(" "));
      if (!terms.every(function (t) { return finds(all, t) >= 0; })) return;
      var score = 0, subs = [];
      page.s.forEach(function (s, i) {
        var text = fold(s.h + " " + s.x), hits = terms.filter(function (t) { return finds(text, t) >= 0; }).length;
        score += hits + (finds(fold(s.h), terms[0]) >= 0 ? 2 : 0);
        if (hits === terms.length) subs.push({ s: s, first: i === 0 });
      });
      var lead = subs.length ? subs[0].s : page.s[0];
      pages.push({ score: score, url: page.u, title: page.t || page.u, excerpt: excerpt(lead.x || lead.h, terms),
                   subs: subs.filter(function (m) { return m.s.a && !m.first; }).slice(0, SUBS).map(function (m) {
                     return { url: page.u + "#" + m.s.a, title: m.s.h, excerpt: excerpt(m.s.x || m.s.h, terms) };
                   }) });
    });
    pages.sort(function (a, b) { return b.score - a.score; });
    return Promise.resolve({ total: pages.length, pages: pages.slice(0, LIMIT) });
  }

  function useFallback() {
    plain = true;
    engine = fallback();
    return engine;
  }
  function start() {
    if (!engine) engine = location.protocol === "file:" ? useFallback() : pagefind().catch(useFallback);
    return engine;
  }

  function item(result, cls) {
    var li = document.createElement("li"), a = document.createElement("a"), p = document.createElement("p");
    li.className = cls;
    a.href = result.url;
    a.textContent = result.title;
    p.innerHTML = result.excerpt || "";
    li.appendChild(a);
    li.appendChild(p);
    return li;
  }
  function show(query, found) {
    list.textContent = "";
    list.setAttribute("data-engine", plain ? "text" : "pagefind");
    found.pages.forEach(function (page) {
      var li = item(page, "search-result");
      if (page.subs.length) {
        var ul = document.createElement("ul");
        page.subs.forEach(function (sub) { ul.appendChild(item(sub, "search-sub")); });
        li.appendChild(ul);
      }
      list.appendChild(li);
    });
    var n = found.total;
    status.textContent = (n ? n + (n === 1 ? " page" : " pages") : "No pages") + " found for “" + query + "”" +
      (n > LIMIT ? "; the first " + LIMIT + " are shown" : "") + ".";
  }
  function run(query) {
    var mine = ++asked;
    query = query.trim();
    if (!query) { list.textContent = ""; status.textContent = ""; return; }
    status.textContent = "Searching…";
    start().then(function (search) {
      return search(query).catch(function (error) {
        if (plain) throw error;
        return useFallback().then(function (s) { return s(query); });  /* Pagefind started but cannot search */
      });
    }).then(function (found) {
      if (mine === asked) show(query, found);
    }, function (error) {
      if (mine === asked) status.textContent = "Search is not available here: " + error.message;
    });
  }
  function remember(query) {
    try { history.replaceState(null, "", "?q=" + encodeURIComponent(query)); } catch (e) { /* file: may refuse */ }
  }

  var timer = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); remember(input.value); }, 150);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run(input.value);
    remember(input.value);
  });
  var q = new URLSearchParams(location.search).get("q") || "";
  input.value = q;
  if (q) run(q);
})();
