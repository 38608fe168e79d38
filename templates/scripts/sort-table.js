// Sortable tables, as a progressive enhancement: a table marked `data-sortable` is complete and
// in a meaningful order without this script. The script turns the text of each header with
// `data-sort="number"|"text"` into a button; pressing it (mouse, Enter or Space) sorts the body
// rows by that column, toggling ascending and descending, and sets `aria-sort` on the header.
// Cells may carry `data-value` (the number behind a formatted figure; empty = not measured,
// always last). A polite live region says what the order now is.
/* global document */
(function () {
  'use strict';

  var collator = new Intl.Collator('zh-CN', { numeric: true });

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return '';
    var value = cell.getAttribute('data-value');
    return value === null ? (cell.textContent || '').trim() : value;
  }

  function compare(type, a, b) {
    // Missing values sort last whatever the direction: handled by the caller.
    if (type === 'number') return Number(a) - Number(b);
    return collator.compare(a, b);
  }

  function sortBy(table, header, index, type, status) {
    var tbody = table.tBodies[0];
    if (!tbody) return;
    var direction = header.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
    var sign = direction === 'ascending' ? 1 : -1;
    var rows = Array.prototype.slice.call(tbody.rows);
    var keyed = rows.map(function (row, position) {
      return { row: row, value: cellValue(row, index), position: position };
    });
    keyed.sort(function (x, y) {
      var xMissing = x.value === '';
      var yMissing = y.value === '';
      if (xMissing !== yMissing) return xMissing ? 1 : -1;
      var order = xMissing ? 0 : sign * compare(type, x.value, y.value);
      return order !== 0 ? order : x.position - y.position;
    });
    keyed.forEach(function (entry) {
      tbody.appendChild(entry.row);
    });
    var headers = table.tHead ? table.tHead.querySelectorAll('th[data-sort]') : [];
    Array.prototype.forEach.call(headers, function (other) {
      if (other !== header) other.removeAttribute('aria-sort');
    });
    header.setAttribute('aria-sort', direction);
    var label = header.getAttribute('data-label') || '';
    status.textContent = '已按“' + label + '”' + (direction === 'ascending' ? '升序' : '降序') + '排列。';
  }

  function enhance(table) {
    var status = document.createElement('p');
    status.className = 'sort-status';
    status.setAttribute('aria-live', 'polite');
    table.parentNode.insertBefore(status, table.nextSibling);
    var headers = table.tHead ? table.tHead.querySelectorAll('th[data-sort]') : [];
    Array.prototype.forEach.call(headers, function (header) {
      var label = (header.textContent || '').trim();
      var index = header.cellIndex;
      var type = header.getAttribute('data-sort');
      header.setAttribute('data-label', label);
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort-button';
      button.textContent = label;
      var hint = document.createElement('span');
      hint.className = 'sort-status';
      hint.textContent = '（按此列排序）';
      button.appendChild(hint);
      header.textContent = '';
      header.appendChild(button);
      button.addEventListener('click', function () {
        sortBy(table, header, index, type, status);
      });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll('table[data-sortable]'), enhance);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
