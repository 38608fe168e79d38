// Search in the browser over the static index under /search/ (built by src/discovery/search.ts).
// The page is a plain GET form; this script reads `q` (and the page number `p`) from the
// address, fetches the manifest, the shards of the query's terms and the records of the
// results it shows, and writes the results with text nodes only (never HTML from data).
// `searchTerms` repeats textTerms() of src/discovery/searchIndex.ts; a test keeps them equal.
// The query functions are also exposed as `GazetteSearch`, so tests and the bench run this code.
/* global document, fetch, location, performance, URLSearchParams, TextDecoder */
(function () {
  'use strict';

  var FIELD_TITLE = 1;
  var FIELD_DOC_NUMBER = 2;
  var FIELD_META = 4;
  var PAGE_SIZE = 10;
  var HAN = /\p{Script=Han}|〇/u;
  var WORD = /[\p{L}\p{N}]/u;

  function normalizeText(text) {
    return text.normalize('NFKC').toLowerCase();
  }

  /** Runs of a text: { han: true|false, text } in order; separators dropped. */
  function runs(text) {
    var found = [];
    var current = '';
    var han = false;
    var flush = function () {
      if (current !== '') found.push({ han: han, text: current });
      current = '';
    };
    for (var char of normalizeText(text)) {
      if (HAN.test(char)) {
        if (!han) flush();
        han = true;
        current += char;
      } else if (WORD.test(char)) {
        if (han) flush();
        han = false;
        current += char;
      } else flush();
    }
    flush();
    return found;
  }

  /** The index terms of a text: Han unigrams and bigrams, other letter/digit runs. */
  function searchTerms(text) {
    var terms = [];
    runs(text).forEach(function (run) {
      if (!run.han) {
        terms.push(run.text);
        return;
      }
      var chars = Array.from(run.text);
      for (var i = 0; i < chars.length; i++) {
        terms.push(chars[i]);
        if (i + 1 < chars.length) terms.push(chars[i] + chars[i + 1]);
      }
    });
    return terms;
  }

  /** What a query needs: the bigrams of each Han run (its character when alone), each word. */
  function queryTerms(query) {
    var terms = [];
    runs(query).forEach(function (run) {
      var chars = Array.from(run.text);
      if (!run.han || chars.length === 1) terms.push(run.text);
      else for (var i = 0; i + 1 < chars.length; i++) terms.push(chars[i] + chars[i + 1]);
    });
    return terms.filter(function (term, i) {
      return terms.indexOf(term) === i;
    });
  }

  function termHash(term) {
    var hash = 0x811c9dc5;
    for (var i = 0; i < term.length; i++) {
      hash ^= term.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash >>> 0;
  }

  function shardName(shard) {
    return shard.toString(16);
  }

  /** Term → byte offset of its postings in a shard. */
  function readShard(bytes) {
    var decoder = new TextDecoder();
    var terms = new Map();
    var at = 0;
    var varint = function () {
      var value = 0;
      var shift = 0;
      for (;;) {
        var byte = bytes[at++];
        value += (byte & 0x7f) * Math.pow(2, shift);
        if (byte < 0x80) return value;
        shift += 7;
      }
    };
    while (at < bytes.length) {
      var length = varint();
      var term = decoder.decode(bytes.subarray(at, at + length));
      at += length;
      var start = at;
      var count = varint();
      for (var i = 0; i < count; i++) {
        while (bytes[at] >= 0x80) at++;
        at += 2;
      }
      terms.set(term, { bytes: bytes, start: start });
    }
    return terms;
  }

  /** A term's postings: Map document number → byte (fields | count << 3). */
  function readPostings(entry) {
    var bytes = entry.bytes;
    var at = entry.start;
    var varint = function () {
      var value = 0;
      var shift = 0;
      for (;;) {
        var byte = bytes[at++];
        value += (byte & 0x7f) * Math.pow(2, shift);
        if (byte < 0x80) return value;
        shift += 7;
      }
    };
    var postings = new Map();
    var count = varint();
    var n = -1;
    for (var i = 0; i < count; i++) {
      n += varint() + 1;
      postings.set(n, bytes[at++]);
    }
    return postings;
  }

  /**
   * A searcher over the index at `base` (default `/search/`). `load(path, kind)` fetches a file
   * as bytes ('bytes') or parsed JSON ('json'); the default uses fetch().
   */
  function createSearcher(options) {
    options = options || {};
    var base = options.base || '/search/';
    var load =
      options.load ||
      function (path, kind) {
        return fetch(path).then(function (response) {
          if (!response.ok) throw new Error(path + ': ' + response.status);
          return kind === 'json' ? response.json() : response.arrayBuffer().then(function (buffer) {
            return new Uint8Array(buffer);
          });
        });
      };
    var manifest;
    var shards = new Map();
    var records = new Map();

    function loadManifest() {
      if (manifest === undefined) manifest = load(base + 'index.json', 'json');
      return manifest;
    }

    function loadShard(info, shard) {
      if (!shards.has(shard)) {
        shards.set(shard, load(info.shardPath + shardName(shard) + '.bin', 'bytes').then(readShard));
      }
      return shards.get(shard);
    }

    /** Fetch what a query needs (manifest and shards): resolves when `rank` can answer at once. */
    function prepare(query) {
      var terms = queryTerms(query);
      return loadManifest().then(function (info) {
        return Promise.all(
          terms.map(function (term) {
            return loadShard(info, termHash(term) % info.shards);
          }),
        ).then(function (loaded) {
          return { info: info, terms: terms, shards: loaded };
        });
      });
    }

    /**
     * Rank the documents containing every term: a query matched wholly in the title or the 文号
     * first, then wholly in title and 文号 together, then wholly in the metadata, then body
     * matches; within a tier by weight (rarer terms count more); newest first on ties.
     */
    function rank(prepared) {
      var terms = prepared.terms;
      if (terms.length === 0) return [];
      var lists = [];
      for (var i = 0; i < terms.length; i++) {
        var entry = prepared.shards[i].get(terms[i]);
        if (entry === undefined) return [];
        lists.push(readPostings(entry));
      }
      var order = lists.map(function (_, i) {
        return i;
      });
      order.sort(function (a, b) {
        return lists[a].size - lists[b].size;
      });
      var total = Math.max(prepared.info.documents, 1);
      var results = [];
      lists[order[0]].forEach(function (_, n) {
        var all = 7;
        var titleOrNumber = true;
        var anyField = true;
        var score = 0;
        for (var k = 0; k < lists.length; k++) {
          var value = lists[k].get(n);
          if (value === undefined) return;
          var fields = value & 7;
          var count = value >> 3;
          all &= fields;
          if ((fields & (FIELD_TITLE | FIELD_DOC_NUMBER)) === 0) titleOrNumber = false;
          if (fields === 0) anyField = false;
          var weight = Math.log(1 + total / lists[k].size);
          score += weight * ((fields & FIELD_TITLE ? 4 : 0) + (fields & FIELD_DOC_NUMBER ? 4 : 0) + (fields & FIELD_META ? 1 : 0) + Math.log2(1 + count));
        }
        var tier = all & (FIELD_TITLE | FIELD_DOC_NUMBER) ? 3 : titleOrNumber ? 2 : anyField ? 1 : 0;
        results.push({ n: n, tier: tier, score: score });
      });
      results.sort(function (a, b) {
        return b.tier - a.tier || b.score - a.score || b.n - a.n;
      });
      return results;
    }

    function search(query) {
      return prepare(query).then(rank);
    }

    function record(n) {
      if (!records.has(n)) {
        records.set(
          n,
          loadManifest().then(function (info) {
            return load(info.docPath + n + '.json', 'json');
          }),
        );
      }
      return records.get(n);
    }

    return { prepare: prepare, rank: rank, search: search, record: record };
  }

  /** The query's pieces to find in text, longest first: whole runs, then their terms. */
  function needles(query) {
    var found = [];
    runs(query).forEach(function (run) {
      found.push(run.text);
    });
    queryTerms(query).forEach(function (term) {
      if (found.indexOf(term) < 0) found.push(term);
    });
    return found.sort(function (a, b) {
      return b.length - a.length;
    });
  }

  /** Normalized text with, per normalized UTF-16 unit, the index of its source unit. */
  function normalizedWithMap(text) {
    var out = '';
    var map = [];
    var index = 0;
    for (var char of text) {
      var normal = normalizeText(char);
      for (var i = 0; i < normal.length; i++) map.push(index);
      out += normal;
      index += char.length;
    }
    map.push(text.length);
    return { text: out, map: map };
  }

  /** Ranges [start, end) of `text` matching any needle, merged, in order. */
  function matchRanges(text, query) {
    var normal = normalizedWithMap(text);
    var ranges = [];
    needles(query).forEach(function (needle) {
      var at = normal.text.indexOf(needle);
      while (at >= 0) {
        ranges.push([normal.map[at], normal.map[at + needle.length]]);
        at = normal.text.indexOf(needle, at + needle.length);
      }
    });
    ranges.sort(function (a, b) {
      return a[0] - b[0] || b[1] - a[1];
    });
    var merged = [];
    ranges.forEach(function (range) {
      var last = merged[merged.length - 1];
      if (last !== undefined && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
      else merged.push([range[0], range[1]]);
    });
    return merged;
  }

  /**
   * A window of the text around the first match of the longest piece of the query:
   * { text, ranges } with `ranges` relative to the window, plus whether it was cut either side.
   */
  function snippet(text, query, length) {
    length = length || 120;
    var ranges = matchRanges(text, query);
    var best = needles(query)[0];
    var normal = normalizedWithMap(text);
    var at = best === undefined ? -1 : normal.text.indexOf(best);
    var focus = at >= 0 ? normal.map[at] : ranges.length > 0 ? ranges[0][0] : 0;
    var start = Math.max(0, focus - Math.floor(length / 4));
    var end = Math.min(text.length, start + length);
    start = Math.max(0, Math.min(start, end - length));
    return {
      text: text.slice(start, end).replace(/\s+/g, ' '),
      before: start > 0,
      after: end < text.length,
      ranges: ranges
        .filter(function (range) {
          return range[1] > start && range[0] < end;
        })
        .map(function (range) {
          return [Math.max(range[0], start) - start, Math.min(range[1], end) - start];
        }),
    };
  }

  var api = {
    normalizeText: normalizeText,
    searchTerms: searchTerms,
    queryTerms: queryTerms,
    termHash: termHash,
    createSearcher: createSearcher,
    matchRanges: matchRanges,
    snippet: snippet,
    PAGE_SIZE: PAGE_SIZE,
  };
  globalThis.GazetteSearch = api;

  if (typeof document === 'undefined') return;

  // ---- The page ----

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      if (child === undefined || child === null) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  /** Text with its matching ranges wrapped in <mark>. */
  function marked(text, ranges) {
    var parts = [];
    var at = 0;
    ranges.forEach(function (range) {
      if (range[0] > at) parts.push(text.slice(at, range[0]));
      parts.push(element('mark', {}, [text.slice(range[0], range[1])]));
      at = range[1];
    });
    if (at < text.length) parts.push(text.slice(at));
    return parts;
  }

  function pageHref(query, page) {
    var params = new URLSearchParams();
    params.set('q', query);
    if (page > 1) params.set('p', String(page));
    return '/search/?' + params.toString();
  }

  function resultItem(doc, query) {
    var cut = snippet(doc.text || '', query);
    var meta = [doc.docNumber, doc.department, doc.date].filter(function (part) {
      return part !== undefined && part !== '';
    });
    return element('li', { class: 'search-result' }, [
      element('h3', {}, [element('a', { href: doc.url }, marked(doc.title, matchRanges(doc.title, query)))]),
      element('p', { class: 'search-meta' }, marked(meta.join(' · '), matchRanges(meta.join(' · '), query))),
      cut.text === '' ? undefined : element('p', { class: 'search-snippet' }, [cut.before ? '…' : ''].concat(marked(cut.text, cut.ranges), [cut.after ? '…' : ''])),
    ]);
  }

  function pager(query, page, pages) {
    var items = [];
    if (page > 1) items.push(element('li', {}, [element('a', { href: pageHref(query, page - 1), rel: 'prev' }, ['上一页'])]));
    items.push(element('li', { 'aria-current': 'page' }, ['第' + page + '页，共' + pages + '页']));
    if (page < pages) items.push(element('li', {}, [element('a', { href: pageHref(query, page + 1), rel: 'next' }, ['下一页'])]));
    return element('ul', {}, items);
  }

  function show(status, message) {
    status.replaceChildren(element('p', {}, [message]));
  }

  function run() {
    var params = new URLSearchParams(location.search);
    var query = (params.get('q') || '').trim();
    var page = Math.max(1, parseInt(params.get('p') || '1', 10) || 1);
    var input = document.getElementById('search-q');
    var status = document.getElementById('search-status');
    var section = document.getElementById('search-results');
    var list = document.getElementById('search-list');
    var nav = document.getElementById('search-pages');
    if (!input || !status || !section || !list || !nav) return;
    input.value = query;
    if (query === '') {
      show(status, '请输入要查找的词语或文号。');
      return;
    }
    if (queryTerms(query).length === 0) {
      show(status, '请输入汉字、字母或数字。');
      return;
    }
    document.title = '“' + query + '”的搜索结果 - ' + document.title;
    show(status, '正在搜索……');
    var searcher = createSearcher();
    var started = performance.now();
    searcher
      .search(query)
      .then(function (results) {
        var pages = Math.max(1, Math.ceil(results.length / PAGE_SIZE));
        page = Math.min(page, pages);
        var shown = results.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
        return Promise.all(
          shown.map(function (result) {
            return searcher.record(result.n);
          }),
        ).then(function (docs) {
          var found = docs.filter(function (doc) {
            return doc && doc.url;
          });
          status.dataset.ms = String(Math.round(performance.now() - started));
          if (results.length === 0) {
            show(status, '没有找到与“' + query + '”相关的结果。请换一个词语，或减少词语再试。');
            section.hidden = true;
            return;
          }
          show(status, '找到' + results.length + '条与“' + query + '”相关的结果' + (pages > 1 ? '，这是第' + page + '页' : '') + '。');
          list.replaceChildren.apply(
            list,
            found.map(function (doc) {
              return resultItem(doc, query);
            }),
          );
          list.setAttribute('start', String((page - 1) * PAGE_SIZE + 1));
          nav.replaceChildren(pages > 1 ? pager(query, page, pages) : document.createTextNode(''));
          section.hidden = false;
        });
      })
      .catch(function () {
        show(status, '搜索暂时不可用，请稍后再试。');
      });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
  else run();
})();
