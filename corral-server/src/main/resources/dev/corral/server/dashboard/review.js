// A task's diff with the review airlock's findings inline: each finding under the header of its
// file and, when it names a line, right after that line of the new file. Paths, messages and the
// diff itself come from the agent: everything here is text built with h(), never markup.
import {h} from './dom.js';

export const SEVERITIES = ['block', 'warn', 'info'];

/** Git's C-style quoted path ("a/\303\244 b") back to text; anything else unchanged. */
function unquote(name) {
  if (!name.startsWith('"') || !name.endsWith('"') || name.length < 2) return name;
  const bytes = [];
  const escapes = {a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34};
  const body = name.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && /^[0-3][0-7]{2}/.test(body.slice(i + 1, i + 4))) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else if (c === '\\' && body[i + 1] in escapes) {
      bytes.push(escapes[body[++i]]);
    } else {
      bytes.push(...new TextEncoder().encode(c));
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** The path of a "--- a/x" / "+++ b/x" line: null for /dev/null. Git adds a tab after names with spaces. */
function sidePath(line) {
  let name = line.slice(4);
  if (name.endsWith('\t')) name = name.slice(0, -1);
  name = unquote(name);
  if (name === '/dev/null') return null;
  return name.startsWith('a/') || name.startsWith('b/') ? name.slice(2) : name;
}

/** The path of "diff --git a/P b/P" when both sides agree (spaces make the line ambiguous otherwise). */
function gitLinePaths(line) {
  const rest = line.slice('diff --git '.length);
  if (rest.startsWith('"')) {
    const m = rest.match(/^("(?:[^"\\]|\\.)*") ("(?:[^"\\]|\\.)*"|\S.*)$/);
    return m ? [m[1], m[2]].map(unquote).map((p) => p.replace(/^[ab]\//, '')) : [];
  }
  if ((rest.length - 5) % 2 !== 0) return [];
  const path = rest.slice(2, 2 + (rest.length - 5) / 2);
  return rest === 'a/' + path + ' b/' + path ? [path] : [];
}

/**
 * Splits a unified diff into file sections. Each line is {text, kind, newLine}; kind is 'file'
 * (the header lines), 'hunk', 'add', 'del', 'ctx' or '' (anything else, e.g. a cut notice). Hunk
 * bodies are counted from their "@@ -a,b +c,d @@" header, so a content line that starts with
 * "+++" or "diff" is still content.
 */
export function parseDiff(text) {
  const files = [];
  const preamble = [];
  let file = null;
  let oldLeft = 0;
  let newLeft = 0;
  let next = 0;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) {
    const inHunk = oldLeft > 0 || newLeft > 0;
    if (inHunk && (line.startsWith(' ') || line === '')) {
      file.lines.push({text: line, kind: 'ctx', newLine: next++});
      oldLeft--;
      newLeft--;
    } else if (inHunk && line.startsWith('-')) {
      file.lines.push({text: line, kind: 'del', newLine: 0});
      oldLeft--;
    } else if (inHunk && line.startsWith('+')) {
      file.lines.push({text: line, kind: 'add', newLine: next++});
      newLeft--;
    } else if (file && line.startsWith('\\')) {
      file.lines.push({text: line, kind: '', newLine: 0}); // "\ No newline at end of file"
    } else if (line.startsWith('diff --git ')) {
      oldLeft = newLeft = 0;
      file = {paths: new Set(gitLinePaths(line)), lines: [{text: line, kind: 'file', newLine: 0}]};
      files.push(file);
    } else if (file && line.startsWith('@@')) {
      const m = line.match(/^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/);
      oldLeft = m ? Number(m[1] ?? 1) : 0;
      newLeft = m ? Number(m[3] ?? 1) : 0;
      next = m ? Number(m[2]) : 0;
      file.lines.push({text: line, kind: 'hunk', newLine: 0});
    } else if (file && (line.startsWith('--- ') || line.startsWith('+++ '))) {
      const path = sidePath(line);
      if (path !== null) file.paths.add(path);
      file.lines.push({text: line, kind: 'file', newLine: 0});
    } else if (file && /^(rename|copy) (from|to) /.test(line)) {
      file.paths.add(unquote(line.replace(/^(rename|copy) (from|to) /, '')));
      file.lines.push({text: line, kind: 'file', newLine: 0});
    } else if (file && !file.lines.some((l) => l.kind === 'hunk')) {
      file.lines.push({text: line, kind: 'file', newLine: 0}); // index, mode, "Binary files differ"
    } else {
      (file ? file.lines : preamble).push({text: line, kind: '', newLine: 0});
    }
  }
  return {preamble, files};
}

export function findingView(f) {
  const severity = SEVERITIES.includes(f.severity) ? f.severity : 'info';
  return h('div', {class: 'finding ' + severity, 'data-path': f.path, 'data-line': String(f.line || 0),
    'data-check': f.check},
  h('span', {class: 'severity'}, severity),
  ' ',
  h('span', {class: 'check'}, f.check),
  ' ',
  h('span', {class: 'where'}, f.path + (f.line > 0 ? ':' + f.line : '')),
  h('span', {class: 'message'}, f.message),
  f.hint ? h('span', {class: 'fix'}, f.hint) : null);
}

/**
 * The diff as pre#diff with the findings inline; returns {element, elsewhere}: elsewhere are the
 * findings whose path is not in the diff.
 */
export function reviewedDiff(text, findings) {
  const {preamble, files} = parseDiff(text);
  const byFile = new Map();
  const elsewhere = [];
  for (const f of findings) {
    const file = files.find((x) => x.paths.has(f.path));
    if (!file) {
      elsewhere.push(f);
      continue;
    }
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file).push(f);
  }
  const line = (l) => h('span', {class: l.kind}, l.text + '\n');
  const children = preamble.map(line);
  for (const file of files) {
    const mine = byFile.get(file) || [];
    const placed = new Set();
    const atLine = (n) => mine.filter((f) => f.line > 0 && f.line === n && !placed.has(f));
    const body = file.lines.filter((l) => l.kind !== 'file').flatMap((l) => {
      const here = l.newLine > 0 ? atLine(l.newLine) : [];
      here.forEach((f) => placed.add(f));
      return [line(l), ...here.map(findingView)];
    });
    const head = file.lines.filter((l) => l.kind === 'file').map(line);
    // A finding without a line, or whose line the diff does not show, goes under the header.
    const top = mine.filter((f) => !placed.has(f)).map(findingView);
    children.push(h('span', {class: 'file-section', 'data-paths': [...file.paths].join('\n')},
        head, top, body));
  }
  return {element: h('pre', {class: 'diff', id: 'diff'}, children), elsewhere};
}

/** The summary above the diff: counts by severity, whether merge needs accept-risk, notes. */
export function reviewSummary(review, elsewhere) {
  const counts = SEVERITIES.map((s) => {
    const n = review.findings.filter((f) => f.severity === s).length;
    return h('span', {class: 'count ' + s + (n ? '' : ' none'), 'data-severity': s}, n + ' ' + s);
  });
  return h('div', {class: 'findings', id: 'findings', 'data-blocking': String(review.blocking)},
      h('p', {class: 'counts'}, 'Review of ' + review.files + ' changed path(s): ', counts),
      review.blocking
        ? h('p', {class: 'blocking', id: 'findings-blocking'}, 'blocking: merge needs accept-risk')
        : null,
      review.notes.length
        ? h('ul', {class: 'notes', id: 'findings-notes'}, review.notes.map((n) => h('li', {}, n)))
        : null,
      elsewhere.length
        ? h('div', {id: 'findings-elsewhere'},
            h('p', {class: 'hint'}, 'Not in the diff:'), elsewhere.map(findingView))
        : null);
}

/** One line per blocking finding, as the merge gate lists them. */
export function blockingLines(review) {
  return review.findings.filter((f) => f.severity === 'block').map((f) =>
    f.check + ' ' + f.path + (f.line > 0 ? ':' + f.line : '') + ': ' + f.message);
}
