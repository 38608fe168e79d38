// Permalinks people type: a 文号 under /wh/ and an issue citation under /qk/ (or /wh/), in any of
// the spellings in use, normalised to one ASCII key whose resolver page is a static object.
// Plain ES5 without imports: the build and the preview server import this module, and the
// CloudFront viewer-request function on /wh/* and /qk/* is this very file minus `export`
// (infra/site.ts reads it; keep it under CloudFront's 10 KB function size limit).
//
// 文号 key: the issuer prefix as hex code points, then year and serial: 淮府〔2010〕69号 →
// 6dee-5e9c-2010-69 (淮府办 is 6dee-5e9c-529e-…: another key). Keys are ASCII, so no S3 key,
// CloudFront URI or origin request ever carries encoded Chinese.
// Issue key: 2010年第5期 → 2010-5; 总第53期 → z53.

var BRACKETS = '〔〕[]()【】〖〗〘〙〈〉《》{}<>「」『』﹝﹞';

// Full-width ASCII (Ａ, ２, （) and the ideographic space to their half-width forms.
function halfWidth(text) {
  var out = '';
  for (var i = 0; i < text.length; i++) {
    var c = text.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else out += text.charAt(i);
  }
  return out;
}

// Half-width, without spaces and brackets: what is left identifies the document or issue.
function squeeze(text) {
  var half = halfWidth(String(text));
  var out = '';
  for (var i = 0; i < half.length; i++) {
    var ch = half.charAt(i);
    if (BRACKETS.indexOf(ch) >= 0 || /\s/.test(ch) || ch === '+') continue;
    out += ch;
  }
  return out;
}

// Hex code points of a string, surrogate pairs joined: '淮府' → ['6dee', '5e9c'].
function codePoints(text) {
  var points = [];
  for (var i = 0; i < text.length; i++) {
    var c = text.charCodeAt(i);
    var next = text.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      c = (c - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000;
      i++;
    }
    points.push(c.toString(16));
  }
  return points;
}

var DOC_TEXT = /^([\u0080-\uffff]+?)(\d{4})第?0*([1-9]\d*)(?:号文?)?$/;
var DOC_KEY = /^[0-9a-f]{2,6}(?:-[0-9a-f]{2,6})*-\d{4}-[1-9]\d*$/;
var ISSUE_TEXT = /^[\u0080-\uffff]*?(\d{4})年?第?0*([1-9]\d?)期(?:总第?0*[1-9]\d*期)?$/;
var TOTAL_TEXT = /^[\u0080-\uffff]*?总第?0*([1-9]\d*)期$/;
var ISSUE_KEY = /^(?:\d{4}-[1-9]\d?|z[1-9]\d*)$/;

// The key of a 文号 as people write it, or undefined when the text is not one.
export function docNumberKey(text) {
  var m = DOC_TEXT.exec(squeeze(text));
  if (m === null) return undefined;
  return codePoints(m[1]).join('-') + '-' + m[2] + '-' + m[3];
}

// The key of an issue citation (2010年第5期, 2010年第5期（总第53期）, 总第53期), or undefined.
export function issueCitationKey(text) {
  var s = squeeze(text);
  var m = ISSUE_TEXT.exec(s);
  if (m !== null) return m[1] + '-' + m[2];
  m = TOTAL_TEXT.exec(s);
  return m === null ? undefined : 'z' + m[1];
}

function decode(text) {
  var plus = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- ES5: catch needs a binding
  } catch (e) {
    return plus;
  }
}

// The object path a request for a permalink is served from; other paths come back unchanged.
// `query` is the raw value of ?q= (the lookup form), if any.
export function permalinkUri(uri, query) {
  var m = /^\/(wh|qk)(?:\/(.*))?$/.exec(uri);
  if (m === null) return uri;
  var rest = decode((m[2] || '').replace(/(?:^|\/)index\.html$/, '')).replace(/\/+$/, '');
  // The index (`/wh/`), where the lookup form sends `?q=` when no script does it.
  var index = rest === '';
  if (index && typeof query === 'string') rest = decode(query);
  if (rest === '') return '/wh/index.html';
  var lower = rest.toLowerCase();
  if (m[1] === 'wh' && DOC_KEY.test(lower)) return '/wh/' + lower + '/index.html';
  if (ISSUE_KEY.test(lower)) return '/qk/' + lower + '/index.html';
  var issue = issueCitationKey(rest);
  if (issue !== undefined) return '/qk/' + issue + '/index.html';
  var doc = docNumberKey(rest);
  if (doc !== undefined) return '/wh/' + doc + '/index.html';
  // Unknown: the index for a lookup, else an object that does not exist (the 404 page).
  return index ? '/wh/index.html' : uri;
}

// The CloudFront Functions entry point (viewer request).
export function handler(event) {
  var request = event.request;
  var q = request.querystring && request.querystring.q ? request.querystring.q.value : undefined;
  request.uri = permalinkUri(request.uri, q);
  return request;
}
