// GFM tables: ruled cells with wrapped Chinese text, columns sized from their content (as an
// HTML table's automatic layout does), the header row repeated at the top of every page the
// table continues on. Structure: Table > THead/TBody > TR > TH/TD.

import type { Element } from 'hast';
import type { TextStyle } from '../../../../templates/pdf/style.ts';
import type { BlockBox, RenderContext } from '../context.ts';
import { inlineRuns } from '../inline.ts';
import { structNode, type StructNode } from '../layout.ts';
import { breakLines, breakOpportunities, shapeRuns, type Atom, type Line } from '../linebreak.ts';

interface Cell {
  atoms: Atom[];
  head: boolean;
  align: 'left' | 'center' | 'right';
  min: number;
  max: number;
}

interface Row {
  cells: Cell[];
  head: boolean;
}

export function table(node: Element, ctx: RenderContext, box: BlockBox): void {
  const { padding, leading, border } = ctx.style.table;
  const rows = collectRows(node, ctx);
  const columns = Math.max(0, ...rows.map((r) => r.cells.length));
  if (columns === 0) return;
  const widths = columnWidths(rows, columns, box.width, padding);
  const struct = structNode('Table', box.struct);
  const thead = rows.some((r) => r.head) ? structNode('THead', struct) : undefined;
  const tbody = structNode('TBody', struct);
  const header = rows.filter((r) => r.head);
  const flow = ctx.flow;
  flow.y += leading / 3;
  flow.ensure(leading + 2 * padding);

  const placeRow = (row: Row, rowStruct: StructNode | 'artifact'): void => {
    const lines: Line[][] = widths.map((w, i) => {
      const cell = row.cells[i];
      return cell ? breakLines(cell.atoms, { first: w - 2 * padding, rest: w - 2 * padding }, false) : [];
    });
    const height = Math.max(1, ...lines.map((l) => l.length)) * leading + 2 * padding;
    if (flow.y + height > flow.bottom + 0.01) {
      flow.newPage();
      if (!row.head) for (const h of header) placeRow(h, 'artifact');
    }
    const top = flow.y;
    let x = box.x;
    widths.forEach((w, i) => {
      const cell = row.cells[i];
      const cellStruct = rowStruct === 'artifact' ? 'artifact' : structNode(row.head ? 'TH' : 'TD', rowStruct, row.head ? { scope: 'Column' } : {});
      flow.y = top + padding;
      flow.placeLines(lines[i]!, { x: x + padding, width: w - 2 * padding, leading, align: cell?.align ?? 'left', struct: cellStruct });
      x += w;
    });
    const bottom = top + height;
    const right = box.x + widths.reduce((a, b) => a + b, 0);
    flow.add({ kind: 'rule', x1: box.x, y1: top, x2: right, y2: top, width: border, color: '#000000' });
    flow.add({ kind: 'rule', x1: box.x, y1: bottom, x2: right, y2: bottom, width: border, color: '#000000' });
    let vx = box.x;
    for (const w of [0, ...widths]) {
      vx += w;
      flow.add({ kind: 'rule', x1: vx, y1: top, x2: vx, y2: bottom, width: border, color: '#000000' });
    }
    flow.y = bottom;
  };

  for (const row of rows) placeRow(row, structNode('TR', row.head && thead ? thead : tbody));
  flow.y += leading / 2;
  flow.snapToGrid();
}

function collectRows(node: Element, ctx: RenderContext): Row[] {
  const rows: Row[] = [];
  const visit = (el: Element, head: boolean): void => {
    for (const child of el.children) {
      if (child.type !== 'element') continue;
      if (child.tagName === 'thead') visit(child, true);
      else if (child.tagName === 'tbody' || child.tagName === 'tfoot') visit(child, false);
      else if (child.tagName === 'tr') rows.push(rowOf(child, head, ctx));
      else ctx.problems.unknownTags.add(`table>${child.tagName}`);
    }
  };
  visit(node, false);
  return rows;
}

function rowOf(tr: Element, head: boolean, ctx: RenderContext): Row {
  const cells: Cell[] = [];
  for (const child of tr.children) {
    if (child.type !== 'element') continue;
    const isHead = child.tagName === 'th';
    const style: TextStyle = isHead ? ctx.style.table.head : ctx.style.table.text;
    const runs = inlineRuns(child.children, { ...style }, ctx);
    const atoms = shapeRuns(runs, ctx.fonts, { latinGap: ctx.style.latinGap, onMissing: (c) => ctx.problems.missingGlyphs.add(c) });
    const className = child.properties.className;
    const classes = Array.isArray(className) ? className.map(String) : [];
    const align = classes.includes('align-center') ? 'center' : classes.includes('align-right') ? 'right' : 'left';
    cells.push({ atoms, head: isHead, align, ...measure(atoms) });
  }
  return { cells, head };
}

/** Narrowest width without breaking inside a word, and width on one line. */
function measure(atoms: Atom[]): { min: number; max: number } {
  const breaks = breakOpportunities(atoms);
  let min = 0;
  let segment = 0;
  let max = 0;
  atoms.forEach((atom, i) => {
    if (breaks[i]) segment = 0;
    const w = atom.width + (i > 0 ? atom.gapBefore : 0);
    segment += w;
    max += w;
    min = Math.max(min, segment);
  });
  return { min, max };
}

/**
 * Full-width table. A column whose text fits in its fair share of the width gets exactly what
 * it needs (so 查阅点12 or 25家 never wraps); the others share the rest in proportion to how
 * much text they hold, never below their longest unbreakable word.
 */
function columnWidths(rows: Row[], columns: number, total: number, padding: number): number[] {
  const min = new Array<number>(columns).fill(0);
  const max = new Array<number>(columns).fill(0);
  for (const row of rows) {
    row.cells.forEach((cell, i) => {
      min[i] = Math.max(min[i]!, cell.min + 2 * padding);
      max[i] = Math.max(max[i]!, cell.max + 2 * padding);
    });
  }
  const widths = new Array<number | undefined>(columns).fill(undefined);
  let room = total;
  for (let changed = true; changed;) {
    changed = false;
    const open = widths.map((w, i) => (w === undefined ? i : -1)).filter((i) => i >= 0);
    const fair = room / Math.max(1, open.length);
    for (const i of open) {
      if (max[i]! <= fair) {
        widths[i] = max[i]!;
        room -= max[i]!;
        changed = true;
      }
    }
  }
  const open = widths.map((w, i) => (w === undefined ? i : -1)).filter((i) => i >= 0);
  if (open.length === 0) {
    const used = total - room;
    return widths.map((w) => (w! * total) / used);
  }
  const sumMin = open.reduce((a, i) => a + min[i]!, 0);
  const sumMax = open.reduce((a, i) => a + max[i]!, 0);
  for (const i of open) {
    widths[i] = sumMin >= room ? (min[i]! * room) / sumMin : min[i]! + ((room - sumMin) * (max[i]! - min[i]!)) / Math.max(1e-9, sumMax - sumMin);
  }
  return widths.map((w) => w!);
}
