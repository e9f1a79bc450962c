/* union-digest client-side search. No dependencies, no external service.
 *
 * The index is made at build time by src/render/search.rs; this file mirrors its
 * normalisation, term extraction, FNV-1a shard hash and postings encoding (format version
 * 2: postings name documents by a key that depends only on the article's URL). A query
 * fetches only the shards of its own terms, then one small file per result shown
 * (search/docs/KEY.json). Every text is put into the page with textContent, never as HTML.
 */
(function () {
  "use strict";

  var root = document.getElementById("search");
  if (!root || !window.fetch || !window.TextEncoder) {
    return;
  }
  var base = root.getAttribute("data-base") || "/";
  var shardCount = parseInt(root.getAttribute("data-shards"), 10) || 1;
  var docCount = parseInt(root.getAttribute("data-docs"), 10) || 1;
  var version = root.getAttribute("data-version") || "2";
  var PAGE = 10;
  var MAX_WORD = 12;

  var form = root.querySelector("form");
  var input = root.querySelector("input[name=q]");
  var status = root.querySelector(".search-status");
  var list = root.querySelector(".search-results");
  var more = root.querySelector(".search-more");

  function text(key, n) {
    var s = root.getAttribute("data-t-" + key) || key;
    return n === undefined ? s : s.replace("{n}", String(n));
  }

  /* Same as search::normalise: full-width ASCII to half-width, ASCII lowercased. */
  function normalise(s) {
    var out = "";
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xff01 && c <= 0xff5e) {
        c -= 0xfee0;
      } else if (c === 0x3000) {
        c = 0x20;
      }
      if (c >= 0x41 && c <= 0x5a) {
        c += 0x20;
      }
      out += String.fromCharCode(c);
    }
    return out;
  }

  /* Same ranges as clean::lines::is_han. */
  function isHan(cp) {
    return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x2fa1f);
  }

  function isAsciiAlnum(cp) {
    return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x61 && cp <= 0x7a);
  }

  /* Han runs and ASCII words of a normalised query. */
  function runs(q) {
    var han = [], ascii = [], h = "", a = "";
    var chars = Array.from(q);
    for (var i = 0; i <= chars.length; i++) {
      var ch = chars[i];
      var cp = ch === undefined ? 0 : ch.codePointAt(0);
      if (ch !== undefined && isHan(cp)) {
        h += ch;
      } else if (h) {
        han.push(h);
        h = "";
      }
      if (ch !== undefined && isAsciiAlnum(cp)) {
        a += ch;
      } else if (a) {
        ascii.push(a);
        a = "";
      }
    }
    return { han: han, ascii: ascii };
  }

  /* Query terms: one group per Han run or ASCII word (a document matches a group when it
   * holds all the group's terms: the run's bigrams, or the word), and optional whole words
   * that only raise the score. */
  function queryTerms(q) {
    var r = runs(q);
    var groups = [], optional = [], needles = [];
    r.han.forEach(function (run) {
      var chars = Array.from(run);
      if (chars.length < 2) {
        return;
      }
      var group = [];
      for (var i = 0; i + 1 < chars.length; i++) {
        var bigram = chars[i] + chars[i + 1];
        if (group.indexOf(bigram) < 0) {
          group.push(bigram);
        }
      }
      groups.push(group);
      needles.push(run);
      if (chars.length >= 3 && chars.length <= MAX_WORD && optional.indexOf(run) < 0) {
        optional.push(run);
      }
    });
    r.ascii.forEach(function (word) {
      if (word.length >= 2 && word.length <= 32) {
        groups.push([word]);
        needles.push(word);
      }
    });
    var required = [];
    groups.forEach(function (g) {
      g.forEach(function (t) {
        if (required.indexOf(t) < 0) {
          required.push(t);
        }
      });
    });
    return { groups: groups, required: required, optional: optional, needles: needles };
  }

  function fnv1a(s) {
    var bytes = new TextEncoder().encode(s);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  var cache = {};
  function getJson(path) {
    if (!cache[path]) {
      cache[path] = fetch(base + path + "?v=" + version).then(function (r) {
        if (!r.ok) {
          throw new Error(path + ": HTTP " + r.status);
        }
        return r.json();
      }).catch(function (err) {
        delete cache[path]; /* let a later query try again */
        throw err;
      });
    }
    return cache[path];
  }

  /* Digits of the postings encoding: five bits each, least significant first; a digit of 32
   * or more says more digits follow (search::encode_postings). */
  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var DIGIT = {};
  for (var d = 0; d < DIGITS.length; d++) {
    DIGIT[DIGITS.charAt(d)] = d;
  }

  /* The numbers of an encoded postings string. */
  function numbers(s) {
    var out = [], value = 0, scale = 1;
    for (var i = 0; i < s.length; i++) {
      var digit = DIGIT[s.charAt(i)];
      if (digit === undefined) {
        continue;
      }
      value += (digit & 31) * scale;
      if (digit < 32) {
        out.push(value);
        value = 0;
        scale = 1;
      } else {
        scale *= 32;
      }
    }
    return out;
  }

  /* Postings of a term: array of [doc key, weight] (decoding search::encode_postings: per
   * document (gap - 1) * 2, plus 1 when a weight other than 1 follows, as weight - 2). */
  function postings(term) {
    return getJson("search/shards/" + (fnv1a(term) % shardCount) + ".json").then(function (shard) {
      var flat = numbers(Object.prototype.hasOwnProperty.call(shard, term) ? shard[term] : "");
      var out = [], doc = -1, i = 0;
      while (i < flat.length) {
        doc += Math.floor(flat[i] / 2) + 1;
        if (flat[i] % 2 === 1) {
          out.push([doc, (flat[i + 1] || 0) + 2]);
          i += 2;
        } else {
          out.push([doc, 1]);
          i += 1;
        }
      }
      return out;
    });
  }

  function idf(df) {
    return Math.log(1 + (docCount - df + 0.5) / (df + 0.5));
  }

  /* Documents matching every group, best first; if none and the query has several groups,
   * those matching the most groups. */
  function rank(terms, lists) {
    var scores = {}, docsOf = {};
    lists.forEach(function (list, k) {
      var term = k < terms.required.length ? terms.required[k] : null;
      var weight = idf(list.length) * (term === null ? 1.5 : 1);
      var set = {};
      list.forEach(function (p) {
        var doc = p[0], w = p[1];
        scores[doc] = (scores[doc] || 0) + weight * (w * 2.2) / (w + 1.2);
        set[doc] = true;
      });
      if (term !== null) {
        docsOf[term] = set;
      }
    });
    var matched = {};
    terms.groups.forEach(function (group) {
      Object.keys(docsOf[group[0]] || {}).forEach(function (doc) {
        if (group.every(function (t) { return docsOf[t] && docsOf[t][doc]; })) {
          matched[doc] = (matched[doc] || 0) + 1;
        }
      });
    });
    var docs = Object.keys(matched).map(Number);
    var full = docs.filter(function (d) { return matched[d] === terms.groups.length; });
    var partial = full.length === 0 && terms.groups.length > 1;
    var chosen = partial ? docs : full;
    chosen.sort(function (a, b) {
      return (matched[b] - matched[a]) || (scores[b] - scores[a]) || (a - b);
    });
    return { docs: chosen, partial: partial };
  }

  /* The needles to highlight in a text: the query's whole runs and words found in it, or,
   * when none is there, the bigrams that matched. Longest first. */
  function needlesIn(hay) {
    var whole = current.runs.filter(function (n) { return hay.indexOf(n) >= 0; });
    var chosen = whole.length ? whole : current.parts.filter(function (n) { return hay.indexOf(n) >= 0; });
    return chosen.sort(function (a, b) { return b.length - a.length; });
  }

  /* Plain and highlighted pieces of value[start, end). */
  function pieces(value, hay, needles, start, end) {
    var out = [], i = start, plain = "";
    while (i < end) {
      var hit = "";
      for (var k = 0; k < needles.length; k++) {
        if (hay.substr(i, needles[k].length) === needles[k]) {
          hit = needles[k];
          break;
        }
      }
      if (hit) {
        if (plain) {
          out.push({ t: plain, m: false });
          plain = "";
        }
        out.push({ t: value.substr(i, hit.length), m: true });
        i += hit.length;
      } else {
        plain += value.charAt(i);
        i += 1;
      }
    }
    if (plain) {
      out.push({ t: plain, m: false });
    }
    return out;
  }

  /* The text around the first occurrence of the longest needle found. */
  function snippet(value) {
    var hay = normalise(value);
    var needles = needlesIn(hay);
    var first = needles.length ? hay.indexOf(needles[0]) : -1;
    var start = first < 0 ? 0 : Math.max(0, first - 30);
    var end = Math.min(value.length, first < 0 ? 110 : first + 90);
    var out = pieces(value, hay, needles, start, end);
    if (start > 0) {
      out.unshift({ t: "…", m: false });
    }
    if (end < value.length) {
      out.push({ t: "…", m: false });
    }
    return out;
  }

  function highlighted(parent, list) {
    list.forEach(function (p) {
      if (p.m) {
        var mark = document.createElement("mark");
        mark.textContent = p.t;
        parent.appendChild(mark);
      } else {
        parent.appendChild(document.createTextNode(p.t));
      }
    });
  }

  function resultItem(doc) {
    var li = document.createElement("li");
    li.className = "card search-result";
    var h = document.createElement("h2");
    h.className = "card-title";
    var a = document.createElement("a");
    a.href = doc.url;
    var titleHay = normalise(doc.title);
    highlighted(a, pieces(doc.title, titleHay, needlesIn(titleHay), 0, doc.title.length));
    h.appendChild(a);
    li.appendChild(h);
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = [doc.date, doc.region].filter(Boolean).join(" · ");
    li.appendChild(meta);
    var p = document.createElement("p");
    p.className = "excerpt";
    highlighted(p, snippet(doc.text));
    li.appendChild(p);
    return li;
  }

  var current = { docs: [], shown: 0, runs: [], parts: [], token: 0 };

  function showMore() {
    var token = current.token;
    var batch = current.docs.slice(current.shown, current.shown + PAGE);
    current.shown += batch.length;
    more.hidden = true;
    return Promise.all(batch.map(function (n) { return getJson("search/docs/" + n + ".json"); }))
      .then(function (docs) {
        if (token !== current.token) {
          return;
        }
        docs.forEach(function (doc) { list.appendChild(resultItem(doc)); });
        more.hidden = current.shown >= current.docs.length;
      });
  }

  function fail(err) {
    status.textContent = text("error");
    if (window.console) {
      window.console.error(err);
    }
  }

  function run(q) {
    var token = ++current.token;
    list.textContent = "";
    more.hidden = true;
    var query = normalise(q.trim());
    if (!query) {
      status.textContent = "";
      return Promise.resolve();
    }
    var terms = queryTerms(query);
    if (terms.groups.length === 0) {
      status.textContent = text("short");
      return Promise.resolve();
    }
    status.textContent = text("loading");
    var all = terms.required.concat(terms.optional);
    return Promise.all(all.map(postings)).then(function (lists) {
      if (token !== current.token) {
        return;
      }
      var ranked = rank(terms, lists);
      current.docs = ranked.docs;
      current.shown = 0;
      current.runs = terms.needles;
      current.parts = terms.required;
      if (ranked.docs.length === 0) {
        status.textContent = text("none");
        return;
      }
      status.textContent = text(ranked.partial ? "partial" : "results", ranked.docs.length);
      return showMore();
    }).catch(fail);
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value;
    var url = new URL(window.location.href);
    url.searchParams.set("q", q);
    window.history.replaceState(null, "", url.toString());
    run(q);
  });
  more.addEventListener("click", function () {
    showMore().catch(fail);
  });

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
}());
